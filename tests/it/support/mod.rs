//! Misbehaving HTTP/HTTPS test server for the end-to-end tests.
//!
//! Every `TestServer` listens on its own ephemeral port on 127.0.0.1 and
//! serves each connection on its own thread, one request per connection
//! (`Connection: close`).  Every behaviour that waits is bounded (at most
//! about 20 s), ends early when the client goes away, and ends when the
//! `TestServer` is dropped, so nothing here can hang the test process.
//!
//! Query parameters are percent-decoded (`%XX` only; `+` stays a literal
//! plus sign).
//!
//! A test never sleeps to let the program get somewhere: it waits for what it can see (the
//! requests that arrived, a [`Gate`] a reply waits at, requests [gathered](TestServer::gather)
//! in flight at once), and bounds every wait generously, so that a loaded machine is slower
//! but never wrong.

mod black_hole;
mod command;
pub mod elsewhere;
pub mod globalping;
mod process;
mod proxy;
mod shape;
mod tls;

pub use black_hole::*;
pub use command::*;
pub use process::*;
pub use proxy::TunnellingProxy;
pub use tls::TestCert;

use std::collections::HashMap;
use std::io::{self, ErrorKind, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread;
use std::time::{Duration, Instant};

use rustls::{ServerConfig, ServerConnection, StreamOwned};

/// Upper bound for every waiting behaviour.
const MAX_WAIT: Duration = Duration::from_secs(20);
/// How long a test waits for something it expects to see before it fails: long enough for a
/// loaded machine, short enough to name a hang.
pub const PATIENCE: Duration = Duration::from_secs(20);
/// What a loaded machine may add to a deadline. A test checks that something ends within its
/// deadline plus this, never that it is fast: speed is measured in `bench/`, not in tests.
pub const SLACK: Duration = Duration::from_secs(8);
/// Request heads larger than this get a 431.
const MAX_HEAD: usize = 64 * 1024;
/// Granularity of trickling and of client-gone checks.
const TICK: Duration = Duration::from_millis(100);
/// How long a client may take to send its request head.
const HEAD_TIMEOUT: Duration = Duration::from_secs(10);
/// How long to wait for a request body announced by Content-Length.
const BODY_TIMEOUT: Duration = Duration::from_secs(5);
/// Largest request body we bother to read (and discard).
const MAX_BODY: usize = 64 * 1024 * 1024;
/// How long to drain the client after replying, before closing.
const LINGER: Duration = Duration::from_secs(2);
/// Socket read timeout used for polling loops.
const POLL: Duration = Duration::from_millis(200);
/// Cap on what `/endless` sends.
const ENDLESS_MAX_BYTES: u64 = 2 * 1024 * 1024 * 1024;

// ---------------------------------------------------------------------------
// Public API
// ---------------------------------------------------------------------------

/// One request as the server saw it.
#[derive(Clone, Debug)]
pub struct Recorded {
    pub method: String,
    /// Request target as sent, including the query string.
    pub path: String,
    /// Header names are lowercased; values are trimmed.
    pub headers: Vec<(String, String)>,
}

impl Recorded {
    /// First value of the header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        header_in(&self.headers, name)
    }
}

/// First value of the header `name` (case-insensitive) among headers whose names are lowercased.
pub fn header_in<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    let name = name.to_ascii_lowercase();
    headers
        .iter()
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.as_str())
}

/// Polls `done` until it holds; fails naming `what` after [`PATIENCE`].
pub fn eventually(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + PATIENCE;
    while !done() {
        assert!(
            Instant::now() < deadline,
            "{what}: not seen within {PATIENCE:?}"
        );
        thread::sleep(Duration::from_millis(10));
    }
}

/// Something a reply waits for (see [`Reply::after`]): opened by the test, or by another reply
/// once it is sent (see [`Reply::opening`]).
#[derive(Clone, Debug, Default)]
pub struct Gate(Arc<AtomicBool>);

impl Gate {
    pub fn new() -> Gate {
        Gate::default()
    }

