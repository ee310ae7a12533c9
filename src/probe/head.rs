//! Reading a response head as raw bytes, before and beside ureq's parser: where each head ends,
//! which status line is the final answer's (past interim 1xx answers), its reason phrase, and
//! control characters a server put where the parser would refuse them. Pure functions over
//! bytes, fed by `first_byte`.
//!
//! ureq parses heads with `httparse` after `first_byte` has cleaned them. This reads them
//! before: a reason phrase with an escape sequence or a bare CR is still the server's answer,
//! and the report shows it made safe, where a strict parser refuses the whole head.

use memchr::{memchr, memmem};

/// The longest status line kept; a server may send anything.
const MAX_STATUS_LINE: usize = 1024;

/// The reason phrase of a raw status line: everything after the code.
pub fn reason_phrase(line: &[u8]) -> Option<String> {
    let line = String::from_utf8_lossy(line);
    let mut parts = line.trim_end_matches(['\r', '\n']).splitn(3, ' ');
    let (_version, _code) = (parts.next()?, parts.next()?);
    let reason = parts.next()?.trim();
    (!reason.is_empty()).then(|| reason.to_string())
}

/// The code of a raw status line ("HTTP/1.1 403 Forbidden": 403).
pub fn status_code(line: &[u8]) -> Option<u16> {
    let line = String::from_utf8_lossy(line);
    let code = line.trim_end_matches(['\r', '\n']).split(' ').nth(1)?;
    (code.len() == 3).then(|| code.parse().ok()).flatten()
}

/// Whether a raw status line carries this code (as text, "503"): a line sniffed from another
/// answer says nothing about this one.
pub fn has_status(line: &[u8], code: &str) -> bool {
    String::from_utf8_lossy(line).split(' ').nth(1) == Some(code)
}

/// Where a response head ends (the blank line), found across reads. After an interim 1xx
/// head, the final response's head follows and is cleaned too.
#[derive(Debug, Default)]
pub struct HeadEnd {
    in_head: bool,
    /// How much of "\r\n\r\n" (or "\n\n") has just been seen.
    newlines: u8,
    /// Bytes of this head seen so far, to find the status code's first digit ("HTTP/1.1 1").
    position: usize,
    interim: bool,
}

impl HeadEnd {
    pub fn start(&mut self) {
        *self = HeadEnd {
            in_head: true,
            ..HeadEnd::default()
        };
    }

    /// Replaces control characters inside the head, leaving the body alone. A CR that does
    /// not end a line (a bare CR in a reason phrase) is one of them.
    pub fn clean(&mut self, bytes: &mut [u8]) {
        for at in 0..bytes.len() {
            if !self.in_head {
                return;
            }
            let next = bytes.get(at + 1).copied();
            let byte = &mut bytes[at];
            if self.position == 9 {
                self.interim = *byte == b'1';
            }
            self.position += 1;
            match *byte {
                b'\n' => {
                    self.newlines += 1;
                    if self.newlines == 2 {
                        if self.interim {
                            self.start();
                        } else {
                            self.in_head = false;
                        }
                    }
                }
                // Seen at the end of a read, a CR keeps its chance to end a line.
                b'\r' if next.is_none_or(|n| n == b'\n') => {}
                b'\t' => self.newlines = 0,
                b if b < 0x20 || b == 0x7f => {
                    *byte = b' ';
                    self.newlines = 0;
                }
                _ => self.newlines = 0,
            }
        }
    }
}

pub enum Sniff<'a> {
    Found(&'a [u8]),
    NeedMore,
    GiveUp,
}

