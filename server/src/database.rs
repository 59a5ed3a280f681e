//! The database: a configured PostgreSQL server, or our own embedded cluster; one pool; migrations.

use crate::{
    config::DatabaseSettings,
    embedded_pg::{CLUSTER_USER, ClusterOptions, EmbeddedPgError, EmbeddedPostgres},
};
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
    #[error("could not apply the database migrations")]
    Migrate(#[from] MigrateError),
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
            (Location::Configured, Some(url)) => {
                (PgConnectOptions::from_str(url.expose()).map_err(DatabaseError::BadUrl)?, None)
            }
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
        let pool = PgPoolOptions::new()
            .max_connections(settings.max_connections)
            .acquire_timeout(Duration::from_secs(5))
            .connect_with(options)
            .await
            .map_err(DatabaseError::Connect)?;
        MIGRATOR.run(&pool).await?;
        Ok(Self { pool, cluster })
    }

    /// Closes the pool, then stops the embedded cluster if we started one.
    pub async fn close(self) {
        self.pool.close().await;
        if let Some(cluster) = self.cluster {
            cluster.stop().await;
        }
    }
}
