//! Races on 127.0.0.1 and ::1: working listeners, closed ports, and listeners whose full
//! backlog makes the kernel drop connection attempts, so that the handshake never completes.

use super::*;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, TcpListener};

use socket2::{Domain, Socket, Type};

const V4: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);
const V6: IpAddr = IpAddr::V6(Ipv6Addr::LOCALHOST);

fn ipv6_works() -> bool {
    let works = TcpListener::bind("[::1]:0").is_ok();
    if !works {
        eprintln!("skipped: ::1 is not available on this machine");
    }
    works
}

/// A listener that accepts connections into its backlog and is never asked for them.
fn listening(ip: IpAddr) -> (TcpListener, SocketAddr) {
    let listener = TcpListener::bind((ip, 0)).expect("bind a loopback listener");
    let address = listener.local_addr().expect("listener address");
    (listener, address)
}

/// An address where nothing listens: connecting is refused at once.
fn closed(ip: IpAddr) -> SocketAddr {
    listening(ip).1
}

/// A listener whose backlog is full: the kernel drops further SYNs, so a connection attempt
/// waits until its own timeout. Keep the returned value alive for as long as it is needed.
struct BlackHole {
    address: SocketAddr,
    _listener: Socket,
    _queued: Vec<TcpStream>,
}

fn black_hole(ip: IpAddr) -> BlackHole {
    let domain = if ip.is_ipv6() {
        Domain::IPV6
    } else {
        Domain::IPV4
    };
    let listener = Socket::new(domain, Type::STREAM, None).expect("socket");
    listener
        .bind(&SocketAddr::new(ip, 0).into())
        .expect("bind a loopback socket");
    listener.listen(0).expect("listen");
    let address = listener
        .local_addr()
        .expect("socket address")
        .as_socket()
        .expect("an IP socket");
    let mut queued = Vec::new();
    for _ in 0..16 {
        match TcpStream::connect_timeout(&address, Duration::from_millis(200)) {
            Ok(stream) => queued.push(stream),
            Err(_) => {
                return BlackHole {
                    address,
                    _listener: listener,
                    _queued: queued,
                }
            }
        }
    }
    panic!("the backlog of {address} never filled up");
}

fn outcomes(race: &Race) -> Vec<(SocketAddr, AttemptOutcome)> {
    race.attempts
        .iter()
        .map(|a| (a.address, a.outcome))
        .collect()
}

fn soon(millis: u64) -> Instant {
    Instant::now() + Duration::from_millis(millis)
}

#[test]
fn a_dead_ipv6_address_costs_the_stagger_and_ipv4_wins() {
    if !ipv6_works() {
        return;
    }
    let dead = black_hole(V6);
    let (_live, live) = listening(V4);
    let started = Instant::now();
    let race = race(&[dead.address, live], STAGGER, soon(3000));
    let took = started.elapsed();

    let winner = race.result.as_ref().expect("IPv4 connects");
    assert_eq!(winner.address, live);
    assert!(took < Duration::from_millis(450), "took {took:?}");
    assert!(
        took >= STAGGER,
        "IPv4 started only after the stagger: {took:?}"
    );
    assert!(
        winner.elapsed < Duration::from_millis(150),
        "{:?}",
        winner.elapsed
    );
    assert_eq!(
        outcomes(&race),
        vec![
            (dead.address, AttemptOutcome::Abandoned),
            (live, AttemptOutcome::Connected)
        ]
    );
    assert!(race.attempts[0].elapsed >= STAGGER);
}

#[test]
fn a_dead_ipv4_address_next_to_a_working_ipv6_one() {
    if !ipv6_works() {
        return;
    }
    let dead = black_hole(V4);
    let (_live, live) = listening(V6);
    let started = Instant::now();
    let race = race(&[dead.address, live], STAGGER, soon(3000));

    assert_eq!(race.result.as_ref().expect("IPv6 connects").address, live);
    assert!(started.elapsed() < Duration::from_millis(450));
    assert_eq!(
        outcomes(&race),
        vec![
            (dead.address, AttemptOutcome::Abandoned),
            (live, AttemptOutcome::Connected)
        ]
    );
}

