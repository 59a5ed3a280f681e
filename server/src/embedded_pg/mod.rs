//! A private PostgreSQL cluster, started and stopped by this process.
//!
//! The cluster listens only on a Unix socket in a folder of its own, so it never clashes with
//! another server's port. It is started through a small shell wrapper whose standard input is a
//! pipe from this process: when the pipe closes — because we stop it, or because this process
//! died — the wrapper shuts PostgreSQL down (fast shutdown: open transactions roll back,
//! committed ones are safe). PostgreSQL refuses to run as root; as root we run it as `postgres`.

use sqlx::{
    ConnectOptions, Connection,
    postgres::{PgConnectOptions, PgConnection},
};
use std::{
    fs, io,
    os::unix::{
        fs::OpenOptionsExt,
        process::{CommandExt, ExitStatusExt},
    },
    path::{Path, PathBuf},
    process::{ChildStdin, ExitStatus, Stdio},
    time::{Duration, Instant},
};
use tokio::sync::watch;

mod setup;

use setup::{
    command, filesystem, find_bin_dir, hand_to_postgres_user, initdb, lock_data_dir, log_tail,
    make_socket_dir, running_as_root, wait_for_previous_postmaster,
};

/// The name the cluster's superuser and its main database go by.
pub const CLUSTER_USER: &str = "ratemyderp";
/// Only names the socket file: the cluster listens on no TCP port.
const SOCKET_PORT: u16 = 5432;
/// Unix socket paths are limited to 107 bytes.
const MAX_SOCKET_PATH: usize = 100;
const OS_USER_WHEN_ROOT: &str = "postgres";

#[derive(Debug, thiserror::Error)]
pub enum EmbeddedPgError {
    #[error(
        "PostgreSQL's server programs (initdb, postgres) were not found. Install them \
         (Debian: `apt-get install postgresql`), set RMD_DATABASE__PG_BIN_DIR to their folder, \
         or set DATABASE_URL to use a running server"
    )]
    BinariesNotFound,
    #[error("could not prepare {path}: {source}")]
    Filesystem { path: PathBuf, source: io::Error },
    #[error("could not run {program}: {source}")]
    Spawn { program: String, source: io::Error },
    #[error("initdb failed ({status}): {output}")]
    Initdb { status: std::process::ExitStatus, output: String },
    #[error(
        "the user `postgres` cannot reach {path}; when run as root, the database runs as \
         `postgres`, so choose a data folder it can enter (RMD_DATABASE__DATA_DIR) or set DATABASE_URL"
    )]
    Unreachable { path: PathBuf },
    #[error("PostgreSQL did not start within {waited:?}. Its log ({log}) ends with:\n{tail}")]
    DidNotStart { waited: Duration, log: PathBuf, tail: String },
    #[error("could not create the database: {0}")]
    CreateDatabase(#[source] sqlx::Error),
    #[error(
        "another RateMyDerp server is using the data folder {dir} (its database runs there); \
         stop it first, or give this one another folder (RMD_DATABASE__DATA_DIR)"
    )]
    InUse { dir: PathBuf },
    #[error(
        "the database in {dir} was made by PostgreSQL {version}, whose server programs are not \
         installed. Install them (Debian: `apt-get install postgresql-{version}`), or set \
         RMD_DATABASE__PG_BIN_DIR to their folder"
    )]
    VersionMissing { dir: PathBuf, version: String },
}

/// How to run a cluster.
#[derive(Debug, Clone)]
pub struct ClusterOptions {
    /// Holds the cluster (`postgres/`), its socket folder (`run/`) and its log.
    pub dir: PathBuf,
    pub bin_dir: Option<PathBuf>,
    /// Trade durability for speed and delete the folder on stop: for tests and throw-away runs.
    pub throwaway: bool,
}

/// A running cluster. Dropping it also shuts the cluster down, without waiting.
#[derive(Debug)]
pub struct EmbeddedPostgres {
    socket_dir: PathBuf,
    /// Set once the wrapper, and so PostgreSQL, has exited (a thread waits for it).
    exited: watch::Receiver<Option<ExitStatus>>,
    /// Closing this pipe (which dropping it does) tells the wrapper to stop PostgreSQL.
    lifeline: ChildStdin,
    /// Held while the cluster runs: a second server on the same folder is refused.
    _lock: fs::File,
    log: PathBuf,
}

/// The shell wrapper around `postgres` (`$0`, with its arguments). It exits when PostgreSQL
/// does, with its status, so that its exit is PostgreSQL's, and it stops PostgreSQL when our
/// end of its standard input closes: when we stop it, or when this process dies, however it
/// dies. (A background job's standard input is /dev/null, so the pipe is kept as fd 3.)
fn wrapper_script(cleanup: &str) -> String {
    format!(
        "exec 3<&0; \
         \"$0\" \"$@\" 3<&- & pg=$!; \
         ( read -r _ <&3; kill -INT $pg 2>/dev/null ) & watch=$!; \
         wait $pg; status=$?; \
         kill $watch 2>/dev/null; \
         {cleanup}; \
         exit $status"
    )
}