    pub fn open(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    fn is_open(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}

/// A canned reply for a custom route.
#[derive(Clone, Debug)]
pub struct Reply {
    pub status: u16,
    pub reason: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    pub delay: Duration,
    /// Answered only once this gate is open.
    after: Option<Gate>,
    /// Opened once this reply is sent.
    opens: Option<Gate>,
}

impl Reply {
    /// Standard reason phrase for the code, no headers, empty body.
    /// `Content-Length` (unless a `Content-Length` or `Transfer-Encoding`
    /// header was given) and `Connection: close` (unless a `Connection`
    /// header was given) are added when the reply is written.
    pub fn new(status: u16) -> Reply {
        Reply {
            status,
            reason: standard_reason(status).to_string(),
            headers: Vec::new(),
            body: Vec::new(),
            delay: Duration::ZERO,
            after: None,
            opens: None,
        }
    }

    /// `text/plain; charset=utf-8` reply.
    pub fn text(status: u16, body: &str) -> Reply {
        Reply::new(status)
            .header("Content-Type", "text/plain; charset=utf-8")
            .body(body)
    }

    /// `application/json` reply.
    pub fn json(status: u16, body: &str) -> Reply {
        Reply::new(status)
            .header("Content-Type", "application/json")
            .body(body)
    }

    /// `text/html; charset=utf-8` reply.
    pub fn html(status: u16, body: &str) -> Reply {
        Reply::new(status)
            .header("Content-Type", "text/html; charset=utf-8")
            .body(body)
    }

    /// Adds a header (written verbatim, in order).
    pub fn header(mut self, name: &str, value: &str) -> Reply {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }

    /// Raw reason phrase, written exactly as given.
    pub fn reason(mut self, reason: &str) -> Reply {
        self.reason = reason.to_string();
        self
    }

    /// Replaces the body.
    pub fn body(mut self, body: impl AsRef<[u8]>) -> Reply {
        self.body = body.as_ref().to_vec();
        self
    }

    /// Waits this long before answering (capped at 20 s).
    pub fn delay(mut self, d: Duration) -> Reply {
        self.delay = d;
        self
    }

    /// Answers only once `gate` is open (then after the delay, if any). A gate still shut
    /// after 20 s gets a 503 that says so; a client that leaves meanwhile gets nothing.
    pub fn after(mut self, gate: &Gate) -> Reply {
        self.after = Some(gate.clone());
        self
    }

    /// Opens `gate` once this reply has been sent.
    pub fn opening(mut self, gate: &Gate) -> Reply {
        self.opens = Some(gate.clone());
        self
    }
}

/// The server.  Dropping it stops accepting connections and makes every
/// waiting connection thread give up promptly (best-effort).
pub struct TestServer {
    addr: SocketAddr,
    tls: bool,
    shared: Arc<Shared>,
}

impl TestServer {
    /// Plain HTTP server on 127.0.0.1:<ephemeral>.
    pub fn start() -> TestServer {
        TestServer::start_inner(None, "127.0.0.1:0".parse().expect("an address"))
    }

    /// HTTPS server presenting `cert` (same routes as plain HTTP).
    pub fn start_tls(cert: &TestCert) -> TestServer {
        TestServer::start_inner(
            Some(tls::server_config(cert)),
            "127.0.0.1:0".parse().expect("an address"),
        )
    }

    /// Plain HTTP server on this loopback address and port (0: any free port); `None` when the
    /// address cannot be bound (no ::1 on this machine, or the port is taken).
    pub fn start_at(address: SocketAddr) -> Option<TestServer> {
        let listener = TcpListener::bind(address).ok()?;
        Some(TestServer::serve(None, listener))
    }

    fn start_inner(tls: Option<Arc<ServerConfig>>, address: SocketAddr) -> TestServer {
        let listener = TcpListener::bind(address).expect("test server: bind a loopback address");
        TestServer::serve(tls, listener)
    }

    fn serve(tls: Option<Arc<ServerConfig>>, listener: TcpListener) -> TestServer {
        let addr = listener.local_addr().expect("test server: local_addr");
        let shared = Arc::new(Shared {
            routes: Mutex::new(HashMap::new()),
            requests: Mutex::new(Vec::new()),
            crowd: Mutex::new(Crowd::default()),
            stop: AtomicBool::new(false),
        });
        let is_tls = tls.is_some();
        let sh = Arc::clone(&shared);
        thread::Builder::new()
            .name(format!("test-server-accept-{}", addr.port()))
            .spawn(move || accept_loop(listener, sh, tls))
            .expect("test server: spawn accept thread");
        TestServer {
            addr,
            tls: is_tls,
            shared,
        }
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// `http://127.0.0.1:PORT` + path (`https://` for TLS servers; `[::1]` on ::1).
    pub fn url(&self, path: &str) -> String {
        let scheme = if self.tls { "https" } else { "http" };
        let host = if self.addr.is_ipv6() {
            "[::1]"
        } else {
            "127.0.0.1"
        };
        format!("{scheme}://{host}:{}{path}", self.addr.port())
    }

    /// Custom route: exact match on the path and query as sent, or else on the path without
    /// the query string.
    /// Overrides built-in routes (including the misbehaving ones).
    pub fn route(&self, path: &str, reply: Reply) {
        self.route_each(path, vec![reply]);
    }

    /// Custom route whose first request gets the first reply, the second the second, and so
    /// on; every request after the last reply gets the last one again.
    pub fn route_each(&self, path: &str, replies: Vec<Reply>) {
        assert!(!replies.is_empty(), "a route needs a reply");
        let route = Route { replies, served: 0 };
        lock(&self.shared.routes).insert(path.to_string(), route);
    }

    /// From now on, no request is answered until `count` requests have been in flight at the
    /// same time (see [`TestServer::most_in_flight`]): a test sees that requests are made
    /// together however slowly they come, not by timing them. Requests that wait 20 s in vain
    /// get a 503 that says so.
    pub fn gather(&self, count: usize) {
        lock(&self.shared.crowd).wanted = count;
    }

    /// The most requests that were in flight at once: received, and not yet answered.
    pub fn most_in_flight(&self) -> usize {
        lock(&self.shared.crowd).most
    }

    /// Every request received so far, in arrival order.
    pub fn requests(&self) -> Vec<Recorded> {
        lock(&self.shared.requests).clone()
    }

    /// Waits until at least `count` requests have arrived (at most [`PATIENCE`], then
    /// panics): a test acts once the program is where it wants it, not after a guessed sleep.
    pub fn wait_for_requests(&self, count: usize) {
        eventually(&format!("{count} requests at the test server"), || {
            lock(&self.shared.requests).len() >= count
        });
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so it notices the stop flag and exits.
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_secs(1));
    }
}

/// Standard reason phrase for a status code ("" for unassigned codes).
pub fn standard_reason(code: u16) -> &'static str {
    match code {
        100 => "Continue",
        101 => "Switching Protocols",
        102 => "Processing",
        103 => "Early Hints",
        200 => "OK",
        201 => "Created",
        202 => "Accepted",
        203 => "Non-Authoritative Information",
        204 => "No Content",
        205 => "Reset Content",
        206 => "Partial Content",
        207 => "Multi-Status",
        208 => "Already Reported",
        226 => "IM Used",
        300 => "Multiple Choices",
        301 => "Moved Permanently",
        302 => "Found",
        303 => "See Other",
        304 => "Not Modified",
        305 => "Use Proxy",
        307 => "Temporary Redirect",
        308 => "Permanent Redirect",
        400 => "Bad Request",
        401 => "Unauthorized",
        402 => "Payment Required",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        406 => "Not Acceptable",
        407 => "Proxy Authentication Required",
        408 => "Request Timeout",
        409 => "Conflict",
        410 => "Gone",
        411 => "Length Required",
        412 => "Precondition Failed",
        413 => "Content Too Large",
        414 => "URI Too Long",
        415 => "Unsupported Media Type",
        416 => "Range Not Satisfiable",
        417 => "Expectation Failed",
        418 => "I'm a teapot",
        421 => "Misdirected Request",
        422 => "Unprocessable Content",
        423 => "Locked",
        424 => "Failed Dependency",
        425 => "Too Early",
        426 => "Upgrade Required",
        428 => "Precondition Required",
        429 => "Too Many Requests",
        431 => "Request Header Fields Too Large",
        451 => "Unavailable For Legal Reasons",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        505 => "HTTP Version Not Supported",
        506 => "Variant Also Negotiates",
        507 => "Insufficient Storage",
        508 => "Loop Detected",
        510 => "Not Extended",
        511 => "Network Authentication Required",
        _ => "",
    }
}

// ---------------------------------------------------------------------------
// Internals
// ---------------------------------------------------------------------------

struct Shared {
    routes: Mutex<HashMap<String, Route>>,
    requests: Mutex<Vec<Recorded>>,
    crowd: Mutex<Crowd>,
    stop: AtomicBool,
}

impl Shared {
    fn stopped(&self) -> bool {
        self.stop.load(Ordering::SeqCst)
    }

