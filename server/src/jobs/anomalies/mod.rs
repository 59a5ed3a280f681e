//! The anomaly job: finds votes no person would cast, or that a crowd of throw-away sessions
//! cast together, and stops them counting (see `app::server::votes::counting`: they are kept,
//! with the reason, in a case an admin reviews, and leave the tallies at once).
//!
//! Three detectors, each looking only at recent activity (voters whose `revealed_at` is recent,
//! then their votes by primary key), so a run reads a few index ranges, not every vote:
//!
//! - **Same-score raters** ([`raters`]): twenty or more counted votes, all one rating. A person
//!   rates twenty derps differently; a script pushing a number does not bother.
//! - **Too-fast raters** ([`raters`]): twenty or more votes cast, half of them, within
//!   [`Detectors::human_look_ms`] of the picture appearing. The minimum viewing time refuses a
//!   single impossible vote; this catches a voter whose *typical* vote is machine-fast while
//!   each one clears the minimum.
//! - **Pushed pictures** ([`bursts`]): many fresh voters (every vote of theirs in the window,
//!   and few) from one network, voting on one picture. How many is "many" depends on whether
//!   the picture's vote rate jumped far above its own baseline: in a burst, a smaller crowd is
//!   suspicious. A burst alone flags nothing: a picture going viral through its share link
//!   looks exactly like that, but its voters come from everywhere.
//!
//! A voter an admin restored (a vote of theirs counted again after review) is left alone.

pub mod bursts;
pub mod raters;

use super::connection;
use app::server::votes::counting::{Finding, discount};
use sqlx::{PgConnection, PgPool};
use std::time::Duration;

/// The detectors' thresholds. The defaults are set so that an honest voter is never flagged:
/// the tests hold both sides (tests/api/integrity.rs and anomalies.rs there).
#[derive(Debug, Clone, Copy)]
pub struct Detectors {
    /// Raters: voters active this recently are examined.
    pub raters_since: Duration,
    /// Raters: votes a voter must have cast before their pattern means anything.
    pub rater_min_votes: i64,
    /// Too-fast raters: a median look shorter than this is not a person's.
    pub human_look_ms: f64,
    /// Bursts: the window looked at (votes in it, voters whose every vote is in it).
    pub window: Duration,
    /// Bursts: a voter with at most this many votes, all in the window, is fresh.
    pub fresh_max_votes: i32,
    /// Bursts: a picture's votes in the window that make a burst, at least…
    pub burst_min_votes: i64,
    /// …and this many times its usual rate (its counted votes before the window, per window).
    pub burst_factor: f64,
    /// Fresh voters from one network on one picture that are flagged during a burst…
    pub crowd_in_burst: i64,
    /// …and at any time.
    pub crowd_alone: i64,
}

impl Detectors {
    /// The thresholds for a job that runs every `every`: raters active since a little before
    /// the previous run.
    pub fn every(every: Duration) -> Self {
        Self {
            raters_since: every * 2,
            rater_min_votes: 20,
            human_look_ms: 700.0,
            window: Duration::from_secs(3600),
            fresh_max_votes: 3,
            burst_min_votes: 30,
            burst_factor: 5.0,
            crowd_in_burst: 10,
            crowd_alone: 50,
        }
    }
}

/// One run of every detector; answers how many votes stopped counting.
///
/// The detectors read on a connection of their own (see `super::connection`): with 100,000
/// voters active in the hour, the pushed pictures' statement took 2.3 s at a million pictures.
/// Each finding is then acted on in its own transaction from the pool.
pub async fn run(pool: &PgPool, detectors: &Detectors) -> Result<u64, sqlx::Error> {
    let findings =
        connection::run(pool, async |connection| detect(connection, detectors).await).await?;
    act_on(pool, &findings).await
}

async fn detect(
    connection: &mut PgConnection,
    detectors: &Detectors,
) -> Result<Vec<Finding>, sqlx::Error> {
    let mut findings = raters::same_score(connection, detectors).await?;
    findings.extend(raters::too_fast(connection, detectors).await?);
    findings.extend(bursts::pushed_pictures(connection, detectors).await?);
    Ok(findings)
}

/// Opens a case for each finding; answers how many votes stopped counting.
pub async fn act_on(pool: &PgPool, findings: &[Finding]) -> Result<u64, sqlx::Error> {
    let mut flagged = 0;
    for finding in findings {
        if let Some(opened) = discount(pool, finding).await? {
            tracing::warn!(
                case = opened.case.0,
                votes = opened.votes,
                reason = <&str>::from(finding.reason),
                evidence = %finding.evidence,
                "votes stopped counting"
            );
            flagged += opened.votes;
        }
    }
    Ok(flagged)
}
