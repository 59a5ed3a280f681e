//! Procedurally drawn demo pictures: no network, no files, the same picture for the same seed.
//!
//! Pixel arithmetic on fixed-size canvases and tables, driven by seeds, never by user input:
//! indexes and casts here are bounded by construction.
#![allow(clippy::indexing_slicing, clippy::cast_possible_truncation, clippy::cast_sign_loss)]

pub mod canvas;
pub mod creature;
mod drawing;
pub mod names;

pub use creature::Creature;
pub use names::title_for;

use app::server::uploads::formats::{Format, WebPError, encode_jpeg, encode_webp};
use image::RgbImage;

/// A small, fast, well-mixed deterministic generator (SplitMix64).
#[derive(Debug, Clone)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (n > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }

    /// Uniform in `low..high`.
    pub fn range(&mut self, low: f32, high: f32) -> f32 {
        let unit = (self.next_u64() >> 40) as f32 / (1u64 << 24) as f32;
        low + (high - low) * unit
    }

    pub fn chance(&mut self, p: f32) -> bool {
        self.range(0.0, 1.0) < p
    }
}

/// JPEG quality: high enough that flat colours stay clean; about 36 KB at 640 px (the WebP, for
/// browsers that take it, about 15 KB: BENCHMARKS.md).
const JPEG_QUALITY: u8 = 84;

#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error("the canvas does not hold size x size pixels")]
    Canvas,
    #[error("could not encode the JPEG")]
    Jpeg(#[from] image::ImageError),
    #[error(transparent)]
    WebP(#[from] WebPError),
}

/// Draws the creature for `seed` at `size` × `size` pixels and encodes it in `format`, which
/// carries no metadata.
pub fn render(seed: u64, size: u32, format: Format) -> Result<Vec<u8>, RenderError> {
    let drawn = Creature::from_seed(seed).draw(size as usize).into_rgb8();
    let pixels = RgbImage::from_raw(size, size, drawn).ok_or(RenderError::Canvas)?;
    match format {
        Format::WebP => Ok(encode_webp(&pixels)?),
        Format::Jpeg => Ok(encode_jpeg(&pixels, JPEG_QUALITY)?),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_the_requested_size_in_either_format() {
        for format in [Format::Jpeg, Format::WebP] {
            let file = render(3, 96, format).unwrap();
            assert_eq!(Format::of_file(&file), Some(format));
            let decoded = image::load_from_memory(&file).unwrap();
            assert_eq!((decoded.width(), decoded.height()), (96, 96));
        }
    }

    #[test]
    fn the_generator_is_deterministic_and_in_range() {
        let mut a = SplitMix64::new(1);
        let mut b = SplitMix64::new(1);
        for _ in 0..100 {
            assert_eq!(a.next_u64(), b.next_u64());
        }
        for _ in 0..100 {
            let x = a.range(0.2, 0.3);
            assert!((0.2..0.3).contains(&x));
            assert!(a.below(7) < 7);
        }
    }
}