    /// The reply for this request to `path`, if it has a custom route.
    fn reply_for(&self, path: &str) -> Option<Reply> {
        let mut routes = lock(&self.routes);
        let route = routes.get_mut(path)?;
        let reply = route.replies[route.served.min(route.replies.len() - 1)].clone();
        route.served += 1;
        Some(reply)
    }

    fn gathered(&self) -> bool {
        let crowd = lock(&self.crowd);
        crowd.most >= crowd.wanted
    }
}

/// The replies of a custom route, in turn.
struct Route {
    replies: Vec<Reply>,
    served: usize,
}

/// The requests in flight, the most there were at once, and how many to gather.
#[derive(Default)]
struct Crowd {
    in_flight: usize,
    most: usize,
    wanted: usize,
}

/// One request in flight, from when it was read until it is answered.
struct InFlight<'a>(&'a Shared);

impl<'a> InFlight<'a> {
    fn enter(shared: &'a Shared) -> InFlight<'a> {
        let mut crowd = lock(&shared.crowd);
        crowd.in_flight += 1;
        crowd.most = crowd.most.max(crowd.in_flight);
        InFlight(shared)
    }
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        lock(&self.0.crowd).in_flight -= 1;
    }
}

/// How a wait for something the test controls ended.
enum Waited {
    Done,
    /// The client went away or the server was dropped: nothing more to send.
    Gone,
    /// Still not there after MAX_WAIT.
    InVain,
}

