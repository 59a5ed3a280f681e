//! Building and running the application.

use crate::{
    config::Settings,
    database::{Database, DatabaseError, Location},
    jobs,
    routes::{self, RouterSettings, client_address::TrustedProxies},
    secret_key::{self, SecretKeyError},
    seed,
    serve::{self, ConnectionLimits},
};
use app::server::{
    AppState, Shared,
    accounts::{
        AccountPolicy,
        email_limits::EmailLimits,
        mailer::{Mailer, SmtpMailer, SmtpSetupError},
        password::PasswordHasherPool,
    },
    cookies::CookiePolicy,
    in_flight::InFlight,
    signing::{SecretKey, Signer},
    standings::reach::ViewCounts,
    vote_limits::VoteLimits,
    vote_writer::{VoteWriter, VoteWriterTask},
};
use axum::Router;
use leptos::config::{Env, LeptosOptions};
use rand::RngCore;
use secrecy::ExposeSecret;
use sqlx::PgPool;
use std::{future::Future, io, net::SocketAddr, sync::Arc, time::Duration};
use tokio::net::TcpListener;

/// How often expired sessions, links and the like are deleted.
const HOUSEKEEPING_INTERVAL: Duration = Duration::from_secs(3600);
/// How long shutting down waits for a periodic job's run in progress.
const JOB_DRAIN: Duration = Duration::from_secs(5);
/// At shutdown, how long requests in flight may take (an upload on a slow line takes longest).
const REQUEST_DRAIN: Duration = Duration::from_secs(20);
/// At shutdown, how long the queued ballots may take to be written.
const WRITER_DRAIN: Duration = Duration::from_secs(15);

