//! Times the ranking job (`server::jobs::ranking::rank_pictures`) over every picture in the
//! configured database, after giving each picture a deterministic histogram of about ten votes
//! (the job reads only the tallies, so N pictures carry about 10·N votes).
//!
//! Two figures, medians of `--runs`: a full run (standings emptied first, so every picture's row
//! is written: the first run, or one after the site changed everywhere) and a steady run (nothing
//! changed since the last run, so it computes everything and writes nothing).
//!
//! Uses the configured database like the server does. Run by `make bench`:
//!   cargo run --release --example ranking_time -- [--runs N] [--as-is]
//! `--as-is` leaves the tallies as they are: for timing the job on a database whose votes and
//! tallies came from somewhere else (a copy of a live site, or a fill of voters and votes, which
//! trust weighting needs: it reads the votes, where this fill writes only tallies).
// A measuring tool: a panic here is a failed measurement, not a crashed server.
#![allow(clippy::print_stdout, clippy::indexing_slicing)]

use anyhow::Context as _;
use server::{
    config::Settings,
    database::{Database, Location},
    jobs::ranking::rank_pictures,
};
use std::time::{Duration, Instant};

fn runs(args: &[String]) -> anyhow::Result<usize> {
    match args.iter().position(|a| a == "--runs") {
        Some(i) => Ok(args.get(i + 1).context("a value after --runs")?.parse()?),
        None => Ok(3),
    }
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let runs = runs(&args)?.max(1);
    let as_is = args.iter().any(|a| a == "--as-is");
    let settings = Settings::load(None)?;
    let database = Database::open(&settings.database, Location::Configured).await?;
    let pool = &database.pool;
    // As configured: `RMD_STANDINGS__TRUST_WEIGHTING=true` times the weighted run.
    let weights = settings.standings.vote_weights();

    let started = Instant::now();
    if !as_is {
        fill_tallies(pool).await?;
    }
    let filled = started.elapsed();
    let totals = sqlx::query!(
        r#"SELECT count(*) AS "pictures!", coalesce(sum(vote_count), 0)::int8 AS "votes!"
             FROM tallies"#
    )
    .fetch_one(pool)
    .await?;

    let (mut full, mut steady) = (Vec::new(), Vec::new());
    let mut written = 0;
    for _ in 0..runs {
        sqlx::query!("TRUNCATE picture_standings").execute(pool).await?;
        let started = Instant::now();
        written = rank_pictures(pool, weights).await?;
        full.push(started.elapsed());
        let started = Instant::now();
        let unchanged = rank_pictures(pool, weights).await?;
        steady.push(started.elapsed());
        anyhow::ensure!(unchanged == 0, "a run without changes wrote {unchanged} rows");
    }
    database.close().await;

    println!(
        "RESULT pictures={} votes={} runs={runs} written={written} full_median_ms={} steady_median_ms={} fill_s={}",
        totals.pictures,
        totals.votes,
        median(full).as_millis(),
        median(steady).as_millis(),
        filled.as_secs(),
    );
    Ok(())
}

/// Each picture draws how popular it is (k = 0, 1 or 2, from a hash of its id), then each
/// rating gets 0 to 2k votes from a hash of the picture and the rating: about ten votes per
/// picture (0 to 40), in a couple of thousand distinct tallies, so the scores spread and the
/// rank's sort has real work, as on a live site. (An earlier fill gave every rating of a
/// picture the same count: every picture scored 5.5 and ranked first, a sort with nothing
/// to do.) Rewriting every tally takes longer than the few seconds a request's statement may.
async fn fill_tallies(pool: &sqlx::PgPool) -> anyhow::Result<()> {
    let mut fill = pool.begin().await?;
    sqlx::query!("SET LOCAL statement_timeout = 0").execute(&mut *fill).await?;
    sqlx::query!(
        "UPDATE tallies t SET histogram = ARRAY(
             SELECT (get_byte(decode(md5(t.submission_id || ':' || r), 'hex'), 0)
                     % (1 + 2 * (get_byte(decode(md5(t.submission_id::text), 'hex'), 0) % 3)))::int
               FROM generate_series(1, 10) AS r ORDER BY r)"
    )
    .execute(&mut *fill)
    .await?;
    sqlx::query!(
        "UPDATE tallies t
            SET vote_count = (SELECT sum(x) FROM unnest(t.histogram) x),
                rating_sum = (SELECT sum(x * i) FROM unnest(t.histogram) WITH ORDINALITY u(x, i))"
    )
    .execute(&mut *fill)
    .await?;
    fill.commit().await?;
    sqlx::query!("ANALYZE tallies").execute(pool).await?;
    Ok(())
}
