//! TCP, timed: a connector that races the resolved addresses (Happy Eyeballs, see `eyeballs`)
//! within the deadline and notes every attempt and which one answered, and a transport whose
//! every read and write keeps to the deadline.

use std::fmt;
use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use ureq::unversioned::transport::{
    Buffers, ConnectionDetails, Connector, Either, NextTimeout, Transport,
};
use ureq::Error;

use super::buffers::ProbeBuffers;
use super::phase_log::{PhaseFailure, Recorder};
use crate::probe::eyeballs::{self, AttemptOutcome, STAGGER};

/// Without a deadline of its own, a connection attempt gives up after this long.
const NO_DEADLINE: Duration = Duration::from_secs(3600);
/// The longest a read waits before it looks at the deadline again. The kernel times a socket's
/// own timeout coarsely, the more so the longer it is (a 10 s one ends up to a quarter of a
/// second late, one of half a second some 30 ms late)...
const WAIT_SLICE: Duration = Duration::from_millis(500);
/// ...and one this short within a few milliseconds: the last stretch before the deadline is
/// waited in one piece no longer than this.
const LAST_STRETCH: Duration = Duration::from_millis(100);

/// How long the next wait of a read may be, with `left` until the deadline: slices that end
/// before the last stretch, however late the kernel wakes them, then the last stretch.
fn next_wait(left: Duration) -> Duration {
    match left.checked_sub(LAST_STRETCH) {
        Some(before_the_last) if !before_the_last.is_zero() => before_the_last.min(WAIT_SLICE),
        _ => left,
    }
}

/// Connects over TCP to the resolved addresses, IPv6 and IPv4 interleaved and racing.
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
        let deadline = started + details.timeout.not_zero().map_or(NO_DEADLINE, |t| *t);
        let resolved: Vec<SocketAddr> = details.addrs.iter().copied().collect();
        let family = details.config.ip_family();
        let addresses = eyeballs::order(&eyeballs::of_family(&resolved, family));
        let race = eyeballs::race(&addresses, STAGGER, deadline);
        let mut log = self.recorder.log();
        log.attempts.extend(race.attempts.iter().cloned());
        match race.result {
            Ok(winner) => {
                let _ = winner.stream.set_nodelay(true);
                // The winner's own time: a dead address before it cost a stagger, not a phase.
                Recorder::add(&mut log.connect, winner.elapsed);
                log.address = Some(winner.address);
                let config = details.config;
                let buffers =
                    ProbeBuffers::new(config.output_buffer_size(), config.input_buffer_size());
                Ok(Some(Either::B(TcpTransport {
                    stream: winner.stream,
                    buffers,
                })))
            }
            Err(error) => {
                Recorder::add(&mut log.connect, started.elapsed());
                // Out of descriptors or ports: the shortage is this machine's, not the server's.
                if let Some(shortage) = crate::probe::failure::local_shortage(&error) {
                    log.failure = Some(PhaseFailure::Local {
                        detail: shortage.message,
                    });
                    return Err(Error::Io(error));
                }
                // The address named is one whose attempt ended the way the race reports.
                let reported = AttemptOutcome::of_error(&error);
                let address = race
                    .attempts
                    .iter()
                    .find(|a| a.outcome == reported)
                    .or(race.attempts.first())
                    .map(|a| a.address);
                log.address = address;
                log.failure = Some(PhaseFailure::Connect {
                    address,
                    kind: error.kind(),
                    detail: crate::text::words::io_error(&error),
                });
                Err(if error.kind() == io::ErrorKind::TimedOut {
                    Error::Timeout(ureq::Timeout::Connect)
                } else {
                    Error::Io(error)
                })
            }
        }
    }
}

/// A plain TCP connection whose every read and write keeps to the probe's deadline.
pub struct TcpTransport {
    stream: TcpStream,
    buffers: ProbeBuffers,
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
            self.stream.set_read_timeout(left.map(next_wait))?;
            let input = self.buffers.input_append_buf();
            match self.stream.read(input) {
                Ok(amount) => {
                    self.buffers.input_appended(amount);
                    return Ok(amount > 0);
                }
                // A signal is no reason to give up, nor the end of a slice: the deadline holds.
                Err(e) if e.kind() == io::ErrorKind::Interrupted || timed_out(&e) => continue,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_wait_is_cut_so_that_the_last_stretch_is_short() {
        let ms = Duration::from_millis;
        assert_eq!(next_wait(ms(10_000)), WAIT_SLICE);
        assert_eq!(next_wait(ms(450)), ms(350));
        assert_eq!(next_wait(ms(100)), ms(100));
        assert_eq!(next_wait(ms(30)), ms(30));
    }
}
