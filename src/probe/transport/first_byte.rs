//! The last link of the connector chain: times the first byte of each answer, keeps its raw
//! status line (whose reason phrase ureq does not hand on), and makes its head parseable.

use std::io;
use std::time::Instant;

use ureq::unversioned::transport::{
    Buffers, ConnectionDetails, Connector, Either, NextTimeout, Transport,
};
use ureq::Error;

use super::buffers::ProbeBuffers;

use super::phase_log::Recorder;
use super::tunnel::ProxyAnswer;
use crate::probe::head::{final_status_line, HeadEnd, Sniff};

/// How much of an answer's start is kept, to tell what spoke when it was not HTTP.
const FIRST_BYTES_KEPT: usize = 96;

/// The last link of the chain: wraps every connection to time the first byte of each answer,
/// keep its raw status line, and make its head parseable (see [`FirstByteTransport`]).
#[derive(Debug)]
pub struct FirstByteConnector {
    pub recorder: Recorder,
}

impl<In: Transport> Connector<In> for FirstByteConnector {
    type Out = Either<ProxyAnswer, FirstByteTransport>;

    fn connect(
        &self,
        details: &ConnectionDetails,
        chained: Option<In>,
    ) -> Result<Option<Self::Out>, Error> {
        // ureq reaches a CONNECT proxy through this same chain: that connection only carries
        // the tunnel, whose own wrapper will time the answer; the proxy's answer is kept.
        if self.recorder.is_proxy(details.uri) {
            return Ok(chained.map(|inner| {
                Either::A(ProxyAnswer {
                    inner: inner.boxed(),
                    recorder: self.recorder.clone(),
                    sniffing: true,
                })
            }));
        }
        let config = details.config;
        Ok(chained.map(|inner| {
            Either::B(FirstByteTransport {
                inner: inner.boxed(),
                buffers: ProbeBuffers::new(config.output_buffer_size(), config.input_buffer_size()),
                recorder: self.recorder.clone(),
                sent_at: None,
                raw_head: None,
                head_end: HeadEnd::default(),
            })
        }))
    }
}

/// Sits between ureq and the connection with buffers of its own. What the server sends is
/// passed on as it came, except that control characters in a response's head become spaces:
/// the parser refuses them, yet a server that puts an escape sequence in its reason phrase or a
/// header has still answered. The raw status line is kept for the report, which shows server
/// text safely.
#[derive(Debug)]
pub struct FirstByteTransport {
    inner: Box<dyn Transport>,
    buffers: ProbeBuffers,
    recorder: Recorder,
    /// When the current request went out; cleared by the first byte of its answer.
    sent_at: Option<Instant>,
    /// The answer's raw bytes so far, while its status line is not yet found.
    raw_head: Option<Vec<u8>>,
    head_end: HeadEnd,
}

impl Transport for FirstByteTransport {
    fn buffers(&mut self) -> &mut dyn Buffers {
        &mut self.buffers
    }

    fn transmit_output(&mut self, amount: usize, timeout: NextTimeout) -> Result<(), Error> {
        let mut sent = 0;
        while sent < amount {
            let theirs = self.inner.buffers().output();
            let chunk = (amount - sent).min(theirs.len());
            if chunk == 0 {
                return Err(Error::Io(io::Error::other("no room to send the request")));
            }
            theirs[..chunk].copy_from_slice(&self.buffers.output()[sent..sent + chunk]);
            self.inner.transmit_output(chunk, timeout)?;
            sent += chunk;
        }
        if self.sent_at.is_none() && self.raw_head.is_none() {
            self.sent_at = Some(Instant::now());
            self.raw_head = Some(Vec::new());
            self.head_end.start();
        }
        Ok(())
    }

    fn await_input(&mut self, timeout: NextTimeout) -> Result<bool, Error> {
        if self.inner.buffers().input().is_empty() && !self.inner.await_input(timeout)? {
            return Ok(false);
        }
        let theirs = self.inner.buffers().input();
        let room = self.buffers.input_append_buf();
        let amount = theirs.len().min(room.len());
        if amount == 0 {
            return Err(Error::Io(io::Error::other(
                "the response head does not fit the buffer",
            )));
        }
        room[..amount].copy_from_slice(&theirs[..amount]);
        if let Some(sent_at) = self.sent_at.take() {
            let mut log = self.recorder.log();
            Recorder::add(&mut log.first_byte, sent_at.elapsed());
            log.first_bytes = Some(room[..amount.min(FIRST_BYTES_KEPT)].to_vec());
        }
        if let Some(raw) = self.raw_head.as_mut() {
            raw.extend_from_slice(&room[..amount]);
            match final_status_line(raw) {
                Sniff::Found(line) => {
                    self.recorder.log().status_line = Some(line.to_vec());
                    self.raw_head = None;
                }
                Sniff::GiveUp => self.raw_head = None,
                Sniff::NeedMore => {}
            }
        }
        self.head_end.clean(&mut room[..amount]);
        self.buffers.input_appended(amount);
        self.inner.buffers().input_consume(amount);
        Ok(true)
    }

    fn is_open(&mut self) -> bool {
        self.inner.is_open()
    }

    fn is_tls(&self) -> bool {
        self.inner.is_tls()
    }
}
