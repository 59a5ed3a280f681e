//! `POST /upload`: the upload form, posted as multipart (it works without JavaScript). Answers
//! with a redirect: to the upload page with `?uploaded`, or with `?problem=<code>` explaining
//! what was wrong; nothing is stored unless everything was right.

use app::{
    error::AppError,
    server::{
        AppState,
        accounts::sessions::SignedInUser,
        outcome::problem_location,
        uploads::{self, UploadError},
    },
    uploads::PictureTitle,
};
use axum::{
    Extension,
    extract::{Multipart, State, multipart::MultipartRejection},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
};

const PAGE: &str = "/upload";

pub async fn upload(
    State(state): State<AppState>,
    Extension(user): Extension<Option<SignedInUser>>,
    form: Result<Multipart, MultipartRejection>,
) -> Response {
    let outcome = async {
        let user = user.ok_or(UploadError::SignInRequired)?;
        // Each upload in flight holds up to 15 MB and an image decode: a few per account.
        let _in_flight = state.uploads_in_flight.enter(user.user_id).ok_or(UploadError::Busy)?;
        // Refused before reading a possibly large file it could not use.
        let allowed = uploads::may_upload(&state, &user).await?;
        let mut form = form.map_err(|_| UploadError::NoFile)?;
        let (title, photo) = read_form(&mut form).await?;
        uploads::submit(&state, &user, &title, photo, allowed).await
    };
    match outcome.await {
        Ok(_) => Redirect::to(&format!("{PAGE}?uploaded")).into_response(),
        // A redirect rather than a bare status: the browser shows the form and the problem.
        Err(error) => {
            Redirect::to(&problem_location(PAGE, AppError::from(error).code)).into_response()
        }
    }
}

/// The title and the photo's bytes; the order of the fields does not matter.
async fn read_form(form: &mut Multipart) -> Result<(PictureTitle, Vec<u8>), UploadError> {
    let (mut title, mut photo) = (None, None);
    while let Some(field) = form.next_field().await.map_err(too_large_or_missing)? {
        match field.name() {
            Some("title") => {
                let text = field.text().await.map_err(too_large_or_missing)?;
                title = Some(PictureTitle::parse(&text).ok_or(UploadError::BadTitle)?);
            }
            Some("photo") => {
                let bytes = field.bytes().await.map_err(too_large_or_missing)?;
                // A form sent without choosing a file has an empty part.
                photo = (!bytes.is_empty()).then(|| bytes.to_vec());
            }
            _ => {}
        }
    }
    let title = title.ok_or(UploadError::BadTitle)?;
    Ok((title, photo.ok_or(UploadError::NoFile)?))
}

fn too_large_or_missing(error: axum::extract::multipart::MultipartError) -> UploadError {
    if error.status() == StatusCode::PAYLOAD_TOO_LARGE {
        UploadError::TooLarge
    } else {
        tracing::debug!(%error, "an unreadable upload form");
        UploadError::NoFile
    }
}
