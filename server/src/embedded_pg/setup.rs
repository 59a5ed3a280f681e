//! Preparing a cluster: finding its programs, its folders and their owners, the folder's lock,
//! creating the cluster the first time, and making way after a crashed predecessor.

use super::{CLUSTER_USER, EmbeddedPgError, MAX_SOCKET_PATH, OS_USER_WHEN_ROOT};
use std::{
    fs,
    io::{self, Read, Seek, SeekFrom},
    os::unix::fs::{DirBuilderExt, MetadataExt, OpenOptionsExt, PermissionsExt},
    path::{Path, PathBuf},
    process::Command,
    time::{Duration, Instant},
};

pub(super) fn filesystem(path: &Path) -> impl FnOnce(io::Error) -> EmbeddedPgError + '_ {
    move |source| EmbeddedPgError::Filesystem { path: path.to_owned(), source }
}

pub(super) fn running_as_root() -> bool {
    fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0)
}

/// The folder holding `initdb` and `postgres`: the configured one; else, for an existing
/// cluster, the Debian install of the version that made it (a cluster only runs under its own
/// major version); else the newest Debian install, else whatever `PATH` has.
pub(super) fn find_bin_dir(
    configured: Option<&Path>,
    data_dir: &Path,
) -> Result<PathBuf, EmbeddedPgError> {
    let has_server = |dir: &Path| dir.join("postgres").is_file() && dir.join("initdb").is_file();
    if let Some(dir) = configured {
        return if has_server(dir) {
            Ok(dir.to_owned())
        } else {
            Err(EmbeddedPgError::BinariesNotFound)
        };
    }
    if let Ok(version) = fs::read_to_string(data_dir.join("PG_VERSION")) {
        let version = version.trim().to_owned();
        let bin = Path::new("/usr/lib/postgresql").join(&version).join("bin");
        if has_server(&bin) {
            return Ok(bin);
        }
        // Not a Debian layout: whatever `PATH` has, if it is that version.
        let on_path = path_bin_dir(has_server)
            .filter(|dir| server_version(&dir.join("postgres")).as_deref() == Some(&*version));
        return on_path
            .ok_or(EmbeddedPgError::VersionMissing { dir: data_dir.to_owned(), version });
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
    path_bin_dir(has_server).ok_or(EmbeddedPgError::BinariesNotFound)
}

pub(super) fn path_bin_dir(has_server: impl Fn(&Path) -> bool) -> Option<PathBuf> {
    std::env::var_os("PATH")
        .into_iter()
        .flat_map(|paths| std::env::split_paths(&paths).collect::<Vec<_>>())
        .find(|dir| has_server(dir))
}

/// The major version `postgres --version` reports ("postgres (PostgreSQL) 15.8" gives "15").
pub(super) fn server_version(postgres: &Path) -> Option<String> {
    let output = Command::new(postgres).arg("--version").output().ok()?;
    let text = String::from_utf8(output.stdout).ok()?;
    let version = text.split_whitespace().last()?;
    Some(version.split('.').next()?.to_owned())
}

/// Runs `program` directly, or as `postgres` when we are root.
pub(super) fn command(program: &Path, as_root: bool) -> Command {
    if as_root {
        let mut command = Command::new("runuser");
        command.args(["-u", OS_USER_WHEN_ROOT, "--"]).arg(program);
        command
    } else {
        Command::new(program)
    }
}

/// Gives `path` (and what is inside) to the user the cluster runs as. Only the cluster's own
/// folders: the data folder around them also holds the signing key and the outbox, which stay
/// root's.
pub(super) fn hand_to_postgres_user(path: &Path) -> Result<(), EmbeddedPgError> {
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

/// The socket folder: `run/` inside `dir` when the socket's path fits the kernel's limit,
/// otherwise a new folder with a random name under the temporary folder. Either way it is made
/// here, mode 0700: nobody else can have made it first (a name somebody could guess and create
/// beforehand would hand them our socket), and nobody else can enter it. Answers whether it is
/// a temporary one (to be removed when the cluster stops).
pub(super) fn make_socket_dir(dir: &Path) -> Result<(PathBuf, bool), EmbeddedPgError> {
    let inside = dir.join("run");
    let socket_path_len = inside.as_os_str().len() + "/.s.PGSQL.5432".len();
    if socket_path_len <= MAX_SOCKET_PATH {
        fs::create_dir_all(&inside).map_err(filesystem(&inside))?;
        fs::set_permissions(&inside, fs::Permissions::from_mode(0o700))
            .map_err(filesystem(&inside))?;
        return Ok((inside, false));
    }
    loop {
        let name = format!("rmd-pg-{:016x}", rand::random::<u64>());
        let candidate = std::env::temp_dir().join(name);
        match fs::DirBuilder::new().mode(0o700).create(&candidate) {
            Ok(()) => return Ok((candidate, true)),
            Err(error) if error.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(error) => {
                return Err(EmbeddedPgError::Filesystem { path: candidate, source: error });
            }
        }
    }
}

/// Takes the data folder's lock, held for as long as this server runs its cluster there.
pub(super) fn lock_data_dir(dir: &Path) -> Result<fs::File, EmbeddedPgError> {
    let path = dir.join("server.lock");
    let file = fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .mode(0o600)
        .open(&path)
        .map_err(filesystem(&path))?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(fs::TryLockError::WouldBlock) => Err(EmbeddedPgError::InUse { dir: dir.to_owned() }),
        Err(fs::TryLockError::Error(source)) => Err(EmbeddedPgError::Filesystem { path, source }),
    }
}

pub(super) fn log_tail(log: &Path) -> String {
    let mut tail = String::new();
    if let Ok(mut file) = fs::File::open(log) {
        let len = file.metadata().map_or(0, |m| m.len());
        let _ = file.seek(SeekFrom::Start(len.saturating_sub(2000)));
        let _ = file.read_to_string(&mut tail);
    }
    tail
}

/// After a crash (this server killed, say), the cluster it ran may still be going away: its
/// postmaster shutting down once the wrapper saw us die, or killed but not yet reaped.
/// PostgreSQL refuses to start while that process exists, and since we hold the folder's lock,
/// it can only be such a leftover: wait for it to be gone (half a minute at the most; then
/// PostgreSQL's own refusal, with its log, says what is wrong).
pub(super) async fn wait_for_previous_postmaster(data_dir: &Path) {
    let Ok(pid_file) = fs::read_to_string(data_dir.join("postmaster.pid")) else { return };
    let Some(pid) = pid_file.lines().next().and_then(|pid| pid.trim().parse::<u32>().ok()) else {
        return;
    };
    let alive = || Path::new(&format!("/proc/{pid}")).exists();
    if !alive() {
        return;
    }
    tracing::info!(pid, "waiting for the previous database cluster to finish stopping");
    let started = Instant::now();
    while alive() && started.elapsed() < Duration::from_secs(30) {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

pub(super) fn initdb(
    bin_dir: &Path,
    data_dir: &Path,
    as_root: bool,
    throwaway: bool,
) -> Result<(), EmbeddedPgError> {
    tracing::info!(path = %data_dir.display(), "creating the database cluster");
    let mut initdb = command(&bin_dir.join("initdb"), as_root);
    initdb.arg("--pgdata").arg(data_dir).args([
        "--username",
        CLUSTER_USER,
        "--auth=trust",
        "--encoding=UTF8",
        "--locale=C",
    ]);
    if throwaway {
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
    Ok(())
}
