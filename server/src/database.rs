//! The database: a configured PostgreSQL server, or our own embedded cluster; one pool; migrations.

use crate::{
    config::DatabaseSettings,
    embedded_pg::{CLUSTER_USER, ClusterOptions, EmbeddedPgError, EmbeddedPostgres},
};
use secrecy::ExposeSecret;
use sqlx::{
    ConnectOptions,
    migrate::{MigrateError, Migrator},
    postgres::{PgConnectOptions, PgPool, PgPoolOptions},
};
use std::{path::PathBuf, str::FromStr, time::Duration};

pub static MIGRATOR: Migrator = sqlx::migrate!("../migrations");

#[derive(Debug, thiserror::Error)]
pub enum DatabaseError {
    #[error("DATABASE_URL is not a valid PostgreSQL URL: {0}")]
    BadUrl(#[source] sqlx::Error),
    #[error(transparent)]
    Embedded(#[from] EmbeddedPgError),
    #[error("could not connect to the database")]
    Connect(#[source] sqlx::Error),
    #[error("the database did not answer within {CONNECT_TIMEOUT:?}")]
    ConnectTimeout,
    #[error("could not apply the database migrations")]
    Migrate(#[from] MigrateError),
}

/// Longest wait for a connection, new or from the pool.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// A pooled connection idle for longer than this is pinged before it is handed out.
///
/// sqlx pings every connection it hands out by default (`test_before_acquire`), and again when
/// it takes one back: with the query between them, three round trips to the database for one
/// query. Under load on `GET /`, the ping before was 13 % of the server's samples and the
/// release (with its ping) 8 % (`perf`, BENCHMARKS.md). The ping on release stays (sqlx always
/// does it), so a connection going back to the pool is known to work; one taken out again
/// within a second is handed out as it is. A connection that waited longer may have lost its
/// server meanwhile (a restart, a network cut), so it is pinged, and replaced when the ping
/// fails, rather than failing a request.
const PING_IF_IDLE_FOR: Duration = Duration::from_secs(1);

/// The server-side limits every pooled connection (and the vote writer's) works under.
fn with_timeouts(options: PgConnectOptions, settings: &DatabaseSettings) -> PgConnectOptions {
    let millis = |secs: u64| (secs.saturating_mul(1000)).to_string();
    options.options([
        ("statement_timeout", millis(settings.statement_timeout_secs)),
        ("lock_timeout", millis(settings.lock_timeout_secs)),
        // A session left inside a transaction (a request dropped mid-way) gives its locks back.
        ("idle_in_transaction_session_timeout", "60000".to_owned()),
    ])
}

/// Where the data lives.
#[derive(Debug, Clone)]
pub enum Location {
    /// The configured server, else the embedded cluster in the data folder.
    Configured,
    /// A throw-away embedded cluster in this folder, deleted when the database closes.
    Throwaway(PathBuf),
}

#[derive(Debug)]
pub struct Database {
    pub pool: PgPool,
    cluster: Option<EmbeddedPostgres>,
}

impl Database {
    /// Connects (starting the embedded cluster when needed) and applies pending migrations.
    pub async fn open(
        settings: &DatabaseSettings,
        location: Location,
    ) -> Result<Self, DatabaseError> {
        let (options, cluster) = match (&location, &settings.url) {
            (Location::Configured, Some(url)) => (
                PgConnectOptions::from_str(url.expose_secret()).map_err(DatabaseError::BadUrl)?,
                None,
            ),
            (Location::Configured, None) | (Location::Throwaway(_), _) => {
                let (dir, throwaway) = match location {
                    Location::Throwaway(dir) => (dir, true),
                    Location::Configured => (settings.data_dir.clone(), false),
                };
                let cluster = EmbeddedPostgres::start(&ClusterOptions {
                    dir,
                    bin_dir: settings.pg_bin_dir.clone(),
                    throwaway,
                })
                .await?;
                (cluster.connect_options(CLUSTER_USER), Some(cluster))
            }
        };
        let options = options
            // A vote is acknowledged only once its commit is on disk, whatever the server's default.
            .options([("synchronous_commit", "on")])
            .log_statements(tracing::log::LevelFilter::Trace)
            .log_slow_statements(tracing::log::LevelFilter::Warn, Duration::from_secs(1));
        // Migrations may rewrite large tables: they run on a connection of their own, without
        // the timeouts that keep requests from waiting on a stuck database.
        let mut migrating = tokio::time::timeout(CONNECT_TIMEOUT, options.connect())
            .await
            .map_err(|_| DatabaseError::ConnectTimeout)?
            .map_err(DatabaseError::Connect)?;
        MIGRATOR.run(&mut migrating).await?;
        let _ = sqlx::Connection::close(migrating).await;
        let pool = PgPoolOptions::new()
            .max_connections(settings.max_connections)
            .acquire_timeout(CONNECT_TIMEOUT)
            .test_before_acquire(false)
            .before_acquire(|connection, meta| {
                Box::pin(async move {
                    if meta.idle_for > PING_IF_IDLE_FOR {
                        sqlx::Connection::ping(connection).await?;
                    }
                    Ok(true)
                })
            })
            .connect_with(with_timeouts(options, settings))
            .await
            .map_err(DatabaseError::Connect)?;
        Ok(Self { pool, cluster })
    }

    /// Completes if the embedded cluster exits while the server runs (never, for a
    /// configured server), answering how it exited.
    pub fn cluster_exit(&self) -> impl std::future::Future<Output = String> + Send + 'static {
        let exited = self
            .cluster
            .as_ref()
            .map(|cluster| (cluster.exited(), cluster.log_path().display().to_string()));
        async move {
            match exited {
                Some((exited, log)) => format!("{} (its log: {log})", exited.await),
                None => std::future::pending().await,
            }
        }
    }

    /// Closes the pool, then stops the embedded cluster if we started one.
    pub async fn close(self) {
        // Bounded: a connection stuck on a frozen database must not hold shutdown forever.
        if tokio::time::timeout(CONNECT_TIMEOUT, self.pool.close()).await.is_err() {
            tracing::warn!("database connections did not close in time; stopping anyway");
        }
        if let Some(cluster) = self.cluster {
            cluster.stop().await;
        }
    }
}
