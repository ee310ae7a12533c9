//! Latencies summed per hour: a log-scale histogram, four buckets per doubling, so that a
//! percentile read back is within about 9% of the truth whatever the range, and an hour of a
//! busy watch takes a few dozen bytes. Stored sparse: (bucket, count) pairs.

use std::time::Duration;

/// Buckets per doubling of the latency.
const PER_DOUBLING: f64 = 4.0;
/// Up to 2^24 ms (4.6 hours): more than any deadline.
const BUCKETS: usize = 96;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Buckets {
    counts: Vec<u64>,
}

impl Default for Buckets {
    fn default() -> Self {
        Buckets {
            counts: vec![0; BUCKETS],
        }
    }
}

impl Buckets {
    pub fn add(&mut self, latency: Duration) {
        let ms = latency.as_secs_f64() * 1e3;
        let index = ((ms + 1.0).log2() * PER_DOUBLING).floor();
        let index = (index.max(0.0) as usize).min(BUCKETS - 1);
        self.counts[index] += 1;
    }

    pub fn total(&self) -> u64 {
        self.counts.iter().sum()
    }

    /// The latency below which `fraction` of them fall (the middle of its bucket).
    pub fn percentile(&self, fraction: f64) -> Option<Duration> {
        let total = self.total();
        if total == 0 {
            return None;
        }
        let wanted = ((total as f64) * fraction).ceil().max(1.0) as u64;
        let mut seen = 0;
        for (index, count) in self.counts.iter().enumerate() {
            seen += count;
            if seen >= wanted {
                let ms = 2f64.powf((index as f64 + 0.5) / PER_DOUBLING) - 1.0;
                return Some(Duration::from_secs_f64(ms.max(0.0) / 1e3));
            }
        }
        None
    }

    /// (bucket, count as a little-endian u32) pairs, for the buckets that hold any.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut bytes = Vec::new();
        for (index, count) in self.counts.iter().enumerate().filter(|(_, c)| **c > 0) {
            bytes.push(index as u8);
            bytes.extend_from_slice(&u32::try_from(*count).unwrap_or(u32::MAX).to_le_bytes());
        }
        bytes
    }

    /// Adds the counts [`Buckets::to_bytes`] wrote, without a copy of them; whatever does not
    /// fit is left out.
    pub fn add_bytes(&mut self, bytes: &[u8]) {
        for pair in bytes.chunks_exact(5) {
            if let Some(count) = self.counts.get_mut(usize::from(pair[0])) {
                *count += u64::from(u32::from_le_bytes([pair[1], pair[2], pair[3], pair[4]]));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_come_back_within_a_bucket_and_survive_the_bytes() {
        let mut buckets = Buckets::default();
        for ms in 1..=100u64 {
            buckets.add(Duration::from_millis(ms));
        }
        let mut again = Buckets::default();
        again.add_bytes(&buckets.to_bytes());
        assert_eq!(again, buckets);
        let p50 = again.percentile(0.5).unwrap().as_secs_f64() * 1e3;
        let p95 = again.percentile(0.95).unwrap().as_secs_f64() * 1e3;
        assert!((45.0..=56.0).contains(&p50), "{p50}");
        assert!((86.0..=104.0).contains(&p95), "{p95}");
        assert_eq!(Buckets::default().percentile(0.5), None);
        let mut odd = Buckets::default();
        odd.add_bytes(&[200, 1, 0, 0, 0, 7]);
        assert_eq!(odd.total(), 0);
    }
}
