//! The ranking job: every picture in play gets its Bayesian score, its cautious score, its rank
//! and its percentile, in a few set-based statements over the tallies (never a loop per
//! picture). The formulas are `app::standings`'s, written in SQL; a test checks that both agree.
//!
//! With trust weighting on, each counted vote weighs what `app::standings::VoteWeights` says
//! its voter's history is worth: the tallies hold full votes, so the run takes off the missing
//! part of every vote whose voter has cast fewer than `full_after` votes (a join of the voters
//! with few votes to their votes). With weighting off the statement has no such join (see
//! `changed_standings!`); with it on, the join scans every counted vote, so a run's cost grows
//! with the votes, not the pictures: at a million pictures and ten million votes (a third of
//! them from voters with fewer than ten) a steady run took 8.4-8.8 s, against 3.7-3.9 s with
//! weighting off (BENCHMARKS.md). The plain mean and the tallies stay unweighted.
//!
//! Only rows whose numbers changed are written (an upsert would lock, and so write, every row it
//! meets), so a quiet minute costs a scan, a sort and a join, and no writes. Which rows those are
//! comes from one join of the computed numbers with the stored ones; retired pictures are found
//! through a partial index rather than by comparing every stored row with the computed ones.
//!
//! The computing runs in parallel (a leader and one worker; with trust weighting, in one
//! process, see `compute_changed_standings`). PostgreSQL never plans a statement
//! that writes in parallel, data-modifying CTEs included, but `CREATE TABLE … AS` may read in
//! parallel: so the run computes into a temporary table only the rows that changed, then writes
//! those. At a million pictures (2 cores, `psql` on settled tables): the site's numbers took
//! 0.9 s before and 0.5 s now, the standings' statement 4.1 s and 2.7 s on a steady run (the
//! temporary table then stays empty); BENCHMARKS.md has the job's runs.
//! - `OFFSET 0` keeps the arithmetic (the scores, the bounds, the logarithms, the histogram's
//!   ten subscripts) below the point where the workers' rows are gathered. Without it the
//!   planner moves that arithmetic above the rank's sort, into the leader alone: most of the
//!   statement's time.
//! - `CREATE TABLE … AS` takes no parameters, so it reads the site's numbers from the row the
//!   run wrote into `site_standings` a statement earlier (scalar subqueries: computed once and
//!   handed to the worker, not joined to every picture).
//! - The site's median vote count comes from the count of pictures per vote count (a few dozen
//!   groups, aggregated in parallel) rather than from `percentile_cont` over every picture
//!   (which sorts them all in one process); `the_site_median_matches_percentile_cont` in
//!   `tests/api/standings.rs` checks that both agree.

use super::connection;
use app::standings::VoteWeights;
use sqlx::{Connection as _, PgConnection, PgPool, Postgres, Transaction};

/// The site's numbers a run ranks with, as written to `site_standings`.
struct SiteNumbers {
    site_mean: f64,
    prior_votes: f64,
    pictures: i64,
    votes: i64,
}

/// Recomputes the standings with `weights`; answers how many pictures' rows were written or
/// removed.
pub async fn rank_pictures(pool: &PgPool, weights: VoteWeights) -> Result<u64, sqlx::Error> {
    // Its own, for the job's statement timeout (see `connection`): a steady run takes 3.5 s
    // at a million pictures on 2 cores, a first one about 20 s.
    connection::run(pool, async |connection| rank_on(connection, weights).await).await
}

