//! Limits on how fast votes come: per voter, and per network (an IPv4 address, or an IPv6 /64,
//! which one household or phone usually holds). Checked in memory before a ballot reaches the
//! writer, so a vote costs no extra database round trip.
//!
//! Each key has a GCRA bucket (a "theoretical arrival time"): a steady `per_minute` with a burst
//! of a quarter of it (at least five) allowed on top. A refused vote does not count, so a voter
//! who waits the time they are told gets through.
//!
//! With several server instances each counts on its own: behind a load balancer that spreads a
//! voter's requests, the effective limit is up to the number of instances times the setting.
//! The memory is bounded: at most [`MAX_KEYS`] keys per limit; when full, idle keys are
//! dropped, and if every key is busy the new one goes unlimited rather than refused (and a
//! warning is logged): the limits protect the numbers, but never at the price of honest votes.

use std::{
    collections::HashMap,
    hash::Hash,
    net::IpAddr,
    sync::Mutex,
    time::{Duration, Instant},
};

/// Keys remembered per limit at most.
pub const MAX_KEYS: usize = 200_000;

/// A network, as limits count them: an IPv4 address (IPv4-mapped IPv6 included) or an IPv6 /64.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Network(u128);

impl From<IpAddr> for Network {
    fn from(address: IpAddr) -> Self {
        match address {
            IpAddr::V4(v4) => Self(u128::from(u32::from(v4))),
            IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                Some(v4) => Self(u128::from(u32::from(v4))),
                // The top 64 bits, tagged so that no /64 equals an IPv4 address.
                None => Self((u128::from(v6) >> 64) | (1 << 127)),
            },
        }
    }
}

/// As PostgreSQL reads an `inet`: `192.0.2.7`, or `2001:db8:1:2::/64`.
impl std::fmt::Display for Network {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.0 >> 127 == 0 {
            // Only the low 32 bits are set for an IPv4 network.
            let v4 = u32::try_from(self.0).unwrap_or(u32::MAX);
            write!(f, "{}", std::net::Ipv4Addr::from(v4))
        } else {
            let prefix = (self.0 & !(1 << 127)) << 64;
            write!(f, "{}/64", std::net::Ipv6Addr::from(prefix))
        }
    }
}

/// One limit: a bucket per key.
#[derive(Debug)]
struct Buckets<K> {
    interval: Duration,
    burst: Duration,
    next_free: Mutex<HashMap<K, Instant>>,
}

impl<K: Eq + Hash + Copy> Buckets<K> {
    fn new(per_minute: u32) -> Option<Self> {
        (per_minute > 0).then(|| {
            let interval = Duration::from_secs(60) / per_minute;
            Self {
                interval,
                burst: interval * (per_minute / 4).max(5),
                next_free: Mutex::default(),
            }
        })
    }

    /// Whether `key` may vote at `now` (without counting it), or how long until it may.
    fn check(&self, key: K, now: Instant) -> Result<(), Duration> {
        let Ok(next_free) = self.next_free.lock() else { return Ok(()) };
        let free = next_free.get(&key).copied().unwrap_or(now).max(now);
        match free.checked_sub(self.burst) {
            Some(allowed_from) if now < allowed_from => Err(allowed_from - now),
            _ => Ok(()),
        }
    }

    /// Takes one vote for `key` at `now`, or answers how long until one would be allowed.
    fn take(&self, key: K, now: Instant) -> Result<(), Duration> {
        let Ok(mut next_free) = self.next_free.lock() else { return Ok(()) };
        if next_free.len() >= MAX_KEYS && !next_free.contains_key(&key) {
            next_free.retain(|_, free| *free > now);
            if next_free.len() >= MAX_KEYS {
                tracing::warn!(
                    keys = MAX_KEYS,
                    "vote limits are full of busy keys; not limiting a new one"
                );
                return Ok(());
            }
        }
        let free = next_free.get(&key).copied().unwrap_or(now).max(now);
        let allowed_from = free.checked_sub(self.burst).unwrap_or(now);
        if now < allowed_from {
            return Err(allowed_from - now);
        }
        next_free.insert(key, free + self.interval);
        Ok(())
    }
}

