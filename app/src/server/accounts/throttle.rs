//! Throttling logins, by client address and by account-and-address pair: every attempt counts
//! until it succeeds.
//!
//! There is deliberately no limit per account alone: it would let anybody lock a real user out
//! by failing on purpose. Guessing one account from many addresses is still slowed by each
//! address's own limit.

use crate::server::{
    ClientAddress,
    rate_limits::{self, Limit},
};
use sqlx::PgPool;
use std::net::IpAddr;

/// Failures allowed per window before further attempts are refused.
pub const PER_ADDRESS: i32 = 30;
pub const PER_ACCOUNT_AND_ADDRESS: i32 = 5;
pub const WINDOW_MINUTES: i32 = 15;

/// The keys an attempt counts against. `account` is the account's id when it exists, else the
/// lower-cased name that was typed, so both cases behave the same.
pub fn keys(address: IpAddr, account: &str) -> [Limit; 2] {
    let address = ClientAddress(address).key();
    [
        Limit::new(format!("address:{address}"), PER_ADDRESS),
        Limit::new(format!("pair:{account}:{address}"), PER_ACCOUNT_AND_ADDRESS),
    ]
}

/// Counts one attempt against each key before the password is checked, and answers the minutes
/// until the first key that is now over its limit lets attempts through again (`None`: go on).
/// Counted before the hash: a flood of guesses at once gets no more tries than guesses one at a
/// time, and an attempt abandoned while its password is hashed costs a try like a wrong one.
pub async fn count_attempt(pool: &PgPool, keys: &[Limit]) -> Result<Option<i64>, sqlx::Error> {
    rate_limits::count(pool, keys, WINDOW_MINUTES).await
}

/// After a successful login, its attempt is taken back: the account-and-address pair starts
/// over, and the address's count drops by the one attempt that succeeded.
pub async fn forget(pool: &PgPool, keys: &[Limit; 2]) -> Result<(), sqlx::Error> {
    let [address, pair] = keys;
    sqlx::query!(
        "WITH pair AS (DELETE FROM rate_counts WHERE key = $2)
         UPDATE rate_counts SET count = greatest(count - 1, 0) WHERE key = $1",
        address.key,
        pair.key,
    )
    .execute(pool)
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipv6_counts_per_64_and_mapped_ipv4_as_ipv4() {
        let a: IpAddr = "2001:db8:1:2:aaaa::1".parse().unwrap();
        let b: IpAddr = "2001:db8:1:2:bbbb::9".parse().unwrap();
        assert_eq!(ClientAddress(a).key(), ClientAddress(b).key());
        let mapped: IpAddr = "::ffff:192.0.2.7".parse().unwrap();
        assert_eq!(ClientAddress(mapped).key(), "192.0.2.7");
        let [address, pair] = keys("192.0.2.7".parse().unwrap(), "42");
        assert_eq!(address.key, "address:192.0.2.7");
        assert_eq!(pair.key, "pair:42:192.0.2.7");
    }
}
