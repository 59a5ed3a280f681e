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
    fs,
    io::{self, Read, Seek, SeekFrom},
    os::unix::{fs::MetadataExt, process::CommandExt},
    path::{Path, PathBuf},
    process::{Child, ChildStdin, Command, Stdio},
    time::{Duration, Instant},
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
    wrapper: Child,
    /// Closing this pipe (which dropping it does) tells the wrapper to stop PostgreSQL.
    lifeline: ChildStdin,
}

fn filesystem(path: &Path) -> impl FnOnce(io::Error) -> EmbeddedPgError + '_ {
    move |source| EmbeddedPgError::Filesystem { path: path.to_owned(), source }
}

fn running_as_root() -> bool {
    fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0)
}

/// The folder holding `initdb` and `postgres`: the configured one, else the newest Debian
/// install, else whatever `PATH` has.
fn find_bin_dir(configured: Option<&Path>) -> Result<PathBuf, EmbeddedPgError> {
    let has_server = |dir: &Path| dir.join("postgres").is_file() && dir.join("initdb").is_file();
    if let Some(dir) = configured {
        return if has_server(dir) {
            Ok(dir.to_owned())
        } else {
            Err(EmbeddedPgError::BinariesNotFound)
        };
    }
    let mut debian: Vec<(u32, PathBuf)> = fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let version = entry.file_name().to_str()?.parse::<u32>().ok()?;
            Some((version, entry.path().join("bin")))
        })
        .filter(|(_, bin)| has_server(bin))
        .collect();
    debian.sort();
    if let Some((_, bin)) = debian.pop() {
        return Ok(bin);
    }
    std::env::var_os("PATH")
        .into_iter()
        .flat_map(|paths| std::env::split_paths(&paths).collect::<Vec<_>>())
        .find(|dir| has_server(dir))
        .ok_or(EmbeddedPgError::BinariesNotFound)
}

/// Runs `program` directly, or as `postgres` when we are root.
fn command(program: &Path, as_root: bool) -> Command {
    if as_root {
        let mut command = Command::new("runuser");
        command.args(["-u", OS_USER_WHEN_ROOT, "--"]).arg(program);
        command
    } else {
        Command::new(program)
    }
}

fn hand_to_postgres_user(path: &Path) -> Result<(), EmbeddedPgError> {
    let status = Command::new("chown")
        .args(["-R", &format!("{OS_USER_WHEN_ROOT}:")])
        .arg(path)
        .status()
        .map_err(|source| EmbeddedPgError::Spawn { program: "chown".into(), source })?;
    if !status.success() {
        return Err(EmbeddedPgError::Unreachable { path: path.to_owned() });
    }
    // `postgres` must be able to enter every folder above the cluster.
    let reachable = Command::new("runuser")
        .args(["-u", OS_USER_WHEN_ROOT, "--", "test", "-x"])
        .arg(path)
        .status()
        .is_ok_and(|s| s.success());
    if reachable { Ok(()) } else { Err(EmbeddedPgError::Unreachable { path: path.to_owned() }) }
}

/// A socket folder whose socket path fits the kernel's limit: inside `dir` when short enough,
/// otherwise a folder under /tmp named after `dir`.
fn socket_dir_for(dir: &Path) -> PathBuf {
    let inside = dir.join("run");
    let socket_path_len = inside.as_os_str().len() + "/.s.PGSQL.5432".len();
    if socket_path_len <= MAX_SOCKET_PATH {
        return inside;
    }
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    dir.hash(&mut hasher);
    std::env::temp_dir().join(format!("rmd-pg-{:016x}", hasher.finish()))
}

fn log_tail(log: &Path) -> String {
    let mut tail = String::new();
    if let Ok(mut file) = fs::File::open(log) {
        let len = file.metadata().map_or(0, |m| m.len());
        let _ = file.seek(SeekFrom::Start(len.saturating_sub(2000)));
        let _ = file.read_to_string(&mut tail);
    }
    tail
}

