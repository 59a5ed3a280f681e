//! The KPI sampler: one row of key figures per minute in `kpi_samples` (see its migration for
//! why totals are stored as they stood), and the roll-ups that keep the table small: minutes
//! older than [`MINUTES_KEPT`] become hours, hours older than [`HOURS_KEPT`] become days.
//!
//! The figures are read by `app::server::operators::kpis::figures_now`, which the dashboard also
//! uses for its live point. When `metrics.influxdb_url` is set, each new row also goes to
//! InfluxDB (see `crate::influx`); a failure there is logged and changes nothing here.

use crate::influx::{self, InfluxExport};
use app::server::operators::kpis::figures_now;
use sqlx::PgPool;

/// How long per-minute rows are kept before they are rolled into hours.
pub const MINUTES_KEPT: &str = "7 days";
/// How long hourly rows are kept before they are rolled into days.
pub const HOURS_KEPT: &str = "90 days";

/// Writes this minute's row (once: a second run in the same minute changes nothing) and rolls
/// old rows up; answers the rows written or rolled.
pub async fn sample(pool: &PgPool) -> Result<u64, sqlx::Error> {
    sample_and_export(pool, None).await
}

/// [`sample`], sending a newly written row to `export` too.
pub async fn sample_and_export(
    pool: &PgPool,
    export: Option<&InfluxExport>,
) -> Result<u64, sqlx::Error> {
    let now = figures_now(pool).await?;
    let at = sqlx::query_scalar!(
        r#"SELECT extract(epoch FROM date_trunc('minute', now()))::int8 AS "at!""#
    )
    .fetch_one(pool)
    .await?;
    let written = sqlx::query!(
        "INSERT INTO kpi_samples (resolution, at, counted_votes, discounted_votes, voters,
                                  regulars, members, uploaders, uploads, reports, active_voters)
         VALUES ('minute', date_trunc('minute', now()), $1, $2, $3, $4, $5, $6, $7, $8, $9)
         ON CONFLICT (resolution, at) DO NOTHING",
        now.counted_votes,
        now.discounted_votes,
        now.voters,
        now.regulars,
        now.members,
        now.uploaders,
        now.uploads,
        now.reports,
        now.active_voters,
    )
    .execute(pool)
    .await?
    .rows_affected();
    if let (Some(export), 1) = (export, written)
        && let Err(error) = export.write(&influx::line(&now, at)).await
    {
        tracing::warn!(error = %app::server::ErrorChain(&error), "could not send the key figures to InfluxDB");
    }
    Ok(written + roll_up(pool).await?)
}

/// Rolls minutes past [`MINUTES_KEPT`] into hours and hours past [`HOURS_KEPT`] into days, each
/// in one statement (the finer rows are deleted as the coarser one is written or merged).
pub async fn roll_up(pool: &PgPool) -> Result<u64, sqlx::Error> {
    let mut rolled = 0;
    for (from, to, unit, kept) in
        [("minute", "hour", "hour", MINUTES_KEPT), ("hour", "day", "day", HOURS_KEPT)]
    {
        rolled += sqlx::query!(
            "WITH old AS (
                 DELETE FROM kpi_samples
                  WHERE resolution = $1 AND at < now() - $4::text::interval
                 RETURNING *
             )
             INSERT INTO kpi_samples AS k
             SELECT $2, date_trunc($3, at), max(counted_votes), max(discounted_votes),
                    max(voters), max(regulars), max(members), max(uploaders), max(uploads),
                    sum(reports)::int8, max(active_voters)
               FROM old GROUP BY date_trunc($3, at)
             ON CONFLICT (resolution, at) DO UPDATE SET
                 counted_votes = GREATEST(k.counted_votes, EXCLUDED.counted_votes),
                 discounted_votes = GREATEST(k.discounted_votes, EXCLUDED.discounted_votes),
                 voters = GREATEST(k.voters, EXCLUDED.voters),
                 regulars = GREATEST(k.regulars, EXCLUDED.regulars),
                 members = GREATEST(k.members, EXCLUDED.members),
                 uploaders = GREATEST(k.uploaders, EXCLUDED.uploaders),
                 uploads = GREATEST(k.uploads, EXCLUDED.uploads),
                 reports = k.reports + EXCLUDED.reports,
                 active_voters = GREATEST(k.active_voters, EXCLUDED.active_voters)",
            from,
            to,
            unit,
            kept,
        )
        .execute(pool)
        .await?
        .rows_affected();
    }
    Ok(rolled)
}
