//! The anomaly job: finds votes no person would cast and stops them counting (see
//! `app::server::votes::counting`: they are kept, with the reason, and leave the tallies).
//!
//! One detector so far: **same-score raters**, voters whose last `MIN_VOTES` or more counted
//! votes all have one rating. A person who rates twenty derps rates them differently; a script
//! pushing numbers does not bother. A fast but varied rater is not touched (the minimum viewing
//! time and the vote limits deal with speed). Only voters active since the last run are
//! examined, through the voters' `revealed_at`, so a run reads a few index ranges, not every
//! vote.

use app::server::{
    voter::VoterId,
    votes::counting::{DiscountReason, VoteKey, discount},
};
use app::votes::SubmissionId;
use sqlx::PgPool;
use std::time::Duration;

/// Votes of one rating, in a row, that make a voter a suspicious rater.
pub const MIN_VOTES: i64 = 20;

/// Flags the votes of same-score raters active within `since`; answers how many stopped counting.
pub async fn flag_same_score_raters(pool: &PgPool, since: Duration) -> Result<u64, sqlx::Error> {
    let suspicious = sqlx::query!(
        r#"SELECT v.voter_id AS "voter_id!", v.submission_id AS "submission_id!"
             FROM voters r
             JOIN LATERAL (SELECT count(*) AS n, min(rating) AS low, max(rating) AS high
                             FROM votes WHERE voter_id = r.id AND counted) s ON true
             JOIN votes v ON v.voter_id = r.id AND v.counted
            WHERE r.revealed_at > now() - make_interval(secs => $1)
              AND s.n >= $2 AND s.low = s.high
              -- A voter whose votes an admin restored is not flagged again.
              AND NOT EXISTS (SELECT 1 FROM votes x
                               WHERE x.voter_id = r.id AND x.counted AND x.reviewed_at IS NOT NULL)"#,
        since.as_secs_f64(),
        MIN_VOTES,
    )
    .fetch_all(pool)
    .await?;
    if suspicious.is_empty() {
        return Ok(0);
    }
    let votes: Vec<VoteKey> = suspicious
        .iter()
        .map(|row| VoteKey {
            voter: VoterId(row.voter_id),
            picture: SubmissionId(row.submission_id),
        })
        .collect();
    let flagged = discount(pool, &votes, DiscountReason::SuspiciousRater).await?;
    tracing::warn!(votes = flagged, "votes of same-score raters stopped counting");
    Ok(flagged)
}
