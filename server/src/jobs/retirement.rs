//! The retirement cycle: pictures that have been seen enough and whose cautious score (the
//! lower bound, see `app::standings`) is among the worst leave the rotation and the
//! leaderboards. Their owners still see them, with the reason, until the grace period ends and
//! housekeeping deletes them.
//!
//! A picture too young, or seen too little, is never judged: the lower bound already forgives
//! few votes, and the age and views thresholds make sure a new picture gets its chance.
//! Percentiles are taken over every picture in the standings, so the bottom share is of the
//! whole site, not only of the pictures old enough to retire.

use super::connection;
use sqlx::{PgConnection, PgPool};

/// The thresholds of one cycle (the `standings.retire_*` settings).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Thresholds {
    pub min_views: i64,
    pub min_age_days: i32,
    /// Pictures below this percentile of cautious scores retire (0–50).
    pub bottom_percent: f64,
    pub grace_days: i32,
}

impl From<&app::standings::pictures::RetirementRules> for Thresholds {
    fn from(rules: &app::standings::pictures::RetirementRules) -> Self {
        Self {
            min_views: rules.min_views,
            min_age_days: i32::try_from(rules.min_age_days).unwrap_or(i32::MAX),
            bottom_percent: rules.bottom_percent,
            grace_days: i32::try_from(rules.grace_days).unwrap_or(i32::MAX),
        }
    }
}

/// Retires the pictures `thresholds` condemn, recording each; answers how many retired.
///
/// On a connection of its own (see `connection`): ranking every picture by its cautious score
/// took 4.1-5.7 s at a million pictures; on the pool, where a statement may take 5 s, the cycle
/// failed (BENCHMARKS.md, "The jobs at a million pictures").
pub async fn retire_pictures(pool: &PgPool, thresholds: Thresholds) -> Result<u64, sqlx::Error> {
    let retired =
        connection::run(pool, async |connection| retire_on(connection, thresholds).await).await?;
    for picture in &retired {
        tracing::info!(picture, ?thresholds, "picture retired");
    }
    Ok(u64::try_from(retired.len()).unwrap_or(u64::MAX))
}

/// Retires and records the condemned pictures; answers their ids.
async fn retire_on(
    connection: &mut PgConnection,
    thresholds: Thresholds,
) -> Result<Vec<i64>, sqlx::Error> {
    sqlx::query_scalar!(
        "WITH judged AS (
             -- 0 for the lowest cautious score, 100 for the highest.
             SELECT submission_id, lower_bound,
                    percent_rank() OVER (ORDER BY lower_bound) * 100 AS percentile
               FROM picture_standings
         ), retiring AS (
             SELECT j.submission_id, j.lower_bound, j.percentile, r.views, t.vote_count
               FROM judged j
               JOIN submissions s ON s.id = j.submission_id AND s.retired_at IS NULL
               JOIN picture_reach r ON r.submission_id = j.submission_id
               JOIN tallies t ON t.submission_id = j.submission_id
              WHERE j.percentile < $1
                AND r.views >= $2
                AND s.created_at <= now() - make_interval(days => $3)
         ), retired AS (
             UPDATE submissions s SET retired_at = now()
               FROM retiring r WHERE s.id = r.submission_id
             RETURNING s.id
         )
         INSERT INTO retirements
                (submission_id, retired_at, delete_after, lower_bound, percentile, views, votes)
         SELECT r.submission_id, now(), now() + make_interval(days => $4),
                r.lower_bound, r.percentile, r.views, r.vote_count
           FROM retiring r JOIN retired d ON d.id = r.submission_id
         RETURNING submission_id",
        thresholds.bottom_percent,
        thresholds.min_views,
        thresholds.min_age_days,
        thresholds.grace_days,
    )
    .fetch_all(connection)
    .await
}
