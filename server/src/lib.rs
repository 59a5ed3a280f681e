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
