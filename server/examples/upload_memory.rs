//! The server's memory under hostile uploads: the real application (in this process, on a
//! throw-away cluster) takes, first, the worst upload it accepts alone, then 20 hostile uploads
//! at once from 20 accounts: PNGs claiming 8,000 x 8,000 16-bit or 11,000 x 11,000 pixels in a
//! few hundred kilobytes, PNGs whose colour profile inflates to 512 MB, and the worst accepted
//! picture (7,000 x 7,000 RGBA, 49 megapixels, 187 MiB decoded). The process's resident memory
//! is sampled every 2 ms; the figures are its peak above what it held before.
//!
//! Run by `make bench`:
//!   cargo run --release --example upload_memory
// A measuring tool: a panic here is a failed measurement, not a crashed server.
#![allow(clippy::print_stdout, clippy::indexing_slicing, clippy::unwrap_used, clippy::expect_used)]

use app::server::{
    accounts::sessions,
    uploads::hostile_files::{claiming, with_profile_bomb},
};
use image::{ExtendedColorType, ImageEncoder, codecs::png::PngEncoder};
use server::{config::Settings, database::Location, startup::Application};
use std::{
    sync::{
        Arc,
        atomic::{AtomicBool, AtomicU64, Ordering},
    },
    time::Duration,
};

const BOUNDARY: &str = "----rmd-bench-boundary";

fn resident_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            let line = status.lines().find(|line| line.starts_with("VmRSS:"))?;
            line.split_whitespace().nth(1)?.parse().ok()
        })
        .unwrap_or(0)
}

/// Samples resident memory until stopped; answers the peak in KiB.
struct PeakMeter {
    stop: Arc<AtomicBool>,
    peak: Arc<AtomicU64>,
    thread: std::thread::JoinHandle<()>,
}

impl PeakMeter {
    fn start() -> Self {
        let (stop, peak) = (Arc::new(AtomicBool::new(false)), Arc::new(AtomicU64::new(0)));
        let thread = std::thread::spawn({
            let (stop, peak) = (stop.clone(), peak.clone());
            move || {
                while !stop.load(Ordering::Relaxed) {
                    peak.fetch_max(resident_kib(), Ordering::Relaxed);
                    std::thread::sleep(Duration::from_millis(2));
                }
            }
        });
        Self { stop, peak, thread }
    }

    fn finish(self) -> u64 {
        self.stop.store(true, Ordering::Relaxed);
        self.thread.join().unwrap();
        self.peak.load(Ordering::Relaxed)
    }
}

fn png(width: u32, height: u32, colour: ExtendedColorType, bytes_per_pixel: usize) -> Vec<u8> {
    let pixels = vec![90u8; width as usize * height as usize * bytes_per_pixel];
    let mut out = Vec::new();
    PngEncoder::new_with_quality(
        &mut out,
        image::codecs::png::CompressionType::Best,
        image::codecs::png::FilterType::Sub,
    )
    .write_image(&pixels, width, height, colour)
    .unwrap();
    out
}

fn multipart(photo: &[u8]) -> Vec<u8> {
    let mut body = format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nHostile\r\n\
         --{BOUNDARY}\r\nContent-Disposition: form-data; name=\"photo\"; filename=\"x.png\"\r\n\
         Content-Type: image/png\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(photo);
    body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    body
}

/// `count` confirmed accounts with a session each; answers their session cookies.
async fn members(pool: &sqlx::PgPool, count: usize) -> Vec<String> {
    let mut cookies = Vec::new();
    for n in 0..count {
        let voter = app::server::voter::VoterId::random();
        sqlx::query!("INSERT INTO voters (id) VALUES ($1)", voter.0).execute(pool).await.unwrap();
        let user = sqlx::query_scalar!(
            r#"INSERT INTO users (voter_id, username, email, email_verified_at, password_hash, display_name)
               VALUES ($1, $2, $2 || '@example.com', now(), 'unused', $2)
               RETURNING id AS "id: app::server::accounts::UserId""#,
            voter.0,
            format!("hostile{n}")
        )
        .fetch_one(pool)
        .await
        .unwrap();
        let token = sessions::create(pool, user, Duration::from_secs(3600)).await.unwrap();
        cookies.push(format!("rmd_session={token}"));
    }
    cookies
}

async fn upload(client: &reqwest::Client, base: &str, cookie: &str, photo: &[u8]) -> String {
    let response = client
        .post(format!("{base}/upload"))
        .header("cookie", cookie)
        .header("content-type", format!("multipart/form-data; boundary={BOUNDARY}"))
        .body(multipart(photo))
        .send()
        .await;
    match response {
        Ok(response) => response
            .headers()
            .get("location")
            .and_then(|l| l.to_str().ok())
            .unwrap_or("")
            .to_owned(),
        // Refused before the whole body was read.
        Err(error) => format!("?closed: {error}"),
    }
}

#[tokio::main]
async fn main() {
    let dir = std::env::temp_dir().join(format!("rmd-upload-memory-{}", std::process::id()));
    let mut settings = Settings::default();
    settings.server.port = 0;
    settings.database.demo_pictures = 0;
    settings.secret_key = Some("upload-memory-benchmark-secret-key-0123456789".into());
    let app = Application::build(&settings, Location::Throwaway(dir)).await.unwrap();
    let base = format!("http://{}", app.local_addr().unwrap());
    let cookies = members(app.pool(), 20).await;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(app.run_until(async {
        let _ = stopped.await;
    }));
    let client =
        reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();

    let worst = png(7000, 7000, ExtendedColorType::Rgba8, 4);
    let small = png(300, 300, ExtendedColorType::Rgba8, 4);
    let hostile: Vec<Vec<u8>> = vec![
        claiming(&small, 8000, 8000, 16),
        claiming(&small, 11_000, 11_000, 8),
        with_profile_bomb(&png(400, 400, ExtendedColorType::Rgb8, 3), 512),
        worst.clone(),
    ];
    let sizes: Vec<usize> = hostile.iter().map(Vec::len).collect();
    // Let the allocator settle after making the files.
    tokio::time::sleep(Duration::from_millis(300)).await;

    let baseline = resident_kib();
    let meter = PeakMeter::start();
    let alone = upload(&client, &base, &cookies[0], &worst).await;
    let single_peak = meter.finish();

    let baseline_burst = resident_kib();
    let meter = PeakMeter::start();
    let burst = cookies.iter().enumerate().map(|(n, cookie)| {
        let (client, base, photo) = (&client, &base, &hostile[n % hostile.len()]);
        async move { upload(client, base, cookie, photo).await }
    });
    let outcomes = futures_util::future::join_all(burst).await;
    let burst_peak = meter.finish();

    let accepted = outcomes.iter().filter(|o| o.ends_with("?uploaded")).count();
    let too_large = outcomes.iter().filter(|o| o.contains("image_too_large")).count();
    let _ = stop.send(());
    let _ = server.await;
    println!(
        "RESULT worst_accepted=7000x7000_rgba8 single_outcome={} single_peak_mb={} burst={} accepted={accepted} \
         too_large={too_large} burst_peak_mb={} burst_peak_total_mb={} file_kb={}",
        alone.rsplit('?').next().unwrap_or(""),
        single_peak.saturating_sub(baseline) / 1024,
        outcomes.len(),
        burst_peak.saturating_sub(baseline_burst) / 1024,
        burst_peak / 1024,
        sizes.iter().map(|s| (s / 1024).to_string()).collect::<Vec<_>>().join("/"),
    );
}
