//! Standings on the server: the leaderboards, a picture's page, the owner's list, search,
//! share links, and the views counter. The numbers come from the ranking job
//! (`server/src/jobs/ranking.rs`); these modules only read them, except the counters of views
//! and shares.

pub mod boards;
pub mod mine;
pub mod picture;
pub mod reach;
pub mod search;
pub mod shares;

use crate::{
    error::{AppError, ErrorCode},
    server::ErrorChain,
    standings::{VoteWeights, pictures::SiteNumbers},
};
use sqlx::PgPool;

#[derive(Debug, thiserror::Error)]
pub enum StandingsError {
    #[error("no such picture, or not for this viewer")]
    NoSuchPicture,
    #[error("no such share link")]
    NoSuchLink,
    #[error("only the owner and the voters of a picture may share it")]
    NotYoursToShare,
    #[error("database error")]
    Database(#[from] sqlx::Error),
}

impl From<StandingsError> for AppError {
    fn from(error: StandingsError) -> Self {
        match error {
            StandingsError::NoSuchPicture => AppError::with_message(
                ErrorCode::NotFound,
                "There's no such picture here. It may have been deleted.",
            ),
            StandingsError::NoSuchLink => AppError::with_message(
                ErrorCode::NotFound,
                "That share link doesn't lead anywhere any more.",
            ),
            StandingsError::NotYoursToShare => ErrorCode::NotSeenYet.into(),
            StandingsError::Database(error) => {
                tracing::error!(error = %ErrorChain(&error), "could not load standings");
                AppError::new(ErrorCode::Unavailable)
            }
        }
    }
}

/// The site-wide numbers of the last ranking run, if there was one.
pub async fn site_numbers(pool: &PgPool) -> Result<Option<SiteNumbers>, sqlx::Error> {
    let row = sqlx::query!(
        r#"SELECT site_mean, prior_votes, pictures, votes, trust_full_after,
                  to_char(computed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI "UTC"')
                      AS "computed_at!"
             FROM site_standings"#
    )
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|row| SiteNumbers {
        site_mean: row.site_mean,
        prior_votes: row.prior_votes,
        pictures: row.pictures,
        votes: row.votes,
        computed_at: row.computed_at,
        weights: VoteWeights::from_full_after(row.trust_full_after),
    }))
}
