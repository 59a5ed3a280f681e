//! The two formats a picture file is served in: JPEG, which every browser shows, and WebP,
//! sent to browsers that say they accept it (all current ones do).
//!
//! Why WebP, at quality 85: measured on a photo (webp-0.3.1's `lake.jpg`, 640 px square) and on
//! another (`metal.jpeg`), WebP at 85 matches our JPEG at 82 in PSNR (41.3 against 41.5 dB, and
//! 40.4 against 40.3) in 0.58 to 0.59 of the bytes (BENCHMARKS.md): a phone on a slow link
//! waits for ~40 % fewer bytes before the page's largest paint, the picture. The encoder is
//! Google's libwebp: the `image` crate's own WebP encoder writes lossless files only, which are
//! larger than the JPEG.

use image::{RgbImage, codecs::jpeg::JpegEncoder};

/// libwebp's quality scale (0 to 100).
pub const WEBP_QUALITY: f32 = 85.0;

/// A picture file's format, as stored and served.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    Jpeg,
    WebP,
}

impl Format {
    pub fn content_type(self) -> &'static str {
        match self {
            Self::Jpeg => "image/jpeg",
            Self::WebP => "image/webp",
        }
    }

    /// The format of a file, from its first bytes (a request for WebP may be answered with the
    /// JPEG of a picture stored before WebP was: see `media`).
    pub fn of_file(bytes: &[u8]) -> Option<Self> {
        match bytes {
            [0xff, 0xd8, ..] => Some(Self::Jpeg),
            [b'R', b'I', b'F', b'F', _, _, _, _, b'W', b'E', b'B', b'P', ..] => Some(Self::WebP),
            _ => None,
        }
    }

    /// The format to send for a request's `Accept` header: WebP if it is listed with a quality
    /// above zero (browsers list it when they can show it; `image/*` alone is not enough, as
    /// older ones sent that too).
    pub fn for_accept(accept: Option<&str>) -> Self {
        let listed = accept.unwrap_or_default().split(',').any(|item| {
            let mut parts = item.split(';').map(str::trim);
            parts.next().is_some_and(|kind| kind.eq_ignore_ascii_case("image/webp"))
                && parts.all(|parameter| {
                    let refused = parameter
                        .strip_prefix("q=")
                        .is_some_and(|q| q.parse::<f32>().is_ok_and(|q| q <= 0.0));
                    !refused
                })
        });
        if listed { Self::WebP } else { Self::Jpeg }
    }
}

/// `picture` as a baseline JPEG at `quality` (1 to 100), with no metadata.
pub fn encode_jpeg(picture: &RgbImage, quality: u8) -> Result<Vec<u8>, image::ImageError> {
    let mut jpeg = Vec::with_capacity(64 * 1024);
    JpegEncoder::new_with_quality(&mut jpeg, quality).encode_image(picture)?;
    Ok(jpeg)
}

#[derive(Debug, thiserror::Error)]
#[error("libwebp could not encode the picture: {0:?}")]
pub struct WebPError(webp::WebPEncodingError);

/// `picture` as a lossy WebP, with no metadata (it is made from the pixels alone).
pub fn encode_webp(picture: &RgbImage) -> Result<Vec<u8>, WebPError> {
    webp::Encoder::from_rgb(picture.as_raw(), picture.width(), picture.height())
        .encode_simple(false, WEBP_QUALITY)
        .map(|memory| memory.to_vec())
        .map_err(WebPError)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn webp_is_sent_only_to_browsers_that_list_it() {
        let chrome = "image/avif,image/webp,image/apng,image/svg+xml,image/*,*/*;q=0.8";
        assert_eq!(Format::for_accept(Some(chrome)), Format::WebP);
        assert_eq!(Format::for_accept(Some("image/webp;q=0.9, image/jpeg")), Format::WebP);
        assert_eq!(Format::for_accept(Some("IMAGE/WEBP")), Format::WebP);
        for jpeg in [None, Some("image/*,*/*;q=0.8"), Some("image/webp;q=0"), Some("image/webpx")] {
            assert_eq!(Format::for_accept(jpeg), Format::Jpeg, "{jpeg:?}");
        }
    }

    #[test]
    fn an_encoded_picture_is_a_webp_of_its_size() {
        let picture = RgbImage::from_fn(64, 64, |x, y| {
            image::Rgb([u8::try_from(x * 4).unwrap(), u8::try_from(y * 4).unwrap(), 90])
        });
        let file = encode_webp(&picture).unwrap();
        assert_eq!(Format::of_file(&file), Some(Format::WebP));
        let decoded = image::load_from_memory(&file).unwrap();
        assert_eq!((decoded.width(), decoded.height()), (64, 64));
        assert_eq!(Format::of_file(&[0xff, 0xd8, 0xff]), Some(Format::Jpeg));
        assert_eq!(Format::of_file(b"GIF89a"), None);
    }
}
