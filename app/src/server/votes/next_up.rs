//! "Rate it to see it": a locked tile's action puts its picture in front of the voter. Never in
//! place of a picture they are already looking at, which would reveal a picture without a vote:
//! it comes next, after they rate the current one (the vote batch takes it from
//! `voters.requested_submission_id`). A voter with nothing in front of them gets it at once.

use crate::server::{
    picks::{pick_from, point_of},
    voter::VoterId,
};
use crate::votes::SubmissionId;
use sqlx::PgPool;

#[derive(Debug, thiserror::Error)]
pub enum NextUpError {
    #[error("no such picture in play")]
    NoSuchPicture,
    #[error("database error")]
    Database(#[from] sqlx::Error),
}

/// Asks for `picture` to be the voter's next one. A picture the voter owns or rated already is
/// visible to them anyway: nothing changes.
pub async fn request(
    pool: &PgPool,
    voter: VoterId,
    picture: SubmissionId,
) -> Result<(), NextUpError> {
    let seen = crate::server::visibility::seen_by(pool, voter, picture).await?;
    match seen {
        None => return Err(NextUpError::NoSuchPicture),
        Some(true) => return Ok(()),
        Some(false) => {}
    }
    let updated = sqlx::query!(
        "UPDATE voters v SET
             current_submission_id = CASE WHEN c.id IS NULL THEN $2 ELSE v.current_submission_id END,
             revealed_at = CASE WHEN c.id IS NULL THEN now() ELSE v.revealed_at END,
             requested_submission_id = CASE WHEN c.id IS NULL OR c.id = $2 THEN NULL ELSE $2 END
         FROM voters me
         LEFT JOIN submissions c ON c.id = me.current_submission_id AND c.retired_at IS NULL
         WHERE v.id = $1 AND me.id = $1",
        voter.0,
        picture.0,
    )
    .execute(pool)
    .await?;
    if updated.rows_affected() > 0 {
        return Ok(());
    }
    // A voter without a row has the picture at their own starting point in front of them.
    let (current, requested) = match pick_from(pool, voter, point_of(voter)).await? {
        Some(first) if first != picture => (first, Some(picture)),
        _ => (picture, None),
    };
    sqlx::query!(
        "INSERT INTO voters (id, current_submission_id, revealed_at, requested_submission_id)
         VALUES ($1, $2, now(), $3) ON CONFLICT (id) DO NOTHING",
        voter.0,
        current.0,
        requested.map(|id| id.0),
    )
    .execute(pool)
    .await?;
    Ok(())
}

/// Puts `picture` in front of a visitor who has seen nothing yet (a share link followed by a
/// browser that had no voter cookie a moment ago). A voter with a row, or one made meanwhile,
/// gets it next instead, as [`request`] does. A visitor who clears cookies can always start
/// over with a new first picture; this gives them no more than that.
pub async fn request_first(
    pool: &PgPool,
    voter: VoterId,
    picture: SubmissionId,
) -> Result<(), NextUpError> {
    let made = sqlx::query!(
        "INSERT INTO voters (id, current_submission_id, revealed_at)
         SELECT $1, s.id, now() FROM submissions s
          WHERE s.id = $2 AND s.retired_at IS NULL AND s.held_at IS NULL
         ON CONFLICT (id) DO NOTHING",
        voter.0,
        picture.0,
    )
    .execute(pool)
    .await?;
    if made.rows_affected() == 1 { Ok(()) } else { request(pool, voter, picture).await }
}
