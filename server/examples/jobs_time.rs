//! Times the periodic jobs other than ranking (`server::jobs`) on a large site: the minute's key
//! figures, the anomaly detectors, a retirement cycle and the purge of the pictures it retired.
//!
//! Meant for the cluster `make bench` leaves at a million pictures after
//! `scripts/bench/weighted_votes.sql`, whose voters have ids -1 to -1,000,000 and about ten
//! million votes. It first makes the site busy: `--active N` of those voters (100,000 by
//! default) active in the last hour, their votes cast in it from 200 networks at a human pace
//! (so the detectors examine them all and flag none), and every picture seen 50 to 149 times.
//! Then one run of each job, as the server runs it, on that database. The retirement cycle
//! retires the worst 5 % of the pictures (every picture old and seen enough) with no grace
//! period, and the purge then deletes them with their votes: both change the database for good.
//!
//! Uses the configured database like the server does. Run by `make bench`:
//!   cargo run --release --example jobs_time -- [--active N]
// A measuring tool: a panic here is a failed measurement, not a crashed server.
#![allow(clippy::print_stdout)]

use anyhow::Context as _;
use server::{
    config::Settings,
    database::{Database, Location},
    jobs::{anomalies, kpis, purge_expired, retirement},
};
use std::time::{Duration, Instant};

fn active_voters() -> anyhow::Result<i64> {
    let args: Vec<String> = std::env::args().collect();
    match args.iter().position(|a| a == "--active") {
        Some(i) => Ok(args.get(i + 1).context("a value after --active")?.parse()?),
        None => Ok(100_000),
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let active = active_voters()?;
    let settings = Settings::load(None)?;
    let database = Database::open(&settings.database, Location::Configured).await?;
    let pool = &database.pool;
    let window_votes = make_busy(pool, active).await?;

    let started = Instant::now();
    kpis::sample(pool).await?;
    let kpis_ms = started.elapsed().as_millis();

    let started = Instant::now();
    let flagged =
        anomalies::run(pool, &anomalies::Detectors::every(Duration::from_secs(300))).await?;
    let anomalies_ms = started.elapsed().as_millis();
    anyhow::ensure!(flagged == 0, "the detectors flagged {flagged} votes of honest voters");

    let cycle = retirement::Thresholds {
        min_views: 50,
        min_age_days: 0,
        bottom_percent: 5.0,
        grace_days: 0,
    };
    let started = Instant::now();
    let retired = retirement::retire_pictures(pool, cycle).await?;
    let retirement_ms = started.elapsed().as_millis();

    let started = Instant::now();
    let purged = purge_expired(pool).await?;
    let purge_ms = started.elapsed().as_millis();
    anyhow::ensure!(purged.retired_pictures == retired, "retired {retired}, purged {purged:?}");
    database.close().await;

    println!(
        "RESULT active_voters={active} window_votes={window_votes} kpis_ms={kpis_ms} \
         anomalies_ms={anomalies_ms} retired={retired} retirement_ms={retirement_ms} \
         purge_ms={purge_ms}"
    );
    Ok(())
}

/// Makes `active` of the filled voters active in the last hour and every picture seen;
/// answers how many votes the hour holds.
async fn make_busy(pool: &sqlx::PgPool, active: i64) -> anyhow::Result<i64> {
    let mut busy = pool.begin().await?;
    sqlx::query!("SET LOCAL statement_timeout = 0").execute(&mut *busy).await?;
    sqlx::query!(
        "UPDATE voters SET revealed_at = now() - interval '1 minute'
          WHERE id BETWEEN -$1::int8 AND -1",
        active
    )
    .execute(&mut *busy)
    .await?;
    // Spread over the last 50 minutes, 1.5 to 2.5 s after each picture appeared.
    let window_votes = sqlx::query!(
        "UPDATE votes
            SET created_at = now() - make_interval(secs => 60 + (voter_id % 2900 + 2900) % 2900),
                network = ('10.' || (voter_id % 200 + 200) % 200 || '.0.0/16')::inet,
                look_ms = 1500 + (voter_id % 1000 + 1000) % 1000
          WHERE voter_id BETWEEN -$1::int8 AND -1",
        active
    )
    .execute(&mut *busy)
    .await?
    .rows_affected();
    sqlx::query!(
        "INSERT INTO picture_reach (submission_id, views)
         SELECT id, 50 + id % 100 FROM submissions
         ON CONFLICT (submission_id) DO UPDATE SET views = EXCLUDED.views"
    )
    .execute(&mut *busy)
    .await?;
    busy.commit().await?;
    // No ANALYZE: on a live site the statistics lag behind the last hour too.
    Ok(i64::try_from(window_votes)?)
}