#[test]
fn the_first_address_working_is_the_only_attempt() {
    let (_live, live) = listening(V4);
    let race = race(&[live, closed(V4)], STAGGER, soon(3000));
    assert_eq!(outcomes(&race), vec![(live, AttemptOutcome::Connected)]);
}

#[test]
fn a_refusal_starts_the_next_attempt_at_once() {
    let refused = closed(V4);
    let (_live, live) = listening(V4);
    let started = Instant::now();
    let race = race(&[refused, live], STAGGER, soon(3000));
    assert!(race.result.is_ok());
    assert!(started.elapsed() < Duration::from_millis(200));
    assert_eq!(
        outcomes(&race),
        vec![
            (refused, AttemptOutcome::Refused),
            (live, AttemptOutcome::Connected)
        ]
    );
}

#[test]
fn a_refusal_while_another_attempt_hangs_starts_the_next_at_once() {
    let dead = black_hole(V4);
    let refused = closed(V4);
    let (_live, live) = listening(V4);
    let started = Instant::now();
    let race = race(&[dead.address, refused, live], STAGGER, soon(3000));
    let took = started.elapsed();
    assert!(race.result.is_ok());
    assert!(took < STAGGER + Duration::from_millis(150), "took {took:?}");
    assert_eq!(
        outcomes(&race),
        vec![
            (dead.address, AttemptOutcome::Abandoned),
            (refused, AttemptOutcome::Refused),
            (live, AttemptOutcome::Connected)
        ]
    );
}

#[test]
fn both_families_refused_fail_quickly_with_both_recorded() {
    if !ipv6_works() {
        return;
    }
    let (v6, v4) = (closed(V6), closed(V4));
    let started = Instant::now();
    let race = race(&order(&[v4, v6]), STAGGER, soon(3000));
    assert!(started.elapsed() < Duration::from_millis(200));
    let error = race.result.as_ref().expect_err("nothing listens");
    assert_eq!(error.kind(), io::ErrorKind::ConnectionRefused);
    assert_eq!(
        outcomes(&race),
        vec![(v6, AttemptOutcome::Refused), (v4, AttemptOutcome::Refused)]
    );
}

#[test]
fn a_deadline_shorter_than_the_stagger_ends_the_race_in_time() {
    let dead = black_hole(V4);
    let (_live, live) = listening(V4);
    let started = Instant::now();
    let race = race(&[dead.address, live], STAGGER, soon(100));
    let took = started.elapsed();
    assert!(
        took >= Duration::from_millis(100) && took < Duration::from_millis(300),
        "took {took:?}"
    );
    let error = race.result.as_ref().expect_err("the deadline comes first");
    assert_eq!(error.kind(), io::ErrorKind::TimedOut);
    assert_eq!(
        outcomes(&race),
        vec![(dead.address, AttemptOutcome::Timeout)]
    );
    assert!(race.attempts[0].elapsed >= Duration::from_millis(95));
}

#[test]
fn a_refusal_outranks_a_timeout_when_everything_fails() {
    let dead = black_hole(V4);
    let refused = closed(V4);
    let race = race(
        &[dead.address, refused],
        Duration::from_millis(50),
        soon(200),
    );
    assert_eq!(
        race.result.as_ref().expect_err("nothing connects").kind(),
        io::ErrorKind::ConnectionRefused
    );
    assert_eq!(
        outcomes(&race),
        vec![
            (dead.address, AttemptOutcome::Timeout),
            (refused, AttemptOutcome::Refused)
        ]
    );
}

