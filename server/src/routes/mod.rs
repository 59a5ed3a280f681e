//! The HTTP surface: pages and server functions, pictures, static files, health.

pub mod client_address;
mod cross_site;
mod feeds;
mod health;
pub mod http_metrics;
mod identity;
mod media;
mod teasers;
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
use leptos_axum::{
    AxumRouteListing, LeptosRoutes, generate_route_list, handle_server_fns_with_context,
};
use std::{
    convert::Infallible,
    sync::{Arc, LazyLock},
    time::Duration,
};
use tower::{ServiceBuilder, util::BoxCloneSyncService};
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

pub struct RouterSettings {
    pub request_timeout: Duration,
    pub trusted_proxies: client_address::TrustedProxies,
    pub https: bool,
    /// The configured public address, which is the only origin allowed to post when set.
    pub public_url: Option<String>,
    /// The most bytes of picture files kept in memory (see `media::cache`).
    pub picture_cache_bytes: usize,
}

/// The pages' routes, listed once per process.
///
/// Listing them runs the app with resource loading suppressed by a *process-wide* flag
/// (leptos_server's `SuppressResourceLoad`, leptos-rs/leptos#4773): a resource first polled
/// anywhere in the process while that flag is up waits forever. One server builds its router
/// before it serves, so it never meets this; the integration tests start many apps in one
/// process, and a page being rendered by one test hung (503 after the request timeout) when
/// another test listed the routes at that moment. Listing them once, before any app serves,
/// closes that window for good.
static PAGE_ROUTES: LazyLock<Vec<AxumRouteListing>> = LazyLock::new(|| generate_route_list(App));

/// The whole HTTP surface. Layers apply from the bottom up: the client address is resolved
/// before anything is traced, compressed or answered.
pub fn router(state: AppState, settings: &RouterSettings) -> Router {
    let shell_options = state.leptos_options.clone();
    let app_shell = move || shell(shell_options.clone());
    let context = {
        let state = state.clone();
        move || provide_context(state.clone())
    };
    let not_found =
        leptos_axum::render_app_to_stream_with_context(context.clone(), app_shell.clone());
    let site = site(&state, settings, context, app_shell);

    let routes = Router::new()
        .route(
            "/media/{key}/{file}",
            get(media::picture).layer(axum::Extension(std::sync::Arc::new(
                media::cache::PictureCache::new(settings.picture_cache_bytes),
            ))),
        )
        .route("/healthz", get(health::health))
        .route("/teasers/{file}", get(teasers::teaser))
        .route("/feeds/top.atom", get(feeds::top))
        .route("/feeds/new.atom", get(feeds::new))
        .fallback_service(static_files(&state, not_found))
        .layer(timeout(settings.request_timeout))
        .merge(site)
        .layer(axum::middleware::from_fn(http_metrics::record));
    with_security_headers(routes, settings.https)
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
                ),
        )
        .with_state(state)
}

/// Pages, server functions and the upload form: they know the voter and are never cached,
/// since they differ per voter.
fn site<C, S, V>(
    state: &AppState,
    settings: &RouterSettings,
    context: C,
    app_shell: S,
) -> Router<AppState>
where
    C: Fn() + Clone + Send + Sync + 'static,
    S: Fn() -> V + Clone + Send + Sync + 'static,
    V: leptos::IntoView + 'static,
{
    Router::new()
        .leptos_routes_with_context(state, PAGE_ROUTES.clone(), context, app_shell)
        .route("/api/{*fn_name}", post(server_function))
        .layer(timeout(settings.request_timeout))
        .route("/metrics", get(http_metrics::for_admins))
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
        ))
}

