//! Operators' metrics, in Prometheus text: counters and histograms recorded where things happen
//! (the `metrics` facade, in `app` and here), gauges read when scraped (the pool, the process).
//!
//! `metrics` keeps one recorder per process, by design: its macros record from anywhere without
//! a handle. It is installed once; every application in the process (the tests start many)
//! renders the same figures. Histograms keep their samples until the next upkeep, so upkeep runs
//! every [`UPKEEP_EVERY`] whether anybody scrapes or not: memory stays bounded.
//!
//! Served at `/metrics` to admins (404 for everybody else), and, when `metrics.listen` is
//! set, on that address to anybody who can reach it (meant for loopback or a private network).

use app::server::AppState;
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use std::{sync::OnceLock, time::Duration};

pub const UPKEEP_EVERY: Duration = Duration::from_secs(5);

/// Seconds: from a fast vote (1 ms) to a request timing out (15 s).
const SECONDS_BUCKETS: [f64; 14] =
    [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 15.0];
/// Ballots per batch, up to `votes.max_batch`'s ceiling.
const SIZE_BUCKETS: [f64; 10] = [1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 128.0, 256.0, 1024.0];

/// The process's metrics, installed on first use.
pub fn handle() -> &'static PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE.get_or_init(|| {
        let builder = PrometheusBuilder::new();
        // Only empty bucket lists are refused, and these are constants.
        let builder = builder
            .set_buckets_for_metric(Matcher::Suffix("_seconds".to_owned()), &SECONDS_BUCKETS)
            .and_then(|b| {
                b.set_buckets_for_metric(Matcher::Full("vote_batch_size".to_owned()), &SIZE_BUCKETS)
            })
            .unwrap_or_else(|_| PrometheusBuilder::new());
        let recorder = builder.build_recorder();
        let handle = recorder.handle();
        if metrics::set_global_recorder(recorder).is_err() {
            tracing::warn!("another metrics recorder was installed first; /metrics stays empty");
        }
        describe();
        handle
    })
}

fn describe() {
    use metrics::{Unit, describe_counter, describe_gauge, describe_histogram};
    describe_counter!("http_requests_total", "Requests answered, by route, method and status");
    describe_histogram!(
        "http_request_duration_seconds",
        Unit::Seconds,
        "Time to answer a request, by route"
    );
    describe_counter!("votes_total", "Votes recorded, and ballots refused by reason");
    describe_histogram!("vote_batch_size", "Ballots written in one statement");
    describe_histogram!(
        "vote_queue_wait_seconds",
        Unit::Seconds,
        "Time a ballot waited for its batch"
    );
    describe_histogram!("vote_commit_seconds", Unit::Seconds, "Time to write and commit one batch");
    describe_counter!("job_runs_total", "Periodic job turns, by job and outcome");
    describe_histogram!("job_duration_seconds", Unit::Seconds, "Time a job's run took");
    describe_histogram!(
        "upload_pipeline_seconds",
        Unit::Seconds,
        "Time to decode and resize an upload"
    );
    describe_gauge!("db_pool_connections", "Database connections, by state (in_use, idle)");
    describe_gauge!("db_pool_max_connections", "The pool's ceiling");
    describe_gauge!("process_resident_memory_bytes", Unit::Bytes, "Resident memory");
    describe_gauge!("process_cpu_seconds_total", Unit::Seconds, "CPU time so far, user and system");
    describe_gauge!("process_open_fds", "Open file descriptors");
}

/// The metrics as Prometheus text, with the gauges read now.
pub fn render(state: &AppState) -> String {
    let pool = &state.pool;
    let idle = u32::try_from(pool.num_idle()).unwrap_or(u32::MAX);
    metrics::gauge!("db_pool_connections", "state" => "in_use")
        .set(f64::from(pool.size().saturating_sub(idle)));
    metrics::gauge!("db_pool_connections", "state" => "idle").set(f64::from(idle));
    metrics::gauge!("db_pool_max_connections").set(f64::from(pool.options().get_max_connections()));
    let process = app::server::operators::system::Process::read();
    #[allow(clippy::cast_precision_loss)] // bytes and descriptors, far below 2^52
    {
        metrics::gauge!("process_resident_memory_bytes").set(process.memory_bytes as f64);
        metrics::gauge!("process_cpu_seconds_total").set(process.cpu_secs);
        metrics::gauge!("process_open_fds").set(process.open_files as f64);
    }
    handle().render()
}

/// Drains the histograms every [`UPKEEP_EVERY`] until `stopping` turns true.
pub async fn upkeep(mut stopping: tokio::sync::watch::Receiver<bool>) {
    let handle = handle();
    let mut every = tokio::time::interval(UPKEEP_EVERY);
    loop {
        tokio::select! {
            _ = every.tick() => handle.run_upkeep(),
            _ = stopping.wait_for(|stop| *stop) => return,
        }
    }
}
