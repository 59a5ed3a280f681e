//! The pipeline's tests, on real and hostile files.

use super::*;
use crate::server::uploads::hostile_files::{claiming, with_chunk, with_profile_bomb, zlib_bomb};
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
    let sizes: Vec<u32> = picture.files.iter().map(|file| decoded(&file.jpeg).width()).collect();
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
    assert!(png_without_ancillary_chunks(&transparent).unwrap().windows(4).any(|w| w == b"tRNS"));
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
    assert_eq!(process(&claiming(&small, 8_000, 8_000, 8)).unwrap_err(), PipelineError::TooLarge);
    // 7,000 x 7,000 at 16-bit RGBA is 49 megapixels, but 392 MB decoded.
    assert_eq!(process(&claiming(&small, 7_000, 7_000, 16)).unwrap_err(), PipelineError::TooLarge);
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