/// Waits, watching the client, until `done` holds.
fn wait_until(conn: &mut Conn, shared: &Shared, done: impl Fn() -> bool) -> Waited {
    let deadline = Instant::now() + MAX_WAIT;
    loop {
        if done() {
            return Waited::Done;
        }
        if Instant::now() >= deadline {
            return Waited::InVain;
        }
        if !tick_client_alive(conn, shared) {
            return Waited::Gone;
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

fn accept_loop(listener: TcpListener, shared: Arc<Shared>, tls: Option<Arc<ServerConfig>>) {
    for incoming in listener.incoming() {
        if shared.stopped() {
            break;
        }
        let stream = match incoming {
            Ok(s) => s,
            Err(_) => {
                // e.g. EMFILE: back off instead of spinning.
                thread::sleep(Duration::from_millis(10));
                continue;
            }
        };
        let sh = Arc::clone(&shared);
        let cfg = tls.clone();
        let _ = thread::Builder::new()
            .name("test-server-conn".to_string())
            .spawn(move || handle_connection(stream, sh, cfg));
    }
}

enum Conn {
    Plain(TcpStream),
    Tls(Box<StreamOwned<ServerConnection, TcpStream>>),
}

impl Conn {
    fn tcp(&self) -> &TcpStream {
        match self {
            Conn::Plain(s) => s,
            Conn::Tls(s) => &s.sock,
        }
    }
}

impl Read for Conn {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Conn::Plain(s) => s.read(buf),
            Conn::Tls(s) => s.read(buf),
        }
    }
}

impl Write for Conn {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Conn::Plain(s) => s.write(buf),
            Conn::Tls(s) => s.write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Conn::Plain(s) => s.flush(),
            Conn::Tls(s) => s.flush(),
        }
    }
}

fn is_timeout(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        ErrorKind::WouldBlock | ErrorKind::TimedOut | ErrorKind::Interrupted
    )
}

enum Head {
    /// The request head (terminator included).
    Complete {
        head: Vec<u8>,
        /// Plain only: bytes at the end of the head still unread in the
        /// socket (at least 1), so `/reset` can close with data pending.
        unread: usize,
        /// TLS only: bytes read past the head (start of a body).
        extra: Vec<u8>,
    },
    TooLarge,
    Gone,
}

/// Index just past the end of the request head, looking only at
/// terminators whose final byte is at or after `from`.
fn find_head_end(buf: &[u8], from: usize) -> Option<usize> {
    (from..buf.len()).find_map(|i| {
        if buf[i] != b'\n' {
            return None;
        }
        let crlf = i >= 3 && &buf[i - 3..=i] == b"\r\n\r\n";
        let lf = i >= 1 && buf[i - 1] == b'\n';
        (crlf || lf).then_some(i + 1)
    })
}

/// Plain TCP: find the head with `peek`, consuming everything except the
/// last one or two bytes of the head.
fn read_head_plain(s: &TcpStream, shared: &Shared) -> Head {
    let deadline = Instant::now() + HEAD_TIMEOUT;
    let _ = s.set_read_timeout(Some(POLL));
    let mut acc: Vec<u8> = Vec::new();
    let mut buf = vec![0u8; 16 * 1024];
    loop {
        match s.peek(&mut buf) {
            Ok(0) => return Head::Gone,
            Ok(n) => {
                let start = acc.len();
                acc.extend_from_slice(&buf[..n]);
                if let Some(end) = find_head_end(&acc, start) {
                    if end > MAX_HEAD {
                        return Head::TooLarge;
                    }
                    let in_head = end - start; // >= 1: the terminator ends in new data
                    let unread = in_head.min(2);
                    if consume(s, in_head - unread).is_err() {
                        return Head::Gone;
                    }
                    acc.truncate(end);
                    return Head::Complete {
                        head: acc,
                        unread,
                        extra: Vec::new(),
                    };
                }
                // No terminator in what we peeked: consume it all, so the
                // next peek blocks until more data arrives.
                if consume(s, n).is_err() {
                    return Head::Gone;
                }
                if acc.len() > MAX_HEAD {
                    return Head::TooLarge;
                }
            }
            Err(e) if is_timeout(&e) => {
                if shared.stopped() || Instant::now() >= deadline {
                    return Head::Gone;
                }
            }
            Err(_) => return Head::Gone,
        }
    }
}

