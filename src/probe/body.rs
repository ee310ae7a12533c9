//! Reading a body: only as much as `--contains` or a bot wall's challenge page needs.

use std::io::Read;

use memchr::memmem::Finder;

/// At most this much of a body is read, and only when `--contains` needs it.
pub const MAX_BODY: usize = 1024 * 1024;
/// How much of a 403/429/503 body is read to recognise a challenge page.
pub(super) const WALL_SNIFF_BYTES: u64 = 32 * 1024;

/// Reads at most [`MAX_BODY`] bytes, looking for `needle`; stops as soon as it is found. The
/// first [`WALL_SNIFF_BYTES`] are kept in `start`, to recognise a challenge page.
pub(super) fn body_has(
    reader: impl Read,
    needle: &[u8],
    start: &mut Vec<u8>,
) -> Result<bool, ureq::Error> {
    let mut reader = reader.take(MAX_BODY as u64);
    let finder = Finder::new(needle);
    let mut seen: Vec<u8> = Vec::new();
    let mut chunk = vec![0u8; 16 * 1024];
    loop {
        let read = reader.read(&mut chunk).map_err(ureq::Error::from)?;
        if read == 0 {
            return Ok(false);
        }
        let room = (WALL_SNIFF_BYTES as usize).saturating_sub(start.len());
        start.extend_from_slice(&chunk[..read.min(room)]);
        // Only the tail that could start a match is kept from before this chunk.
        let keep_from = seen.len().saturating_sub(needle.len().saturating_sub(1));
        seen.drain(..keep_from);
        seen.extend_from_slice(&chunk[..read]);
        // An empty needle is found at once.
        if finder.find(&seen).is_some() {
            return Ok(true);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn body_search_spans_chunks() {
        let body = vec![b'x'; 20_000]
            .into_iter()
            .chain(*b"needle")
            .collect::<Vec<_>>();
        let mut start = Vec::new();
        assert!(body_has(&body[..], b"needle", &mut start).unwrap());
        assert_eq!(start.len(), 20_006, "the start is kept");
        assert!(!body_has(&body[..], b"haystack", &mut Vec::new()).unwrap());
        let huge = vec![b'y'; MAX_BODY + 10];
        let mut with_late_needle = huge.clone();
        with_late_needle.extend_from_slice(b"late");
        assert!(
            !body_has(&with_late_needle[..], b"late", &mut Vec::new()).unwrap(),
            "only 1 MiB is read"
        );
    }
}
