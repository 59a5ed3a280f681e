//! The admins' review of flagged votes: who may, what is waiting, and the decisions.

use super::counting::{VoteKey, restore};
use crate::{
    integrity::{FlaggedVoter, ReviewDecision, reason_text},
    server::{accounts::UserId, standings::picture::histogram_of, voter::VoterId},
    votes::SubmissionId,
};
use sqlx::PgPool;

/// Groups of flagged votes shown at once.
const GROUPS: i64 = 100;

pub async fn is_admin(pool: &PgPool, user: UserId) -> Result<bool, sqlx::Error> {
    let admin = sqlx::query_scalar!("SELECT is_admin FROM users WHERE id = $1", user.0)
        .fetch_optional(pool)
        .await?;
    Ok(admin.unwrap_or(false))
}

struct FlaggedRow {
    voter_id: i64,
    reason: String,
    votes: i64,
    ratings: Vec<i32>,
    flagged_at: String,
    counted_votes: i64,
}

/// The voters with flagged votes not yet reviewed, the most recently flagged first.
pub async fn flagged(pool: &PgPool) -> Result<Vec<FlaggedVoter>, sqlx::Error> {
    let rows = sqlx::query_as!(
        FlaggedRow,
        r#"SELECT f.voter_id, f.reason AS "reason!", f.votes AS "votes!", f.ratings AS "ratings!",
                  to_char(f.first AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI "UTC"') AS "flagged_at!",
                  (SELECT count(*) FROM votes c WHERE c.voter_id = f.voter_id AND c.counted)
                      AS "counted_votes!"
             FROM (SELECT voter_id, min(discount_reason) AS reason, count(*) AS votes,
                          ARRAY[count(*) FILTER (WHERE rating = 1), count(*) FILTER (WHERE rating = 2),
                                count(*) FILTER (WHERE rating = 3), count(*) FILTER (WHERE rating = 4),
                                count(*) FILTER (WHERE rating = 5), count(*) FILTER (WHERE rating = 6),
                                count(*) FILTER (WHERE rating = 7), count(*) FILTER (WHERE rating = 8),
                                count(*) FILTER (WHERE rating = 9), count(*) FILTER (WHERE rating = 10)
                          ]::int4[] AS ratings,
                          min(discounted_at) AS first, max(discounted_at) AS last
                     FROM votes
                    WHERE NOT counted AND reviewed_at IS NULL
                    GROUP BY voter_id) f
            ORDER BY f.last DESC, f.voter_id
            LIMIT $1"#,
        GROUPS
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| FlaggedVoter {
            voter: row.voter_id.to_string(),
            reason: reason_text(&row.reason).to_owned(),
            votes: row.votes,
            ratings: histogram_of(&row.ratings),
            flagged_at: row.flagged_at,
            counted_votes: row.counted_votes,
        })
        .collect())
}

/// Applies `decision` to every flagged, unreviewed vote of `voter`; answers how many.
pub async fn decide(
    pool: &PgPool,
    voter: VoterId,
    decision: ReviewDecision,
) -> Result<u64, sqlx::Error> {
    match decision {
        ReviewDecision::Confirm => Ok(sqlx::query!(
            "UPDATE votes SET reviewed_at = now()
              WHERE voter_id = $1 AND NOT counted AND reviewed_at IS NULL",
            voter.0
        )
        .execute(pool)
        .await?
        .rows_affected()),
        ReviewDecision::Restore => {
            let pictures = sqlx::query_scalar!(
                "SELECT submission_id FROM votes
                  WHERE voter_id = $1 AND NOT counted AND reviewed_at IS NULL",
                voter.0
            )
            .fetch_all(pool)
            .await?;
            let votes: Vec<VoteKey> = pictures
                .into_iter()
                .map(|picture| VoteKey { voter, picture: SubmissionId(picture) })
                .collect();
            restore(pool, &votes).await
        }
    }
}
