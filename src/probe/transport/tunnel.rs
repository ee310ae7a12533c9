//! The way through a proxy: two marks in the connector chain, one before the proxy connectors
//! (the request sets out for its proxy) and one after them (the tunnel is up), so that a failure
//! between the two is known as the proxy's; and the proxy's own answer to CONNECT, kept.

use ureq::unversioned::transport::{Buffers, ConnectionDetails, Connector, NextTimeout, Transport};
use ureq::Error;

use super::phase_log::Recorder;
use crate::probe::head::{final_status_line, Sniff};

/// Where in the chain a [`TunnelMark`] stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Leg {
    /// First in the chain: a new connection that has a proxy to go through sets out for it.
    SettingOut,
    /// Right after the proxy connectors: a connection handed on is the tunnel, up.
    TunnelUp,
}

/// A link of the chain that only notes how far a proxied connection got.
#[derive(Debug)]
pub struct TunnelMark {
    pub recorder: Recorder,
    pub at: Leg,
}

impl<In: Transport> Connector<In> for TunnelMark {
    type Out = In;

    fn connect(
        &self,
        details: &ConnectionDetails,
        chained: Option<In>,
    ) -> Result<Option<Self::Out>, Error> {
        match self.at {
            // The proxy's own connection is made without a proxy: it is not a new start.
            Leg::SettingOut if chained.is_none() && details.config.proxy().is_some() => {
                self.recorder.log().reaching_proxy = true;
            }
            Leg::TunnelUp if chained.is_some() => self.recorder.log().reaching_proxy = false,
            _ => {}
        }
        Ok(chained)
    }
}

/// The connection to a CONNECT proxy, passed through as it is, with the status line of the
/// proxy's answer kept (ureq keeps only its code, in words of its own).
#[derive(Debug)]
pub struct ProxyAnswer {
    pub inner: Box<dyn Transport>,
    pub recorder: Recorder,
    /// Still looking for the status line.
    pub sniffing: bool,
}

impl Transport for ProxyAnswer {
    fn buffers(&mut self) -> &mut dyn Buffers {
        self.inner.buffers()
    }

    fn transmit_output(&mut self, amount: usize, timeout: NextTimeout) -> Result<(), Error> {
        self.inner.transmit_output(amount, timeout)
    }

    fn await_input(&mut self, timeout: NextTimeout) -> Result<bool, Error> {
        let more = self.inner.await_input(timeout)?;
        if self.sniffing {
            match final_status_line(self.inner.buffers().input()) {
                Sniff::Found(line) => {
                    self.recorder.log().proxy_answer = Some(line.to_vec());
                    self.sniffing = false;
                }
                Sniff::GiveUp => self.sniffing = false,
                Sniff::NeedMore => {}
            }
        }
        Ok(more)
    }

    fn is_open(&mut self) -> bool {
        self.inner.is_open()
    }

    fn is_tls(&self) -> bool {
        self.inner.is_tls()
    }
}
