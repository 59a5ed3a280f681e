//! The votes' settings: the writers, tickets, the minimum viewing time and the vote limits.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VoteSettings {
    /// Most batches written at the same time, each on a connection of its own. One is written at
    /// a time while batches are quick; another starts beside it once the running one has taken
    /// 10 ms (waiting on a slow disk or on a row another transaction holds).
    pub writers: usize,
    /// Most votes written in one database transaction.
    pub max_batch: usize,
    /// How long a revealed picture stays votable with the ticket it was shown with.
    pub ticket_max_age_hours: u64,
    /// How long a picture must be in front of a voter before their vote on it is taken, in
    /// milliseconds: faster than a person can look is a script. 0 turns it off (benchmarks).
    pub min_view_ms: u64,
    /// Votes one voter may cast per minute (with a burst of a quarter of it); 0: no limit.
    pub per_voter_per_minute: u32,
    /// Votes per minute from one network (an IPv4 address or an IPv6 /64), all its voters
    /// together; 0: no limit. Counted per server instance (see the README).
    pub per_network_per_minute: u32,
    /// How often the anomaly detectors run, in seconds; 0 turns them off (benchmarks and
    /// end-to-end tests, which vote at machine speed on purpose).
    pub anomaly_check_every_secs: u64,
}

impl Default for VoteSettings {
    fn default() -> Self {
        Self {
            writers: 2,
            max_batch: 256,
            ticket_max_age_hours: 24,
            min_view_ms: 400,
            per_voter_per_minute: 120,
            per_network_per_minute: 1200,
            anomaly_check_every_secs: 300,
        }
    }
}

impl VoteSettings {
    /// The rules these settings follow alone (`database.max_connections` against `writers` is
    /// checked with the database's settings).
    pub(super) fn validate(&self) -> Result<(), String> {
        if !(1..=32).contains(&self.writers) {
            return Err("votes.writers must be from 1 to 32".into());
        }
        if self.max_batch == 0 || self.max_batch > 4096 {
            return Err("votes.max_batch must be from 1 to 4096".into());
        }
        if self.min_view_ms > 60_000 {
            return Err("votes.min_view_ms must be at most 60000 (a minute)".into());
        }
        if self.ticket_max_age_hours == 0 {
            return Err("votes.ticket_max_age_hours must be at least 1".into());
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_defaults_are_valid_and_a_minimum_view_over_a_minute_is_named() {
        assert_eq!(VoteSettings::default().validate(), Ok(()));
        let slow = VoteSettings { min_view_ms: 60_001, ..Default::default() };
        assert!(slow.validate().unwrap_err().contains("min_view_ms"));
    }
}
