//! Picture files: `/media/{image_key}/{width}.jpg`, uploads from the database, demo art drawn
//! on request.

use crate::art::render_jpeg;
use app::{
    server::{AppState, blocking::run_with_permit},
    votes::IMAGE_WIDTHS,
};
use axum::{
    body::Body,
    extract::{Path, State},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};

/// An image key is 32 lowercase hex digits.
fn valid_key(key: &str) -> bool {
    key.len() == 32 && key.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

fn width_of(file: &str) -> Option<u32> {
    let width = file.strip_suffix(".jpg")?.parse().ok()?;
    IMAGE_WIDTHS.contains(&width).then_some(width)
}

/// Where a picture's bytes come from: the file stored at upload, or the demo art's seed.
enum Source {
    Stored(Vec<u8>),
    Drawn(i64),
}

pub async fn picture(
    State(state): State<AppState>,
    Path((key, file)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    let (true, Some(width)) = (valid_key(&key), width_of(&file)) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    // The bytes behind a key and width never change, so the key is a perfect validator.
    let etag = format!("\"{key}-{width}\"");
    if headers.get(header::IF_NONE_MATCH).is_some_and(|v| v.as_bytes() == etag.as_bytes()) {
        return (StatusCode::NOT_MODIFIED, [(header::ETAG, etag)]).into_response();
    }
    // The demo art's seed, and the stored file of the asked width.
    let found = sqlx::query!(
        r#"SELECT s.art_seed, f.jpeg AS "jpeg?" FROM submissions s
             LEFT JOIN picture_files f ON f.submission_id = s.id AND f.width = $2
            WHERE s.image_key = $1"#,
        key,
        i32::try_from(width).unwrap_or(i32::MAX),
    )
    .fetch_optional(&state.pool)
    .await
    .map(|row| row.map(|row| (row.art_seed, row.jpeg)));
    let source = match found {
        Ok(Some((_, Some(jpeg)))) => Source::Stored(jpeg),
        Ok(Some((Some(seed), None))) => Source::Drawn(seed),
        Ok(_) => return StatusCode::NOT_FOUND.into_response(),
        Err(error) => {
            tracing::error!(error = %app::server::ErrorChain(&error), "could not look up a picture");
            return StatusCode::SERVICE_UNAVAILABLE.into_response();
        }
    };
    let jpeg = match source {
        Source::Stored(jpeg) => jpeg,
        Source::Drawn(seed) => match draw(&state, seed, width).await {
            Some(jpeg) => jpeg,
            None => return StatusCode::INTERNAL_SERVER_ERROR.into_response(),
        },
    };
    Response::builder()
        .header(header::CONTENT_TYPE, HeaderValue::from_static("image/jpeg"))
        .header(
            header::CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=31536000, immutable"),
        )
        .header(header::ETAG, etag)
        .body(Body::from(jpeg))
        .unwrap_or_else(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response())
}

async fn draw(state: &AppState, seed: i64, width: u32) -> Option<Vec<u8>> {
    let drawn =
        run_with_permit(&state.image_work, move || render_jpeg(seed.cast_unsigned(), width)).await;
    match drawn {
        Ok(Ok(jpeg)) => Some(jpeg),
        Ok(Err(error)) => {
            tracing::error!(%error, seed, width, "could not encode a picture");
            None
        }
        Err(error) => {
            tracing::error!(%error, seed, width, "drawing a picture failed");
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_known_widths_and_well_formed_keys_are_served() {
        assert_eq!(width_of("640.jpg"), Some(640));
        assert_eq!(width_of("641.jpg"), None);
        assert_eq!(width_of("640.png"), None);
        assert_eq!(width_of("../../etc/passwd"), None);
        assert!(valid_key("0123456789abcdef0123456789abcdef"));
        assert!(!valid_key("0123456789ABCDEF0123456789abcdef"));
        assert!(!valid_key("short"));
    }
}
