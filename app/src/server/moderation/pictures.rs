//! Deleting pictures (an owner's choice, or a moderator's) and renaming them.

use crate::{server::voter::VoterId, uploads::PictureTitle, votes::SubmissionId};
use sqlx::{PgConnection, PgPool};

/// Deletes `pictures`, their files, tallies, standings and reports (which cascade), then their
/// votes. Votes have no foreign key to pictures (see migration 3): the pictures go first, which
/// waits for any vote on them being written, then their votes. Answers the ids deleted.
///
/// Finding a picture's votes reads the whole votes table (there is no index by picture: the
/// vote path writes none). Deletions are rare, and this keeps every vote cheaper.
pub async fn delete(tx: &mut PgConnection, pictures: &[i64]) -> Result<Vec<i64>, sqlx::Error> {
    let deleted =
        sqlx::query_scalar!("DELETE FROM submissions WHERE id = ANY($1) RETURNING id", pictures)
            .fetch_all(&mut *tx)
            .await?;
    if !deleted.is_empty() {
        sqlx::query!("DELETE FROM votes WHERE submission_id = ANY($1)", &deleted)
            .execute(&mut *tx)
            .await?;
    }
    Ok(deleted)
}

/// The owner deletes their picture; answers whether there was such a picture of theirs.
pub async fn delete_own(
    pool: &PgPool,
    owner: VoterId,
    picture: SubmissionId,
) -> Result<bool, sqlx::Error> {
    let mut tx = pool.begin().await?;
    let theirs = sqlx::query_scalar!(
        "SELECT id FROM submissions WHERE id = $1 AND submitted_by = $2 FOR UPDATE",
        picture.0,
        owner.0,
    )
    .fetch_optional(&mut *tx)
    .await?;
    let Some(id) = theirs else { return Ok(false) };
    delete(&mut tx, &[id]).await?;
    tx.commit().await?;
    tracing::info!(picture = id, "picture deleted by its owner");
    Ok(true)
}

/// The owner renames their picture; answers whether there was such a picture of theirs.
pub async fn rename(
    pool: &PgPool,
    owner: VoterId,
    picture: SubmissionId,
    title: &PictureTitle,
) -> Result<bool, sqlx::Error> {
    let renamed = sqlx::query!(
        "UPDATE submissions SET title = $3 WHERE id = $1 AND submitted_by = $2",
        picture.0,
        owner.0,
        title.as_str(),
    )
    .execute(pool)
    .await?;
    Ok(renamed.rows_affected() == 1)
}
