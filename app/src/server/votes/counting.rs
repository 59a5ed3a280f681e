//! Whether votes count. A vote found suspicious stops counting: it is kept, with the reason,
//! and taken out of its picture's tally (count, sum and histogram) in the same statement; a
//! vote an admin restores counts again, put back the same way. Each statement changes only votes
//! in the state it expects (`counted` is checked again on the locked row), so two runs at once,
//! or a discount racing a restore, move a tally once per vote that changed, never twice.

use crate::server::voter::VoterId;
use crate::votes::SubmissionId;
use sqlx::PgPool;

/// Why a vote does not count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
pub enum DiscountReason {
    /// Its voter rates in a way no person does (always the same score).
    SuspiciousRater,
    /// It came in a burst of fresh voters from one network pushing one picture.
    SuspiciousBurst,
    /// Its picture is under review.
    QuarantinedPicture,
}

/// One vote, by its voter and picture.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VoteKey {
    pub voter: VoterId,
    pub picture: SubmissionId,
}

fn columns(votes: &[VoteKey]) -> (Vec<i64>, Vec<i64>) {
    votes.iter().map(|vote| (vote.voter.0, vote.picture.0)).unzip()
}

/// Stops `votes` counting, for `reason`; answers how many stopped (those already not counting
/// are left as they are).
pub async fn discount(
    pool: &PgPool,
    votes: &[VoteKey],
    reason: DiscountReason,
) -> Result<u64, sqlx::Error> {
    let reason: &str = reason.into();
    set_counted(pool, votes, false, Some(reason)).await
}

/// Makes `votes` count again, as an admin decided (so they are marked reviewed, and the
/// detectors leave their voter alone); answers how many did.
pub async fn restore(pool: &PgPool, votes: &[VoteKey]) -> Result<u64, sqlx::Error> {
    set_counted(pool, votes, true, None).await
}

/// Moves `votes` to `counted` (with `reason` when they stop counting), and their pictures'
/// tallies by as many votes, ratings and histogram counters, in one statement.
async fn set_counted(
    pool: &PgPool,
    votes: &[VoteKey],
    counted: bool,
    reason: Option<&str>,
) -> Result<u64, sqlx::Error> {
    let (voters, pictures) = columns(votes);
    let moved = sqlx::query_scalar!(
        r#"WITH changed AS (
               UPDATE votes v
                  SET counted = $3, discount_reason = $4,
                      discounted_at = CASE WHEN $3 THEN NULL ELSE now() END,
                      reviewed_at = CASE WHEN $3 THEN now() ELSE v.reviewed_at END
                 FROM unnest($1::int8[], $2::int8[]) AS k(voter_id, submission_id)
                WHERE v.voter_id = k.voter_id AND v.submission_id = k.submission_id
                  AND v.counted <> $3
               RETURNING v.submission_id, v.rating
           ), per_picture AS (
               -- +1 for each vote that counts again, -1 for each that stopped.
               SELECT submission_id, CASE WHEN $3 THEN 1 ELSE -1 END AS sign,
                      count(*) AS n, sum(rating) AS total, array_agg(rating) AS ratings
                 FROM changed GROUP BY submission_id
           ), tallied AS (
               UPDATE tallies t
                  SET vote_count = t.vote_count + p.sign * p.n,
                      rating_sum = t.rating_sum + p.sign * p.total,
                      histogram = ARRAY(SELECT t.histogram[r]
                                               + p.sign * (SELECT count(*) FROM unnest(p.ratings) x
                                                            WHERE x = r)::int
                                          FROM generate_series(1, 10) r ORDER BY r)
                 FROM per_picture p WHERE t.submission_id = p.submission_id
               RETURNING 1
           )
           SELECT count(*) AS "moved!" FROM changed"#,
        &voters,
        &pictures,
        counted,
        reason,
    )
    .fetch_one(pool)
    .await?;
    Ok(moved.unsigned_abs())
}
