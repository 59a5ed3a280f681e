//! The system dashboard's figures: the database from its statistics views, the process and the
//! machine from `/proc` (Linux), the data folder's disk from `df`, the jobs from `job_runs`.

use crate::operators::{JobRecord, SystemFigures};
use sqlx::PgPool;
use std::path::Path;

struct DatabaseRow {
    connections: i64,
    transactions: i64,
    cache_hit_ratio: f64,
    size_bytes: i64,
    longest_query_secs: f64,
    read_at: String,
    clock_secs: f64,
}

pub async fn read(pool: &PgPool, data_dir: &Path) -> Result<SystemFigures, sqlx::Error> {
    let db = sqlx::query_as!(
        DatabaseRow,
        r#"SELECT (SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()) AS "connections!",
                  (d.xact_commit + d.xact_rollback)::int8 AS "transactions!",
                  coalesce(d.blks_hit::float8 / nullif(d.blks_hit + d.blks_read, 0), 1.0) AS "cache_hit_ratio!",
                  pg_database_size(current_database()) AS "size_bytes!",
                  coalesce((SELECT extract(epoch FROM max(now() - query_start))::float8
                              FROM pg_stat_activity
                             WHERE datname = current_database() AND state = 'active'
                               AND pid <> pg_backend_pid()), 0) AS "longest_query_secs!",
                  to_char(now() AT TIME ZONE 'UTC', 'HH24:MI:SS "UTC"') AS "read_at!",
                  extract(epoch FROM clock_timestamp())::float8 AS "clock_secs!"
             FROM pg_stat_database d WHERE d.datname = current_database()"#
    )
    .fetch_one(pool)
    .await?;
    let jobs = sqlx::query_as!(
        JobRecord,
        r#"SELECT j.job AS "job!",
                  coalesce(to_char(l.started_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS "UTC"'), 'never') AS "last_run!",
                  coalesce(l.outcome, '–') AS "last_outcome!",
                  coalesce(l.duration_ms, 0)::int8 AS "last_duration_ms!",
                  (SELECT count(*) FROM job_runs f WHERE f.job = j.job AND f.outcome = 'failed'
                      AND f.started_at > now() - interval '1 day') AS "failures_24h!"
             FROM (SELECT DISTINCT job FROM job_runs) j
             CROSS JOIN LATERAL (SELECT started_at, outcome, duration_ms FROM job_runs r
                                  WHERE r.job = j.job ORDER BY started_at DESC LIMIT 1) l
            ORDER BY j.job"#
    )
    .fetch_all(pool)
    .await?;
    let machine = tokio::task::spawn_blocking({
        let data_dir = data_dir.to_owned();
        move || Machine::read(&data_dir)
    })
    .await
    .unwrap_or_default();
    Ok(SystemFigures {
        read_at: db.read_at,
        clock_secs: db.clock_secs,
        db_connections: db.connections,
        db_transactions: db.transactions,
        db_cache_hit_ratio: db.cache_hit_ratio,
        db_size_bytes: db.size_bytes,
        db_longest_query_secs: db.longest_query_secs,
        process_memory_bytes: machine.process.memory_bytes,
        process_cpu_secs: machine.process.cpu_secs,
        process_open_files: machine.process.open_files,
        machine_memory_total_bytes: machine.memory_total,
        machine_memory_available_bytes: machine.memory_available,
        machine_load_1m: machine.load_1m,
        machine_cpus: machine.cpus,
        disk_total_bytes: machine.disk_total,
        disk_free_bytes: machine.disk_free,
        network_received_bytes: machine.received,
        network_sent_bytes: machine.sent,
        jobs,
    })
}

/// This process's resident memory, CPU time and open files, from `/proc` (Linux); zero where it
/// says nothing. Also read for `/metrics`.
#[derive(Debug, Clone, Copy, Default)]
pub struct Process {
    pub memory_bytes: u64,
    pub cpu_secs: f64,
    pub open_files: u64,
}

impl Process {
    pub fn read() -> Self {
        let file = |path: &str| std::fs::read_to_string(path).unwrap_or_default();
        // utime and stime, the 12th and 13th fields after the command name, in 1/100 s.
        let ticks: u64 = file("/proc/self/stat")
            .rsplit_once(')')
            .map(|(_, rest)| {
                rest.split_whitespace().skip(11).take(2).filter_map(|f| f.parse::<u64>().ok()).sum()
            })
            .unwrap_or(0);
        Self {
            memory_bytes: kib_field(&file("/proc/self/status"), "VmRSS:"),
            cpu_secs: f64::from(u32::try_from(ticks).unwrap_or(u32::MAX)) / 100.0,
            open_files: std::fs::read_dir("/proc/self/fd").map_or(0, |dir| dir.count() as u64),
        }
    }
}

/// What `/proc` and `df` say about the machine; zero where they say nothing (another system, a
/// missing tool).
#[derive(Debug, Default)]
struct Machine {
    process: Process,
    memory_total: u64,
    memory_available: u64,
    load_1m: f64,
    cpus: u32,
    disk_total: u64,
    disk_free: u64,
    received: u64,
    sent: u64,
}

/// The number after `key` in a `/proc` file of `key: value kB` lines, in bytes.
fn kib_field(text: &str, key: &str) -> u64 {
    text.lines()
        .find_map(|line| line.strip_prefix(key))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|kib| kib.parse::<u64>().ok())
        .map_or(0, |kib| kib * 1024)
}

impl Machine {
    fn read(data_dir: &Path) -> Self {
        let file = |path: &str| std::fs::read_to_string(path).unwrap_or_default();
        let meminfo = file("/proc/meminfo");
        let (received, sent) = network_totals(&file("/proc/net/dev"));
        let (disk_total, disk_free) = disk_space(data_dir);
        Self {
            process: Process::read(),
            memory_total: kib_field(&meminfo, "MemTotal:"),
            memory_available: kib_field(&meminfo, "MemAvailable:"),
            load_1m: file("/proc/loadavg")
                .split_whitespace()
                .next()
                .and_then(|load| load.parse().ok())
                .unwrap_or(0.0),
            cpus: std::thread::available_parallelism()
                .map_or(1, |n| u32::try_from(n.get()).unwrap_or(u32::MAX)),
            disk_total,
            disk_free,
            received,
            sent,
        }
    }
}

/// Bytes received and sent by every interface but loopback, from `/proc/net/dev`.
fn network_totals(dev: &str) -> (u64, u64) {
    dev.lines()
        .skip(2)
        .filter_map(|line| line.split_once(':'))
        .filter(|(name, _)| name.trim() != "lo")
        .map(|(_, counters)| {
            let fields: Vec<u64> =
                counters.split_whitespace().filter_map(|f| f.parse().ok()).collect();
            (fields.first().copied().unwrap_or(0), fields.get(8).copied().unwrap_or(0))
        })
        .fold((0, 0), |(rx, tx), (r, t)| (rx + r, tx + t))
}

/// Total and free bytes of the file system holding `dir`, from POSIX `df`.
fn disk_space(dir: &Path) -> (u64, u64) {
    let dir = if dir.exists() { dir } else { Path::new(".") };
    let Ok(output) = std::process::Command::new("df").arg("-P").arg("-k").arg(dir).output() else {
        return (0, 0);
    };
    let text = String::from_utf8_lossy(&output.stdout);
    let fields: Vec<u64> = text
        .lines()
        .nth(1)
        .map(|line| {
            line.split_whitespace().skip(1).take(3).filter_map(|f| f.parse().ok()).collect()
        })
        .unwrap_or_default();
    match fields.as_slice() {
        [total, _used, free] => (total * 1024, free * 1024),
        _ => (0, 0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proc_files_are_read_as_linux_writes_them() {
        assert_eq!(kib_field("MemTotal:       24000 kB\nMemFree: 1 kB\n", "MemTotal:"), 24_576_000);
        assert_eq!(kib_field("nothing here", "MemTotal:"), 0);
        let dev = "Inter-|   Receive\n face |bytes    packets\n    lo: 500 5 0 0 0 0 0 0 500 5 0 0 0 0 0 0\n  eth0: 1000 10 0 0 0 0 0 0 2000 20 0 0 0 0 0 0\n";
        assert_eq!(network_totals(dev), (1000, 2000));
    }
}
