//! The operators' dashboards as both sides see them: the key figures over a time range, and the
//! system's figures.

use serde::{Deserialize, Serialize};

/// The time ranges the KPI dashboard offers, each drawn in steps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum KpiRange {
    Hour,
    Day,
    Week,
    Quarter,
}

impl KpiRange {
    pub const ALL: [Self; 4] = [Self::Hour, Self::Day, Self::Week, Self::Quarter];

    /// As the address carries it (`?range=24h`).
    pub fn key(self) -> &'static str {
        match self {
            Self::Hour => "1h",
            Self::Day => "24h",
            Self::Week => "7d",
            Self::Quarter => "90d",
        }
    }

    /// The range a key names; the last hour for anything else.
    pub fn from_key(key: &str) -> Self {
        Self::ALL.into_iter().find(|range| range.key() == key).unwrap_or(Self::Hour)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Hour => "Last hour",
            Self::Day => "Last 24 hours",
            Self::Week => "Last 7 days",
            Self::Quarter => "Last 90 days",
        }
    }

    /// The whole range, in seconds.
    pub fn seconds(self) -> u32 {
        match self {
            Self::Hour => 3_600,
            Self::Day => 86_400,
            Self::Week => 7 * 86_400,
            Self::Quarter => 90 * 86_400,
        }
    }

    /// One step of its charts, in seconds: 60 steps or so per range.
    pub fn step_seconds(self) -> u32 {
        match self {
            Self::Hour => 60,
            Self::Day => 1_800,
            Self::Week => 3 * 3_600,
            Self::Quarter => 86_400,
        }
    }

    /// The step in words, for chart titles ("per minute").
    pub fn per_step(self) -> &'static str {
        match self {
            Self::Hour => "per minute",
            Self::Day => "per half hour",
            Self::Week => "per 3 hours",
            Self::Quarter => "per day",
        }
    }
}

/// One step of the KPI charts: what happened in it, and the active voters at its busiest.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct KpiStep {
    /// When the step began, in UTC, as the range shows it (`14:05`, `11-25 09h`, `2026-11-25`).
    pub label: String,
    pub counted_votes: i64,
    pub discounted_votes: i64,
    pub active_voters: i64,
    pub sign_ups: i64,
    pub uploads: i64,
    pub reports: i64,
    pub new_voters: i64,
}

/// Where visitors get to, as things stand: voted once, ten times, signed up, uploaded.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Funnel {
    pub voters: i64,
    pub regulars: i64,
    pub members: i64,
    pub uploaders: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KpiDashboard {
    pub range: KpiRange,
    pub steps: Vec<KpiStep>,
    pub funnel: Funnel,
    /// Voters active in the last five minutes, now.
    pub active_now: i64,
    /// When these figures were read, `HH:MM:SS UTC`.
    pub read_at: String,
    /// How long votes took to answer on this server over the last minute or two, in words
    /// (`p50 4 ms, p95 8 ms, 1,200 votes`); `None` before any vote.
    pub vote_latency: Option<String>,
}

/// One periodic job's recent record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobRecord {
    pub job: String,
    /// `YYYY-MM-DD HH:MM:SS UTC`, or `never`.
    pub last_run: String,
    pub last_outcome: String,
    pub last_duration_ms: i64,
    pub failures_24h: i64,
}

/// The machine, the process and the database, as read now.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SystemFigures {
    /// `HH:MM:SS UTC`.
    pub read_at: String,
    /// Seconds since an arbitrary origin, for rates between two readings.
    pub clock_secs: f64,
    pub db_connections: i64,
    pub db_transactions: i64,
    pub db_cache_hit_ratio: f64,
    pub db_size_bytes: i64,
    pub db_longest_query_secs: f64,
    pub process_memory_bytes: u64,
    pub process_cpu_secs: f64,
    pub process_open_files: u64,
    pub machine_memory_total_bytes: u64,
    pub machine_memory_available_bytes: u64,
    pub machine_load_1m: f64,
    pub machine_cpus: u32,
    pub disk_total_bytes: u64,
    pub disk_free_bytes: u64,
    pub network_received_bytes: u64,
    pub network_sent_bytes: u64,
    pub jobs: Vec<JobRecord>,
}