/// Reads and discards exactly `n` bytes.
fn consume(mut s: &TcpStream, mut n: usize) -> io::Result<()> {
    let mut scratch = [0u8; 4096];
    while n > 0 {
        let k = n.min(scratch.len());
        match s.read(&mut scratch[..k]) {
            Ok(0) => return Err(ErrorKind::UnexpectedEof.into()),
            Ok(got) => n -= got,
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// TLS: ordinary reads (this also drives the handshake).
fn read_head_tls(conn: &mut Conn, shared: &Shared) -> Head {
    let deadline = Instant::now() + HEAD_TIMEOUT;
    let _ = conn.tcp().set_read_timeout(Some(POLL));
    let mut acc: Vec<u8> = Vec::new();
    let mut buf = vec![0u8; 16 * 1024];
    loop {
        match conn.read(&mut buf) {
            Ok(0) => return Head::Gone,
            Ok(n) => {
                let start = acc.len();
                acc.extend_from_slice(&buf[..n]);
                if let Some(end) = find_head_end(&acc, start) {
                    if end > MAX_HEAD {
                        return Head::TooLarge;
                    }
                    let extra = acc.split_off(end);
                    return Head::Complete {
                        head: acc,
                        unread: 0,
                        extra,
                    };
                }
                if acc.len() > MAX_HEAD {
                    return Head::TooLarge;
                }
            }
            Err(e) if is_timeout(&e) => {
                if shared.stopped() || Instant::now() >= deadline {
                    return Head::Gone;
                }
            }
            // Handshake failures (client rejected our certificate, ...)
            // and any other error end the connection quietly.
            Err(_) => return Head::Gone,
        }
    }
}

struct Parsed {
    method: String,
    target: String,
    headers: Vec<(String, String)>,
}

fn parse_head(head: &[u8]) -> Option<Parsed> {
    let text = String::from_utf8_lossy(head);
    let mut lines = text
        .split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .skip_while(|l| l.is_empty());
    let request_line = lines.next()?;
    let mut parts = request_line.split_whitespace();
    let method = parts.next()?.to_string();
    let target = parts.next()?.to_string();
    let mut headers = Vec::new();
    for line in lines {
        if line.is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            headers.push((name.trim().to_ascii_lowercase(), value.trim().to_string()));
        }
    }
    Some(Parsed {
        method,
        target,
        headers,
    })
}

fn handle_connection(stream: TcpStream, shared: Arc<Shared>, tls: Option<Arc<ServerConfig>>) {
    let _ = stream.set_nodelay(true);
    let _ = stream.set_write_timeout(Some(MAX_WAIT));
    let mut conn = match tls {
        None => Conn::Plain(stream),
        Some(cfg) => match ServerConnection::new(cfg) {
            Ok(c) => Conn::Tls(Box::new(StreamOwned::new(c, stream))),
            Err(_) => return,
        },
    };

    let head = match &conn {
        Conn::Plain(s) => read_head_plain(s, &shared),
        Conn::Tls(_) => read_head_tls(&mut conn, &shared),
    };
    let (head, unread, extra) = match head {
        Head::Complete {
            head,
            unread,
            extra,
        } => (head, unread, extra),
        Head::TooLarge => {
            let _ = send(
                &mut conn,
                false,
                431,
                standard_reason(431).as_bytes(),
                &[text_plain()],
                b"request head too large\n",
            );
            close_gracefully(conn, &shared);
            return;
        }
        Head::Gone => return,
    };

    let Some(req) = parse_head(&head) else {
        if let Conn::Plain(s) = &conn {
            let _ = consume(s, unread);
        }
        let _ = send(
            &mut conn,
            false,
            400,
            b"Bad Request",
            &[text_plain()],
            b"bad request\n",
        );
        close_gracefully(conn, &shared);
        return;
    };

    // Counted in flight before it shows among the requests: a test that saw it sees it counted.
    let in_flight = InFlight::enter(&shared);
    lock(&shared.requests).push(Recorded {
        method: req.method.clone(),
        path: req.target.clone(),
        headers: req.headers.clone(),
    });

    let (path, query) = match req.target.split_once('?') {
        Some((p, q)) => (p.to_string(), parse_query(q)),
        None => (req.target.clone(), Vec::new()),
    };
    // A route may name the query too (a DNS-over-HTTPS question), else the path alone.
    let custom = shared
        .reply_for(&req.target)
        .or_else(|| shared.reply_for(&path));

    if custom.is_none() && path == "/reset" {
        // Plain: part of the request is still unread in the kernel, so
        // closing now makes the kernel send RST instead of FIN.
        // TLS: just drop the connection without close_notify.
        drop(conn);
        return;
    }

    // Consume the rest of the request so the close after the reply is clean.
    if let Conn::Plain(s) = &conn {
        if consume(s, unread).is_err() {
            return;
        }
    }
    read_body(&mut conn, &req.headers, extra.len(), &shared);

    let head_only = req.method.eq_ignore_ascii_case("HEAD");
    let _ = match wait_until(&mut conn, &shared, || shared.gathered()) {
        Waited::Done => match custom {
            Some(reply) => serve_custom(&mut conn, &shared, head_only, &reply),
            None => serve_builtin(&mut conn, &shared, head_only, &path, &query),
        },
        Waited::Gone => return,
        Waited::InVain => {
            let wanted = lock(&shared.crowd).wanted;
            let why =
                format!("test server: fewer than {wanted} requests were ever in flight at once\n");
            send_text(&mut conn, head_only, 503, &why)
        }
    };
    drop(in_flight);
    close_gracefully(conn, &shared);
}

/// Reads and discards a Content-Length request body (bounded).
fn read_body(conn: &mut Conn, headers: &[(String, String)], already: usize, shared: &Shared) {
    let len = headers
        .iter()
        .find(|(k, _)| k == "content-length")
        .and_then(|(_, v)| v.parse::<usize>().ok())
        .unwrap_or(0)
        .min(MAX_BODY);
    let mut remaining = len.saturating_sub(already);
    let deadline = Instant::now() + BODY_TIMEOUT;
    let _ = conn.tcp().set_read_timeout(Some(POLL));
    let mut buf = vec![0u8; 16 * 1024];
    while remaining > 0 {
        let k = remaining.min(buf.len());
        match conn.read(&mut buf[..k]) {
            Ok(0) => return,
            Ok(n) => remaining -= n,
            Err(e) if is_timeout(&e) => {
                if shared.stopped() || Instant::now() >= deadline {
                    return;
                }
            }
            Err(_) => return,
        }
    }
}

/// Sends close_notify (TLS), half-closes, then drains whatever the client
/// still sends for a short while so that the close is a FIN, not an RST.
fn close_gracefully(mut conn: Conn, shared: &Shared) {
    let _ = conn.flush();
    if let Conn::Tls(s) = &mut conn {
        s.conn.send_close_notify();
        let _ = s.flush();
    }
    let tcp = conn.tcp();
    let _ = tcp.shutdown(Shutdown::Write);
    let _ = tcp.set_read_timeout(Some(TICK));
    let deadline = Instant::now() + LINGER;
    let mut buf = [0u8; 4096];
    let mut raw: &TcpStream = tcp;
    loop {
        match raw.read(&mut buf) {
            Ok(0) => break,
            Ok(_) => {}
            Err(e) if is_timeout(&e) => {}
            Err(_) => break,
        }
        if shared.stopped() || Instant::now() >= deadline {
            break;
        }
    }
}

fn parse_query(q: &str) -> Vec<(String, Vec<u8>)> {
    q.split('&')
        .filter(|kv| !kv.is_empty())
        .map(|kv| {
            let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
            (
                String::from_utf8_lossy(&pct_decode(k)).into_owned(),
                pct_decode(v),
            )
        })
        .collect()
}

fn query_get<'a>(query: &'a [(String, Vec<u8>)], name: &str) -> Option<&'a [u8]> {
    query
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_slice())
}

