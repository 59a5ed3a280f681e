//! Logs: human-readable lines on stderr, filtered by `RUST_LOG`.

use tracing_subscriber::{EnvFilter, fmt};

/// What the server logs unless `RUST_LOG` says otherwise.
pub const SERVER_DEFAULT: &str = "info,sqlx=warn,tower_http=warn";

/// Installs the subscriber; `default` applies when `RUST_LOG` is unset.
pub fn init(default: &str) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default));
    // Fails only when a subscriber is already installed (tests), which is fine.
    let _ = fmt().with_env_filter(filter).with_writer(std::io::stderr).try_init();
}

/// For the integration tests: each line names its thread, which the test harness names after
/// the test, so a failure in a parallel run can be traced to its own test's lines.
pub fn init_for_tests(default: &str) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default));
    let _ = fmt()
        .with_env_filter(filter)
        .with_thread_names(true)
        .with_writer(std::io::stderr)
        .try_init();
}
