//! How the vote writer's last batches went, for the health check.

use std::{
    sync::atomic::{AtomicU32, AtomicU64, Ordering},
    time::{Duration, Instant},
};

/// How the last batches went, for the health check. A proxy stops sending votes to an instance
/// whose writer fails; then no batch can show that it works again, so a failure counts only for
/// [`FAILURE_MEMORY`]: after that the instance is tried again (and reported failing again if the
/// database still refuses).
#[derive(Debug)]
pub(super) struct Health {
    started: Instant,
    /// Batches that failed since the last one that committed.
    failing_since_success: AtomicU32,
    /// When the latest failure happened, in milliseconds after `started`.
    last_failure_ms: AtomicU64,
}

/// How long a failed batch makes the writer unhealthy when no batch commits after it.
const FAILURE_MEMORY: Duration = Duration::from_secs(15);

impl Health {
    pub(super) fn new() -> Self {
        Self {
            started: Instant::now(),
            failing_since_success: AtomicU32::new(0),
            last_failure_ms: AtomicU64::new(0),
        }
    }

    fn now_ms(&self) -> u64 {
        u64::try_from(self.started.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    pub(super) fn record(&self, committed: bool) {
        if committed {
            self.failing_since_success.store(0, Ordering::Relaxed);
        } else {
            self.last_failure_ms.store(self.now_ms(), Ordering::Relaxed);
            self.failing_since_success.fetch_add(1, Ordering::Relaxed);
        }
    }

    pub(super) fn is_healthy(&self) -> bool {
        let since_failure =
            self.now_ms().saturating_sub(self.last_failure_ms.load(Ordering::Relaxed));
        self.failing_since_success.load(Ordering::Relaxed) == 0
            || since_failure > u64::try_from(FAILURE_MEMORY.as_millis()).unwrap_or(u64::MAX)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failure_makes_the_writer_unhealthy_until_a_commit_or_for_a_while() {
        let health = Health::new();
        assert!(health.is_healthy());
        health.record(false);
        assert!(!health.is_healthy());
        health.record(true);
        assert!(health.is_healthy());
        // A failure longer ago than the memory, with nothing committed since.
        let later = Health { started: Instant::now() - FAILURE_MEMORY * 2, ..Health::new() };
        later.record(false);
        later.last_failure_ms.store(0, Ordering::Relaxed);
        assert!(later.is_healthy(), "an old failure no longer counts");
    }
}
