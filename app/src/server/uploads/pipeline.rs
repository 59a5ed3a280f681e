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
mod tests {
    use super::*;
    use crate::server::uploads::hostile_files::{
        claiming, with_chunk, with_profile_bomb, zlib_bomb,
    };
    use image::codecs::jpeg::JpegEncoder;
    use image::{ImageEncoder, RgbaImage, codecs::png::PngEncoder};

    fn png(width: u32, height: u32, alpha: u8) -> Vec<u8> {
        let picture = RgbaImage::from_fn(width, height, |x, _| {
            if x < width / 2 {
                image::Rgba([200, 30, 30, alpha])
            } else {
                image::Rgba([30, 30, 200, alpha])
            }
        });
        let mut out = Vec::new();
        PngEncoder::new(&mut out)
            .write_image(picture.as_raw(), width, height, image::ExtendedColorType::Rgba8)
            .unwrap();
        out
    }

    fn decoded(jpeg: &[u8]) -> RgbImage {
        image::load_from_memory_with_format(jpeg, ImageFormat::Jpeg).unwrap().into_rgb8()
    }

    #[test]
    fn a_wide_picture_is_cropped_square_and_served_at_each_width() {
        let picture = process(&png(2000, 1200, 255)).unwrap();
        let widths: Vec<u32> = picture.files.iter().map(|file| file.width).collect();
        assert_eq!(widths, IMAGE_WIDTHS);
        for file in &picture.files {
            let image = decoded(&file.jpeg);
            assert_eq!((image.width(), image.height()), (file.width, file.width));
            assert_eq!(&file.jpeg[..2], &[0xFF, 0xD8]);
            let webp = image::load_from_memory_with_format(&file.webp, ImageFormat::WebP).unwrap();
            assert_eq!((webp.width(), webp.height()), (file.width, file.width));
        }
        // The centre crop keeps both halves: red on the left, blue on the right.
        let image = decoded(&picture.files[0].jpeg);
        assert!(image.get_pixel(10, 160).0[0] > 150);
        assert!(image.get_pixel(310, 160).0[2] > 150);
    }

    #[test]
    fn a_small_picture_is_not_enlarged() {
        let picture = process(&png(400, 300, 255)).unwrap();
        let sizes: Vec<u32> =
            picture.files.iter().map(|file| decoded(&file.jpeg).width()).collect();
        assert_eq!(sizes, [300, 300, 300]);
        assert_eq!(process(&png(900, 200, 255)).unwrap_err(), PipelineError::TooSmall);
    }

    #[test]
    fn transparency_becomes_white() {
        let picture = process(&png(300, 300, 0)).unwrap();
        let image = decoded(&picture.files[0].jpeg);
        assert!(image.get_pixel(150, 150).0.iter().all(|c| *c > 240));
    }

    /// A JPEG of `picture` carrying an EXIF segment (APP1) with `tiff` after the `Exif` marker.
    fn jpeg_with_exif(picture: &RgbImage, tiff: &[u8]) -> Vec<u8> {
        let mut jpeg = Vec::new();
        JpegEncoder::new(&mut jpeg).encode_image(picture).unwrap();
        let mut segment = vec![0xFF, 0xE1];
        segment.extend_from_slice(&u16::try_from(tiff.len() + 8).unwrap().to_be_bytes());
        segment.extend_from_slice(b"Exif\0\0");
        segment.extend_from_slice(tiff);
        jpeg.splice(2..2, segment);
        jpeg
    }

    #[test]
    fn a_sideways_camera_photo_is_turned_upright() {
        // Red left half, blue right half, with EXIF orientation 6: "rotate 90° clockwise".
        let sideways = RgbImage::from_fn(400, 300, |x, _| {
            if x < 200 { image::Rgb([220, 20, 20]) } else { image::Rgb([20, 20, 220]) }
        });
        let tiff = [
            b'M', b'M', 0, 42, 0, 0, 0, 8, // big-endian TIFF header, first IFD at 8
            0, 1, // one entry
            0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0, // Orientation, SHORT, 1 value: 6
            0, 0, 0, 0, // no next IFD
        ];
        let picture = process(&jpeg_with_exif(&sideways, &tiff)).unwrap();
        let upright = decoded(&picture.files[0].jpeg);
        let top = upright.get_pixel(150, 10).0;
        let bottom = upright.get_pixel(150, 290).0;
        assert!(top[0] > 150 && top[2] < 100, "{top:?}");
        assert!(bottom[2] > 150 && bottom[0] < 100, "{bottom:?}");
    }

    #[test]
    fn metadata_does_not_survive() {
        let original = jpeg_with_exif(
            &RgbImage::from_pixel(300, 300, image::Rgb([90, 120, 60])),
            b"GPSLatitude-secret-place",
        );
        assert!(original.windows(6).any(|w| w == b"secret"));
        let picture = process(&original).unwrap();
        for file in picture.files.iter().flat_map(|file| [&file.jpeg, &file.webp]) {
            assert!(!file.windows(4).any(|w| w == b"Exif"));
            assert!(!file.windows(6).any(|w| w == b"secret"));
        }
    }

