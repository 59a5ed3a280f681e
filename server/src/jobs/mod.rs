//! Periodic jobs, on one small runner: every `every`, take the job's advisory lock, run it if it
//! is due, record the run in `job_runs`, let go of the lock.
//!
//! Several server instances may share one database, and each runs the same jobs. The lock makes
//! runs exclusive (a run that finds it taken skips its turn), and "due" makes them once per
//! period across instances: a job is due when no run of it has finished well within the last
//! period (90 % of it, so that a tick arriving a little early on the instance that ran last time
//! still runs). If that instance dies, another one runs the job at its next tick.
//!
//! Shutting down waits for a run in progress for a bounded time, then drops it: every job is a
//! set of statements that a later run redoes (each commits on its own, and none is half-done).

pub mod anomalies;
pub mod connection;
pub mod housekeeping;
pub mod kpis;
pub mod ranking;
pub mod retirement;

pub use housekeeping::{Purged, purge_expired};

use sqlx::{PgPool, pool::PoolConnection};
use std::{future::Future, pin::Pin, sync::Arc, time::Duration};
use tokio::{sync::watch, task::JoinHandle, time::Instant};

/// What a run did: how many rows it wrote or deleted.
pub type JobResult = Result<u64, sqlx::Error>;
type JobFuture = Pin<Box<dyn Future<Output = JobResult> + Send>>;

/// What a job does when it runs.
pub type JobRun = Arc<dyn Fn(PgPool) -> JobFuture + Send + Sync>;

/// A periodic job.
#[derive(Clone)]
pub struct Job {
    /// Its name in `job_runs` and in logs.
    pub name: &'static str,
    /// Its advisory lock key: one per job, the same on every instance.
    pub lock_key: i64,
    pub every: Duration,
    pub run: JobRun,
}

impl std::fmt::Debug for Job {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Job").field("name", &self.name).field("every", &self.every).finish()
    }
}

/// How one turn of a job ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Turn {
    /// It ran and touched this many rows.
    Ran(u64),
    /// It failed (recorded, logged); the next turn tries again.
    Failed,
    /// Another instance holds its lock, or ran it within this period.
    Skipped,
}

/// Takes one turn of `job`: runs it if it is due and nobody else is running it.
pub async fn take_turn(pool: &PgPool, job: &Job) -> Result<Turn, sqlx::Error> {
    let mut lock = pool.acquire().await?;
    let locked =
        sqlx::query_scalar!(r#"SELECT pg_try_advisory_lock($1) AS "locked!""#, job.lock_key)
            .fetch_one(&mut *lock)
            .await?;
    if !locked {
        return Ok(Turn::Skipped);
    }
    let turn = run_if_due(pool, &mut lock, job).await;
    // A session lock: let go of it whatever happened (a dropped connection lets go too).
    let unlocked = sqlx::query_scalar!("SELECT pg_advisory_unlock($1)", job.lock_key)
        .fetch_one(&mut *lock)
        .await;
    if let Err(error) = unlocked {
        tracing::warn!(job = job.name, error = %app::server::ErrorChain(&error), "could not release a job's lock");
        lock.close_on_drop();
    }
    turn
}

async fn run_if_due(
    pool: &PgPool,
    lock: &mut PoolConnection<sqlx::Postgres>,
    job: &Job,
) -> Result<Turn, sqlx::Error> {
    let recent_secs = job.every.as_secs_f64() * 0.9;
    let due = sqlx::query_scalar!(
        r#"SELECT NOT EXISTS (SELECT 1 FROM job_runs
                               WHERE job = $1 AND outcome = 'done'
                                 AND started_at > now() - make_interval(secs => $2)) AS "due!""#,
        job.name,
        recent_secs
    )
    .fetch_one(&mut **lock)
    .await?;
    if !due {
        return Ok(Turn::Skipped);
    }
    let started = Instant::now();
    let outcome = (job.run)(pool.clone()).await;
    let duration_ms = i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX);
    let outcome_label = if outcome.is_ok() { "done" } else { "failed" };
    metrics::counter!("job_runs_total", "job" => job.name, "outcome" => outcome_label).increment(1);
    metrics::histogram!("job_duration_seconds", "job" => job.name)
        .record(started.elapsed().as_secs_f64());
    let (turn, rows, error) = match &outcome {
        Ok(rows) => (Turn::Ran(*rows), *rows, None),
        Err(error) => {
            tracing::warn!(job = job.name, error = %app::server::ErrorChain(error), "a periodic job failed; trying again next time");
            (Turn::Failed, 0, Some(app::server::ErrorChain(error).to_string()))
        }
    };
    sqlx::query!(
        "INSERT INTO job_runs (job, started_at, duration_ms, rows, outcome, error)
         VALUES ($1, now() - make_interval(secs => $2::int8 / 1000.0), $2, $3, $4, $5)",
        job.name,
        duration_ms,
        i64::try_from(rows).unwrap_or(i64::MAX),
        if error.is_none() { "done" } else { "failed" },
        error
    )
    .execute(&mut **lock)
    .await?;
    Ok(turn)
}

