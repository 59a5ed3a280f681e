//! Picture files: `/media/{image_key}/{width}.jpg`.

use crate::art::render_jpeg;
use app::{model::IMAGE_WIDTHS, server::AppState};
use axum::{
    body::Body,
    extract::{Path, State},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use std::sync::{Arc, LazyLock};
use tokio::sync::Semaphore;

/// Drawing is CPU work: at most one drawing per core at a time, off the async threads.
static DRAWING: LazyLock<Arc<Semaphore>> = LazyLock::new(|| {
    Arc::new(Semaphore::new(std::thread::available_parallelism().map_or(2, |n| n.get())))
});

/// An image key is 32 lowercase hex digits.
fn valid_key(key: &str) -> bool {
    key.len() == 32 && key.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

fn width_of(file: &str) -> Option<u32> {
    let width = file.strip_suffix(".jpg")?.parse().ok()?;
    IMAGE_WIDTHS.contains(&width).then_some(width)
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
    let seed: Result<Option<Option<i64>>, _> =
        sqlx::query_scalar("SELECT art_seed FROM submissions WHERE image_key = $1")
            .bind(&key)
            .fetch_optional(&state.pool)
            .await;
    let seed = match seed {
        Ok(Some(Some(seed))) => seed,
        Ok(_) => return StatusCode::NOT_FOUND.into_response(),
        Err(error) => {
            tracing::error!(error = %app::server::ErrorChain(&error), "could not look up a picture");
            return StatusCode::SERVICE_UNAVAILABLE.into_response();
        }
    };
    let Ok(_permit) = DRAWING.acquire().await else {
        return StatusCode::SERVICE_UNAVAILABLE.into_response();
    };
    let drawn = tokio::task::spawn_blocking(move || render_jpeg(seed as u64, width)).await;
    match drawn {
        Ok(Ok(jpeg)) => Response::builder()
            .header(header::CONTENT_TYPE, HeaderValue::from_static("image/jpeg"))
            .header(
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=31536000, immutable"),
            )
            .header(header::ETAG, etag)
            .body(Body::from(jpeg))
            .unwrap_or_else(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response()),
        Ok(Err(error)) => {
            tracing::error!(%error, seed, width, "could not encode a picture");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
        Err(error) => {
            tracing::error!(%error, seed, width, "drawing a picture failed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
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
