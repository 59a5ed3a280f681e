//! Counting requests per key ("address:…", "mail-to:…") in fixed windows, in PostgreSQL, so that
//! every server instance counts against the same numbers.

use sqlx::PgPool;

/// One limit: at most `max` counted requests for `key` per window.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limit {
    pub key: String,
    pub max: i32,
}

impl Limit {
    pub fn new(key: impl Into<String>, max: i32) -> Self {
        Self { key: key.into(), max }
    }
}

/// Counts one request against each limit's key and answers the minutes until the first key that
/// is now over its limit lets requests through again (`None`: go on).
///
/// Counting and checking are one statement: concurrent requests queue on the counters' rows, so
/// each sees a distinct count and at most `max` get through, however many arrive at once. A
/// refused request counts too (the window does not move), and a key whose window has passed
/// starts again at 1.
pub async fn count(
    pool: &PgPool,
    limits: &[Limit],
    window_minutes: i32,
) -> Result<Option<i64>, sqlx::Error> {
    let (keys, maxima): (Vec<&str>, Vec<i32>) =
        limits.iter().map(|limit| (limit.key.as_str(), limit.max)).unzip();
    sqlx::query_scalar!(
        "WITH counted AS (
             INSERT INTO rate_counts (key, count, window_start)
             SELECT key, 1, now() FROM unnest($1::text[]) AS key
             ON CONFLICT (key) DO UPDATE SET
                 count = CASE WHEN rate_counts.window_start > now() - make_interval(mins => $3)
                              THEN rate_counts.count + 1 ELSE 1 END,
                 window_start = CASE WHEN rate_counts.window_start > now() - make_interval(mins => $3)
                                     THEN rate_counts.window_start ELSE now() END
             RETURNING key, count, window_start
         )
         SELECT max(ceil(extract(epoch FROM c.window_start + make_interval(mins => $3) - now()) / 60))::bigint
         FROM counted c JOIN unnest($1::text[], $2::int[]) AS k(key, max) USING (key)
         WHERE c.count > k.max",
        &keys as &[&str],
        &maxima,
        window_minutes,
    )
    .fetch_one(pool)
    .await
}
