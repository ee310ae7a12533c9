//! TCP, timed: a connector that tries each resolved address in turn within the deadline and
//! notes which one answered, and a transport whose every read and write keeps to the deadline.

use std::fmt;
use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use ureq::unversioned::transport::{
    Buffers, ConnectionDetails, Connector, Either, LazyBuffers, NextTimeout, Transport,
};
use ureq::Error;

use super::phase_log::{PhaseFailure, Recorder};

/// Connects over TCP to each resolved address in turn, sharing the deadline among them.
#[derive(Debug)]
pub struct TimedTcpConnector {
    pub recorder: Recorder,
}

impl<In: Transport> Connector<In> for TimedTcpConnector {
    type Out = Either<In, TcpTransport>;

    fn connect(
        &self,
        details: &ConnectionDetails,
        chained: Option<In>,
    ) -> Result<Option<Self::Out>, Error> {
        if chained.is_some() {
            return Ok(chained.map(Either::A));
        }
        let started = Instant::now();
        let budget = details.timeout.not_zero().map(|t| *t);
        let addresses: Vec<SocketAddr> = details.addrs.iter().copied().collect();
        let mut last: Option<(SocketAddr, io::Error)> = None;
        for (index, &address) in addresses.iter().enumerate() {
            let left = budget.map(|b| b.saturating_sub(started.elapsed()));
            if left == Some(Duration::ZERO) {
                break;
            }
            // Later addresses keep a share of the time, so one black hole cannot take it all.
            let share = left.map(|l| {
                (l / (addresses.len() - index) as u32).max(l.min(Duration::from_millis(100)))
            });
            let attempt = match share {
                Some(share) => TcpStream::connect_timeout(&address, share),
                None => TcpStream::connect(address),
            };
            match attempt {
                Ok(stream) => {
                    let _ = stream.set_nodelay(true);
                    let mut log = self.recorder.log();
                    Recorder::add(&mut log.connect, started.elapsed());
                    log.address = Some(address);
                    let config = details.config;
                    let buffers =
                        LazyBuffers::new(config.input_buffer_size(), config.output_buffer_size());
                    return Ok(Some(Either::B(TcpTransport { stream, buffers })));
                }
                Err(error) => last = Some((address, error)),
            }
        }
        Recorder::add(&mut self.recorder.log().connect, started.elapsed());
        let (address, error) = match last {
            Some((address, error)) => (Some(address), error),
            None => (None, io::Error::from(io::ErrorKind::TimedOut)),
        };
        self.recorder.log().address = address;
        self.recorder.fail(PhaseFailure::Connect {
            address,
            kind: error.kind(),
            detail: crate::words::io_error(&error),
        });
        Err(if error.kind() == io::ErrorKind::TimedOut {
            Error::Timeout(ureq::Timeout::Connect)
        } else {
            Error::Io(error)
        })
    }
}

/// A plain TCP connection whose every read and write keeps to the probe's deadline.
pub struct TcpTransport {
    stream: TcpStream,
    buffers: LazyBuffers,
}

impl fmt::Debug for TcpTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TcpTransport")
            .field("peer", &self.stream.peer_addr().ok())
            .finish()
    }
}

/// The time an I/O call may take; an exhausted deadline is a timeout, not a one-second grace.
fn time_left(timeout: NextTimeout) -> Result<Option<Duration>, Error> {
    if timeout.after.is_not_happening() {
        Ok(None)
    } else if timeout.after.is_zero() {
        Err(Error::Timeout(timeout.reason))
    } else {
        Ok(Some(*timeout.after))
    }
}

fn timed_out(error: &io::Error) -> bool {
    matches!(
        error.kind(),
        io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock
    )
}

impl Transport for TcpTransport {
    fn buffers(&mut self) -> &mut dyn Buffers {
        &mut self.buffers
    }

    fn transmit_output(&mut self, amount: usize, timeout: NextTimeout) -> Result<(), Error> {
        let timeout = timeout.for_write();
        self.stream.set_write_timeout(time_left(timeout)?)?;
        let output = &self.buffers.output()[..amount];
        match self.stream.write_all(output) {
            Err(e) if timed_out(&e) => Err(Error::Timeout(timeout.reason)),
            other => Ok(other?),
        }
    }

    fn await_input(&mut self, timeout: NextTimeout) -> Result<bool, Error> {
        let timeout = timeout.for_read();
        let started = Instant::now();
        let limit = time_left(timeout)?;
        loop {
            let left = limit.map(|l| l.saturating_sub(started.elapsed()));
            if left == Some(Duration::ZERO) {
                return Err(Error::Timeout(timeout.reason));
            }
            self.stream.set_read_timeout(left)?;
            let input = self.buffers.input_append_buf();
            match self.stream.read(input) {
                Ok(amount) => {
                    self.buffers.input_appended(amount);
                    return Ok(amount > 0);
                }
                // A signal is no reason to give up; the deadline still holds.
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) if timed_out(&e) => return Err(Error::Timeout(timeout.reason)),
                Err(e) => return Err(e.into()),
            }
        }
    }

    fn is_open(&mut self) -> bool {
        // Open means: nothing to read and no end of stream, right now.
        if self.stream.set_nonblocking(true).is_err() {
            return false;
        }
        let mut byte = [0u8];
        let open =
            matches!(self.stream.peek(&mut byte), Err(e) if e.kind() == io::ErrorKind::WouldBlock);
        self.stream.set_nonblocking(false).is_ok() && open
    }
}
