//! The RateMyDerp server: configuration, database start-up, routes and the command line.

pub mod art;
pub mod cli;
pub mod config;
pub mod database;
pub mod embedded_pg;
pub mod influx;
pub mod jobs;
pub mod metrics;
pub mod routes;
pub mod secret_key;
pub mod seed;
pub mod serve;
pub mod startup;
pub mod telemetry;

/// mimalloc instead of glibc's malloc, for the server and everything that links this crate (its
/// tests and the benchmark programs, so they measure what runs).
///
/// Under load the server allocates and frees a great deal per request (a page's view tree, the
/// vote's answer): glibc's malloc and free were about a fifth of the server's time on `GET /`,
/// part of it waiting on its arena locks. In alternating runs (BENCHMARKS.md, "The pool's pings,
/// the first visit's statement and the allocator") mimalloc served the page of a voter with a
/// row faster in 5 pairs out of 5, and the vote loop in 4 of 5. It gives freed memory back to
/// the system after a delay rather than at once: the hostile-upload burst peaked 71 MB higher,
/// within its budget.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
