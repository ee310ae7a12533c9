//! Loopback addresses that never complete a TCP handshake: a listener whose backlog is full
//! makes the kernel drop further connection attempts, as a broken path does.

use std::net::{IpAddr, Ipv6Addr, SocketAddr, TcpListener, TcpStream};
use std::time::Duration;

use socket2::{Domain, Socket, Type};

/// Whether ::1 can be used here; says so when it cannot, so that a skipped test is visible.
pub fn ipv6_works() -> bool {
    let works = TcpListener::bind((Ipv6Addr::LOCALHOST, 0)).is_ok();
    if !works {
        eprintln!("skipped: ::1 is not available on this machine");
    }
    works
}

/// A full listener at an address; connection attempts to it wait until their own timeout.
/// Keep it alive as long as it is needed.
pub struct BlackHole {
    pub address: SocketAddr,
    _listener: Socket,
    _queued: Vec<TcpStream>,
}

impl BlackHole {
    /// At `ip` and `port` (0: any free port); `None` when the address cannot be bound.
    pub fn at(ip: IpAddr, port: u16) -> Option<BlackHole> {
        let domain = if ip.is_ipv6() {
            Domain::IPV6
        } else {
            Domain::IPV4
        };
        let listener = Socket::new(domain, Type::STREAM, None).ok()?;
        listener.bind(&SocketAddr::new(ip, port).into()).ok()?;
        listener.listen(0).ok()?;
        let address = listener.local_addr().ok()?.as_socket()?;
        let mut queued = Vec::new();
        for _ in 0..16 {
            match TcpStream::connect_timeout(&address, Duration::from_millis(200)) {
                Ok(stream) => queued.push(stream),
                Err(_) => {
                    return Some(BlackHole {
                        address,
                        _listener: listener,
                        _queued: queued,
                    })
                }
            }
        }
        panic!("the backlog of {address} never filled up");
    }
}

/// A port on `ip` where nothing listens, so connecting is refused at once.
pub fn closed_port(ip: IpAddr) -> u16 {
    let listener = TcpListener::bind((ip, 0)).expect("bind a loopback listener");
    listener.local_addr().expect("listener address").port()
}