/// Decodes `%XX` escapes; anything else (including `+`) is kept as is.
fn pct_decode(s: &str) -> Vec<u8> {
    fn hex(b: u8) -> Option<u8> {
        match b {
            b'0'..=b'9' => Some(b - b'0'),
            b'a'..=b'f' => Some(b - b'a' + 10),
            b'A'..=b'F' => Some(b - b'A' + 10),
            _ => None,
        }
    }
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            if let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2])) {
                out.push(h * 16 + l);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    out
}

fn text_plain() -> (String, String) {
    (
        "Content-Type".to_string(),
        "text/plain; charset=utf-8".to_string(),
    )
}

fn hdr(name: &str, value: &str) -> (String, String) {
    (name.to_string(), value.to_string())
}

/// Serialises a complete response.  1xx, 204 and 304 get neither a body
/// nor an automatic Content-Length.
fn response_bytes(
    status: u16,
    reason: &[u8],
    headers: &[(String, String)],
    body: &[u8],
    head_only: bool,
) -> Vec<u8> {
    let bodyless = (100..200).contains(&status) || status == 204 || status == 304;
    let has = |n: &str| headers.iter().any(|(k, _)| k.eq_ignore_ascii_case(n));
    let mut out = Vec::with_capacity(256 + body.len());
    out.extend_from_slice(format!("HTTP/1.1 {status} ").as_bytes());
    out.extend_from_slice(reason);
    out.extend_from_slice(b"\r\n");
    for (k, v) in headers {
        out.extend_from_slice(k.as_bytes());
        out.extend_from_slice(b": ");
        out.extend_from_slice(v.as_bytes());
        out.extend_from_slice(b"\r\n");
    }
    if !bodyless && !has("content-length") && !has("transfer-encoding") {
        out.extend_from_slice(format!("Content-Length: {}\r\n", body.len()).as_bytes());
    }
    if !has("connection") {
        out.extend_from_slice(b"Connection: close\r\n");
    }
    out.extend_from_slice(b"\r\n");
    if !head_only && !bodyless {
        out.extend_from_slice(body);
    }
    out
}

