//! A job's own connection, for the jobs whose statements read or write the whole site.
//!
//! The pool's connections are set for requests: a statement may take 5 s
//! (`database.statement_timeout_secs`) and is logged as slow past 1 s, so that a stuck request
//! gives up and a slow one is seen. A job that ranks, retires or purges across every picture
//! takes seconds at a million pictures, and more as the site grows; on the pool it would fail
//! every time once the site passed that size (at a million pictures and ten million votes, a
//! retirement cycle took 4.1-5.7 s, one batch of retired pictures' purge about 2 s, and the anomaly
//! job's statement 2.3 s with 100,000 voters active in the hour, BENCHMARKS.md), and warn with
//! its whole statement every time before that. Users would not be told: pictures would no longer
//! retire or be deleted, and ballot stuffing would no longer be caught.
//!
//! A connection a run costs a few milliseconds of a run that takes from tens of them to seconds;
//! it is not one of the pool's, so a run never keeps a request waiting for a connection either.

use crate::database::CONNECT_TIMEOUT;
use sqlx::{
    ConnectOptions as _, Connection as _, PgConnection, PgPool, postgres::PgConnectOptions,
};
use std::time::Duration;

/// How long each of a job's statements may take: far above what any takes at a million
/// pictures, and still a bound, so that a run stuck on a lock ends and the next one tries again.
const STATEMENT_TIMEOUT: Duration = Duration::from_secs(120);

/// A job's statement is logged as slow past this: a quarter of what it may take. (On the pool,
/// every ranking run at a million pictures warned each minute with its whole statement, a
/// 4,086-character line.) How long runs take is recorded anyway (`job_runs`,
/// `job_duration_seconds`).
const SLOW_STATEMENT: Duration = Duration::from_secs(STATEMENT_TIMEOUT.as_secs() / 4);

/// Runs `work` on a job's connection of its own (see [`open`]), then closes it, whatever
/// `work` answered.
pub async fn run<T>(
    pool: &PgPool,
    work: impl AsyncFnOnce(&mut PgConnection) -> Result<T, sqlx::Error>,
) -> Result<T, sqlx::Error> {
    let mut connection = open(pool).await?;
    let done = work(&mut connection).await;
    close(connection).await;
    done
}

/// Opens a job's connection to the pool's server, with the pool's settings but
/// [`STATEMENT_TIMEOUT`] and [`SLOW_STATEMENT`].
async fn open(pool: &PgPool) -> Result<PgConnection, sqlx::Error> {
    let options: PgConnectOptions = (*pool.connect_options()).clone();
    let options = options.log_slow_statements(tracing::log::LevelFilter::Warn, SLOW_STATEMENT);
    let mut connection =
        tokio::time::timeout(CONNECT_TIMEOUT, PgConnection::connect_with(&options))
            .await
            .map_err(|_| sqlx::Error::PoolTimedOut)??;
    // For the session, over the pool's `statement_timeout` in the connect options.
    sqlx::query!(
        "SELECT set_config('statement_timeout', $1, false)",
        format!("{}ms", STATEMENT_TIMEOUT.as_millis())
    )
    .fetch_one(&mut connection)
    .await?;
    Ok(connection)
}

/// Closes a job's connection, so that the server is told at once (a dropped one is reaped
/// later). A failure to say goodbye changes nothing for the job, whose work is committed.
async fn close(connection: PgConnection) {
    let _ = connection.close().await;
}
