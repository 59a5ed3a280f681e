//! Integration tests: the real application over HTTP, against a real PostgreSQL.
// A panic in a test is a failed test.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::cast_possible_truncation
)]

mod accounts;
mod anomalies;
mod crash;
mod embedded;
mod helpers;
mod housekeeping;
mod influx;
mod integrity;
mod leaderboards;
mod metrics;
mod moderation;
mod operators;
mod pages;
mod retirement;
mod server_limits;
mod shares;
mod standings;
mod tickets;
mod uploads;
mod visibility;
mod vote_loop;
mod writes;
