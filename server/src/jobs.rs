//! Housekeeping that runs in the background while the server serves: deleting what has expired
//! and can never be used again.

use sqlx::PgPool;
use std::time::Duration;
use tokio::task::JoinHandle;

/// Rows deleted per statement, so that no purge holds locks for long.
const BATCH: i64 = 10_000;

/// What one purge deleted.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Purged {
    pub sessions: u64,
    pub links: u64,
    pub rate_counts: u64,
    pub idle_voters: u64,
}

/// Each statement deletes at most `BATCH` rows (`$1`).
const PURGES: [(&str, &str); 4] = [
    (
        "sessions",
        "DELETE FROM sessions WHERE token_hash IN
           (SELECT token_hash FROM sessions WHERE expires_at < now() LIMIT $1)",
    ),
    (
        "links",
        // A day's grace: a link clicked just after expiring still finds its row.
        "DELETE FROM account_tokens WHERE token_hash IN
           (SELECT token_hash FROM account_tokens
             WHERE expires_at < now() - interval '1 day' LIMIT $1)",
    ),
    (
        "rate counts",
        // Well past the longest throttling window.
        "DELETE FROM rate_counts WHERE key IN
           (SELECT key FROM rate_counts WHERE window_start < now() - interval '1 day' LIMIT $1)",
    ),
    (
        "idle voters",
        // Anonymous voters who never voted (rows made before a first vote made them, and rows
        // standing in for a voter whose votes moved to an account): nothing of theirs is lost,
        // and one who comes back is simply shown a picture again.
        //
        // The conditions that matter are checked again on the row being deleted: a vote
        // committed after the subquery looked (it raises `votes_cast` and `revealed_at`) makes
        // the delete skip the row instead of deleting a voter who has just voted.
        "DELETE FROM voters d
          WHERE d.id IN
           (SELECT v.id FROM voters v
             WHERE v.votes_cast = 0
               AND coalesce(v.revealed_at, v.created_at) < now() - interval '2 days'
               AND NOT EXISTS (SELECT 1 FROM votes WHERE voter_id = v.id)
               AND NOT EXISTS (SELECT 1 FROM users WHERE voter_id = v.id)
               AND NOT EXISTS (SELECT 1 FROM submissions WHERE submitted_by = v.id)
             LIMIT $1)
            AND d.votes_cast = 0
            AND coalesce(d.revealed_at, d.created_at) < now() - interval '2 days'",
    ),
];

pub async fn purge_expired(pool: &PgPool) -> Result<Purged, sqlx::Error> {
    let mut counts = [0u64; PURGES.len()];
    for ((_, statement), count) in PURGES.iter().zip(&mut counts) {
        loop {
            let deleted = sqlx::query(statement).bind(BATCH).execute(pool).await?.rows_affected();
            *count += deleted;
            if deleted < BATCH as u64 {
                break;
            }
        }
    }
    let [sessions, links, rate_counts, idle_voters] = counts;
    Ok(Purged { sessions, links, rate_counts, idle_voters })
}

/// Purges every `every`, first one `every` after starting (start-up has enough to do), until
/// the returned task is aborted.
pub fn spawn_housekeeping(pool: PgPool, every: Duration) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            match purge_expired(&pool).await {
                Ok(purged) if purged != Purged::default() => {
                    tracing::info!(?purged, "deleted expired rows");
                }
                Ok(_) => {}
                Err(error) => {
                    tracing::warn!(error = %app::server::ErrorChain(&error), "housekeeping failed; trying again later");
                }
            }
        }
    })
}