    #[test]
    fn anything_else_is_refused_with_a_reason() {
        assert_eq!(process(b"GIF89a not really").unwrap_err(), PipelineError::NotAnImage);
        assert_eq!(process(b"hello").unwrap_err(), PipelineError::NotAnImage);
        let mut cut = png(600, 600, 255);
        cut.truncate(cut.len() / 2);
        assert_eq!(process(&cut).unwrap_err(), PipelineError::Damaged);
        // A header claiming 20000 x 20000 pixels is refused before any decoding.
        let huge = claiming(&png(300, 300, 255), 20_000, 20_000, 8);
        assert_eq!(process(&huge).unwrap_err(), PipelineError::TooLarge);
    }

    #[test]
    fn compressed_side_chunks_are_never_inflated() {
        let plain = png(400, 400, 255);
        let text_bomb = zlib_bomb(512);
        assert!(text_bomb.len() < 4 * 1024 * 1024, "{}", text_bomb.len());
        let bombed = with_chunk(&with_profile_bomb(&plain, 512), b"zTXt", &text_bomb);
        let stripped = png_without_ancillary_chunks(&bombed).unwrap();
        assert_eq!(stripped, png_without_ancillary_chunks(&plain).unwrap());
        assert!(process(&bombed).is_ok());
        // Transparency is kept: it changes the pixels.
        let transparent = with_chunk(&plain, b"tRNS", &[0, 0, 0]);
        assert!(
            png_without_ancillary_chunks(&transparent).unwrap().windows(4).any(|w| w == b"tRNS")
        );
    }

    #[test]
    fn a_cut_off_jpeg_is_damaged_and_a_whole_one_is_not() {
        let photo = RgbImage::from_fn(600, 600, |x, y| {
            image::Rgb([(x % 256).to_le_bytes()[0], (y % 256).to_le_bytes()[0], 90])
        });
        let mut jpeg = Vec::new();
        JpegEncoder::new(&mut jpeg).encode_image(&photo).unwrap();
        assert!(jpeg_is_complete(&jpeg));
        assert!(process(&jpeg).is_ok());
        let mut trailing = jpeg.clone();
        trailing.extend_from_slice(b"camera junk after the end");
        assert!(process(&trailing).is_ok());
        for cut in [jpeg.len() / 2, jpeg.len() - 2, 3] {
            assert_eq!(process(&jpeg[..cut]).unwrap_err(), PipelineError::Damaged, "cut at {cut}");
        }
    }

    #[test]
    fn pictures_over_the_pixel_or_memory_budget_are_refused_before_decoding() {
        // 8,000 x 8,000 is within 12,000 a side but 64 megapixels.
        let small = png(300, 300, 255);
        assert_eq!(
            process(&claiming(&small, 8_000, 8_000, 8)).unwrap_err(),
            PipelineError::TooLarge
        );
        // 7,000 x 7,000 at 16-bit RGBA is 49 megapixels, but 392 MB decoded.
        assert_eq!(
            process(&claiming(&small, 7_000, 7_000, 16)).unwrap_err(),
            PipelineError::TooLarge
        );
    }

    #[test]
    fn sixteen_bit_pictures_are_cropped_in_their_own_depth() {
        let picture = image::ImageBuffer::<image::Rgba<u16>, _>::from_fn(1200, 800, |x, _| {
            if x < 600 {
                image::Rgba([60_000, 0, 0, 65_535])
            } else {
                image::Rgba([0, 0, 60_000, 65_535])
            }
        });
        let mut out = Vec::new();
        PngEncoder::new(&mut out)
            .write_image(
                image::EncodableLayout::as_bytes(picture.as_raw().as_slice()),
                1200,
                800,
                image::ExtendedColorType::Rgba16,
            )
            .unwrap();
        let processed = process(&out).unwrap();
        let image = decoded(&processed.files[2].jpeg);
        assert_eq!(image.width(), 800);
        assert!(image.get_pixel(10, 400).0[0] > 150);
        assert!(image.get_pixel(790, 400).0[2] > 150);
    }

    #[test]
    fn the_messages_state_the_real_limits() {
        use crate::error::ErrorCode;
        assert!(ErrorCode::ImageTooSmall.default_message().contains(&MIN_SIDE.to_string()));
        assert!(ErrorCode::ImageTooLarge.default_message().contains("12,000"));
        assert!(ErrorCode::ImageTooLarge.default_message().contains("50 megapixels"));
        assert_eq!(MAX_PIXELS, 50_000_000);
        assert_eq!(MAX_SIDE, 12_000);
    }

    #[test]
    fn placeholder_colours_follow_the_picture() {
        let picture = RgbImage::from_fn(320, 320, |x, y| {
            if x.abs_diff(160).max(y.abs_diff(160)) < 80 {
                image::Rgb([250, 250, 0])
            } else {
                image::Rgb([0, 0, 250])
            }
        });
        let (backdrop, subject) = placeholder_colours(&picture);
        assert_eq!(backdrop & 0xFF, 250);
        assert_eq!(subject >> 8, 0xFAFA);
    }
}