#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error(transparent)]
    SecretKey(#[from] SecretKeyError),
    #[error(transparent)]
    Database(#[from] DatabaseError),
    #[error("could not create the demo pictures")]
    Seed(#[source] sqlx::Error),
    #[error("could not set up password hashing")]
    Passwords(#[source] app::server::accounts::password::PasswordError),
    #[error("could not set up sending email")]
    Mail(#[source] SmtpSetupError),
    #[error(transparent)]
    Config(#[from] crate::config::ConfigError),
    #[error("could not listen on {addr}")]
    Listen { addr: SocketAddr, source: io::Error },
}

/// A built application: bound to its port, connected to its database, not yet serving.
pub struct Application {
    listener: TcpListener,
    router: Router,
    database: Database,
    vote_writers: VoteWriterTask,
    pool: PgPool,
    limits: ConnectionLimits,
    jobs: Vec<jobs::Job>,
    views: ViewsWriter,
    /// `/metrics` on its own address, when configured.
    metrics: Option<(TcpListener, Router)>,
}

/// Writes the views counted in memory (see `app::server::standings::reach`).
struct ViewsWriter {
    state: AppState,
    every: Duration,
}

impl Application {
    pub async fn build(settings: &Settings, location: Location) -> Result<Self, StartupError> {
        let key = signing_key(settings, &location)?;
        let database = Database::open(&settings.database, location).await?;
        let pool = database.pool.clone();
        if let Some(report) = seed::seed_if_empty(&pool, settings.database.demo_pictures.into())
            .await
            .map_err(StartupError::Seed)?
        {
            tracing::info!(pictures = report.added, "created demo pictures for a new database");
            // Leaderboards from the first page on, rather than after the first period.
            if let Err(error) =
                jobs::ranking::rank_pictures(&pool, settings.standings.vote_weights()).await
            {
                tracing::warn!(error = %app::server::ErrorChain(&error), "could not rank the demo pictures");
            }
        }
        let (votes, vote_writers) = VoteWriter::spawn(
            pool.clone(),
            settings.votes.writers,
            settings.votes.max_batch,
            settings.vote_batch_timeout(),
        );

        let addr = SocketAddr::new(settings.server.host, settings.server.port);
        let listener = TcpListener::bind(addr)
            .await
            .map_err(|source| StartupError::Listen { addr, source })?;
        let addr = listener.local_addr().map_err(|source| StartupError::Listen { addr, source })?;
        let passwords = PasswordHasherPool::new(
            settings.accounts.password_memory_kib,
            settings.accounts.password_iterations,
            settings.accounts.password_hashing_concurrency,
        )
        .map_err(StartupError::Passwords)?;
        let state = AppState::new(Shared {
            leptos_options: leptos_options(settings, addr),
            pool: pool.clone(),
            signer: Signer::new(&key),
            votes,
            cookies: CookiePolicy { secure: settings.serves_https() },
            ticket_max_age: settings.ticket_max_age(),
            min_view: Duration::from_millis(settings.votes.min_view_ms),
            vote_limits: VoteLimits::new(
                settings.votes.per_voter_per_minute,
                settings.votes.per_network_per_minute,
            ),
            passwords,
            mailer: Arc::new(mailer(settings)?),
            accounts: account_policy(settings, addr),
            image_work: Arc::new(tokio::sync::Semaphore::new(
                std::thread::available_parallelism().map_or(2, std::num::NonZero::get),
            )),
            uploads_in_flight: InFlight::new(app::uploads::MAX_UPLOADS_IN_FLIGHT),
            views: ViewCounts::default(),
            retirement: settings.standings.retirement_rules(),
            data_dir: settings.database.data_dir.clone(),
            vote_latency: app::server::latency::VoteLatency::default(),
        });
        let views =
            ViewsWriter { state: state.clone(), every: settings.standings.views_write_every() };
        crate::metrics::handle();
        let metrics = match settings.metrics.listen {
            Some(addr) => {
                let listener = TcpListener::bind(addr)
                    .await
                    .map_err(|source| StartupError::Listen { addr, source })?;
                let router = Router::new()
                    .route("/metrics", axum::routing::get(routes::http_metrics::open))
                    .with_state(state.clone());
                Some((listener, router))
            }
            None => None,
        };
        let router = routes::router(
            state,
            &RouterSettings {
                request_timeout: Duration::from_secs(settings.server.request_timeout_secs),
                trusted_proxies: TrustedProxies(Arc::new(
                    settings.trusted_proxies().map_err(StartupError::Config)?,
                )),
                https: settings.serves_https(),
                public_url: settings.server.public_url.clone(),
                picture_cache_bytes: settings.server.picture_cache_mib.saturating_mul(1 << 20),
            },
        );
        let limits = ConnectionLimits {
            max_connections: settings.server.max_connections,
            header_read_timeout: Duration::from_secs(
                settings.server.header_read_timeout_secs.max(1),
            ),
            drain: REQUEST_DRAIN,
        };
        let jobs = vec![
            jobs::housekeeping(HOUSEKEEPING_INTERVAL),
            jobs::ranking(
                Duration::from_secs(settings.standings.rank_every_secs),
                settings.standings.vote_weights(),
            ),
            jobs::anomalies(Duration::from_secs(settings.votes.anomaly_check_every_secs)),
            jobs::kpis(influx_export(settings)),
            jobs::retirement(
                settings.standings.retire_every(),
                (&settings.standings.retirement_rules()).into(),
            ),
        ];
        Ok(Self { listener, router, database, vote_writers, pool, limits, jobs, views, metrics })
    }

    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// Where `/metrics` is served to anybody, when configured.
    pub fn metrics_addr(&self) -> Option<SocketAddr> {
        self.metrics.as_ref().and_then(|(listener, _)| listener.local_addr().ok())
    }

    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// Serves until `shutdown` completes, then answers the requests in flight, writes the last
    /// votes, and closes the database (stopping the embedded cluster). If the embedded cluster
    /// exits meanwhile, the server stops the same way and answers an error saying so: votes
    /// cannot be kept without it, and a supervisor restarting the server restarts both.
    pub async fn run_until(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> io::Result<()> {
        let Self { listener, router, database, vote_writers, pool, limits, jobs, views, metrics } =
            self;
        let jobs = jobs::Jobs::spawn(&pool, &jobs);
        let (stop_views, views_stopping) = tokio::sync::watch::channel(false);
        let views_pool = pool.clone();
        let views_writer = tokio::spawn(async move {
            views.state.views.write_every(views_pool, views.every, views_stopping).await;
        });
        let (stop_metrics, metrics_stopping) = tokio::sync::watch::channel(false);
        let upkeep = tokio::spawn(crate::metrics::upkeep(metrics_stopping.clone()));
        let metrics_server = metrics.map(|(listener, router)| {
            let mut stopping = metrics_stopping;
            tokio::spawn(async move {
                let stopped = async move {
                    let _ = stopping.wait_for(|stop| *stop).await;
                };
                if let Err(error) =
                    axum::serve(listener, router).with_graceful_shutdown(stopped).await
                {
                    tracing::error!(%error, "the metrics address stopped serving");
                }
            })
        });
        let cluster_exit = database.cluster_exit();
        let (died, mut death) = tokio::sync::oneshot::channel::<String>();
        let stop = async move {
            tokio::select! {
                () = shutdown => {}
                how = cluster_exit => {
                    tracing::error!(exit = %how, "the database cluster stopped unexpectedly; stopping the server");
                    let _ = died.send(how);
                }
            }
        };
        let served = serve::serve(listener, router, limits, stop).await;
        let _ = stop_metrics.send(true);
        let _ = upkeep.await;
        if let Some(metrics_server) = metrics_server {
            let _ = tokio::time::timeout(JOB_DRAIN, metrics_server).await;
        }
        // Gone before the pool closes: a run cut short is redone next time.
        jobs.stop(JOB_DRAIN).await;
        if tokio::time::timeout(WRITER_DRAIN, vote_writers.finish()).await.is_err() {
            tracing::warn!(
                "the vote writer did not finish in time; unwritten ballots were not acknowledged"
            );
        }
        // The votes are all answered: the views they counted are written once more.
        let _ = stop_views.send(true);
        if tokio::time::timeout(JOB_DRAIN, views_writer).await.is_err() {
            tracing::warn!("the last views were not written in time");
        }
        database.close().await;
        if let Ok(how) = death.try_recv() {
            return Err(io::Error::other(format!(
                "the database cluster stopped unexpectedly: {how}"
            )));
        }
        served
    }
}

/// Leptos's own settings. Under `cargo leptos watch`, the environment asks for live reload.
fn leptos_options(settings: &Settings, addr: SocketAddr) -> LeptosOptions {
    let from_env = |name: &str| std::env::var(name).ok();
    let mut options = LeptosOptions::builder()
        .output_name("ratemyderp")
        .site_root(settings.site.root.to_string_lossy())
        .site_pkg_dir("pkg")
        .site_addr(addr)
        .build();
    // A release build names the bundle's files after their contents and lists the names in a
    // file beside the binary; without that file (the tests' binaries) the plain names are used.
    options.hash_files = std::env::current_exe()
        .ok()
        .and_then(|exe| Some(exe.parent()?.join(options.hash_file.as_ref())))
        .is_some_and(|file| file.is_file());
    if let Some(env) = from_env("LEPTOS_ENV").and_then(|env| env.parse::<Env>().ok()) {
        options.env = env;
    }
    if let Some(port) = from_env("LEPTOS_RELOAD_PORT").and_then(|port| port.parse().ok()) {
        options.reload_port = port;
    }
    options
}

/// The key that signs cookies and tickets: the configured or stored one, or, for a throw-away
/// instance, which keeps nothing, a fresh one.
fn signing_key(settings: &Settings, location: &Location) -> Result<SecretKey, StartupError> {
    Ok(match (location, &settings.secret_key) {
        (Location::Throwaway(_), None) => {
            let mut bytes = vec![0u8; 48];
            rand::rng().fill_bytes(&mut bytes);
            SecretKey::new(bytes).map_err(SecretKeyError::from)?
        }
        _ => secret_key::load_or_create(settings)?,
    })
}

/// The InfluxDB export, when configured (the address was checked with the settings).
fn influx_export(settings: &Settings) -> Option<crate::influx::InfluxExport> {
    let url = settings.metrics.influxdb_url.as_deref()?;
    crate::influx::InfluxExport::new(url, settings.metrics.database()).ok()
}

/// SMTP when it is configured, else the outbox folder.
fn mailer(settings: &Settings) -> Result<Mailer, StartupError> {
    Ok(match (&settings.accounts.smtp_url, &settings.accounts.mail_from) {
        (Some(url), Some(from)) => {
            Mailer::Smtp(SmtpMailer::new(url.expose_secret(), from).map_err(StartupError::Mail)?)
        }
        _ => Mailer::Outbox(settings.outbox_dir()),
    })
}

/// How accounts behave: links in emails point at the public address (by default, the one this
/// server listens on).
fn account_policy(settings: &Settings, addr: SocketAddr) -> AccountPolicy {
    let public_url = settings
        .server
        .public_url
        .clone()
        .unwrap_or_else(|| format!("http://{addr}"))
        .trim_end_matches('/')
        .to_owned();
    AccountPolicy {
        public_url,
        session_lifetime: settings.session_lifetime(),
        email_limits: EmailLimits {
            per_recipient: settings.accounts.emails_per_recipient_per_hour,
            resets_per_client: settings.accounts.resets_per_client_per_hour,
            sign_ups_per_client: settings.accounts.sign_ups_per_client_per_hour,
        },
    }
}
