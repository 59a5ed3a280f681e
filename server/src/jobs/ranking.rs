//! The ranking job: every picture in play gets its Bayesian score, its cautious score, its rank
//! and its percentile, in a few set-based statements over the tallies (never a loop per
//! picture). The formulas are `app::standings`'s, written in SQL; a test checks that both agree.
//!
//! With trust weighting on, each counted vote weighs what `app::standings::VoteWeights` says
//! its voter's history is worth: the tallies hold full votes, so the run takes off the missing
//! part of every vote whose voter has cast fewer than `full_after` votes (a join of the voters
//! with few votes to their votes). With weighting off that join is never executed (a one-time
//! filter, checked with `EXPLAIN ANALYZE`); with it on, PostgreSQL's generic plan scans every
//! counted vote, which has not been timed at a million pictures yet. The plain mean and the
//! tallies stay unweighted.
//!
//! Only rows whose numbers changed are written (an upsert would lock, and so write, every row it
//! meets), so a quiet minute costs a scan, a sort and a join, and no writes. Which rows those are
//! comes from one join of the computed numbers with the stored ones; retired pictures are found
//! through a partial index rather than by comparing every stored row with the computed ones.

use app::standings::VoteWeights;
use sqlx::PgPool;

/// Recomputes the standings with `weights`; answers how many pictures' rows were written or
/// removed.
pub async fn rank_pictures(pool: &PgPool, weights: VoteWeights) -> Result<u64, sqlx::Error> {
    let full_after = weights.full_after();
    let mut tx = pool.begin().await?;
    // One snapshot for every statement: the pictures the site's numbers count are the ones
    // ranked (and written only by this job, under its lock, so nothing else conflicts).
    sqlx::query!("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ").execute(&mut *tx).await?;
    // Requests get a few seconds per statement; ranking every picture may take longer. Its
    // sort and joins over every picture want more memory than a request's.
    sqlx::query!("SET LOCAL statement_timeout = '120s'").execute(&mut *tx).await?;
    sqlx::query!("SET LOCAL work_mem = '256MB'").execute(&mut *tx).await?;
    // The site's mean rating (5.5, the middle, before any vote) and the prior's weight: the
    // median number of votes a picture in play has, at least one.
    let site = sqlx::query!(
        r#"INSERT INTO site_standings (computed_at, site_mean, prior_votes, pictures, votes,
                                      trust_full_after)
           SELECT now(),
                  coalesce(sum(t.rating_sum)::float8 / nullif(sum(t.vote_count), 0), 5.5),
                  greatest(coalesce(percentile_cont(0.5) WITHIN GROUP (ORDER BY t.vote_count), 0), 1),
                  count(*),
                  coalesce(sum(t.vote_count), 0)::int8,
                  nullif($1::int4, 0)
             FROM tallies t JOIN submissions s ON s.id = t.submission_id
            WHERE s.retired_at IS NULL
           ON CONFLICT (id) DO UPDATE
              SET computed_at = excluded.computed_at, site_mean = excluded.site_mean,
                  prior_votes = excluded.prior_votes, pictures = excluded.pictures,
                  votes = excluded.votes, trust_full_after = excluded.trust_full_after
           RETURNING site_mean, prior_votes, pictures"#,
        full_after
    )
    .fetch_one(&mut *tx)
    .await?;
    let written = sqlx::query_scalar!(
        r#"WITH light AS (
               -- What newcomers' votes lack of a full vote, per picture: a voter who has cast
               -- k < $4 votes gives each 1 - k/$4 less. None when $4 is 0 (equal weights):
               -- `$4 > 0` is a one-time filter then, so the voters are not even scanned.
               SELECT v.submission_id,
                      sum(1::float8 - u.votes_cast::float8 / $4::int4::float8) AS v,
                      sum((1::float8 - u.votes_cast::float8 / $4::int4::float8) * v.rating) AS r,
                      sum((1::float8 - u.votes_cast::float8 / $4::int4::float8) * v.rating * v.rating)
                          AS q
                 FROM voters u JOIN votes v ON v.voter_id = u.id
                WHERE $4::int4 > 0 AND u.votes_cast < $4::int4 AND v.counted
                GROUP BY v.submission_id
           ), counted AS (
               -- Every number as float8 from here on: a literal such as 55.0 is `numeric`,
               -- whose arithmetic (and sqrt, and log) is many times slower over a million rows.
               SELECT t.submission_id,
                      t.vote_count::float8 - coalesce(l.v, 0::float8) AS v,
                      t.rating_sum::float8 - coalesce(l.r, 0::float8) AS r,
                      date_part('epoch', s.created_at) AS arrived,
                      -- The sum of squared ratings (1², 2², … 10² times their counts).
                      (t.histogram[1] + 4 * t.histogram[2] + 9 * t.histogram[3]
                       + 16 * t.histogram[4] + 25 * t.histogram[5] + 36 * t.histogram[6]
                       + 49 * t.histogram[7] + 64 * t.histogram[8] + 81 * t.histogram[9]
                       + 100 * t.histogram[10])::float8 - coalesce(l.q, 0::float8) AS q
                 FROM tallies t JOIN submissions s ON s.id = t.submission_id
                 LEFT JOIN light l ON l.submission_id = t.submission_id
                WHERE s.retired_at IS NULL
           ), scored AS (
               SELECT submission_id,
                      (r + $2::float8 * $1::float8) / (v + $2::float8) AS score,
                      -- Evan Miller's lower bound, one imaginary vote per rating (55 = 1+…+10,
                      -- 385 = 1²+…+10²), n = votes + 10.
                      (r + 55::float8) / (v + 10::float8)
                        - 1.65::float8 * sqrt(greatest(
                              (q + 385::float8) / (v + 10::float8)
                              - ((r + 55::float8) / (v + 10::float8)) ^ 2::float8, 0::float8)
                            / (v + 11::float8)) AS lower_bound,
                      -- Hot: signed log10 of the points, plus one per 45,000 s of arrival time
                      -- since 2026-01-01 (app::standings::hot).
                      sign(r - 5.5::float8 * v) * log(greatest(abs(r - 5.5::float8 * v), 1::float8))
                        + (arrived - 1767225600::float8) / 45000::float8 AS hot,
                      CASE WHEN v >= 5
                           THEN sqrt(greatest(q / v - (r / v) ^ 2::float8, 0::float8))
                      END AS spread
                 FROM counted
           ), ranked AS MATERIALIZED (
               -- One join with the stored standings says, for every picture, whether it has a
               -- row and whether its numbers changed: the writes below then touch only those.
               SELECT r.*, (r.pictures - r.rank + 1)::float8 / r.pictures * 100 AS percentile,
                      p.submission_id IS NOT NULL AS known,
                      (p.score, p.lower_bound, p.rank, p.hot, p.spread)
                          IS DISTINCT FROM (r.score, r.lower_bound, r.rank, r.hot, r.spread)
                          AS changed
                 FROM (SELECT submission_id, score, lower_bound, hot, spread,
                              rank() OVER (ORDER BY score DESC)::int AS rank,
                              -- Counted by the first statement: `count(*) OVER ()` would buffer
                              -- every row (7 of 11 s at a million pictures).
                              $3::int8 AS pictures
                         FROM scored) r
                 LEFT JOIN picture_standings p ON p.submission_id = r.submission_id
           ), updated AS (
               UPDATE picture_standings p
                  SET score = r.score, lower_bound = r.lower_bound, rank = r.rank,
                      percentile = r.percentile, hot = r.hot, spread = r.spread,
                      computed_at = now()
                 FROM ranked r
                WHERE r.known AND r.changed AND p.submission_id = r.submission_id
               RETURNING 1
           ), inserted AS (
               INSERT INTO picture_standings (submission_id, score, lower_bound, rank,
                                              percentile, hot, spread, computed_at)
               SELECT submission_id, score, lower_bound, rank, percentile, hot, spread, now()
                 FROM ranked WHERE NOT known
               RETURNING 1
           ), removed AS (
               -- Retired pictures leave the standings (deleted ones went by cascade).
               DELETE FROM picture_standings p USING submissions s
                WHERE s.id = p.submission_id AND s.retired_at IS NOT NULL
               RETURNING 1
           )
           SELECT (SELECT count(*) FROM updated) + (SELECT count(*) FROM inserted)
                  + (SELECT count(*) FROM removed) AS "written!""#,
        site.site_mean,
        site.prior_votes,
        site.pictures,
        full_after
    )
    .fetch_one(&mut *tx)
    .await?;
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
