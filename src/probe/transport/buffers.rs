//! Buffers sized for a probe: the input starts at a few KiB and grows only while a response
//! head does not fit yet, up to the limit; the output is allocated when a request goes out.
//! ureq's own buffers are 128 KiB each way, allocated and zeroed for every connection.

use ureq::unversioned::transport::Buffers;

/// Most response heads fit; a larger one doubles the buffer until it fits or hits the limit.
const FIRST_INPUT: usize = 4 * 1024;
/// What ureq wants free in the input when it reads a request body (we send none).
const TMP_ROOM: usize = 10 * 1024;

#[derive(Debug)]
pub struct ProbeBuffers {
    output: Vec<u8>,
    output_size: usize,
    input: Vec<u8>,
    input_limit: usize,
    /// `input[consumed..filled]` is what was read and not yet used.
    filled: usize,
    consumed: usize,
    /// Whether the last consume used anything: if not, more must be read first.
    progress: bool,
}

impl ProbeBuffers {
    /// `output_size`: room for a request head; `input_limit`: the most the input may grow to.
    pub fn new(output_size: usize, input_limit: usize) -> ProbeBuffers {
        ProbeBuffers {
            output: Vec::new(),
            output_size,
            input: Vec::new(),
            input_limit: input_limit.max(FIRST_INPUT),
            filled: 0,
            consumed: 0,
            progress: false,
        }
    }

    fn make_room(&mut self, wanted: usize) {
        if self.consumed > 0 {
            self.input.copy_within(self.consumed..self.filled, 0);
            self.filled -= self.consumed;
            self.consumed = 0;
        }
        let free = self.input.len() - self.filled;
        if free >= wanted || self.input.len() >= self.input_limit {
            return;
        }
        let mut size = self.input.len().max(FIRST_INPUT);
        while size - self.filled < wanted && size < self.input_limit {
            size *= 2;
        }
        self.input.resize(size.min(self.input_limit), 0);
    }
}

impl Buffers for ProbeBuffers {
    fn output(&mut self) -> &mut [u8] {
        if self.output.is_empty() {
            self.output = vec![0; self.output_size];
        }
        &mut self.output
    }

    fn input(&self) -> &[u8] {
        &self.input[self.consumed..self.filled]
    }

    fn input_append_buf(&mut self) -> &mut [u8] {
        if self.filled == self.input.len() {
            self.make_room(1);
        }
        &mut self.input[self.filled..]
    }

    fn input_appended(&mut self, amount: usize) {
        self.filled = (self.filled + amount).min(self.input.len());
    }

    fn input_consume(&mut self, amount: usize) {
        self.progress = amount > 0;
        self.consumed = (self.consumed + amount).min(self.filled);
        if self.consumed == self.filled {
            self.consumed = 0;
            self.filled = 0;
        }
    }

    fn tmp_and_output(&mut self) -> (&mut [u8], &mut [u8]) {
        self.make_room(TMP_ROOM);
        if self.output.is_empty() {
            self.output = vec![0; self.output_size];
        }
        (&mut self.input[self.filled..], &mut self.output)
    }

    fn can_use_input(&self) -> bool {
        self.filled > self.consumed && self.progress
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_input_grows_only_while_unread_data_fills_it() {
        let mut buffers = ProbeBuffers::new(1024, 64 * 1024);
        assert_eq!(buffers.input_append_buf().len(), FIRST_INPUT);
        buffers.input_appended(FIRST_INPUT);
        assert_eq!(buffers.input_append_buf().len(), FIRST_INPUT);
        buffers.input_appended(10);
        assert_eq!(buffers.input().len(), FIRST_INPUT + 10);
        buffers.input_consume(FIRST_INPUT);
        assert_eq!(buffers.input().len(), 10);
        // Used data makes room again before anything grows.
        buffers.input_appended(FIRST_INPUT - 10);
        let room = buffers.input_append_buf().len();
        assert!(room >= FIRST_INPUT, "{room}");
    }

    #[test]
    fn the_input_stops_at_its_limit() {
        let mut buffers = ProbeBuffers::new(1024, 8 * 1024);
        for _ in 0..4 {
            let room = buffers.input_append_buf().len();
            buffers.input_appended(room);
        }
        assert_eq!(buffers.input().len(), 8 * 1024);
        assert!(buffers.input_append_buf().is_empty());
        assert_eq!(buffers.output().len(), 1024);
    }
}