async fn rank_on(connection: &mut PgConnection, weights: VoteWeights) -> Result<u64, sqlx::Error> {
    let mut tx = connection.begin().await?;
    // One snapshot for every statement: the pictures the site's numbers count are the ones
    // ranked (and written only by this job, under its lock, so nothing else conflicts).
    sqlx::query!("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ").execute(&mut *tx).await?;
    // Its sort and joins over every picture want more memory than a request's.
    sqlx::query!("SET LOCAL work_mem = '256MB'").execute(&mut *tx).await?;
    // One worker beside the leader: on this 2-core machine a second one made no run faster
    // (2.7 s either way at a million pictures), and votes share the same cores.
    sqlx::query!("SET LOCAL max_parallel_workers_per_gather = 1").execute(&mut *tx).await?;
    let site = site_numbers(&mut tx).await?;
    write_site_numbers(&mut tx, &site, weights.full_after()).await?;
    compute_changed_standings(&mut tx, weights).await?;
    let written = write_changed_standings(&mut tx).await?;
    // The day's rank for the charts: the first run of each day (UTC) takes it, and marks the
    // day taken so that later runs cost one row's check.
    let history = sqlx::query!(
        "WITH due AS (
             UPDATE site_standings SET history_day = (now() AT TIME ZONE 'UTC')::date
              WHERE history_day IS DISTINCT FROM (now() AT TIME ZONE 'UTC')::date
             RETURNING history_day, pictures
         )
         INSERT INTO rank_history (submission_id, day, rank, pictures, score)
         SELECT p.submission_id, due.history_day, p.rank, due.pictures::int4, p.score
           FROM picture_standings p CROSS JOIN due
         ON CONFLICT (submission_id, day) DO NOTHING"
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(written.unsigned_abs() + history.rows_affected())
}

/// The site's mean rating (5.5, the middle, before any vote), the prior's weight (the median
/// number of votes a picture in play has, at least one), and how many pictures and votes count.
/// A read on its own, so that it may run in parallel (an `INSERT … SELECT` may not).
async fn site_numbers(tx: &mut Transaction<'_, Postgres>) -> Result<SiteNumbers, sqlx::Error> {
    sqlx::query_as!(
        SiteNumbers,
        r#"WITH counts AS (
               SELECT t.vote_count, count(*) AS pictures, sum(t.rating_sum) AS rating_sum
                 FROM tallies t JOIN submissions s ON s.id = t.submission_id
                WHERE s.retired_at IS NULL
                GROUP BY t.vote_count
           ), running AS (
               -- `upto`: the pictures with at most this many votes. The median of n sorted
               -- counts is the mean of those at positions (n - 1) / 2 and n / 2 (from 0), as
               -- `percentile_cont(0.5)` has it; the count at position k is the smallest whose
               -- `upto` passes k.
               SELECT vote_count, pictures, rating_sum,
                      (sum(pictures) OVER (ORDER BY vote_count))::int8 AS upto,
                      (sum(pictures) OVER ())::int8 AS total
                 FROM counts
           )
           SELECT coalesce(sum(rating_sum)::float8 / nullif(sum(vote_count * pictures), 0), 5.5)
                      AS "site_mean!",
                  greatest(coalesce((min(vote_count) FILTER (WHERE upto > (total - 1) / 2)
                                     + min(vote_count) FILTER (WHERE upto > total / 2))::float8
                                    / 2, 0), 1) AS "prior_votes!",
                  coalesce(sum(pictures), 0)::int8 AS "pictures!",
                  coalesce(sum(vote_count * pictures), 0)::int8 AS "votes!"
             FROM running"#
    )
    .fetch_one(&mut **tx)
    .await
}

