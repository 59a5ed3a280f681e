//! Voters who rate like scripts: always the same score, or faster than a person can look.

use super::Detectors;
use app::server::{
    voter::VoterId,
    votes::counting::{DiscountReason, Finding, VoteKey},
};
use app::votes::SubmissionId;
use sqlx::PgConnection;

fn votes_of(voter: i64, pictures: &[i64]) -> Vec<VoteKey> {
    pictures
        .iter()
        .map(|picture| VoteKey { voter: VoterId(voter), picture: SubmissionId(*picture) })
        .collect()
}

/// Voters whose counted votes (enough of them) all have one rating.
pub async fn same_score(
    connection: &mut PgConnection,
    detectors: &Detectors,
) -> Result<Vec<Finding>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT r.id AS voter_id, s.n AS "votes!", s.low AS "rating!", s.pictures AS "pictures!"
             FROM voters r
             CROSS JOIN LATERAL (SELECT count(*) AS n, min(rating) AS low, max(rating) AS high,
                                        array_agg(submission_id) AS pictures
                                   FROM votes WHERE voter_id = r.id AND counted) s
            WHERE r.revealed_at > now() - make_interval(secs => $1)
              AND s.n >= $2 AND s.low = s.high
              AND NOT EXISTS (SELECT 1 FROM votes x
                               WHERE x.voter_id = r.id AND x.counted AND x.reviewed_at IS NOT NULL)"#,
        detectors.raters_since.as_secs_f64(),
        detectors.rater_min_votes,
    )
    .fetch_all(&mut *connection)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| Finding {
            reason: DiscountReason::SuspiciousRater,
            evidence: format!(
                "Voter {}: {} votes, every one a {}",
                row.voter_id, row.votes, row.rating
            ),
            votes: votes_of(row.voter_id, &row.pictures),
        })
        .collect())
}

/// Voters (with enough votes) whose median time between seeing a picture and rating it is
/// shorter than a person needs to look.
pub async fn too_fast(
    connection: &mut PgConnection,
    detectors: &Detectors,
) -> Result<Vec<Finding>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT r.id AS voter_id, s.n AS "votes!", s.median_ms AS "median_ms!",
                  s.pictures AS "pictures!"
             FROM voters r
             CROSS JOIN LATERAL (
                 SELECT count(*) AS n,
                        percentile_cont(0.5) WITHIN GROUP (ORDER BY look_ms) AS median_ms,
                        array_agg(submission_id) FILTER (WHERE counted) AS pictures
                   FROM votes WHERE voter_id = r.id AND look_ms IS NOT NULL) s
            WHERE r.revealed_at > now() - make_interval(secs => $1)
              AND s.n >= $2 AND s.median_ms < $3 AND s.pictures IS NOT NULL
              AND NOT EXISTS (SELECT 1 FROM votes x
                               WHERE x.voter_id = r.id AND x.counted AND x.reviewed_at IS NOT NULL)"#,
        detectors.raters_since.as_secs_f64(),
        detectors.rater_min_votes,
        detectors.human_look_ms,
    )
    .fetch_all(&mut *connection)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| Finding {
            reason: DiscountReason::SuspiciousRater,
            evidence: format!(
                "Voter {}: {} votes, half of them within {:.0} ms of the picture appearing",
                row.voter_id, row.votes, row.median_ms
            ),
            votes: votes_of(row.voter_id, &row.pictures),
        })
        .collect())
}
