//! Times the upload pipeline (`app::server::uploads::pipeline::process`) on a phone-sized photo,
//! and, when `vipsthumbnail` is installed, libvips making the same three squares (JPEG and WebP
//! each) from the same file, in one run.
//!
//! Run by `make bench`:
//!   cargo run --release --example upload_pipeline -- [--runs N]
// A measuring tool: a panic here is a failed measurement, not a crashed server.
#![allow(clippy::print_stdout, clippy::indexing_slicing, clippy::cast_possible_truncation)]

use anyhow::Context as _;
use app::{server::uploads::pipeline::process, votes::IMAGE_WIDTHS};
use image::{ExtendedColorType, ImageEncoder, codecs::jpeg::JpegEncoder};
use std::{
    process::Command,
    time::{Duration, Instant},
};

/// A 12-megapixel phone photo's size.
const WIDTH: u32 = 4032;
const HEIGHT: u32 = 3024;

/// A deterministic photo-like picture: smooth gradients with grain, as a JPEG of quality 90.
fn photo() -> anyhow::Result<Vec<u8>> {
    let mut state = 0x2545_F491_4F6C_DD1Du64;
    let mut pixels = Vec::with_capacity((WIDTH * HEIGHT * 3) as usize);
    for y in 0..HEIGHT {
        for x in 0..WIDTH {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let grain = (state % 24) as u32;
            pixels.push(((x * 200 / WIDTH) + grain) as u8);
            pixels.push(((y * 180 / HEIGHT) + grain) as u8);
            pixels.push((((x + y) * 120 / (WIDTH + HEIGHT)) + 60 + grain) as u8);
        }
    }
    let mut jpeg = Vec::new();
    JpegEncoder::new_with_quality(&mut jpeg, 90)
        .write_image(&pixels, WIDTH, HEIGHT, ExtendedColorType::Rgb8)
        .context("encoding the test photo")?;
    Ok(jpeg)
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let runs: usize = match args.iter().position(|a| a == "--runs") {
        Some(i) => args.get(i + 1).context("a number after --runs")?.parse()?,
        None => 11,
    };
    let jpeg = photo()?;
    let mut ours = Vec::with_capacity(runs);
    let (mut jpeg_bytes, mut webp_bytes) = (0, 0);
    for _ in 0..runs {
        let started = Instant::now();
        let picture = process(&jpeg).map_err(|e| anyhow::anyhow!("{e}"))?;
        ours.push(started.elapsed());
        jpeg_bytes = picture.files.iter().map(|f| f.jpeg.len()).sum::<usize>();
        webp_bytes = picture.files.iter().map(|f| f.webp.len()).sum::<usize>();
    }
    let ours = median(ours);

    // libvips: shrink-on-load, centre crop, strip metadata; one call per served width.
    let dir = std::env::temp_dir().join(format!("rmd-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let input = dir.join("photo.jpg");
    std::fs::write(&input, &jpeg)?;
    let vips = Command::new("vipsthumbnail").arg("--vips-version").output().is_ok().then(|| {
        let mut times = Vec::with_capacity(runs);
        for _ in 0..runs {
            let started = Instant::now();
            // Each width in both formats, as ours writes them.
            for width in IMAGE_WIDTHS {
                for file in
                    [format!("{width}.jpg[Q=82,strip]"), format!("{width}.webp[Q=85,strip]")]
                {
                    let status = Command::new("vipsthumbnail")
                        .arg(&input)
                        .args(["--size", &format!("{width}x{width}"), "--smartcrop", "centre"])
                        .arg("-o")
                        .arg(dir.join(file))
                        .status();
                    if !status.is_ok_and(|s| s.success()) {
                        return None;
                    }
                }
            }
            times.push(started.elapsed());
        }
        Some(median(times))
    });
    let _ = std::fs::remove_dir_all(&dir);

    let vips_ms =
        vips.flatten().map_or("n/a".to_owned(), |d| format!("{:.1}", d.as_secs_f64() * 1e3));
    println!(
        "RESULT input_kb={} runs={runs} ours_median_ms={:.1} output_kb={} jpeg_kb={} webp_kb={} \
         vips_median_ms={vips_ms}",
        jpeg.len() / 1024,
        ours.as_secs_f64() * 1e3,
        (jpeg_bytes + webp_bytes) / 1024,
        jpeg_bytes / 1024,
        webp_bytes / 1024,
    );
    Ok(())
}