impl EmbeddedPostgres {
    /// Starts the cluster in `options.dir`, creating it on first use, and waits until it accepts
    /// connections.
    pub async fn start(options: &ClusterOptions) -> Result<Self, EmbeddedPgError> {
        let bin_dir = find_bin_dir(options.bin_dir.as_deref())?;
        let as_root = running_as_root();
        fs::create_dir_all(&options.dir).map_err(filesystem(&options.dir))?;
        let dir = fs::canonicalize(&options.dir).map_err(filesystem(&options.dir))?;
        let data_dir = dir.join("postgres");
        let socket_dir = socket_dir_for(&dir);
        let log = dir.join("postgres.log");
        for folder in [&data_dir, &socket_dir] {
            fs::create_dir_all(folder).map_err(filesystem(folder))?;
        }
        fs::OpenOptions::new().create(true).append(true).open(&log).map_err(filesystem(&log))?;
        if as_root {
            for path in [&dir, &socket_dir] {
                hand_to_postgres_user(path)?;
            }
        }
        if !data_dir.join("PG_VERSION").exists() {
            tracing::info!(path = %data_dir.display(), "creating the database cluster");
            let mut initdb = command(&bin_dir.join("initdb"), as_root);
            initdb.arg("--pgdata").arg(&data_dir).args([
                "--username",
                CLUSTER_USER,
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C",
            ]);
            if options.throwaway {
                initdb.arg("--no-sync");
            }
            let output = initdb
                .output()
                .map_err(|source| EmbeddedPgError::Spawn { program: "initdb".into(), source })?;
            if !output.status.success() {
                return Err(EmbeddedPgError::Initdb {
                    status: output.status,
                    output: String::from_utf8_lossy(&output.stderr).into_owned(),
                });
            }
        }

        let mut settings = vec![
            "listen_addresses=".to_owned(),
            format!("unix_socket_directories={}", socket_dir.display()),
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
        if options.throwaway {
            settings.extend(
                ["fsync=off", "synchronous_commit=off", "full_page_writes=off"].map(String::from),
            );
        }
        // The wrapper stops PostgreSQL when our end of its stdin closes, and, for a throw-away
        // cluster, removes its folder afterwards.
        let cleanup = if options.throwaway { "rm -rf \"$RMD_DIR\" \"$RMD_SOCKETS\"" } else { "" };
        let script =
            format!("\"$0\" \"$@\" & pg=$!; read -r _ignored; kill -INT $pg; wait $pg; {cleanup}");
        let mut wrapper = command(Path::new("sh"), as_root);
        wrapper
            .arg("-c")
            .arg(script)
            .arg(bin_dir.join("postgres"))
            .arg("-D")
            .arg(&data_dir)
            .arg("-p")
            .arg(SOCKET_PORT.to_string());
        for setting in &settings {
            wrapper.arg("-c").arg(setting);
        }
        let log_file = fs::OpenOptions::new().append(true).open(&log).map_err(filesystem(&log))?;
        let log_file_too = log_file.try_clone().map_err(filesystem(&log))?;
        let mut wrapper = wrapper
            .env("RMD_DIR", &dir)
            .env("RMD_SOCKETS", &socket_dir)
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
        let mut cluster = Self { socket_dir, wrapper, lifeline };

        let started = Instant::now();
        let patience = Duration::from_secs(60);
        loop {
            let exited = matches!(cluster.wrapper.try_wait(), Ok(Some(_)));
            if !exited
                && PgConnection::connect_with(&cluster.connect_options("postgres")).await.is_ok()
            {
                break;
            }
            if exited || started.elapsed() > patience {
                return Err(EmbeddedPgError::DidNotStart {
                    waited: started.elapsed(),
                    log: log.clone(),
                    tail: log_tail(&log),
                });
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        cluster.create_database(CLUSTER_USER).await?;
        tracing::info!(socket = %cluster.socket_dir.display(), "database cluster running");
        Ok(cluster)
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
        let exists: bool =
            sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)")
                .bind(name)
                .fetch_one(&mut admin)
                .await
                .map_err(EmbeddedPgError::CreateDatabase)?;
        if !exists {
            let quote = |ident: &str| format!("\"{}\"", ident.replace('"', "\"\""));
            let template = template.map(|t| format!(" TEMPLATE {}", quote(t))).unwrap_or_default();
            sqlx::query(&format!("CREATE DATABASE {}{template}", quote(name)))
                .execute(&mut admin)
                .await
                .map_err(EmbeddedPgError::CreateDatabase)?;
        }
        admin.close().await.map_err(EmbeddedPgError::CreateDatabase)
    }

    /// Shuts the cluster down and waits until it has stopped.
    pub async fn stop(self) {
        let Self { mut wrapper, lifeline, .. } = self;
        drop(lifeline);
        match tokio::task::spawn_blocking(move || wrapper.wait()).await {
            Ok(Ok(_)) => tracing::info!("database cluster stopped"),
            Ok(Err(error)) => tracing::warn!(%error, "could not wait for the database cluster"),
            Err(error) => tracing::warn!(%error, "could not wait for the database cluster"),
        }
    }
}
