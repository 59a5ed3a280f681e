//! The HTTP surface: pages and server functions, pictures, static files, health.

pub mod client_address;
mod cross_site;
mod identity;
mod media;
mod uploads;

use app::{App, server::AppState, shell};
use axum::{
    Router,
    body::Body,
    extract::{DefaultBodyLimit, Request, State},
    http::{HeaderValue, StatusCode, header},
    middleware::from_fn_with_state,
    response::IntoResponse,
    routing::{get, post},
};
use leptos::prelude::provide_context;
use leptos_axum::{LeptosRoutes, generate_route_list, handle_server_fns_with_context};
use std::{convert::Infallible, time::Duration};
use tower::ServiceBuilder;
use tower_http::{
    CompressionLevel,
    compression::{CompressionLayer, DefaultPredicate, Predicate, predicate::SizeAbove},
    services::ServeDir,
    set_header::SetResponseHeaderLayer,
    timeout::TimeoutLayer,
    trace::TraceLayer,
};

/// Server-function arguments are a ticket and a rating: a few hundred bytes.
const SERVER_FN_BODY_LIMIT: usize = 16 * 1024;
/// The photo plus the rest of the form.
const UPLOAD_BODY_LIMIT: usize = app::uploads::MAX_UPLOAD_BYTES + 64 * 1024;
/// A phone on a slow network takes a while to send a large photo.
const UPLOAD_TIMEOUT: Duration = Duration::from_secs(300);
/// A health check that waits longer than this has its answer: the database is not answering.
const HEALTH_PROBE_TIMEOUT: Duration = Duration::from_secs(2);

pub struct RouterSettings {
    pub request_timeout: Duration,
    pub trusted_proxies: client_address::TrustedProxies,
    pub https: bool,
    /// The configured public address, which is the only origin allowed to post when set.
    pub public_url: Option<String>,
}

pub fn router(state: AppState, settings: &RouterSettings) -> Router {
    let shell_options = state.leptos_options.clone();
    let app_shell = move || shell(shell_options.clone());
    let context = {
        let state = state.clone();
        move || provide_context(state.clone())
    };

    // Pages and server functions know the voter and are never cached: they differ per voter.
    let site = Router::new()
        .leptos_routes_with_context(
            &state,
            generate_route_list(App),
            context.clone(),
            app_shell.clone(),
        )
        .route("/api/{*fn_name}", post(server_function))
        .layer(timeout(settings.request_timeout))
        .route(
            "/upload",
            post(uploads::upload).layer(
                ServiceBuilder::new()
                    .layer(timeout(UPLOAD_TIMEOUT))
                    .layer(DefaultBodyLimit::max(UPLOAD_BODY_LIMIT)),
            ),
        )
        .layer(from_fn_with_state(state.clone(), identity::identify_voter))
        // Before anything else: a forged request costs no database lookup.
        .layer(from_fn_with_state(
            cross_site::SiteOrigin(std::sync::Arc::new(settings.public_url.clone())),
            cross_site::refuse_cross_site,
        ))
        .layer(DefaultBodyLimit::max(SERVER_FN_BODY_LIMIT))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ));

    // Built assets (`/pkg/…`, icons), precompressed where cargo-leptos wrote .br/.gz files;
    // anything else is the app's "not found" page.
    let render_not_found = leptos_axum::render_app_to_stream_with_context(context, app_shell);
    let not_found = tower::service_fn(move |request: Request| {
        let render = render_not_found.clone();
        async move { Ok::<_, Infallible>(render(request).await) }
    });
    let static_files = ServiceBuilder::new()
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-cache"),
        ))
        .service(
            ServeDir::new(&*state.leptos_options.site_root)
                .precompressed_br()
                .precompressed_gzip()
                .fallback(not_found),
        );

    let security_headers = ServiceBuilder::new()
        .layer(header_layer(header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .layer(header_layer(header::REFERRER_POLICY, "strict-origin-when-cross-origin"))
        .layer(header_layer(header::X_FRAME_OPTIONS, "DENY"))
        // Pages set their own, with a `script-src` naming their nonce (see `app::shell`).
        .layer(header_layer(header::CONTENT_SECURITY_POLICY, app::CONTENT_SECURITY_POLICY))
        .layer(tower::util::option_layer(
            settings
                .https
                .then(|| header_layer(header::STRICT_TRANSPORT_SECURITY, "max-age=31536000")),
        ));

    Router::new()
        .route("/media/{key}/{file}", get(media::picture))
        .route("/healthz", get(health))
        .fallback_service(static_files)
        .layer(timeout(settings.request_timeout))
        .merge(site)
        .layer(
            ServiceBuilder::new()
                .layer(TraceLayer::new_for_http())
                .layer(from_fn_with_state(
                    settings.trusted_proxies.clone(),
                    client_address::resolve_client_address,
                ))
                // Small answers (a vote's JSON) are not worth compressing; pages are.
                .layer(
                    CompressionLayer::new()
                        .quality(CompressionLevel::Fastest)
                        .compress_when(DefaultPredicate::new().and(SizeAbove::new(1024))),
                )
                .layer(security_headers),
        )
        .with_state(state)
}

fn timeout(limit: Duration) -> TimeoutLayer {
    TimeoutLayer::with_status_code(StatusCode::SERVICE_UNAVAILABLE, limit)
}

fn header_layer(
    name: header::HeaderName,
    value: &'static str,
) -> SetResponseHeaderLayer<HeaderValue> {
    SetResponseHeaderLayer::if_not_present(name, HeaderValue::from_static(value))
}

async fn server_function(
    State(state): State<AppState>,
    request: Request<Body>,
) -> impl IntoResponse {
    handle_server_fns_with_context(move || provide_context(state.clone()), request).await
}

/// Readiness, for a proxy or an orchestrator: 200 when the database answers and the vote writer
/// is committing, else 503 naming what is wrong. Both recover by themselves: the pool and the
/// writer reconnect once the database is back.
async fn health(State(state): State<AppState>) -> impl IntoResponse {
    let probe = sqlx::query!("SELECT 1 AS alive").fetch_one(&state.pool);
    let database = match tokio::time::timeout(HEALTH_PROBE_TIMEOUT, probe).await {
        Ok(Ok(_)) => "ok",
        Ok(Err(error)) => {
            tracing::warn!(error = %app::server::ErrorChain(&error), "health check: the database failed");
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