/// The status line of the final response at the start of `input`, past any interim 1xx
/// responses (103 Early Hints, 100 Continue), whose reason phrase is not the answer's.
pub fn final_status_line(input: &[u8]) -> Sniff<'_> {
    const MAX_SNIFF: usize = 64 * 1024;
    let mut rest = input;
    loop {
        let Some(end) = memchr(b'\n', rest) else {
            return if input.len() > MAX_SNIFF || rest.len() > MAX_STATUS_LINE {
                Sniff::GiveUp
            } else {
                Sniff::NeedMore
            };
        };
        let line = &rest[..end.min(MAX_STATUS_LINE)];
        let interim = line.len() > 9 && line.starts_with(b"HTTP/") && line.get(9) == Some(&b'1');
        if !interim {
            return Sniff::Found(line);
        }
        let head_end = memmem::find(rest, b"\r\n\r\n")
            .map(|i| i + 4)
            .or_else(|| memmem::find(rest, b"\n\n").map(|i| i + 2));
        match head_end {
            Some(next) => rest = &rest[next..],
            None if input.len() > MAX_SNIFF => return Sniff::GiveUp,
            None => return Sniff::NeedMore,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(input: &[u8]) -> Option<&[u8]> {
        match final_status_line(input) {
            Sniff::Found(line) => Some(line),
            _ => None,
        }
    }

    #[test]
    fn control_characters_are_cleaned_from_the_head_only() {
        let mut end = HeadEnd::default();
        end.start();
        let mut first = b"HTTP/1.1 503 Bad\x1b[31m\x7f\r\nServer: ev\x1bil\r".to_vec();
        let mut second = b"\n\r\nbody\x1b".to_vec();
        end.clean(&mut first);
        end.clean(&mut second);
        assert_eq!(first, b"HTTP/1.1 503 Bad [31m \r\nServer: ev il\r");
        assert_eq!(second, b"\n\r\nbody\x1b", "the body is left as it came");
    }

    #[test]
    fn the_final_head_after_an_interim_one_is_cleaned_too() {
        let mut end = HeadEnd::default();
        end.start();
        let mut bytes =
            b"HTTP/1.1 103 Early\x1b\r\n\r\nHTTP/1.1 503 Bad\x1b\r\n\r\nbody\x1b".to_vec();
        end.clean(&mut bytes);
        assert_eq!(
            bytes,
            b"HTTP/1.1 103 Early \r\n\r\nHTTP/1.1 503 Bad \r\n\r\nbody\x1b"
        );
    }

    #[test]
    fn a_bare_cr_becomes_a_space_and_does_not_end_the_head() {
        let mut end = HeadEnd::default();
        end.start();
        let mut bytes = b"HTTP/1.1 200 O\rK\r\nX: a\rb\x01\r\n\r\nbody\x01\r".to_vec();
        end.clean(&mut bytes);
        assert_eq!(bytes, b"HTTP/1.1 200 O K\r\nX: a b \r\n\r\nbody\x01\r");
    }

    #[test]
    fn reason_phrases_are_taken_as_sent() {
        assert_eq!(
            reason_phrase(b"HTTP/1.1 503 Service Temporarily Unavailable\r"),
            Some("Service Temporarily Unavailable".into())
        );
        assert_eq!(reason_phrase(b"HTTP/1.1 200\r"), None);
        assert_eq!(reason_phrase(b"HTTP/1.0 404 \r"), None);
        assert_eq!(
            reason_phrase(b"HTTP/1.1 418 I'm a teapot\r\n"),
            Some("I'm a teapot".into())
        );
    }

    #[test]
    fn a_status_line_belongs_to_the_answer_with_its_code() {
        assert!(has_status(b"HTTP/1.1 503 Busy\r", "503"));
        assert!(has_status(b"HTTP/1.1 204", "204"));
        assert!(!has_status(b"HTTP/1.1 200 OK\r", "503"));
        assert!(!has_status(b"garbage", "200"));
        assert_eq!(
            status_code(b"HTTP/1.1 407 Proxy Authentication Required\r\n"),
            Some(407)
        );
        assert_eq!(status_code(b"HTTP/1.1 204\r\n"), Some(204));
        assert_eq!(status_code(b"HTTP/1.1 2040 Huh\r\n"), None);
        assert_eq!(status_code(b"garbage"), None);
    }

    #[test]
    fn interim_responses_are_skipped() {
        assert_eq!(
            found(b"HTTP/1.1 503 Service Unavailable\r\n"),
            Some(&b"HTTP/1.1 503 Service Unavailable\r"[..])
        );
        let hints =
            b"HTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\nHTTP/1.1 503 Busy\r\nX: y\r\n";
        assert_eq!(found(hints), Some(&b"HTTP/1.1 503 Busy\r"[..]));
        assert!(matches!(
            final_status_line(b"HTTP/1.1 100 Continue\r\n"),
            Sniff::NeedMore
        ));
        assert!(matches!(
            final_status_line(b"HTTP/1.1 200 O"),
            Sniff::NeedMore
        ));
        assert!(matches!(final_status_line(&[b'x'; 2000]), Sniff::GiveUp));
    }
}