/// The vote limits of one server instance.
#[derive(Debug)]
pub struct VoteLimits {
    per_voter: Option<Buckets<i64>>,
    per_network: Option<Buckets<Network>>,
}

impl VoteLimits {
    /// Votes per minute per voter and per network; 0 turns a limit off.
    pub fn new(per_voter_per_minute: u32, per_network_per_minute: u32) -> Self {
        Self {
            per_voter: Buckets::new(per_voter_per_minute),
            per_network: Buckets::new(per_network_per_minute),
        }
    }

    /// Counts a vote from `voter` on `network`, or answers how long to wait. A refused vote
    /// uses up neither limit. (Two votes of one voter at the same instant may both pass the
    /// voter's check: the writer lets only one of them through anyway.)
    pub fn take(&self, voter: i64, network: Network, now: Instant) -> Result<(), Duration> {
        if let Some(per_voter) = &self.per_voter {
            per_voter.check(voter, now)?;
        }
        if let Some(per_network) = &self.per_network {
            per_network.take(network, now)?;
        }
        if let Some(per_voter) = &self.per_voter {
            per_voter.take(voter, now)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_then_the_steady_rate_and_the_wait_is_told() {
        // 60 a minute: one a second, a burst of 15.
        let limits = VoteLimits::new(60, 0);
        let start = Instant::now();
        let network = Network::from(IpAddr::from([192, 0, 2, 1]));
        let allowed = (0..40).filter(|_| limits.take(1, network, start).is_ok()).count();
        assert_eq!(allowed, 16, "the burst (15 on top of the first)");
        let wait = limits.take(1, network, start).unwrap_err();
        assert!(wait <= Duration::from_secs(1) && wait > Duration::ZERO, "{wait:?}");
        assert!(limits.take(1, network, start + wait).is_ok(), "after the wait, one more");
        // Another voter is not held up.
        assert!(limits.take(2, network, start).is_ok());
    }

    #[test]
    fn a_network_limit_covers_every_voter_on_it_and_ipv6_counts_per_64() {
        let limits = VoteLimits::new(0, 20);
        let now = Instant::now();
        let a = Network::from("2001:db8:1:2::1".parse::<IpAddr>().unwrap());
        let b = Network::from("2001:db8:1:2:ffff::9".parse::<IpAddr>().unwrap());
        assert_eq!(a, b);
        let allowed = (0..20).filter(|voter| limits.take(*voter, a, now).is_ok()).count();
        assert_eq!(allowed, 6, "one and a burst of five, whichever voters send them");
        let elsewhere = Network::from("2001:db8:1:3::1".parse::<IpAddr>().unwrap());
        assert!(limits.take(99, elsewhere, now).is_ok());
        let mapped = Network::from("::ffff:192.0.2.7".parse::<IpAddr>().unwrap());
        assert_eq!(mapped, Network::from(IpAddr::from([192, 0, 2, 7])));
        // As stored with a vote.
        assert_eq!(a.to_string(), "2001:db8:1:2::/64");
        assert_eq!(mapped.to_string(), "192.0.2.7");
    }

    #[test]
    fn a_vote_the_network_refuses_does_not_use_up_its_voters_limit() {
        let limits = VoteLimits::new(60, 20);
        let now = Instant::now();
        let network = Network::from(IpAddr::from([192, 0, 2, 9]));
        // Other voters use up the network.
        for voter in 100..106 {
            limits.take(voter, network, now).unwrap();
        }
        for _ in 0..30 {
            assert!(limits.take(1, network, now).is_err());
        }
        // Elsewhere, voter 1 still has their whole burst.
        let elsewhere = Network::from(IpAddr::from([198, 51, 100, 1]));
        let allowed = (0..20).filter(|_| limits.take(1, elsewhere, now).is_ok()).count();
        assert_eq!(allowed, 6, "the burst of the elsewhere network, not of voter 1");
    }

    #[test]
    fn off_means_off() {
        let limits = VoteLimits::new(0, 0);
        let network = Network::from(IpAddr::from([10, 0, 0, 1]));
        assert!((0..10_000).all(|_| limits.take(1, network, Instant::now()).is_ok()));
    }
}
