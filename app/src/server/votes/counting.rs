//! Whether votes count. A vote found suspicious stops counting: it is kept, with the reason,
//! and taken out of its picture's tally (count, sum and histogram) in the same statement; a
//! vote an admin restores counts again, put back the same way. Each statement changes only votes
//! in the state it expects (`counted` is checked again on the locked row), so two runs at once,
//! or a discount racing a restore, move a tally once per vote that changed, never twice.

use crate::server::voter::VoterId;
use crate::votes::SubmissionId;
use sqlx::{PgConnection, PgPool};

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

/// A flag case, as its admins and the detectors name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CaseId(pub i64);

/// What a detector found: the votes that should stop counting, why, and the evidence in words
/// for the admin who reviews the case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub reason: DiscountReason,
    pub evidence: String,
    pub votes: Vec<VoteKey>,
}

/// A case a detector opened, and how many votes stopped counting in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Opened {
    pub case: CaseId,
    pub votes: u64,
}

/// Stops the finding's votes counting, under a new case. Votes already not counting are left
/// in their own case; a finding none of whose votes still count opens no case (`None`).
pub async fn discount(pool: &PgPool, finding: &Finding) -> Result<Option<Opened>, sqlx::Error> {
    retrying(|| discount_once(pool, finding)).await
}

async fn discount_once(pool: &PgPool, finding: &Finding) -> Result<Option<Opened>, sqlx::Error> {
    let mut tx = pool.begin().await?;
    let reason: &str = finding.reason.into();
    let case = sqlx::query_scalar!(
        "INSERT INTO flag_cases (reason, evidence) VALUES ($1, $2) RETURNING id",
        reason,
        finding.evidence,
    )
    .fetch_one(&mut *tx)
    .await?;
    let moved = set_counted(&mut tx, &finding.votes, false, Some(reason), Some(case)).await?;
    if moved == 0 {
        tx.rollback().await?;
        return Ok(None);
    }
    tx.commit().await?;
    Ok(Some(Opened { case: CaseId(case), votes: moved }))
}

/// Makes the case's votes count again, as an admin decided (so they are marked reviewed, and
/// the detectors leave their voters alone); answers how many did.
pub async fn restore(pool: &PgPool, case: CaseId) -> Result<u64, sqlx::Error> {
    retrying(|| restore_once(pool, case)).await
}

async fn restore_once(pool: &PgPool, case: CaseId) -> Result<u64, sqlx::Error> {
    let mut tx = pool.begin().await?;
    let votes: Vec<VoteKey> = sqlx::query!(
        "SELECT voter_id, submission_id FROM votes WHERE flag_case_id = $1 AND NOT counted",
        case.0
    )
    .fetch_all(&mut *tx)
    .await?
    .into_iter()
    .map(|row| VoteKey { voter: VoterId(row.voter_id), picture: SubmissionId(row.submission_id) })
    .collect();
    let moved = set_counted(&mut tx, &votes, true, None, None).await?;
    close(&mut tx, case, "restored").await?;
    tx.commit().await?;
    Ok(moved)
}

/// Keeps the case's votes out, as an admin decided; answers how many votes that covers.
pub async fn confirm(pool: &PgPool, case: CaseId) -> Result<u64, sqlx::Error> {
    let mut tx = pool.begin().await?;
    let confirmed = sqlx::query!(
        "UPDATE votes SET reviewed_at = now() WHERE flag_case_id = $1 AND NOT counted",
        case.0
    )
    .execute(&mut *tx)
    .await?
    .rows_affected();
    close(&mut tx, case, "confirmed").await?;
    tx.commit().await?;
    Ok(confirmed)
}

/// Runs `attempt` again (a few times, after a short pause) when the database broke a deadlock
/// by aborting it, or its locks waited too long. Votes being written lock their pictures'
/// tallies in their own order, as do discounts and restores running together; whichever the
/// database picks rolls back whole, so trying again is safe.
async fn retrying<T, F, Fut>(mut attempt: F) -> Result<T, sqlx::Error>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, sqlx::Error>>,
{
    const DEADLOCK: &str = "40P01";
    const LOCK_NOT_AVAILABLE: &str = "55P03";
    let mut tries = 0u32;
    loop {
        match attempt().await {
            Err(sqlx::Error::Database(error))
                if tries < 5
                    && matches!(error.code().as_deref(), Some(DEADLOCK | LOCK_NOT_AVAILABLE)) =>
            {
                tries += 1;
                tokio::time::sleep(std::time::Duration::from_millis(u64::from(tries) * 20)).await;
            }
            outcome => return outcome,
        }
    }
}

async fn close(tx: &mut PgConnection, case: CaseId, decision: &str) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE flag_cases SET reviewed_at = now(), decision = $2
          WHERE id = $1 AND reviewed_at IS NULL",
        case.0,
        decision,
    )
    .execute(tx)
    .await?;
    Ok(())
}

/// Moves `votes` to `counted` (with `reason` and `case` when they stop counting), and their
/// pictures' tallies by as many votes, ratings and histogram counters, in one statement.
async fn set_counted(
    tx: &mut PgConnection,
    votes: &[VoteKey],
    counted: bool,
    reason: Option<&str>,
    case: Option<i64>,
) -> Result<u64, sqlx::Error> {
    let (voters, pictures) = columns(votes);
    let moved = sqlx::query_scalar!(
        r#"WITH changed AS (
               UPDATE votes v
                  SET counted = $3, discount_reason = $4,
                      discounted_at = CASE WHEN $3 THEN NULL ELSE now() END,
                      reviewed_at = CASE WHEN $3 THEN now() ELSE v.reviewed_at END,
                      -- A restored vote keeps its case: the case says it was restored.
                      flag_case_id = COALESCE($5, v.flag_case_id)
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
        case,
    )
    .fetch_one(tx)
    .await?;
    Ok(moved.unsigned_abs())
}