#[test]
fn no_addresses_or_no_time_left_start_nothing() {
    let none = race(&[], STAGGER, soon(1000));
    assert!(none.attempts.is_empty());
    assert_eq!(
        none.result.expect_err("nothing").kind(),
        io::ErrorKind::NotFound
    );

    let late = race(&[closed(V4)], STAGGER, Instant::now());
    assert!(late.attempts.is_empty());
    assert_eq!(
        late.result.expect_err("no time").kind(),
        io::ErrorKind::TimedOut
    );
}

#[test]
fn order_interleaves_the_families_ipv6_first() {
    let a = |text: &str| -> SocketAddr { text.parse().expect("test address") };
    let given = [
        a("192.0.2.1:443"),
        a("192.0.2.2:443"),
        a("192.0.2.3:443"),
        a("[2001:db8::1]:443"),
        a("192.0.2.1:443"),
    ];
    assert_eq!(
        order(&given),
        vec![
            a("[2001:db8::1]:443"),
            a("192.0.2.1:443"),
            a("192.0.2.2:443"),
            a("192.0.2.3:443"),
        ]
    );
    assert!(order(&[]).is_empty());
}

#[test]
fn family_filters_keep_one_family_in_order() {
    let a = |text: &str| -> SocketAddr { text.parse().expect("test address") };
    let given = [a("[::1]:80"), a("127.0.0.1:80"), a("[::2]:80")];
    assert_eq!(of_family(&given, IpFamily::Ipv4Only), vec![given[1]]);
    assert_eq!(
        of_family(&given, IpFamily::Ipv6Only),
        vec![given[0], given[2]]
    );
    assert_eq!(of_family(&given, IpFamily::Any), given.to_vec());
}

#[test]
fn outcomes_have_their_json_words() {
    assert_eq!(AttemptOutcome::Abandoned.as_str(), "abandoned");
    assert_eq!(
        serde_json::to_string(&AttemptOutcome::Unreachable).expect("serializes"),
        "\"unreachable\""
    );
}

/// Sockets of this machine still trying to connect to `address` (state SYN_SENT), from
/// `/proc/net/tcp6` or `/proc/net/tcp`.
#[cfg(target_os = "linux")]
fn still_connecting_to(address: SocketAddr) -> usize {
    let table = if address.is_ipv6() {
        "/proc/net/tcp6"
    } else {
        "/proc/net/tcp"
    };
    let text = std::fs::read_to_string(table).expect("the kernel's TCP table");
    let port = format!(":{:04X}", address.port());
    text.lines()
        .skip(1)
        .filter(|line| {
            let fields: Vec<&str> = line.split_whitespace().collect();
            fields.get(2).is_some_and(|remote| remote.ends_with(&port))
                && fields.get(3) == Some(&"02")
        })
        .count()
}

#[cfg(target_os = "linux")]
#[test]
fn the_attempts_left_behind_are_closed_when_the_race_is_won() {
    let dead = black_hole(V4);
    let (_live, live) = listening(V4);
    let race = race(&[dead.address, live], Duration::from_millis(50), soon(3000));
    assert_eq!(
        race.result.as_ref().expect("the second connects").address,
        live
    );
    assert_eq!(race.attempts[0].outcome, AttemptOutcome::Abandoned);
    assert_eq!(still_connecting_to(dead.address), 0);
}

#[test]
fn the_winner_is_a_blocking_stream() {
    let (_live, live) = listening(V4);
    let race = race(&[live], STAGGER, soon(3000));
    let mut stream = race.result.expect("it connects").stream;
    // Nothing is ever sent: a blocking read waits out its timeout, a non-blocking one would
    // return at once.
    let wait = Duration::from_millis(100);
    stream.set_read_timeout(Some(wait)).expect("a read timeout");
    let started = Instant::now();
    let read = std::io::Read::read(&mut stream, &mut [0u8; 16]);
    assert!(read.is_err(), "{read:?}");
    assert!(started.elapsed() >= wait - Duration::from_millis(10));
}
