//! From the bytes someone uploaded to the files we serve: decoded within limits, turned upright,
//! cropped square around the centre, resized to each served width, re-encoded as JPEG and as
//! WebP (see `formats`). Encoding from pixels writes none of the original's metadata (EXIF, GPS,
//! camera, comments).

use super::containers::{jpeg_is_complete, png_without_ancillary_chunks};
use super::formats::{encode_jpeg, encode_webp};
use crate::votes::IMAGE_WIDTHS;
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits, RgbImage};
use std::{borrow::Cow, io::Cursor};

/// Pictures narrower than this look bad at the smallest served width.
pub const MIN_SIDE: u32 = 256;
/// Larger than any phone camera's photo; refuses decompression bombs before decoding.
const MAX_SIDE: u32 = 12_000;
/// 50 megapixels: more than a 48-megapixel phone photo, far less than 12,000 x 12,000.
const MAX_PIXELS: u64 = 50_000_000;
/// The decoded picture and the decoder's own buffers, at most. With two images worked on at
/// once (one per core), this bounds what decoding can take: 50 megapixels of 8-bit RGBA fit,
/// 16-bit pictures up to ~33 megapixels.
const MAX_DECODED_BYTES: u64 = 200 * 1024 * 1024;
const JPEG_QUALITY: u8 = 82;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum PipelineError {
    #[error("that file is not a JPEG, PNG or WebP image")]
    NotAnImage,
    #[error("that image could not be read; it may be damaged")]
    Damaged,
    #[error("that image is too large (at most {MAX_SIDE} pixels on a side, 50 megapixels in all)")]
    TooLarge,
    #[error("that image is too small: it needs at least {MIN_SIDE} pixels on each side")]
    TooSmall,
    #[error("could not encode the picture")]
    Encode,
}

/// One served width of a picture, in both formats.
#[derive(Debug)]
pub struct PictureFile {
    pub width: u32,
    pub jpeg: Vec<u8>,
    pub webp: Vec<u8>,
}

/// The picture, ready to store: its files for each served width, and its placeholder colours.
#[derive(Debug)]
pub struct ProcessedPicture {
    pub files: Vec<PictureFile>,
    pub backdrop_rgb: u32,
    pub subject_rgb: u32,
}

/// CPU-bound (tens to hundreds of milliseconds): run it on the blocking pool.
pub fn process(upload: &[u8]) -> Result<ProcessedPicture, PipelineError> {
    let largest = IMAGE_WIDTHS.iter().copied().max().unwrap_or(960);
    let base = flatten(upright_square(upload, largest)?);
    let side = base.width();
    let mut files = Vec::with_capacity(IMAGE_WIDTHS.len());
    for width in IMAGE_WIDTHS {
        // Never enlarged: a small original is served at its own size and scaled by the browser.
        let target = width.min(side);
        let resized = if target == side {
            base.clone()
        } else {
            image::imageops::thumbnail(&base, target, target)
        };
        let jpeg = encode_jpeg(&resized, JPEG_QUALITY).map_err(|_| PipelineError::Encode)?;
        let webp = encode_webp(&resized).map_err(|_| PipelineError::Encode)?;
        files.push(PictureFile { width, jpeg, webp });
    }
    let (backdrop_rgb, subject_rgb) = placeholder_colours(&base);
    Ok(ProcessedPicture { files, backdrop_rgb, subject_rgb })
}

/// The middle square of the upload, at most `largest` pixels on a side, turned upright.
///
/// Memory is what a hostile file attacks, so the full-size picture exists once: its size is
/// checked against the budgets before anything is decoded, and the square is cut out and
/// scaled down from it in one step, without a full-size copy. Turning it upright comes last,
/// on the small square: the middle square of a turned picture is the turned middle square.
fn upright_square(upload: &[u8], largest: u32) -> Result<DynamicImage, PipelineError> {
    let format = image::guess_format(upload).map_err(|_| PipelineError::NotAnImage)?;
    let upload: Cow<'_, [u8]> = match format {
        ImageFormat::Png => Cow::Owned(png_without_ancillary_chunks(upload)?),
        ImageFormat::Jpeg if !jpeg_is_complete(upload) => return Err(PipelineError::Damaged),
        ImageFormat::Jpeg | ImageFormat::WebP => Cow::Borrowed(upload),
        _ => return Err(PipelineError::NotAnImage),
    };
    let mut reader = ImageReader::with_format(Cursor::new(upload.as_ref()), format);
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_DECODED_BYTES);
    reader.limits(limits.clone());
    let mut decoder = reader.into_decoder().map_err(classify)?;
    let (width, height) = decoder.dimensions();
    if u64::from(width) * u64::from(height) > MAX_PIXELS {
        return Err(PipelineError::TooLarge);
    }
    // The decoded picture counts against the memory budget, as `ImageReader::decode` does it.
    limits.reserve(decoder.total_bytes()).map_err(classify)?;
    decoder.set_limits(limits).map_err(classify)?;
    let orientation = decoder.orientation().map_err(classify)?;
    let picture = DynamicImage::from_decoder(decoder).map_err(classify)?;
    let side = width.min(height);
    if side < MIN_SIDE {
        return Err(PipelineError::TooSmall);
    }
    let mut square = middle_square(&picture, side, side.min(largest));
    drop(picture);
    square.apply_orientation(orientation);
    Ok(square)
}