fn send(
    conn: &mut Conn,
    head_only: bool,
    status: u16,
    reason: &[u8],
    headers: &[(String, String)],
    body: &[u8],
) -> io::Result<()> {
    conn.write_all(&response_bytes(status, reason, headers, body, head_only))?;
    conn.flush()
}

fn send_text(conn: &mut Conn, head_only: bool, status: u16, body: &str) -> io::Result<()> {
    send(
        conn,
        head_only,
        status,
        standard_reason(status).as_bytes(),
        &[text_plain()],
        body.as_bytes(),
    )
}

fn redirect(conn: &mut Conn, head_only: bool, location: &str) -> io::Result<()> {
    send(
        conn,
        head_only,
        302,
        b"Found",
        &[text_plain(), hdr("Location", location)],
        b"redirecting\n",
    )
}

/// Sleeps up to `d` (capped at MAX_WAIT); false if the server was dropped.
fn sleep_bounded(shared: &Shared, d: Duration) -> bool {
    let end = Instant::now() + d.min(MAX_WAIT);
    loop {
        if shared.stopped() {
            return false;
        }
        let now = Instant::now();
        if now >= end {
            return true;
        }
        thread::sleep((end - now).min(Duration::from_millis(20)));
    }
}

/// Waits about one TICK by reading from the client; false once the client
/// has closed the connection (or errored) or the server was dropped.
fn tick_client_alive(conn: &mut Conn, shared: &Shared) -> bool {
    let started = Instant::now();
    let _ = conn.tcp().set_read_timeout(Some(TICK));
    let mut buf = [0u8; 1024];
    let alive = match conn.read(&mut buf) {
        Ok(0) => false,
        Ok(_) => {
            // The client sent something: keep the pace anyway.
            let spent = started.elapsed();
            if spent < TICK {
                thread::sleep(TICK - spent);
            }
            true
        }
        Err(e) if is_timeout(&e) => true,
        Err(_) => false,
    };
    alive && !shared.stopped()
}

/// Keeps the connection open without sending anything until the client
/// goes away, the server is dropped, or MAX_WAIT passes.
fn hold_open(conn: &mut Conn, shared: &Shared) {
    let deadline = Instant::now() + MAX_WAIT;
    while Instant::now() < deadline && tick_client_alive(conn, shared) {}
}

/// Sends `bytes` one byte per TICK until the client goes away, the server
/// is dropped, MAX_WAIT passes, or the bytes run out.
fn trickle(conn: &mut Conn, shared: &Shared, bytes: impl Iterator<Item = u8>) {
    let deadline = Instant::now() + MAX_WAIT;
    for b in bytes {
        if Instant::now() >= deadline {
            return;
        }
        if conn.write_all(&[b]).is_err() || conn.flush().is_err() {
            return;
        }
        if !tick_client_alive(conn, shared) {
            return;
        }
    }
}

fn serve_custom(
    conn: &mut Conn,
    shared: &Shared,
    head_only: bool,
    reply: &Reply,
) -> io::Result<()> {
    if let Some(gate) = &reply.after {
        match wait_until(conn, shared, || gate.is_open()) {
            Waited::Done => {}
            Waited::Gone => return Ok(()),
            Waited::InVain => {
                return send_text(conn, head_only, 503, "test server: the gate never opened\n")
            }
        }
    }
    if !reply.delay.is_zero() && !sleep_bounded(shared, reply.delay) {
        return Ok(());
    }
    let sent = send(
        conn,
        head_only,
        reply.status,
        reply.reason.as_bytes(),
        &reply.headers,
        &reply.body,
    );
    if let Some(gate) = &reply.opens {
        gate.open();
    }
    sent
}