/// Writes the site's numbers, and the trust weighting they go with, where the standings'
/// statement reads them.
async fn write_site_numbers(
    tx: &mut Transaction<'_, Postgres>,
    site: &SiteNumbers,
    full_after: i32,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO site_standings (computed_at, site_mean, prior_votes, pictures, votes,
                                     trust_full_after)
         VALUES (now(), $1, $2, $3, $4, nullif($5::int4, 0))
         ON CONFLICT (id) DO UPDATE
            SET computed_at = excluded.computed_at, site_mean = excluded.site_mean,
                prior_votes = excluded.prior_votes, pictures = excluded.pictures,
                votes = excluded.votes, trust_full_after = excluded.trust_full_after",
        site.site_mean,
        site.prior_votes,
        site.pictures,
        site.votes,
        full_after
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The statement that computes every picture's standing into `changed_standings` (dropped at
/// commit), keeping only the pictures whose row is missing or whose numbers changed. `$newcomers`
/// is a query of what newcomers' votes lack of a full vote, per picture (columns
/// `submission_id`, `v`, `r`, `q`): one statement per weighting, so that with equal weights the
/// planner sees an empty query there. Given a scan of every vote to cost, even one a filter would
/// stop at run time, it spent its worker on that scan and left the pictures to the leader alone
/// (at 100,000 pictures after a million votes: 1.3 s a steady run, against 0.4 s).
macro_rules! changed_standings {
    ($newcomers:tt) => {
        // The percentile's `pictures` is the site's count, from the first statement: a
        // `count(*) OVER ()` here would buffer every row (7 of 11 s at a million pictures).
        sqlx::query!(
            "CREATE TEMPORARY TABLE changed_standings ON COMMIT DROP AS
             SELECT r.submission_id, r.score, r.lower_bound, r.rank, r.hot, r.spread,
                    (r.pictures - r.rank + 1)::float8 / r.pictures * 100 AS percentile,
                    p.submission_id IS NOT NULL AS known
               FROM (SELECT scored.*, rank() OVER (ORDER BY scored.score DESC)::int AS rank
                       FROM (
             SELECT c.submission_id, c.pictures,
                    (c.r + c.prior_votes * c.site_mean) / (c.v + c.prior_votes) AS score,
                    -- Evan Miller's lower bound, one imaginary vote per rating (55 = 1+…+10,
                    -- 385 = 1²+…+10²), n = votes + 10.
                    (c.r + 55::float8) / (c.v + 10::float8)
                      - 1.65::float8 * sqrt(greatest(
                            (c.q + 385::float8) / (c.v + 10::float8)
                            - ((c.r + 55::float8) / (c.v + 10::float8)) ^ 2::float8, 0::float8)
                          / (c.v + 11::float8)) AS lower_bound,
                    -- Hot: signed log10 of the points, plus one per 45,000 s of arrival time
                    -- since 2026-01-01 (app::standings::hot).
                    sign(c.r - 5.5::float8 * c.v)
                      * log(greatest(abs(c.r - 5.5::float8 * c.v), 1::float8))
                      + (c.arrived - 1767225600::float8) / 45000::float8 AS hot,
                    CASE WHEN c.v >= 5
                         THEN sqrt(greatest(c.q / c.v - (c.r / c.v) ^ 2::float8, 0::float8))
                    END AS spread
               FROM (SELECT t.submission_id,
                            (SELECT site_mean FROM site_standings) AS site_mean,
                            (SELECT prior_votes FROM site_standings) AS prior_votes,
                            (SELECT pictures FROM site_standings) AS pictures,
                            -- Every number as float8 from here on: a literal such as 55.0 is
                            -- `numeric`, whose arithmetic (and sqrt, and log) is many times
                            -- slower over a million rows.
                            t.vote_count::float8 - coalesce(l.v, 0::float8) AS v,
                            t.rating_sum::float8 - coalesce(l.r, 0::float8) AS r,
                            date_part('epoch', s.created_at) AS arrived,
                            -- The sum of squared ratings (1², 2², … 10² times their counts).
                            (t.histogram[1] + 4 * t.histogram[2] + 9 * t.histogram[3]
                             + 16 * t.histogram[4] + 25 * t.histogram[5] + 36 * t.histogram[6]
                             + 49 * t.histogram[7] + 64 * t.histogram[8] + 81 * t.histogram[9]
                             + 100 * t.histogram[10])::float8 - coalesce(l.q, 0::float8) AS q
                       FROM tallies t JOIN submissions s ON s.id = t.submission_id
                       LEFT JOIN ("
                + $newcomers
                + ") l ON l.submission_id = t.submission_id
                      WHERE s.retired_at IS NULL) c
             -- Computed here, by the worker too, not above the sort (see the top).
             OFFSET 0
                       ) scored
                    ) r
               LEFT JOIN picture_standings p ON p.submission_id = r.submission_id
              WHERE p.submission_id IS NULL
                 OR (p.score, p.lower_bound, p.rank, p.hot, p.spread)
                    IS DISTINCT FROM (r.score, r.lower_bound, r.rank, r.hot, r.spread)"
        )
    };
}

/// Computes the standings with `weights` into `changed_standings`.
async fn compute_changed_standings(
    tx: &mut Transaction<'_, Postgres>,
    weights: VoteWeights,
) -> Result<(), sqlx::Error> {
    let statement = match weights {
        VoteWeights::Equal => changed_standings!(
            "SELECT NULL::int8 AS submission_id, NULL::float8 AS v, NULL::float8 AS r,
                    NULL::float8 AS q
              WHERE false"
        ),
        // A voter who has cast k < w votes gives each (w - k)/w less (w from the site's row).
        // Summed as integers, divided once: a sum of floats depends on the order the rows
        // come in, which parallel aggregation changes from run to run, and the last bits that
        // moved made every run rewrite about 5 % of the pictures' rows (at a million pictures
        // and ten million votes) with nothing changed.
        //
        // w comes in scalar subqueries, each computed once. Joined as a one-row table, it led
        // the planner to a parallel plan that tested every voter against it in a nested loop
        // and then joined, computed and sorted every picture in the leader alone: 10.0-10.2 s
        // for this statement at a million pictures, against 8.5-8.9 s in one process this way.
        VoteWeights::ByHistory { .. } => changed_standings!(
            "SELECT v.submission_id,
                    sum((SELECT trust_full_after FROM site_standings) - u.votes_cast)::float8
                        / (SELECT trust_full_after FROM site_standings)::float8 AS v,
                    sum(((SELECT trust_full_after FROM site_standings) - u.votes_cast)
                        * v.rating)::float8
                        / (SELECT trust_full_after FROM site_standings)::float8 AS r,
                    sum(((SELECT trust_full_after FROM site_standings) - u.votes_cast)
                        * v.rating * v.rating)::float8
                        / (SELECT trust_full_after FROM site_standings)::float8 AS q
               FROM voters u JOIN votes v ON v.voter_id = u.id
              WHERE v.counted AND u.votes_cast < (SELECT trust_full_after FROM site_standings)
              GROUP BY v.submission_id"
        ),
    };
    statement.execute(&mut **tx).await?;
    Ok(())
}

/// Writes `changed_standings` into the standings and removes retired pictures' rows; answers
/// how many rows that wrote or removed.
///
/// Not checked when the crate compiles: the temporary table exists only inside a run, so there
/// is nothing to check it against. The standings tests run it on every path (new, changed,
/// unchanged and retired pictures).
async fn write_changed_standings(tx: &mut Transaction<'_, Postgres>) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "WITH updated AS (
             UPDATE picture_standings p
                SET score = c.score, lower_bound = c.lower_bound, rank = c.rank,
                    percentile = c.percentile, hot = c.hot, spread = c.spread,
                    computed_at = now()
               FROM changed_standings c
              WHERE c.known AND p.submission_id = c.submission_id
             RETURNING 1
         ), inserted AS (
             INSERT INTO picture_standings (submission_id, score, lower_bound, rank, percentile,
                                            hot, spread, computed_at)
             SELECT submission_id, score, lower_bound, rank, percentile, hot, spread, now()
               FROM changed_standings WHERE NOT known
             RETURNING 1
         ), removed AS (
             -- Retired pictures leave the standings (deleted ones went by cascade).
             DELETE FROM picture_standings p USING submissions s
              WHERE s.id = p.submission_id AND s.retired_at IS NOT NULL
             RETURNING 1
         )
         SELECT (SELECT count(*) FROM updated) + (SELECT count(*) FROM inserted)
                + (SELECT count(*) FROM removed)",
    )
    .fetch_one(&mut **tx)
    .await
}
