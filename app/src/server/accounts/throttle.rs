//! Throttling failed logins, by client address and by account-and-address pair.
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

/// Minutes until the first of `keys` that is over its limit lets attempts through again.
pub async fn blocked_for(
    pool: &PgPool,
    keys: &[(String, i32)],
) -> Result<Option<i64>, sqlx::Error> {
    let (names, limits): (Vec<&str>, Vec<i32>) = keys.iter().map(|(k, l)| (k.as_str(), *l)).unzip();
    sqlx::query_scalar(
        "SELECT max(ceil(extract(epoch FROM f.window_start + make_interval(mins => $3) - now()) / 60))::bigint
         FROM login_failures f JOIN unnest($1::text[], $2::int[]) AS k(key, max_failures) USING (key)
         WHERE f.failures >= k.max_failures AND f.window_start > now() - make_interval(mins => $3)",
    )
    .bind(&names)
    .bind(&limits)
    .bind(WINDOW_MINUTES)
    .fetch_one(pool)
    .await
}

/// Counts one failure against each key (a key whose window has passed starts again at 1).
pub async fn record_failure(pool: &PgPool, keys: &[(String, i32)]) -> Result<(), sqlx::Error> {
    let names: Vec<&str> = keys.iter().map(|(k, _)| k.as_str()).collect();
    sqlx::query(
        "INSERT INTO login_failures (key, failures, window_start)
         SELECT key, 1, now() FROM unnest($1::text[]) AS key
         ON CONFLICT (key) DO UPDATE SET
             failures = CASE WHEN login_failures.window_start > now() - make_interval(mins => $2)
                             THEN login_failures.failures + 1 ELSE 1 END,
             window_start = CASE WHEN login_failures.window_start > now() - make_interval(mins => $2)
                                 THEN login_failures.window_start ELSE now() END",
    )
    .bind(&names)
    .bind(WINDOW_MINUTES)
    .execute(pool)
    .await?;
    Ok(())
}

/// After a successful login, that account-and-address pair starts over.
pub async fn forget(pool: &PgPool, key: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM login_failures WHERE key = $1").bind(key).execute(pool).await?;
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
