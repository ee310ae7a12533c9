//! The one way out: a request in, a response out, whatever happens on the way.

use std::io::Read;
use std::time::SystemTime;

use super::auth::OwnHeaders;
use super::body::{body_has, WALL_SNIFF_BYTES};
use super::bot_wall;
use super::failure::Stage;
use super::redirect::{self, Arrival, Route};
use super::request::{ReadBody, Request};
use super::response::{Response, Timings};
use super::transport::phase_log::Watch;
use super::transport::session::{self, Session};
use super::{Client, Method};

/// Sends `request` through `client`, follows redirects if asked, and reads as much of the body
/// as asked, all within the request's deadline. Never fails: whatever happens is in the
/// response.
pub fn send(client: &Client, request: &Request) -> Response {
    send_watched(client, request, &Watch::default())
}

/// [`send`], with `watch` showing how far it got while it runs.
pub fn send_watched(client: &Client, request: &Request, watch: &Watch) -> Response {
    let started_at = SystemTime::now();
    let timeout = request.timeout.unwrap_or(client.timeout);
    let session = Session::new(client, timeout, watch.0.clone());
    let first = match request.send_credentials {
        true => request.url.clone(),
        false => session::bare(&request.url),
    };
    let own_headers = OwnHeaders::of(&first, &request.headers);
    let walk = redirect::walk(
        &session,
        Route {
            url: request.url.clone(),
            method: request.method,
            body: request.body.as_deref(),
            head_falls_back_to_get: request.head_falls_back_to_get,
            follow_redirects: request.follow_redirects,
            own_headers: &own_headers,
            all_headers: request.all_headers,
        },
    );
    let mut seen = Response::started(started_at);
    seen.answer = walk.last_redirect;
    seen.redirects = walk.redirects;

    match walk.end {
        Err(why) => seen.failure = Some(why),
        Ok(Arrival {
            mut response,
            method,
            answer,
        }) => {
            let status = answer.status;
            // Walls come with any status, 200 included: the start of a document is read to
            // look for one.
            let look = method == Method::Get
                && bot_wall::worth_reading(status, answer.header("content-type"));
            let reader = response.body_mut().as_reader();
            let read = match &request.read {
                ReadBody::Upto(limit) => reader
                    .take(*limit as u64 + 1)
                    .read_to_end(&mut seen.body)
                    .map(drop)
                    .map_err(ureq::Error::from),
                ReadBody::Find(needle) if method == Method::Get => {
                    body_has(reader, needle.as_bytes(), &mut seen.body)
                        .map(|found| seen.body_contains = Some(found))
                }
                _ if look => {
                    // The start of the page counts in the probe's time and deadline, as it
                    // does for a browser: a body that stalls is a page that never loads. A
                    // body cut short otherwise only leaves less to look at.
                    match reader
                        .take(WALL_SNIFF_BYTES)
                        .read_to_end(&mut seen.body)
                        .map_err(ureq::Error::from)
                    {
                        Err(error) if is_timeout(&error) => Err(error),
                        _ => Ok(()),
                    }
                }
                _ => Ok(()),
            };
            if let Err(error) = read {
                seen.failure = Some(session.classify(&error, Stage::Body));
            }
            let start = seen.body.len().min(WALL_SNIFF_BYTES as usize);
            let body = std::mem::take(&mut seen.body);
            seen.answer = Some(answer);
            seen.recognise(&body[..start]);
            // A probe's reading only decides the wall, the edge and `--contains`; the
            // response may be kept a while (the last of every target), its body need not.
            if matches!(request.read, ReadBody::Upto(_)) {
                seen.body = body;
            }
        }
    }

    let log = session.recorder.snapshot();
    seen.timings = Timings {
        dns: log.dns,
        connect: log.connect,
        tls: log.tls,
        first_byte: log.first_byte,
        total: session.start.elapsed(),
    };
    seen.trust = client.trust.clone().filter(|_| log.tls.is_some());
    seen.certificate = log.certificate;
    seen.handshake = log.handshake;
    seen.address = log.address;
    seen.attempts = log.attempts;
    seen.proxy = log.proxy_used;
    seen
}

fn is_timeout(error: &ureq::Error) -> bool {
    match error {
        ureq::Error::Timeout(_) => true,
        ureq::Error::Io(e) => matches!(
            e.kind(),
            std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock
        ),
        _ => false,
    }
}