/// Deletes what has expired (sessions, links, counters, idle voters, old job runs).
pub fn housekeeping(every: Duration) -> Job {
    Job {
        name: "housekeeping",
        lock_key: 0x726d_6401,
        every,
        run: Arc::new(|pool| Box::pin(async move { Ok(purge_expired(&pool).await?.total()) })),
    }
}

/// Recomputes every picture's scores and rank, each vote weighing what `weights` says.
pub fn ranking(every: Duration, weights: app::standings::VoteWeights) -> Job {
    Job {
        name: "ranking",
        lock_key: 0x726d_6402,
        every,
        run: Arc::new(move |pool| {
            Box::pin(async move { ranking::rank_pictures(&pool, weights).await })
        }),
    }
}

/// Stops the votes no person would cast, or that a crowd of throw-away sessions cast
/// together, from counting (see [`anomalies`]).
pub fn anomalies(every: Duration) -> Job {
    let detectors = anomalies::Detectors::every(every);
    Job {
        name: "anomalies",
        lock_key: 0x726d_6404,
        every,
        run: Arc::new(move |pool| Box::pin(async move { anomalies::run(&pool, &detectors).await })),
    }
}

/// Samples the key figures once a minute (sending them to `export` too), and rolls old samples
/// up.
pub fn kpis(export: Option<crate::influx::InfluxExport>) -> Job {
    let export = export.map(Arc::new);
    Job {
        name: "kpis",
        lock_key: 0x726d_6405,
        every: Duration::from_secs(60),
        run: Arc::new(move |pool| {
            let export = export.clone();
            Box::pin(async move { kpis::sample_and_export(&pool, export.as_deref()).await })
        }),
    }
}

/// Retires the pictures judged worst, under `rules`.
pub fn retirement(every: Duration, rules: retirement::Thresholds) -> Job {
    Job {
        name: "retirement",
        lock_key: 0x726d_6403,
        every,
        run: Arc::new(move |pool| {
            Box::pin(async move { retirement::retire_pictures(&pool, rules).await })
        }),
    }
}

/// The jobs running in the background; [`Jobs::stop`] ends them.
#[derive(Debug)]
pub struct Jobs {
    stop: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
}

impl Jobs {
    /// Starts each job; its first turn comes one period after starting (start-up has enough to
    /// do). A job with a zero period is off.
    pub fn spawn(pool: &PgPool, jobs: &[Job]) -> Self {
        let (stop, stopping) = watch::channel(false);
        let tasks = jobs
            .iter()
            .filter(|job| !job.every.is_zero())
            .map(|job| tokio::spawn(take_turns(pool.clone(), job.clone(), stopping.clone())))
            .collect();
        Self { stop, tasks }
    }

    /// Asks every job to stop, waits up to `within` for runs in progress, then drops them.
    pub async fn stop(self, within: Duration) {
        let _ = self.stop.send(true);
        let deadline = Instant::now() + within;
        for mut task in self.tasks {
            if tokio::time::timeout_at(deadline, &mut task).await.is_err() {
                tracing::warn!(
                    "a periodic job was still running at shutdown; it is redone next time"
                );
                task.abort();
            }
        }
    }
}

async fn take_turns(pool: PgPool, job: Job, mut stopping: watch::Receiver<bool>) {
    let mut ticks = tokio::time::interval_at(Instant::now() + job.every, job.every);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = ticks.tick() => {}
            _ = stopping.wait_for(|stop| *stop) => return,
        }
        // A stop asked for during a run waits for it (bounded by `Jobs::stop`).
        match take_turn(&pool, &job).await {
            Ok(Turn::Ran(rows)) if rows > 0 => {
                tracing::info!(job = job.name, rows, "periodic job done")
            }
            Ok(_) => {}
            Err(error) => {
                tracing::warn!(job = job.name, error = %app::server::ErrorChain(&error), "could not take a job's turn");
            }
        }
    }
}
