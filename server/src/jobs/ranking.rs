//! The ranking job: every picture in play gets its Bayesian score, its cautious score, its rank
//! and its percentile, in a few set-based statements over the tallies (never a loop per
//! picture). The formulas are `app::standings`'s, written in SQL; a test checks that both agree.
//!
//! Only rows whose numbers changed are written, so a quiet minute costs a scan and no writes.

use sqlx::PgPool;

/// Recomputes the standings; answers how many pictures' rows were written or removed.
pub async fn rank_pictures(pool: &PgPool) -> Result<u64, sqlx::Error> {
    let mut tx = pool.begin().await?;
    // Requests get a few seconds per statement; ranking every picture may take longer.
    sqlx::query!("SET LOCAL statement_timeout = '120s'").execute(&mut *tx).await?;
    // The site's mean rating (5.5, the middle, before any vote) and the prior's weight: the
    // median number of votes a picture in play has, at least one.
    let site = sqlx::query!(
        r#"INSERT INTO site_standings (computed_at, site_mean, prior_votes, pictures, votes)
           SELECT now(),
                  coalesce(sum(t.rating_sum)::float8 / nullif(sum(t.vote_count), 0), 5.5),
                  greatest(coalesce(percentile_cont(0.5) WITHIN GROUP (ORDER BY t.vote_count), 0), 1),
                  count(*),
                  coalesce(sum(t.vote_count), 0)::int8
             FROM tallies t JOIN submissions s ON s.id = t.submission_id
            WHERE s.retired_at IS NULL
           ON CONFLICT (id) DO UPDATE
              SET computed_at = excluded.computed_at, site_mean = excluded.site_mean,
                  prior_votes = excluded.prior_votes, pictures = excluded.pictures,
                  votes = excluded.votes
           RETURNING site_mean, prior_votes"#
    )
    .fetch_one(&mut *tx)
    .await?;
    let written = sqlx::query!(
        r#"WITH scored AS (
               SELECT t.submission_id,
                      (t.rating_sum + $2::float8 * $1::float8) / (t.vote_count + $2::float8)
                          AS score,
                      -- Evan Miller's lower bound, one imaginary vote per rating (55 = 1+…+10,
                      -- 385 = 1²+…+10²), n = votes + 10.
                      (t.rating_sum + 55.0) / (t.vote_count + 10)
                        - 1.65 * sqrt(greatest(
                              (t.histogram[1] + 4 * t.histogram[2] + 9 * t.histogram[3]
                               + 16 * t.histogram[4] + 25 * t.histogram[5] + 36 * t.histogram[6]
                               + 49 * t.histogram[7] + 64 * t.histogram[8] + 81 * t.histogram[9]
                               + 100 * t.histogram[10] + 385.0) / (t.vote_count + 10)
                              - ((t.rating_sum + 55.0) / (t.vote_count + 10)) ^ 2, 0)
                            / (t.vote_count + 11)) AS lower_bound
                 FROM tallies t JOIN submissions s ON s.id = t.submission_id
                WHERE s.retired_at IS NULL
           ), ranked AS (
               SELECT submission_id, score, lower_bound,
                      rank() OVER (ORDER BY score DESC) AS rank,
                      count(*) OVER () AS pictures
                 FROM scored
           )
           INSERT INTO picture_standings (submission_id, score, lower_bound, rank, percentile, computed_at)
           SELECT submission_id, score, lower_bound, rank::int,
                  (pictures - rank + 1)::float8 / pictures * 100, now()
             FROM ranked
           ON CONFLICT (submission_id) DO UPDATE
              SET score = excluded.score, lower_bound = excluded.lower_bound,
                  rank = excluded.rank, percentile = excluded.percentile,
                  computed_at = excluded.computed_at
            WHERE (picture_standings.score, picture_standings.lower_bound, picture_standings.rank)
                  IS DISTINCT FROM (excluded.score, excluded.lower_bound, excluded.rank)"#,
        site.site_mean,
        site.prior_votes
    )
    .execute(&mut *tx)
    .await?
    .rows_affected();
    // Retired pictures leave the standings.
    let removed = sqlx::query!(
        "DELETE FROM picture_standings p USING submissions s
          WHERE s.id = p.submission_id AND s.retired_at IS NOT NULL"
    )
    .execute(&mut *tx)
    .await?
    .rows_affected();
    tx.commit().await?;
    Ok(written + removed)
}