/// The middle `side` x `side` square of `picture`, scaled to `target` (at most `side`), in the
/// picture's own pixel type: read through a view, so the full picture is never copied.
fn middle_square(picture: &DynamicImage, side: u32, target: u32) -> DynamicImage {
    let (x, y) = ((picture.width() - side) / 2, (picture.height() - side) / 2);
    macro_rules! square {
        ($buffer:expr) => {{
            let view = image::imageops::crop_imm($buffer, x, y, side, side);
            if target == side {
                view.to_image()
            } else {
                image::imageops::thumbnail(&*view, target, target)
            }
        }};
    }
    match picture {
        DynamicImage::ImageLuma8(p) => DynamicImage::ImageLuma8(square!(p)),
        DynamicImage::ImageLumaA8(p) => DynamicImage::ImageLumaA8(square!(p)),
        DynamicImage::ImageRgb8(p) => DynamicImage::ImageRgb8(square!(p)),
        DynamicImage::ImageRgba8(p) => DynamicImage::ImageRgba8(square!(p)),
        DynamicImage::ImageLuma16(p) => DynamicImage::ImageLuma16(square!(p)),
        DynamicImage::ImageLumaA16(p) => DynamicImage::ImageLumaA16(square!(p)),
        DynamicImage::ImageRgb16(p) => DynamicImage::ImageRgb16(square!(p)),
        DynamicImage::ImageRgba16(p) => DynamicImage::ImageRgba16(square!(p)),
        DynamicImage::ImageRgb32F(p) => DynamicImage::ImageRgb32F(square!(p)),
        DynamicImage::ImageRgba32F(p) => DynamicImage::ImageRgba32F(square!(p)),
        // A pixel type added to `image` later: one converted copy, still within the budget.
        other => {
            let rgba = other.to_rgba8();
            DynamicImage::ImageRgba8(square!(&rgba))
        }
    }
}

fn classify(error: image::ImageError) -> PipelineError {
    match error {
        image::ImageError::Limits(_) => PipelineError::TooLarge,
        image::ImageError::Unsupported(_) => PipelineError::NotAnImage,
        _ => PipelineError::Damaged,
    }
}

/// RGB on white: transparent parts of a PNG or WebP would otherwise turn black.
fn flatten(picture: DynamicImage) -> RgbImage {
    if !picture.color().has_alpha() {
        return picture.into_rgb8();
    }
    let rgba = picture.into_rgba8();
    RgbImage::from_fn(rgba.width(), rgba.height(), |x, y| {
        let [r, g, b, a] = rgba.get_pixel(x, y).0;
        // A weighted mean of two bytes: never above 255.
        let over_white = |c: u8| {
            let blended = (u32::from(c) * u32::from(a) + 255 * (255 - u32::from(a))) / 255;
            u8::try_from(blended).unwrap_or(u8::MAX)
        };
        image::Rgb([over_white(r), over_white(g), over_white(b)])
    })
}

/// The mean colour of the outer ring (the backdrop) and of the middle (the subject), for the
/// placeholder shown while the image loads.
fn placeholder_colours(picture: &RgbImage) -> (u32, u32) {
    let side = picture.width();
    let (mut outer, mut inner) = ([0u64; 4], [0u64; 4]);
    // A coarse grid is plenty for an average.
    let step = usize::try_from(side / 32).unwrap_or(1).max(1);
    for y in (0..side).step_by(step) {
        for x in (0..side).step_by(step) {
            let from_centre = x.abs_diff(side / 2).max(y.abs_diff(side / 2));
            let sums = if from_centre < side / 4 { &mut inner } else { &mut outer };
            let [r, g, b] = picture.get_pixel(x, y).0;
            sums[0] += u64::from(r);
            sums[1] += u64::from(g);
            sums[2] += u64::from(b);
            sums[3] += 1;
        }
    }
    let mean = |s: [u64; 4]| {
        let n = s[3].max(1);
        // Means of bytes: 24 bits in all.
        u32::try_from((s[0] / n) << 16 | (s[1] / n) << 8 | (s[2] / n)).unwrap_or(0)
    };
    (mean(outer), mean(inner))
}

#[cfg(test)]
mod tests;
