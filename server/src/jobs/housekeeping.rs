//! Housekeeping that runs in the background while the server serves: deleting what has expired
//! and can never be used again.

use super::connection;
use sqlx::{PgConnection, PgPool};

/// Rows deleted per statement, so that no purge holds locks for long.
const BATCH: i64 = 10_000;

/// What one purge deleted.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Purged {
    pub sessions: u64,
    pub links: u64,
    pub rate_counts: u64,
    pub idle_voters: u64,
    pub job_runs: u64,
    pub rank_history: u64,
    pub retired_pictures: u64,
}

impl Purged {
    pub fn total(&self) -> u64 {
        self.sessions
            + self.links
            + self.rate_counts
            + self.idle_voters
            + self.job_runs
            + self.rank_history
            + self.retired_pictures
    }
}

/// The kinds of expired rows, purged in this order.
#[derive(Debug, Clone, Copy)]
enum Purge {
    Sessions,
    Links,
    RateCounts,
    IdleVoters,
    JobRuns,
    RankHistory,
    RetiredPictures,
}

impl Purge {
    const ALL: [Purge; 7] = [
        Self::Sessions,
        Self::Links,
        Self::RateCounts,
        Self::IdleVoters,
        Self::JobRuns,
        Self::RankHistory,
        Self::RetiredPictures,
    ];

    /// Deletes at most `BATCH` expired rows of this kind; answers how many went.
    async fn delete_batch(self, connection: &mut PgConnection) -> Result<u64, sqlx::Error> {
        // Every arm is a checked statement without output columns: one type, run once below.
        let statement = match self {
            Self::Sessions => sqlx::query!(
                "DELETE FROM sessions WHERE token_hash IN
                       (SELECT token_hash FROM sessions WHERE expires_at < now() LIMIT $1)",
                BATCH,
            ),
            // A day's grace: a link clicked just after expiring still finds its row.
            Self::Links => sqlx::query!(
                "DELETE FROM account_tokens WHERE token_hash IN
                       (SELECT token_hash FROM account_tokens
                         WHERE expires_at < now() - interval '1 day' LIMIT $1)",
                BATCH,
            ),
            // Well past the longest throttling window.
            Self::RateCounts => sqlx::query!(
                "DELETE FROM rate_counts WHERE key IN
                       (SELECT key FROM rate_counts
                         WHERE window_start < now() - interval '1 day' LIMIT $1)",
                BATCH,
            ),
            // Anonymous voters who never voted (rows made before a first vote made them, and
            // rows standing in for a voter whose votes moved to an account): nothing of theirs
            // is lost, and one who comes back is simply shown a picture again.
            //
            // The conditions that matter are checked again on the row being deleted: a vote
            // committed after the subquery looked (it raises `votes_cast` and `revealed_at`)
            // makes the delete skip the row instead of deleting a voter who has just voted.
            Self::IdleVoters => sqlx::query!(
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
                BATCH,
            ),
            // A month of runs is plenty to see how the jobs have been doing.
            Self::JobRuns => sqlx::query!(
                "DELETE FROM job_runs WHERE id IN
                   (SELECT id FROM job_runs WHERE started_at < now() - interval '30 days' LIMIT $1)",
                BATCH,
            ),
            // A year of daily ranks is what a picture's chart can show.
            Self::RankHistory => sqlx::query!(
                "DELETE FROM rank_history WHERE (submission_id, day) IN
                   (SELECT submission_id, day FROM rank_history
                     WHERE day < current_date - 365 LIMIT $1)",
                BATCH,
            ),
            // Retired pictures whose grace period is over, with their votes (which have no
            // foreign key, see migration 3; no vote is written on a retired picture) and,
            // by cascade, their files, tallies, standings, links and retirement record.
            //
            // Votes have no index by picture (each would cost every vote's insert), so a batch
            // reads every vote once, hashing the batch's pictures. The pictures themselves are
            // found by key from an array: as `id IN (SELECT … FROM due)`, with the statistics
            // not yet counting a cycle's retirements (5 % of the pictures, under autovacuum's
            // 10 % for a new analyze), PostgreSQL planned a loop over the batch's pictures for
            // each retired one: at a million pictures, with a weekly cycle's 45,000 awaiting,
            // 28-41 s for a batch of 10,000, against about 2 s now (BENCHMARKS.md, "The jobs at
            // a million pictures").
            Self::RetiredPictures => sqlx::query!(
                "WITH due AS (SELECT submission_id FROM retirements
                               WHERE delete_after < now() LIMIT $1),
                      votes_gone AS (DELETE FROM votes
                                      WHERE submission_id IN (SELECT submission_id FROM due))
                 DELETE FROM submissions
                  WHERE id = ANY (ARRAY(SELECT submission_id FROM due))
                    AND retired_at IS NOT NULL",
                BATCH,
            ),
        };
        Ok(statement.execute(connection).await?.rows_affected())
    }
}

/// Deletes everything expired, batch by batch, on a connection of its own (see `connection`:
/// a batch of retired pictures reads every vote).
pub async fn purge_expired(pool: &PgPool) -> Result<Purged, sqlx::Error> {
    let [sessions, links, rate_counts, idle_voters, job_runs, rank_history, retired_pictures] =
        connection::run(pool, purge_on).await?;
    Ok(Purged {
        sessions,
        links,
        rate_counts,
        idle_voters,
        job_runs,
        rank_history,
        retired_pictures,
    })
}

async fn purge_on(connection: &mut PgConnection) -> Result<[u64; Purge::ALL.len()], sqlx::Error> {
    let mut counts = [0u64; Purge::ALL.len()];
    for (purge, count) in Purge::ALL.into_iter().zip(&mut counts) {
        loop {
            let deleted = purge.delete_batch(connection).await?;
            *count += deleted;
            if deleted < BATCH.unsigned_abs() {
                break;
            }
        }
    }
    Ok(counts)
}
