//! The admins' review of flagged votes: who may, which cases are waiting, and the decisions.

use super::counting::{self, CaseId};
use crate::{
    integrity::{FlaggedCase, ReviewDecision, reason_text},
    server::standings::picture::histogram_of,
};
use sqlx::PgPool;

/// Cases shown at once.
const CASES: i64 = 100;

struct CaseRow {
    id: i64,
    reason: String,
    evidence: String,
    flagged_at: String,
    voters: i64,
    votes: i64,
    ratings: Vec<i32>,
}

/// The cases not yet reviewed, the most recent first, with what their votes say.
pub async fn waiting(pool: &PgPool) -> Result<Vec<FlaggedCase>, sqlx::Error> {
    let rows = sqlx::query_as!(
        CaseRow,
        r#"SELECT c.id, c.reason, c.evidence,
                  to_char(c.flagged_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI "UTC"') AS "flagged_at!",
                  s.voters AS "voters!", s.votes AS "votes!", s.ratings AS "ratings!"
             FROM flag_cases c
             CROSS JOIN LATERAL (
                 SELECT count(DISTINCT voter_id) AS voters, count(*) AS votes,
                        ARRAY[count(*) FILTER (WHERE rating = 1), count(*) FILTER (WHERE rating = 2),
                              count(*) FILTER (WHERE rating = 3), count(*) FILTER (WHERE rating = 4),
                              count(*) FILTER (WHERE rating = 5), count(*) FILTER (WHERE rating = 6),
                              count(*) FILTER (WHERE rating = 7), count(*) FILTER (WHERE rating = 8),
                              count(*) FILTER (WHERE rating = 9), count(*) FILTER (WHERE rating = 10)
                        ]::int4[] AS ratings
                   FROM votes v WHERE v.flag_case_id = c.id AND NOT v.counted) s
            WHERE c.reviewed_at IS NULL
            ORDER BY c.flagged_at DESC, c.id DESC
            LIMIT $1"#,
        CASES
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| FlaggedCase {
            case: row.id.to_string(),
            reason: reason_text(&row.reason).to_owned(),
            evidence: row.evidence,
            voters: row.voters,
            votes: row.votes,
            ratings: histogram_of(&row.ratings),
            flagged_at: row.flagged_at,
        })
        .collect())
}

/// Applies `decision` to the case's votes; answers how many votes it covered.
pub async fn decide(
    pool: &PgPool,
    case: CaseId,
    decision: ReviewDecision,
) -> Result<u64, sqlx::Error> {
    match decision {
        ReviewDecision::Confirm => counting::confirm(pool, case).await,
        ReviewDecision::Restore => counting::restore(pool, case).await,
    }
}
