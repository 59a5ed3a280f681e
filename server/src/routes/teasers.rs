//! Teasers, `/teasers/{id}.jpg`: the image a shared link's preview and the feeds show for a
//! picture — its placeholder (the subject's colour as a soft blob on the backdrop), never the
//! picture itself, which is seen only by voting. Two colours that every locked tile shows
//! already, so anybody may fetch it by id.

use app::server::{AppState, blocking::run_with_permit};
use axum::{
    body::Body,
    extract::{Path, State},
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use image::{ExtendedColorType, ImageEncoder, codecs::jpeg::JpegEncoder};

/// The size link previews ask for (Open Graph's large image).
pub const WIDTH: u32 = 1200;
pub const HEIGHT: u32 = 630;

/// Draws the placeholder as `app::votes::placeholder_css` paints it: the subject's colour
/// inside 32 % of the farthest corner's distance, fading to the backdrop at 56 %.
#[allow(clippy::cast_precision_loss, clippy::cast_possible_truncation, clippy::cast_sign_loss)]
pub fn render_teaser(
    backdrop: u32,
    subject: u32,
    width: u32,
    height: u32,
) -> Result<Vec<u8>, image::ImageError> {
    let channel = |rgb: u32, shift: u32| f64::from((rgb >> shift) & 0xff);
    let (cx, cy) = (f64::from(width) * 0.5, f64::from(height) * 0.58);
    let reach = cx.hypot(cy.max(f64::from(height) - cy));
    let (inner, outer) = (0.32 * reach, 0.56 * reach);
    let mut pixels = Vec::with_capacity((width * height * 3) as usize);
    for y in 0..height {
        for x in 0..width {
            let distance = (f64::from(x) + 0.5 - cx).hypot(f64::from(y) + 0.5 - cy);
            let t = ((distance - inner) / (outer - inner)).clamp(0.0, 1.0);
            for shift in [16, 8, 0] {
                let value = channel(subject, shift) * (1.0 - t) + channel(backdrop, shift) * t;
                pixels.push(value.round().clamp(0.0, 255.0) as u8);
            }
        }
    }
    let mut jpeg = Vec::with_capacity(32 * 1024);
    JpegEncoder::new_with_quality(&mut jpeg, 85).write_image(
        &pixels,
        width,
        height,
        ExtendedColorType::Rgb8,
    )?;
    Ok(jpeg)
}

pub async fn teaser(State(state): State<AppState>, Path(file): Path<String>) -> Response {
    let Some(id) = file.strip_suffix(".jpg").and_then(|id| id.parse::<i64>().ok()) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let colours = sqlx::query!(
        "SELECT backdrop_rgb, subject_rgb FROM submissions WHERE id = $1 AND retired_at IS NULL",
        id
    )
    .fetch_optional(&state.pool)
    .await;
    let (backdrop, subject) = match colours {
        Ok(Some(row)) => (row.backdrop_rgb.cast_unsigned(), row.subject_rgb.cast_unsigned()),
        Ok(None) => return StatusCode::NOT_FOUND.into_response(),
        Err(error) => {
            tracing::error!(error = %app::server::ErrorChain(&error), "could not look up a teaser");
            return StatusCode::SERVICE_UNAVAILABLE.into_response();
        }
    };
    let drawn =
        run_with_permit(&state.image_work, move || render_teaser(backdrop, subject, WIDTH, HEIGHT))
            .await;
    let Ok(Ok(jpeg)) = drawn else {
        tracing::error!(id, "could not draw a teaser");
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    Response::builder()
        .header(header::CONTENT_TYPE, HeaderValue::from_static("image/jpeg"))
        // A picture's colours never change; a day keeps previews cheap.
        .header(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=86400"))
        .body(Body::from(jpeg))
        .unwrap_or_else(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_teaser_is_the_subject_in_the_middle_and_the_backdrop_in_the_corners() {
        let jpeg = render_teaser(0x00_00ff, 0xff_0000, 120, 63).unwrap();
        let image = image::load_from_memory(&jpeg).unwrap().into_rgb8();
        assert_eq!(image.dimensions(), (120, 63));
        let centre = image.get_pixel(60, 36);
        let corner = image.get_pixel(0, 0);
        assert!(centre[0] > 200 && centre[2] < 60, "{centre:?}");
        assert!(corner[2] > 200 && corner[0] < 60, "{corner:?}");
    }
}
