//! Uploading a picture: who may, how much, and storing what the pipeline made of it.

mod containers;
pub mod formats;
pub mod hostile_files;
pub mod pipeline;

use super::{AppState, ErrorChain, accounts::sessions::SignedInUser};
use crate::{
    error::{AppError, ErrorCode},
    uploads::{MAX_UPLOADS_PER_DAY, PICTURE_NOT_SAVED, PictureTitle},
    votes::SubmissionId,
};
use pipeline::{PipelineError, ProcessedPicture};
use rand::Rng;

#[derive(Debug, thiserror::Error)]
pub enum UploadError {
    #[error("not signed in")]
    SignInRequired,
    #[error("the email address is not confirmed")]
    EmailUnverified,
    #[error("the title is empty, too long or has control characters")]
    BadTitle,
    #[error("the upload is larger than allowed")]
    TooLarge,
    #[error("no file was sent")]
    NoFile,
    #[error("the daily allowance is used up")]
    DailyLimit,
    #[error("the account already has uploads in flight")]
    Busy,
    #[error(transparent)]
    Pipeline(#[from] PipelineError),
    #[error("the image worker stopped")]
    Worker(#[from] tokio::task::JoinError),
    #[error("database error")]
    Database(#[from] sqlx::Error),
}

impl From<UploadError> for AppError {
    fn from(error: UploadError) -> Self {
        let code = match &error {
            UploadError::SignInRequired => ErrorCode::SignInRequired,
            UploadError::EmailUnverified => ErrorCode::EmailUnverified,
            UploadError::BadTitle => ErrorCode::BadTitle,
            UploadError::TooLarge | UploadError::Pipeline(PipelineError::TooLarge) => {
                ErrorCode::ImageTooLarge
            }
            UploadError::NoFile
            | UploadError::Pipeline(PipelineError::NotAnImage | PipelineError::Damaged) => {
                ErrorCode::NotAnImage
            }
            UploadError::Pipeline(PipelineError::TooSmall) => ErrorCode::ImageTooSmall,
            UploadError::DailyLimit => ErrorCode::UploadLimit,
            UploadError::Busy => ErrorCode::UploadBusy,
            UploadError::Pipeline(PipelineError::Encode)
            | UploadError::Worker(_)
            | UploadError::Database(_) => {
                tracing::error!(error = %ErrorChain(&error), "an upload failed");
                return AppError::with_message(ErrorCode::Unavailable, PICTURE_NOT_SAVED);
            }
        };
        AppError::new(code)
    }
}

/// Proof that [`may_upload`] said yes: [`submit`] takes it, so the rules cannot be skipped.
#[derive(Debug)]
pub struct UploadAllowed(());

/// May this account upload now? Asked before the file is read, so that a refusal costs no
/// transfer.
pub async fn may_upload(
    state: &AppState,
    user: &SignedInUser,
) -> Result<UploadAllowed, UploadError> {
    if !user.email_verified {
        return Err(UploadError::EmailUnverified);
    }
    if uploads_today(&state.pool, user).await? >= MAX_UPLOADS_PER_DAY {
        return Err(UploadError::DailyLimit);
    }
    Ok(UploadAllowed(()))
}

/// The account's submissions in the last 24 hours.
async fn uploads_today(
    executor: impl sqlx::PgExecutor<'_>,
    user: &SignedInUser,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT count(*) AS "uploads!" FROM submissions
            WHERE submitted_by = $1 AND created_at > now() - interval '1 day'"#,
        user.voter_id.0,
    )
    .fetch_one(executor)
    .await
}

/// Turns the uploaded bytes into a picture in the rotation.
pub async fn submit(
    state: &AppState,
    user: &SignedInUser,
    title: &PictureTitle,
    upload: Vec<u8>,
    _allowed: UploadAllowed,
) -> Result<SubmissionId, UploadError> {
    let processed = super::blocking::run_with_permit(&state.image_work, move || {
        // Timed inside the permit: the decode and resize, not the wait for a core.
        let started = std::time::Instant::now();
        let processed = pipeline::process(&upload);
        metrics::histogram!("upload_pipeline_seconds").record(started.elapsed().as_secs_f64());
        processed
    })
    .await??;
    let id = store(state, user, title, processed).await?.ok_or(UploadError::DailyLimit)?;
    tracing::info!(submission = %id, user = %user.user_id, "picture uploaded");
    Ok(id)
}

/// Stores the picture, unless the account's allowance was used up meanwhile (`None`).
async fn store(
    state: &AppState,
    user: &SignedInUser,
    title: &PictureTitle,
    picture: ProcessedPicture,
) -> Result<Option<SubmissionId>, sqlx::Error> {
    let (image_key, pick_key) = {
        let mut rng = rand::rng();
        (format!("{:032x}", rng.random::<u128>()), rng.random::<i64>())
    };
    let (mut widths, mut jpegs, mut webps) = (Vec::new(), Vec::new(), Vec::new());
    for file in picture.files {
        widths.push(i32::try_from(file.width).unwrap_or(i32::MAX));
        jpegs.push(file.jpeg);
        webps.push(file.webp);
    }
    let mut tx = state.pool.begin().await?;
    // `may_upload` answered before the file was read: uploads finishing together could all
    // have been told yes. Their stores queue on the account's row and count again, so exactly
    // the allowance lands.
    sqlx::query!("SELECT 1 AS locked FROM users WHERE id = $1 FOR NO KEY UPDATE", user.user_id.0)
        .fetch_optional(&mut *tx)
        .await?;
    if uploads_today(&mut *tx, user).await? >= MAX_UPLOADS_PER_DAY {
        return Ok(None);
    }
    // Colours are 24-bit RGB: they always fit the schema's `integer`.
    let colour = |rgb: u32| i32::try_from(rgb & 0x00ff_ffff).unwrap_or_default();
    let id = sqlx::query_scalar!(
        r#"INSERT INTO submissions (title, image_key, backdrop_rgb, subject_rgb, submitted_by, pick_key)
           VALUES ($1, $2, $3, $4, $5, $6) RETURNING id AS "id: SubmissionId""#,
        title.as_str(),
        image_key,
        colour(picture.backdrop_rgb),
        colour(picture.subject_rgb),
        user.voter_id.0,
        pick_key,
    )
    .fetch_one(&mut *tx)
    .await?;
    sqlx::query!(
        "INSERT INTO picture_files (submission_id, width, jpeg, webp)
         SELECT $1, width, jpeg, webp
           FROM UNNEST($2::int[], $3::bytea[], $4::bytea[]) AS f (width, jpeg, webp)",
        id.0,
        &widths,
        &jpegs,
        &webps,
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(Some(id))
}