impl EmbeddedPostgres {
    /// Starts the cluster in `options.dir`, creating it on first use, and waits until it accepts
    /// connections.
    pub async fn start(options: &ClusterOptions) -> Result<Self, EmbeddedPgError> {
        let as_root = running_as_root();
        let folders = Folders::prepare(options, as_root)?;
        if !folders.data.join("PG_VERSION").exists() {
            initdb(&folders.bin, &folders.data, as_root, options.throwaway)?;
        }
        wait_for_previous_postmaster(&folders.data).await;
        let (lifeline, exited) = spawn_postgres(&folders, options.throwaway, as_root)?;
        let Folders { sockets, lock, log, .. } = folders;
        let cluster = Self { socket_dir: sockets, exited, lifeline, _lock: lock, log };
        cluster.wait_until_ready().await?;
        cluster.create_database(CLUSTER_USER).await?;
        tracing::info!(socket = %cluster.socket_dir.display(), "database cluster running");
        Ok(cluster)
    }

    /// Waits until the cluster accepts connections; a cluster that exits instead (a bad
    /// setting, a data folder it cannot use) is reported at once with the end of its log.
    async fn wait_until_ready(&self) -> Result<(), EmbeddedPgError> {
        let started = Instant::now();
        let patience = Duration::from_secs(60);
        loop {
            let exited = self.exited.borrow().is_some();
            if !exited
                && PgConnection::connect_with(&self.connect_options("postgres")).await.is_ok()
            {
                return Ok(());
            }
            if exited || started.elapsed() > patience {
                return Err(EmbeddedPgError::DidNotStart {
                    waited: started.elapsed(),
                    log: self.log.clone(),
                    tail: log_tail(&self.log),
                });
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Completes if the cluster exits, answering how; it never exits on its own while this
    /// value lives, so that is a crash (or an operator stopping it) to report.
    pub fn exited(&self) -> impl std::future::Future<Output = ExitStatus> + Send + 'static {
        let mut exited = self.exited.clone();
        async move {
            match exited.wait_for(Option::is_some).await {
                Ok(status) => status.unwrap_or_else(|| ExitStatus::from_raw(1 << 8)),
                // The watching thread is gone, so the wrapper is too.
                Err(_) => ExitStatus::from_raw(1 << 8),
            }
        }
    }

    /// Where the cluster logs, for messages about it.
    pub fn log_path(&self) -> &Path {
        &self.log
    }

    pub fn connect_options(&self, database: &str) -> PgConnectOptions {
        PgConnectOptions::new()
            .host(&self.socket_dir.to_string_lossy())
            .port(SOCKET_PORT)
            .username(CLUSTER_USER)
            .database(database)
            .log_statements(tracing::log::LevelFilter::Trace)
    }

    /// A connection URL for `database` (the socket folder goes in the `host` parameter).
    pub fn database_url(&self, database: &str) -> String {
        format!(
            "postgres://{CLUSTER_USER}@localhost:{SOCKET_PORT}/{database}?host={}",
            self.socket_dir.display()
        )
    }

    /// Creates `name` unless it exists.
    pub async fn create_database(&self, name: &str) -> Result<(), EmbeddedPgError> {
        self.create_database_from(name, None).await
    }

    /// Creates `name` (copied from `template` when given) unless it exists.
    pub async fn create_database_from(
        &self,
        name: &str,
        template: Option<&str>,
    ) -> Result<(), EmbeddedPgError> {
        let mut admin = PgConnection::connect_with(&self.connect_options("postgres"))
            .await
            .map_err(EmbeddedPgError::CreateDatabase)?;
        let exists = sqlx::query_scalar!(
            r#"SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1) AS "exists!""#,
            name,
        )
        .fetch_one(&mut admin)
        .await
        .map_err(EmbeddedPgError::CreateDatabase)?;
        if !exists {
            let quote = |ident: &str| format!("\"{}\"", ident.replace('"', "\"\""));
            let template = template.map(|t| format!(" TEMPLATE {}", quote(t))).unwrap_or_default();
            // Composed: identifiers cannot be bind parameters.
            sqlx::query(&format!("CREATE DATABASE {}{template}", quote(name)))
                .execute(&mut admin)
                .await
                .map_err(EmbeddedPgError::CreateDatabase)?;
        }
        admin.close().await.map_err(EmbeddedPgError::CreateDatabase)
    }

    /// Shuts the cluster down and waits until it has stopped (a fast shutdown: a minute at
    /// the most, after which it is left to finish on its own).
    pub async fn stop(self) {
        let exited = self.exited();
        drop(self.lifeline);
        match tokio::time::timeout(Duration::from_secs(60), exited).await {
            Ok(_) => tracing::info!("database cluster stopped"),
            Err(_) => tracing::warn!("the database cluster is still stopping; not waiting longer"),
        }
    }
}

/// The cluster's folders, made and locked, and the programs that run it.
struct Folders {
    /// The data folder given in the options, made absolute.
    root: PathBuf,
    lock: fs::File,
    /// PostgreSQL's own data folder, inside `root`.
    data: PathBuf,
    bin: PathBuf,
    sockets: PathBuf,
    /// Whether `sockets` is a temporary folder (a `root` path too long for a socket).
    temporary_sockets: bool,
    log: PathBuf,
}

impl Folders {
    fn prepare(options: &ClusterOptions, as_root: bool) -> Result<Self, EmbeddedPgError> {
        fs::create_dir_all(&options.dir).map_err(filesystem(&options.dir))?;
        let root = fs::canonicalize(&options.dir).map_err(filesystem(&options.dir))?;
        let lock = lock_data_dir(&root)?;
        let data = root.join("postgres");
        let bin = find_bin_dir(options.bin_dir.as_deref(), &data)?;
        let (sockets, temporary_sockets) = make_socket_dir(&root)?;
        let log = root.join("postgres.log");
        fs::create_dir_all(&data).map_err(filesystem(&data))?;
        fs::OpenOptions::new()
            .create(true)
            .append(true)
            .mode(0o600)
            .open(&log)
            .map_err(filesystem(&log))?;
        if as_root {
            for path in [&data, &sockets] {
                hand_to_postgres_user(path)?;
            }
        }
        Ok(Self { root, lock, data, bin, sockets, temporary_sockets, log })
    }
}

/// The server's settings, as `-c name=value` arguments.
fn server_settings(sockets: &Path, throwaway: bool) -> Vec<String> {
    let mut settings = vec![
        "listen_addresses=".to_owned(),
        format!("unix_socket_directories={}", sockets.display()),
        // Only the cluster's own user may connect (the folder is 0700 too): the cluster
        // trusts whoever reaches its socket.
        "unix_socket_permissions=0700".to_owned(),
        "max_connections=200".to_owned(),
        "shared_buffers=256MB".to_owned(),
        // Creating a WAL segment stalls every commit behind it: zero-filling 16 MB took
        // 100-250 ms here, every second or two while votes streamed in. A server that has run
        // a while recycles old segments (keep enough of them); a young one creates segments
        // without zero-filling them (ext4 and xfs allocate on write).
        "min_wal_size=512MB".to_owned(),
        "max_wal_size=2GB".to_owned(),
        "wal_init_zero=off".to_owned(),
    ];
    if throwaway {
        settings.extend(
            ["fsync=off", "synchronous_commit=off", "full_page_writes=off"].map(String::from),
        );
    }
    settings
}

/// What the wrapper removes once postgres has exited: a throw-away cluster's folder, and a
/// temporary socket folder.
fn cleanup_command(throwaway: bool, temporary_sockets: bool) -> String {
    let mut cleanup = Vec::new();
    if throwaway {
        cleanup.push("\"$RMD_DIR\"");
    }
    if throwaway || temporary_sockets {
        cleanup.push("\"$RMD_SOCKETS\"");
    }
    // `:` does nothing (an empty command would be a syntax error).
    if cleanup.is_empty() { ":".to_owned() } else { format!("rm -rf {}", cleanup.join(" ")) }
}

/// Starts postgres under its wrapper; answers the lifeline (closing it stops the cluster) and
/// what the wrapper's exit is reported on.
fn spawn_postgres(
    folders: &Folders,
    throwaway: bool,
    as_root: bool,
) -> Result<(ChildStdin, watch::Receiver<Option<ExitStatus>>), EmbeddedPgError> {
    let cleanup = cleanup_command(throwaway, folders.temporary_sockets);
    let mut wrapper = command(Path::new("sh"), as_root);
    wrapper.arg("-c").arg(wrapper_script(&cleanup)).arg(folders.bin.join("postgres"));
    wrapper.arg("-D").arg(&folders.data).arg("-p").arg(SOCKET_PORT.to_string());
    for setting in server_settings(&folders.sockets, throwaway) {
        wrapper.arg("-c").arg(setting);
    }
    let log = &folders.log;
    let log_file = fs::OpenOptions::new().append(true).open(log).map_err(filesystem(log))?;
    let log_file_too = log_file.try_clone().map_err(filesystem(log))?;
    let mut wrapper = wrapper
        .env("RMD_DIR", &folders.root)
        .env("RMD_SOCKETS", &folders.sockets)
        .stdin(Stdio::piped())
        .stdout(log_file)
        .stderr(log_file_too)
        // Its own process group: a Ctrl-C in the terminal is ours to handle, and we stop
        // the database only after the last vote is written.
        .process_group(0)
        .spawn()
        .map_err(|source| EmbeddedPgError::Spawn { program: "postgres".into(), source })?;
    let lifeline = wrapper.stdin.take().ok_or_else(|| EmbeddedPgError::Spawn {
        program: "postgres".into(),
        source: io::Error::other("no pipe to the wrapper's stdin"),
    })?;
    let (exit, exited) = watch::channel(None);
    std::thread::spawn(move || {
        let status = wrapper.wait().unwrap_or_else(|_| ExitStatus::from_raw(1 << 8));
        let _ = exit.send(Some(status));
    });
    Ok((lifeline, exited))
}