/// Built assets (`/pkg/…`, icons), precompressed where cargo-leptos wrote .br/.gz files;
/// anything else is the app's "not found" page, rendered by `render_not_found`.
fn static_files<F, R>(
    state: &AppState,
    render_not_found: F,
) -> BoxCloneSyncService<Request, axum::response::Response, Infallible>
where
    F: Fn(Request) -> R + Clone + Send + Sync + 'static,
    R: std::future::Future<Output = axum::response::Response> + Send + 'static,
{
    let not_found = tower::service_fn(move |request: Request| {
        let render = render_not_found.clone();
        async move { Ok::<_, Infallible>(render(request).await) }
    });
    let files = ServiceBuilder::new()
        .layer(axum::middleware::from_fn_with_state(
            state.leptos_options.hash_files.then(|| {
                Arc::<str>::from(format!(
                    "/{}/{}.",
                    state.leptos_options.site_pkg_dir, state.leptos_options.output_name
                ))
            }),
            asset_cache_control,
        ))
        .map_response(|response: axum::http::Response<_>| response.map(Body::new))
        .service(
            ServeDir::new(&*state.leptos_options.site_root)
                .precompressed_br()
                .precompressed_gzip()
                .fallback(not_found),
        );
    BoxCloneSyncService::new(files)
}

/// How long a browser keeps a built file. Named after its contents (a release build's `/pkg/`),
/// it never changes: kept a year, never asked again. Anything else (icons, a debug build's
/// bundle) is asked again each time, answered 304 while unchanged. So is the bundle's JS glue
/// (`/pkg/<name>.<hash>.js`, given as `glue_prefix` when names are hashed): cargo-leptos writes
/// the chunk loader's name into it after naming it, so its name can outlive its contents (see
/// `app`'s `client_code`); the main WASM's address carries the loader's hash for the same reason.
async fn asset_cache_control(
    State(glue_prefix): State<Option<Arc<str>>>,
    request: Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let immutable = kept_for_good(request.uri().path(), glue_prefix.as_deref());
    let mut response = next.run(request).await;
    let policy = if immutable && response.status().is_success() {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    response.headers_mut().entry(header::CACHE_CONTROL).or_insert(HeaderValue::from_static(policy));
    response
}

/// Whether the file at `path` is named after all of its contents (see `asset_cache_control`).
fn kept_for_good(path: &str, glue_prefix: Option<&str>) -> bool {
    glue_prefix.is_some_and(|glue| {
        path.starts_with("/pkg/") && !(path.starts_with(glue) && path.ends_with(".js"))
    })
}

/// Headers every answer carries unless it set its own.
fn with_security_headers(router: Router<AppState>, https: bool) -> Router<AppState> {
    let router = router
        .layer(header_layer(header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .layer(header_layer(header::REFERRER_POLICY, "strict-origin-when-cross-origin"))
        .layer(header_layer(header::X_FRAME_OPTIONS, "DENY"))
        // Pages set their own, with a `script-src` naming their nonce (see `app::shell`).
        .layer(header_layer(header::CONTENT_SECURITY_POLICY, app::CONTENT_SECURITY_POLICY));
    if https {
        router.layer(header_layer(header::STRICT_TRANSPORT_SECURITY, "max-age=31536000"))
    } else {
        router
    }
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

#[cfg(test)]
mod tests {
    use super::kept_for_good;

    #[test]
    fn hashed_bundle_files_are_kept_for_good_except_the_glue() {
        let glue = Some("/pkg/site.");
        for kept in [
            "/pkg/site.W2.wasm",
            "/pkg/site.C3.css",
            "/pkg/__wasm_split.S4.js",
            "/pkg/chunk_12.K5.wasm",
            "/pkg/split___login_view_1.L6.wasm",
        ] {
            assert!(kept_for_good(kept, glue), "{kept}");
        }
        for asked_again in ["/pkg/site.J1.js", "/favicon.svg", "/robots.txt"] {
            assert!(!kept_for_good(asked_again, glue), "{asked_again}");
        }
        assert!(!kept_for_good("/pkg/site.W2.wasm", None), "a debug build's names are plain");
    }
}
