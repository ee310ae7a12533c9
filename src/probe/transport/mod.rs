//! The seams the probe installs into ureq: a resolver and a chain of connectors whose every
//! step reports to one [`phase_log`] per request, so that each phase (DNS, connect, TLS, first
//! byte) is timed and a failure is known by the phase it happened in.
//!
//! Every use of ureq's `unversioned` API is in this folder, and nowhere else. ureq says of that
//! API that it "may break in any minor release", which is why `Cargo.toml` pins ureq to
//! `~3.5.2`: patch releases only.
//!
//! At an upgrade to a new minor release of ureq:
//! 1. read its changelog and the diff of `src/unversioned/` (the `Transport`, `Buffers`,
//!    `Connector`, `ConnectionDetails`, `NextTimeout`, `Resolver` and `ResolvedSocketAddrs`
//!    items used here), and of how `Agent::with_parts` drives a connector chain;
//! 2. change the pin in `Cargo.toml` to the new minor release, and adapt the files here only:
//!    nothing outside this folder may start using `unversioned`;
//! 3. run the whole test suite. The behaviour these seams give is held by the tests that talk
//!    to servers the tests start on 127.0.0.1: `tests/hostile_server.rs` (control characters
//!    and bare CRs in heads, statuses HTTP does not have, huge pages and certificate chains,
//!    plain HTTP on a TLS port), `tests/failures.rs` (every error kind told by its phase: DNS,
//!    refused, timeout, trickled heads and bodies, TLS, reset, garbage, a flood of headers,
//!    proxies), `tests/answers.rs` (reason phrases, interim 1xx answers), `tests/eyeballs.rs` (the connection race and every attempt
//!    noted), `tests/resolve.rs` (`--resolve` pins and the DNS seam), `tests/just_me.rs`
//!    (certificates checked and their issuer named through the TLS seam), `tests/edge.rs` and
//!    `tests/walls.rs` (reason phrases and headers as sent), `tests/globalping_fake.rs` (a POST
//!    and its answer through the same session), and the unit tests of `buffers`, `head` and
//!    `failure`. A phase that stops being timed, or a failure that loses its phase, shows
//!    there first.
//!
//! - `session`: one request's agent: the seams chained, the deadline, the proxy;
//! - `resolve`: `--resolve` pins, the DNS seam, the system resolver, timed;
//! - `tcp`: the connection race (see `probe::eyeballs`), timed, every attempt noted;
//! - `tls`: the handshake with our own rustls configuration, timed, the certificate kept;
//! - `first_byte`: the first byte of each answer timed, its raw status line kept, its head
//!   made parseable;
//! - `tunnel`: how far a connection through a proxy got, and the proxy's answer to CONNECT;
//! - `buffers`: buffers sized for a probe rather than ureq's 128 KiB each way;
//! - `phase_log`: what the seams saw, read back when the request ends.

mod buffers;
mod first_byte;
pub(super) mod phase_log;
mod port;
mod resolve;
pub(super) mod session;
mod tcp;
mod tls;
mod tunnel;
