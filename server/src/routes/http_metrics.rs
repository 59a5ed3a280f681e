//! Requests counted and timed by route, and `/metrics` itself (see `crate::metrics`).

use app::server::{AppState, accounts::sessions::SignedInUser};
use axum::{
    Extension,
    extract::{MatchedPath, Request, State},
    http::{StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
};
use std::time::Instant;

/// Counts and times every request under its route's pattern (`/p/{id}`, never `/p/42`), so the
/// number of series stays fixed whatever addresses are asked for. A server function is named by
/// its endpoint (a fixed list); anything that matched no route is `other`.
pub async fn record(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let route = match request.extensions().get::<MatchedPath>().map(MatchedPath::as_str) {
        Some("/api/{*fn_name}") => request.uri().path().to_owned(),
        Some(pattern) => pattern.to_owned(),
        None => "other".to_owned(),
    };
    let method: &'static str = match request.method().as_str() {
        "GET" => "GET",
        "HEAD" => "HEAD",
        "POST" => "POST",
        _ => "other",
    };
    let response = next.run(request).await;
    let status = response.status();
    // An unknown server function is a 404 under the catch-all: not a series of its own.
    let route = if status == StatusCode::NOT_FOUND && route.starts_with("/api/") {
        "other".to_owned()
    } else {
        route
    };
    metrics::counter!(
        "http_requests_total",
        "route" => route.clone(),
        "method" => method,
        "status" => status.as_u16().to_string(),
    )
    .increment(1);
    metrics::histogram!("http_request_duration_seconds", "route" => route)
        .record(started.elapsed().as_secs_f64());
    response
}

/// `GET /metrics` on the site: admins only; "not found" for everybody else, as every admin page.
pub async fn for_admins(
    State(state): State<AppState>,
    Extension(user): Extension<Option<SignedInUser>>,
) -> Response {
    if user.is_some_and(|user| user.is_admin) {
        exposition(&state)
    } else {
        StatusCode::NOT_FOUND.into_response()
    }
}

/// `GET /metrics` on the metrics address.
pub async fn open(State(state): State<AppState>) -> Response {
    exposition(&state)
}

fn exposition(state: &AppState) -> Response {
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")],
        crate::metrics::render(state),
    )
        .into_response()
}
