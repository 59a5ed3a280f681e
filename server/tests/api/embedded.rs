//! The embedded cluster's life: one server per data folder, private sockets, a crash noticed,
//! a failed start reported at once, the right PostgreSQL version for the data.

use server::embedded_pg::{ClusterOptions, EmbeddedPgError, EmbeddedPostgres};
use std::{
    os::unix::fs::PermissionsExt,
    path::{Path, PathBuf},
    time::{Duration, Instant},
};

fn folder(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("rmd-embedded-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn options(dir: &Path) -> ClusterOptions {
    ClusterOptions { dir: dir.to_owned(), bin_dir: None, throwaway: false }
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[tokio::test]
async fn one_server_per_data_folder_and_only_its_user_reaches_the_socket() {
    let dir = folder("lock");
    let cluster = EmbeddedPostgres::start(&options(&dir)).await.unwrap();
    let second = EmbeddedPostgres::start(&options(&dir)).await;
    let error = second.expect_err("a second server on the same folder is refused");
    assert!(matches!(error, EmbeddedPgError::InUse { .. }), "{error}");
    assert!(error.to_string().contains("another RateMyDerp server is using"), "{error}");

    let sockets = dir.join("run");
    assert_eq!(mode(&sockets), 0o700);
    assert_eq!(mode(&sockets.join(".s.PGSQL.5432")), 0o700);
    cluster.stop().await;
    // Once stopped, the folder is free again.
    EmbeddedPostgres::start(&options(&dir)).await.unwrap().stop().await;
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn a_cluster_that_dies_is_noticed() {
    let dir = folder("death");
    let cluster = EmbeddedPostgres::start(&options(&dir)).await.unwrap();
    let pid = std::fs::read_to_string(dir.join("postgres/postmaster.pid")).unwrap();
    let pid = pid.lines().next().unwrap().trim().to_owned();
    let killed = std::process::Command::new("kill").args(["-KILL", &pid]).status().unwrap();
    assert!(killed.success());
    let status = tokio::time::timeout(Duration::from_secs(10), cluster.exited()).await;
    assert!(status.is_ok(), "the death of PostgreSQL is seen");
    cluster.stop().await;
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn a_cluster_that_cannot_start_is_reported_at_once_with_its_log() {
    let dir = folder("broken");
    EmbeddedPostgres::start(&options(&dir)).await.unwrap().stop().await;
    let conf = dir.join("postgres/postgresql.auto.conf");
    std::fs::write(&conf, "shared_buffers = 'a lot'\n").unwrap();
    let started = Instant::now();
    let error = EmbeddedPostgres::start(&options(&dir)).await.expect_err("a bad setting");
    assert!(started.elapsed() < Duration::from_secs(20), "{:?}", started.elapsed());
    assert!(matches!(error, EmbeddedPgError::DidNotStart { .. }), "{error}");
    assert!(
        error.to_string().contains("shared_buffers"),
        "the log's end names the problem: {error}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn a_data_folder_made_by_another_postgresql_version_says_what_to_install() {
    let dir = folder("version");
    std::fs::create_dir_all(dir.join("postgres")).unwrap();
    std::fs::write(dir.join("postgres/PG_VERSION"), "99\n").unwrap();
    let error = EmbeddedPostgres::start(&options(&dir)).await.expect_err("no PostgreSQL 99 here");
    assert!(error.to_string().contains("apt-get install postgresql-99"), "{error}");
    std::fs::remove_dir_all(&dir).unwrap();
}
