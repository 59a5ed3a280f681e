//! `GET /healthz`.

use app::server::{AppState, ErrorChain};
use axum::{extract::State, http::StatusCode, response::IntoResponse};
use std::time::Duration;

/// A health check that waits longer than this has its answer: the database is not answering.
const HEALTH_PROBE_TIMEOUT: Duration = Duration::from_secs(2);

/// Readiness, for a proxy or an orchestrator: 200 when the database answers and the vote writer
/// is committing, else 503 naming what is wrong. Both recover by themselves: the pool and the
/// writer reconnect once the database is back.
pub async fn health(State(state): State<AppState>) -> impl IntoResponse {
    let probe = sqlx::query!("SELECT 1 AS alive").fetch_one(&state.pool);
    let database = match tokio::time::timeout(HEALTH_PROBE_TIMEOUT, probe).await {
        Ok(Ok(_)) => "ok",
        Ok(Err(error)) => {
            tracing::warn!(error = %ErrorChain(&error), "health check: the database failed");
            "unavailable"
        }
        Err(_) => {
            tracing::warn!("health check: the database did not answer in time");
            "unavailable"
        }
    };
    let vote_writer = if state.votes.is_healthy() { "ok" } else { "failing" };
    let status = if database == "ok" && vote_writer == "ok" {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (status, axum::Json(serde_json::json!({ "database": database, "vote_writer": vote_writer })))
}
