//! Measures the next-picture query (the one the app runs, from `app::server::picks`) for a voter
//! who has rated many pictures, and `ORDER BY random()` for comparison, in one run.
//!
//! Uses the configured database like the server does (the embedded cluster in
//! `RMD_DATABASE__DATA_DIR`, or `DATABASE_URL`). Run by `make bench`:
//!   cargo run --release --example pick_latency -- [--rated N] [--picks N]
// A measuring tool: a panic here is a failed measurement, not a crashed server.
#![allow(
    clippy::print_stdout,
    clippy::indexing_slicing,
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss
)]

use anyhow::Context as _;
use app::server::{picks::pick_next, voter::VoterId};
use server::{
    config::Settings,
    database::{Database, Location},
};
use std::time::{Duration, Instant};

fn argument(name: &str, default: u32) -> anyhow::Result<u32> {
    let args: Vec<String> = std::env::args().collect();
    match args.iter().position(|a| a == name) {
        Some(i) => {
            args.get(i + 1).context("a value after the flag")?.parse().context(name.to_owned())
        }
        None => Ok(default),
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index.min(sorted.len() - 1)]
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let rated = argument("--rated", 10_000)?;
    let picks = argument("--picks", 5_000)?;
    let settings = Settings::load(None)?;
    let database = Database::open(&settings.database, Location::Configured).await?;
    let pool = &database.pool;
    let pictures = sqlx::query_scalar!(
        r#"SELECT count(*) AS "pictures!" FROM submissions WHERE retired_at IS NULL"#
    )
    .fetch_one(pool)
    .await?;

    // A voter who has rated `rated` pictures spread over the whole table.
    let voter = VoterId(4_242_424_242);
    sqlx::query!("INSERT INTO voters (id) VALUES ($1) ON CONFLICT DO NOTHING", voter.0)
        .execute(pool)
        .await?;
    sqlx::query!(
        "INSERT INTO votes (voter_id, submission_id, rating)
         SELECT $1, id, 5 FROM submissions ORDER BY md5(id::text) LIMIT $2 ON CONFLICT DO NOTHING",
        voter.0,
        i64::from(rated)
    )
    .execute(pool)
    .await?;
    sqlx::query!("ANALYZE votes").execute(pool).await?;

    for _ in 0..200 {
        pick_next(pool, voter, None).await?;
    }
    let mut timings = Vec::with_capacity(picks as usize);
    let mut found = 0;
    for _ in 0..picks {
        let started = Instant::now();
        if pick_next(pool, voter, None).await?.is_some() {
            found += 1;
        }
        timings.push(started.elapsed());
    }
    timings.sort();

    // The approach the issue rules out, for scale: a few runs are plenty.
    let mut random_order = Vec::new();
    for _ in 0..3 {
        let started = Instant::now();
        sqlx::query_scalar!(
            "SELECT s.id FROM submissions s WHERE s.retired_at IS NULL AND NOT EXISTS
             (SELECT 1 FROM votes v WHERE v.voter_id = $1 AND v.submission_id = s.id)
             ORDER BY random() LIMIT 1",
            voter.0
        )
        .fetch_optional(pool)
        .await?;
        random_order.push(started.elapsed());
    }
    random_order.sort();
    database.close().await;

    println!(
        "RESULT pictures={pictures} rated={rated} picks={picks} found={found} p50_us={} p99_us={} max_us={} random_order_median_ms={}",
        percentile(&timings, 0.5).as_micros(),
        percentile(&timings, 0.99).as_micros(),
        timings.last().map_or(0, Duration::as_micros),
        percentile(&random_order, 0.5).as_millis(),
    );
    Ok(())
}
