//! Integration tests: the real application over HTTP, against a real PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod accounts;
mod crash;
mod embedded;
mod helpers;
mod housekeeping;
mod pages;
mod server_limits;
mod tickets;
mod uploads;
mod visibility;
mod vote_loop;
mod writes;
