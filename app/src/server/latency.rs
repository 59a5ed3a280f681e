//! The vote path's recent latency, for the dashboard's p50 and p95: counts in fixed buckets
//! (bounded memory, a few atomic operations per vote, no lock), over the current minute and the
//! one before. Two windows take turns by minute; the first vote of a minute clears the window it
//! takes over. A vote counted while another thread clears may be lost: a dashboard estimate
//! does not need every one. Per server instance.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// Upper bounds of the buckets, in microseconds: 0.25 ms to 16 s, doubling.
const BOUNDS_US: [u64; 17] = [
    250, 500, 1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 64_000, 128_000, 256_000, 512_000,
    1_024_000, 2_048_000, 4_096_000, 8_192_000, 16_384_000,
];
const BUCKETS: usize = BOUNDS_US.len() + 1;
/// A window nobody has used yet.
const UNUSED: u64 = u64::MAX;

#[derive(Debug)]
struct Window {
    /// The minute (since start) whose votes it counts.
    minute: AtomicU64,
    counts: [AtomicU64; BUCKETS],
}

impl Default for Window {
    fn default() -> Self {
        Self { minute: AtomicU64::new(UNUSED), counts: Default::default() }
    }
}

#[derive(Debug)]
pub struct VoteLatency {
    started: Instant,
    windows: [Window; 2],
}

impl Default for VoteLatency {
    fn default() -> Self {
        Self { started: Instant::now(), windows: Default::default() }
    }
}

/// The median and the 95th percentile, in milliseconds (upper bounds of their buckets), and
/// how many votes they come from.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Quantiles {
    pub p50_ms: f64,
    pub p95_ms: f64,
    pub votes: u64,
}

impl VoteLatency {
    fn minute(&self) -> u64 {
        self.started.elapsed().as_secs() / 60
    }

    fn window(&self, minute: u64) -> Option<&Window> {
        self.windows.get(usize::from(minute % 2 == 1))
    }

    pub fn record(&self, took: Duration) {
        let minute = self.minute();
        let Some(window) = self.window(minute) else { return };
        let was = window.minute.load(Ordering::Acquire);
        if was != minute
            && window
                .minute
                .compare_exchange(was, minute, Ordering::AcqRel, Ordering::Acquire)
                .is_ok()
        {
            for count in &window.counts {
                count.store(0, Ordering::Relaxed);
            }
        }
        let micros = u64::try_from(took.as_micros()).unwrap_or(u64::MAX);
        let bucket = BOUNDS_US.iter().position(|bound| micros <= *bound).unwrap_or(BUCKETS - 1);
        if let Some(count) = window.counts.get(bucket) {
            count.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// Over the current minute and the one before; `None` before any vote.
    pub fn quantiles(&self) -> Option<Quantiles> {
        let now = self.minute();
        let recent: Vec<&Window> = self
            .windows
            .iter()
            .filter(|window| {
                let minute = window.minute.load(Ordering::Acquire);
                minute == now || minute.checked_add(1) == Some(now)
            })
            .collect();
        let counts: Vec<u64> = (0..BUCKETS)
            .map(|i| {
                recent
                    .iter()
                    .filter_map(|window| window.counts.get(i))
                    .map(|count| count.load(Ordering::Relaxed))
                    .sum()
            })
            .collect();
        let votes: u64 = counts.iter().sum();
        if votes == 0 {
            return None;
        }
        let at = |share: f64| {
            #[allow(
                clippy::cast_precision_loss,
                clippy::cast_possible_truncation,
                clippy::cast_sign_loss
            )]
            let rank = ((votes as f64) * share).ceil() as u64;
            let mut seen = 0;
            for (i, count) in counts.iter().enumerate() {
                seen += count;
                if seen >= rank.max(1) {
                    let bound = BOUNDS_US.get(i).copied().unwrap_or(u64::MAX);
                    #[allow(clippy::cast_precision_loss)]
                    return bound as f64 / 1000.0;
                }
            }
            f64::INFINITY
        };
        Some(Quantiles { p50_ms: at(0.5), p95_ms: at(0.95), votes })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_are_bucket_bounds() {
        let latency = VoteLatency::default();
        assert_eq!(latency.quantiles(), None);
        for _ in 0..90 {
            latency.record(Duration::from_micros(3_000));
        }
        for _ in 0..10 {
            latency.record(Duration::from_millis(100));
        }
        let q = latency.quantiles().unwrap();
        assert_eq!((q.p50_ms, q.p95_ms, q.votes), (4.0, 128.0, 100));
    }
}
