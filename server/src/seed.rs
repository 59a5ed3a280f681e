//! Demo pictures: procedurally drawn creatures, stored as seed numbers and drawn on request, so
//! that a million of them take a few hundred megabytes of database and no image files.

use crate::art::{Creature, SplitMix64, title_for};
use rand::Rng;
use sqlx::PgPool;
use std::{
    fmt::Write as _,
    time::{Duration, Instant},
};

/// Rows sent per COPY: large enough to amortise round trips, small enough to stay lean.
const CHUNK: u64 = 20_000;
/// Serialises seeders, which number their pictures after the highest seed so far.
const SEED_LOCK: i64 = 0x5eed;

#[derive(Debug, Clone, Copy)]
pub struct SeedReport {
    pub added: u64,
    /// Seed numbers `first_seed .. first_seed + added` were added.
    pub first_seed: u64,
    pub elapsed: Duration,
}

/// Adds `count` demo pictures, continuing the seed numbers after the highest one so far.
pub async fn add_demo_pictures(pool: &PgPool, count: u64) -> Result<SeedReport, sqlx::Error> {
    add(pool, count, false).await
}

/// Adds `count` demo pictures if there are no pictures at all (first start).
pub async fn seed_if_empty(pool: &PgPool, count: u64) -> Result<Option<SeedReport>, sqlx::Error> {
    let report = add(pool, count, true).await?;
    Ok((report.added > 0).then_some(report))
}

async fn add(pool: &PgPool, count: u64, only_if_empty: bool) -> Result<SeedReport, sqlx::Error> {
    let started = Instant::now();
    let mut tx = pool.begin().await?;
    sqlx::query!("SELECT pg_advisory_xact_lock($1) AS locked", SEED_LOCK)
        .fetch_one(&mut *tx)
        .await?;
    let existing = sqlx::query!(
        r#"SELECT EXISTS (SELECT 1 FROM submissions) AS "any!",
                  COALESCE(max(art_seed), 0) AS "highest!"
           FROM submissions"#,
    )
    .fetch_one(&mut *tx)
    .await?;
    let (any, highest) = (existing.any, existing.highest);
    let first_seed = u64::try_from(highest).unwrap_or(0) + 1;
    if only_if_empty && any {
        return Ok(SeedReport { added: 0, first_seed, elapsed: started.elapsed() });
    }
    let end = first_seed + count;
    let mut next = first_seed;
    let mut rows = String::new();
    while next < end {
        let chunk_end = (next + CHUNK).min(end);
        rows.clear();
        for seed in next..chunk_end {
            write_row(&mut rows, seed);
        }
        let mut copy = tx
            .copy_in_raw(
                "COPY submissions (title, image_key, art_seed, backdrop_rgb, subject_rgb, pick_key) \
                 FROM STDIN",
            )
            .await?;
        copy.send(rows.as_bytes()).await?;
        copy.finish().await?;
        next = chunk_end;
    }
    tx.commit().await?;
    if count >= CHUNK {
        sqlx::query!("ANALYZE submissions").execute(pool).await?;
    }
    Ok(SeedReport { added: count, first_seed, elapsed: started.elapsed() })
}

/// One line of COPY text: tab-separated, in the column order above.
fn write_row(out: &mut String, seed: u64) {
    let (backdrop, subject) = Creature::from_seed(seed).placeholder();
    // Titles come from fixed word lists without tabs, newlines or backslashes: no escaping needed.
    let title = title_for(seed);
    let image_key: u128 = rand::rng().random();
    // Deterministic, so a seeded database picks the same way every time.
    let pick_key = SplitMix64::new(seed ^ 0x7069_636b).next_u64().cast_signed();
    let _ = writeln!(out, "{title}\t{image_key:032x}\t{seed}\t{backdrop}\t{subject}\t{pick_key}");
}