fn serve_builtin(
    conn: &mut Conn,
    shared: &Shared,
    head_only: bool,
    path: &str,
    query: &[(String, Vec<u8>)],
) -> io::Result<()> {
    if let Some(code) = path.strip_prefix("/status/") {
        return match code.parse::<u16>() {
            Ok(code) if (100..=999).contains(&code) => {
                let reason = match query_get(query, "reason") {
                    Some(r) => r.to_vec(),
                    None => standard_reason(code).as_bytes().to_vec(),
                };
                let body = format!("status {code}\n");
                send(
                    conn,
                    head_only,
                    code,
                    &reason,
                    &[text_plain()],
                    body.as_bytes(),
                )
            }
            _ => send_text(conn, head_only, 404, "not found\n"),
        };
    }
    if let Some(ms) = path.strip_prefix("/delay/") {
        return match ms.parse::<u64>() {
            Ok(ms) => {
                if !sleep_bounded(shared, Duration::from_millis(ms)) {
                    return Ok(());
                }
                send_text(conn, head_only, 200, "slept\n")
            }
            Err(_) => send_text(conn, head_only, 404, "not found\n"),
        };
    }
    if let Some(n) = path.strip_prefix("/redirect/") {
        return match n.parse::<u64>() {
            Ok(0) => send_text(conn, head_only, 200, "arrived\n"),
            Ok(n) => redirect(conn, head_only, &format!("/redirect/{}", n - 1)),
            Err(_) => send_text(conn, head_only, 404, "not found\n"),
        };
    }
    match path {
        "/" => send_text(conn, head_only, 200, "hello\n"),
        "/hang" => {
            hold_open(conn, shared);
            Ok(())
        }
        "/hang-body" => {
            conn.write_all(
                b"HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\n\
                  Content-Length: 100\r\nConnection: close\r\n\r\nhello",
            )?;
            conn.flush()?;
            hold_open(conn, shared);
            Ok(())
        }
        "/trickle-headers" => {
            conn.write_all(b"HTTP/1.1 200 OK\r\n")?;
            conn.flush()?;
            let bytes = b"X-Slow: ".iter().copied().chain(std::iter::repeat(b'a'));
            trickle(conn, shared, bytes);
            Ok(())
        }
        "/trickle-body" => {
            const LEN: usize = 100_000;
            let text = query_get(query, "text").unwrap_or(b"");
            let text = &text[..text.len().min(LEN)];
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\n\
                 Content-Length: {LEN}\r\nConnection: close\r\n\r\n"
            );
            conn.write_all(head.as_bytes())?;
            if head_only {
                return conn.flush();
            }
            conn.write_all(text)?;
            conn.flush()?;
            trickle(conn, shared, std::iter::repeat_n(b'.', LEN - text.len()));
            Ok(())
        }
        "/close" => Ok(()),
        "/garbage" => {
            conn.write_all(b"SSH-2.0-OpenSSH_9.6\r\n\x00\x01\x02 not http at all\r\n\r\n")?;
            conn.flush()
        }
        "/loop" => redirect(conn, head_only, "/loop"),
        "/redirect-to" => match query_get(query, "url") {
            Some(url) => redirect(conn, head_only, &String::from_utf8_lossy(url)),
            None => send_text(conn, head_only, 400, "missing ?url=\n"),
        },
        "/endless" => {
            conn.write_all(
                b"HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\n\
                  Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n",
            )?;
            conn.flush()?;
            if head_only {
                return Ok(());
            }
            let mut chunk = format!("{:x}\r\n", 16 * 1024).into_bytes();
            for _ in 0..(16 * 1024 / 2) {
                chunk.extend_from_slice(b"y\n");
            }
            chunk.extend_from_slice(b"\r\n");
            let deadline = Instant::now() + MAX_WAIT;
            let mut sent: u64 = 0;
            while sent < ENDLESS_MAX_BYTES && Instant::now() < deadline && !shared.stopped() {
                conn.write_all(&chunk)?;
                sent += 16 * 1024;
            }
            conn.flush()
        }
        "/body" => {
            let text = query_get(query, "text").unwrap_or(b"");
            send(conn, head_only, 200, b"OK", &[text_plain()], text)
        }
        "/big-headers" => {
            let mut out = Vec::with_capacity(1_200_000);
            out.extend_from_slice(b"HTTP/1.1 200 OK\r\n");
            let filler = [b'x'; 100];
            for i in 0..10_000 {
                out.extend_from_slice(format!("X-Flood-{i}: ").as_bytes());
                out.extend_from_slice(&filler);
                out.extend_from_slice(b"\r\n");
            }
            out.extend_from_slice(b"Content-Length: 0\r\nConnection: close\r\n\r\n");
            conn.write_all(&out)?;
            conn.flush()
        }
        "/cf-challenge" => send(
            conn,
            head_only,
            403,
            b"Forbidden",
            &[
                hdr("Content-Type", "text/html; charset=utf-8"),
                hdr("cf-mitigated", "challenge"),
                hdr("server", "cloudflare"),
            ],
            b"<html><title>Just a moment...</title></html>",
        ),
        _ => send_text(conn, head_only, 404, "not found\n"),
    }
}
