//! Picture files: `/media/{image_key}/{width}.jpg`, uploads from the database, demo art drawn
//! on request; either kept in memory once read or drawn (see [`cache`]). The address names the
//! JPEG; a browser whose `Accept` lists WebP gets the WebP of the same picture instead (see
//! `formats`), and every answer says it varies by `Accept`. Links, previews and feeds keep one
//! address that works everywhere.
//!
//! Only the unguessable image key leads to a file, and a key is only ever shown to the owner
//! and to voters who have had the picture revealed: serving by key keeps the vote-to-reveal
//! rule, cached or not.

pub mod cache;
mod range;

use crate::art::render;
use app::{
    server::{AppState, ErrorChain, blocking::run_with_permit, uploads::formats::Format},
    votes::IMAGE_WIDTHS,
};
use axum::{
    Extension,
    body::{Body, Bytes},
    extract::{Path, State},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use cache::{FileId, Loaded, PictureCache};
use std::sync::Arc;

/// An image key is 32 lowercase hex digits.
fn valid_key(key: &str) -> bool {
    key.len() == 32 && key.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

fn width_of(file: &str) -> Option<u32> {
    let width = file.strip_suffix(".jpg")?.parse().ok()?;
    IMAGE_WIDTHS.contains(&width).then_some(width)
}

/// Whether an `If-None-Match` (or `If-Range`) list names this validator.
fn matches(header: Option<&HeaderValue>, etag: &str) -> bool {
    let Some(list) = header.and_then(|value| value.to_str().ok()) else { return false };
    list.split(',').map(str::trim).any(|tag| tag == "*" || tag.trim_start_matches("W/") == etag)
}

pub async fn picture(
    State(state): State<AppState>,
    Extension(cache): Extension<Arc<PictureCache>>,
    Path((key, file)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    let (true, Some(width)) = (valid_key(&key), width_of(&file)) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    // The bytes behind a key, width and format never change: a perfect validator. A browser
    // that accepts WebP may hold either (pictures stored before WebP have only their JPEG).
    let known = headers.get(header::IF_NONE_MATCH);
    if let Some(etag) = [Format::WebP, Format::Jpeg]
        .map(|format| etag_of(&key, width, format))
        .into_iter()
        .find(|etag| matches(known, etag))
    {
        let headers = [(header::ETAG, etag.as_str()), (header::VARY, "accept")];
        return (StatusCode::NOT_MODIFIED, headers).into_response();
    }
    let format = Format::for_accept(headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()));
    let id = FileId { key, width, format };
    let bytes = match cache.get(&id) {
        Some(hit) if !hit.needs_recheck => hit.bytes,
        Some(hit) => match still_there(&state, &id.key).await {
            Ok(true) => {
                cache.checked(&id);
                hit.bytes
            }
            Ok(false) => {
                cache.forget(&id);
                return StatusCode::NOT_FOUND.into_response();
            }
            // The file is known to be right; only its picture's removal could not be checked.
            Err(()) => hit.bytes,
        },
        None => {
            let load = load(state, id.clone());
            match cache.get_or_load(id.clone(), || load).await {
                Loaded::File(bytes) => bytes,
                Loaded::Missing => return StatusCode::NOT_FOUND.into_response(),
                Loaded::Unavailable => return StatusCode::SERVICE_UNAVAILABLE.into_response(),
            }
        }
    };
    let sent = Format::of_file(&bytes).unwrap_or(Format::Jpeg);
    respond(bytes, sent, &etag_of(&id.key, width, sent), &headers)
}

fn etag_of(key: &str, width: u32, format: Format) -> String {
    match format {
        Format::Jpeg => format!("\"{key}-{width}\""),
        Format::WebP => format!("\"{key}-{width}-webp\""),
    }
}

/// The whole file, or the one range asked for.
fn respond(bytes: Bytes, format: Format, etag: &str, headers: &HeaderMap) -> Response {
    let len = bytes.len();
    // A range is answered only for the same file: `If-Range` names the one the client has.
    // (a strong comparison: a weak validator never matches it).
    let wants_range = headers.get(header::IF_RANGE).is_none_or(|v| v.as_bytes() == etag.as_bytes());
    let asked = match headers.get(header::RANGE).and_then(|v| v.to_str().ok()) {
        Some(range) if wants_range => range::asked(range, len),
        _ => range::Asked::Whole,
    };
    let response = Response::builder()
        .header(header::CONTENT_TYPE, HeaderValue::from_static(format.content_type()))
        .header(header::VARY, HeaderValue::from_static("accept"))
        .header(
            header::CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=31536000, immutable"),
        )
        .header(header::ETAG, etag)
        .header(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    let built = match asked {
        range::Asked::Whole => response.body(Body::from(bytes)),
        range::Asked::Part(part) => response
            .status(StatusCode::PARTIAL_CONTENT)
            .header(
                header::CONTENT_RANGE,
                format!("bytes {}-{}/{len}", part.start, part.end.saturating_sub(1)),
            )
            .body(Body::from(bytes.slice(part))),
        range::Asked::Unsatisfiable => response
            .status(StatusCode::RANGE_NOT_SATISFIABLE)
            .header(header::CONTENT_RANGE, format!("bytes */{len}"))
            .body(Body::empty()),
    };
    built.unwrap_or_else(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response())
}

/// Whether a picture still has this key (moderators remove pictures, owners delete them).
async fn still_there(state: &AppState, key: &str) -> Result<bool, ()> {
    sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM submissions WHERE image_key = $1) AS "exists!""#,
        key
    )
    .fetch_one(&state.pool)
    .await
    .map_err(|error| tracing::error!(error = %ErrorChain(&error), "could not check a picture"))
}

/// Reads the stored file of this width and format (the JPEG if the picture has no WebP), or
/// draws the demo art of the picture's seed. (Owned arguments: the cache runs the load in a
/// task of its own.)
async fn load(state: AppState, id: FileId) -> Loaded {
    let found = sqlx::query!(
        r#"SELECT s.art_seed,
                  CASE WHEN $3 THEN COALESCE(f.webp, f.jpeg) ELSE f.jpeg END AS "file?"
             FROM submissions s
             LEFT JOIN picture_files f ON f.submission_id = s.id AND f.width = $2
            WHERE s.image_key = $1"#,
        id.key,
        i32::try_from(id.width).unwrap_or(i32::MAX),
        id.format == Format::WebP,
    )
    .fetch_optional(&state.pool)
    .await;
    match found {
        Ok(Some(row)) => match (row.file, row.art_seed) {
            (Some(file), _) => Loaded::File(Bytes::from(file)),
            (None, Some(seed)) => draw(&state, seed, id.width, id.format).await,
            (None, None) => Loaded::Missing,
        },
        Ok(None) => Loaded::Missing,
        Err(error) => {
            tracing::error!(error = %ErrorChain(&error), "could not look up a picture");
            Loaded::Unavailable
        }
    }
}

async fn draw(state: &AppState, seed: i64, width: u32, format: Format) -> Loaded {
    let drawn =
        run_with_permit(&state.image_work, move || render(seed.cast_unsigned(), width, format))
            .await;
    match drawn {
        Ok(Ok(file)) => Loaded::File(Bytes::from(file)),
        Ok(Err(error)) => {
            tracing::error!(error = %ErrorChain(&error), seed, width, "could not encode a picture");
            Loaded::Unavailable
        }
        Err(error) => {
            tracing::error!(%error, seed, width, "drawing a picture failed");
            Loaded::Unavailable
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

    #[test]
    fn validators_match_in_lists_weak_or_not() {
        let etag = "\"k-640\"";
        let value = |text: &'static str| HeaderValue::from_static(text);
        assert!(matches(Some(&value("\"k-640\"")), etag));
        assert!(matches(Some(&value("\"a\", W/\"k-640\"")), etag));
        assert!(matches(Some(&value("*")), etag));
        assert!(!matches(Some(&value("\"k-320\"")), etag));
        assert!(!matches(None, etag));
    }
}
