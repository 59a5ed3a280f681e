//! Moderation: voters report pictures they have seen; enough distinct voters' reports hold a
//! picture out of the rotation at once (`submissions.held_at`, which takes it out of the picking
//! index); an admin approves it (back in play, reports cleared) or removes it (deleted with its
//! votes and files, its owner told why). Owners rename and delete their own pictures
//! ([`pictures`]).

pub mod pictures;
pub mod queue;

use crate::{
    moderation::{MAX_REPORTS_PER_DAY, REPORTS_TO_HOLD, ReportReason},
    server::{
        picks::{pick_from, point_of},
        voter::VoterId,
    },
    votes::SubmissionId,
};
use sqlx::PgPool;

#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("no such picture in play")]
    NotFound,
    /// Only a picture you have in front of you, or have rated, can be reported (not your own).
    #[error("the voter has not seen that picture")]
    NotSeen,
    #[error("the voter made {MAX_REPORTS_PER_DAY} reports in the last day")]
    TooMany,
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// What a report did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reported {
    /// Counted; `held` when it was the report that took the picture out of the rotation.
    New { held: bool },
    /// This voter had reported it already: nothing changed.
    Again,
}

/// `voter` reports `picture` for `reason`.
///
/// The picture's row is locked while the report is counted, so reports arriving together are
/// counted one after the other and the one that reaches [`REPORTS_TO_HOLD`] holds the picture.
pub async fn report(
    pool: &PgPool,
    voter: VoterId,
    picture: SubmissionId,
    reason: ReportReason,
) -> Result<Reported, ReportError> {
    let today = sqlx::query_scalar!(
        r#"SELECT count(*) AS "n!" FROM picture_reports
            WHERE voter_id = $1 AND created_at > now() - interval '1 day'"#,
        voter.0
    )
    .fetch_one(pool)
    .await?;
    if today >= MAX_REPORTS_PER_DAY {
        return Err(ReportError::TooMany);
    }
    // A visitor who has not voted yet has no row: in front of them is the picture at their
    // starting point.
    let has_row = sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM voters WHERE id = $1) AS "has_row!""#,
        voter.0
    )
    .fetch_one(pool)
    .await?;
    let first = if has_row { None } else { pick_from(pool, voter, point_of(voter)).await? };
    let mut tx = pool.begin().await?;
    let seen = sqlx::query_scalar!(
        r#"SELECT s.submitted_by IS DISTINCT FROM $1
                  AND (EXISTS (SELECT 1 FROM votes r WHERE r.voter_id = $1 AND r.submission_id = s.id)
                       OR EXISTS (SELECT 1 FROM voters v
                                   WHERE v.id = $1 AND v.current_submission_id = s.id)
                       OR s.id IS NOT DISTINCT FROM $3)
                  AS "seen!"
             FROM submissions s WHERE s.id = $2 AND s.retired_at IS NULL
              FOR NO KEY UPDATE"#,
        voter.0,
        picture.0,
        first.map(|first| first.0),
    )
    .fetch_optional(&mut *tx)
    .await?;
    match seen {
        None => return Err(ReportError::NotFound),
        Some(false) => return Err(ReportError::NotSeen),
        Some(true) => {}
    }
    let added = sqlx::query!(
        "INSERT INTO picture_reports (submission_id, voter_id, reason) VALUES ($1, $2, $3)
         ON CONFLICT DO NOTHING",
        picture.0,
        voter.0,
        reason.as_str(),
    )
    .execute(&mut *tx)
    .await?;
    if added.rows_affected() == 0 {
        return Ok(Reported::Again);
    }
    let held = sqlx::query!(
        "UPDATE submissions SET held_at = now()
          WHERE id = $1 AND held_at IS NULL
            AND (SELECT count(*) FROM picture_reports WHERE submission_id = $1) >= $2",
        picture.0,
        REPORTS_TO_HOLD,
    )
    .execute(&mut *tx)
    .await?
    .rows_affected()
        == 1;
    tx.commit().await?;
    if held {
        tracing::warn!(picture = picture.0, "picture held for moderation by its reports");
    }
    Ok(Reported::New { held })
}

impl From<ReportError> for crate::error::AppError {
    fn from(error: ReportError) -> Self {
        use crate::error::{AppError, ErrorCode};
        match error {
            ReportError::NotFound => AppError::with_message(
                ErrorCode::NotFound,
                "There's no such picture here any more. It may have been removed already.",
            ),
            ReportError::NotSeen => AppError::with_message(
                ErrorCode::NotSeenYet,
                "You can report a picture once it has been shown to you.",
            ),
            ReportError::TooMany => ErrorCode::TooManyReports.into(),
            ReportError::Database(error) => {
                tracing::error!(error = %crate::server::ErrorChain(&error), "could not take a report");
                AppError::new(ErrorCode::Unavailable)
            }
        }
    }
}
