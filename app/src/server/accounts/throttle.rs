//! Throttling logins, by client address and by account-and-address pair: every attempt counts
//! until it succeeds.
//!
//! There is deliberately no limit per account alone: it would let anybody lock a real user out
//! by failing on purpose. Guessing one account from many addresses is still slowed by each
//! address's own limit.

use sqlx::PgPool;
use std::net::IpAddr;

/// Failures allowed per window before further attempts are refused.
pub const PER_ADDRESS: i32 = 30;
pub const PER_ACCOUNT_AND_ADDRESS: i32 = 5;
pub const WINDOW_MINUTES: i32 = 15;

/// The keys an attempt counts against. `account` is the account's id when it exists, else the
/// lower-cased name that was typed, so both cases behave the same.
pub fn keys(address: IpAddr, account: &str) -> [(String, i32); 2] {
    let address = address_key(address);
    [
        (format!("address:{address}"), PER_ADDRESS),
        (format!("pair:{account}:{address}"), PER_ACCOUNT_AND_ADDRESS),
    ]
}

/// IPv6 clients usually hold a whole /64, so that is what counts as one address.
fn address_key(address: IpAddr) -> String {
    match address {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = v6.segments();
                format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        },
    }
}

/// Counts one attempt against each key before the password is checked, and answers the minutes
/// until the first key that is now over its limit lets attempts through again (`None`: go on).
///
/// Counting and checking are one statement: concurrent attempts queue on the counters' rows, so
/// each sees a distinct count and at most `limit` of them get through, however many arrive at
/// once. An attempt abandoned while its password is being hashed has been counted already: it
/// costs a try like a wrong password. A key whose window has passed starts again at 1.
pub async fn count_attempt(
    pool: &PgPool,
    keys: &[(String, i32)],
) -> Result<Option<i64>, sqlx::Error> {
    let (names, limits): (Vec<&str>, Vec<i32>) = keys.iter().map(|(k, l)| (k.as_str(), *l)).unzip();
    sqlx::query_scalar(
        "WITH counted AS (
             INSERT INTO login_failures (key, failures, window_start)
             SELECT key, 1, now() FROM unnest($1::text[]) AS key
             ON CONFLICT (key) DO UPDATE SET
                 failures = CASE WHEN login_failures.window_start > now() - make_interval(mins => $3)
                                 THEN login_failures.failures + 1 ELSE 1 END,
                 window_start = CASE WHEN login_failures.window_start > now() - make_interval(mins => $3)
                                     THEN login_failures.window_start ELSE now() END
             RETURNING key, failures, window_start
         )
         SELECT max(ceil(extract(epoch FROM c.window_start + make_interval(mins => $3) - now()) / 60))::bigint
         FROM counted c JOIN unnest($1::text[], $2::int[]) AS k(key, max_failures) USING (key)
         WHERE c.failures > k.max_failures",
    )
    .bind(&names)
    .bind(&limits)
    .bind(WINDOW_MINUTES)
    .fetch_one(pool)
    .await
}

/// After a successful login, its attempt is taken back: the account-and-address pair starts
/// over, and the address's count drops by the one attempt that succeeded.
pub async fn forget(pool: &PgPool, keys: &[(String, i32)]) -> Result<(), sqlx::Error> {
    let [(address, _), (pair, _)] = keys else { return Ok(()) };
    sqlx::query(
        "WITH pair AS (DELETE FROM login_failures WHERE key = $2)
         UPDATE login_failures SET failures = greatest(failures - 1, 0) WHERE key = $1",
    )
    .bind(address)
    .bind(pair)
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
        assert_eq!(address_key(a), address_key(b));
        let mapped: IpAddr = "::ffff:192.0.2.7".parse().unwrap();
        assert_eq!(address_key(mapped), "192.0.2.7");
        let [(address, _), (pair, _)] = keys("192.0.2.7".parse().unwrap(), "42");
        assert_eq!(address, "address:192.0.2.7");
        assert_eq!(pair, "pair:42:192.0.2.7");
    }
}
