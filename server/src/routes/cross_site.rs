//! Refuses state-changing requests sent by other sites (cross-site request forgery).
//!
//! Browsers say where a request comes from in `Sec-Fetch-Site`; older ones only in `Origin`.
//! Requests with neither come from programs, not from a browser another site can steer.

use app::error::{AppError, ErrorCode};
use axum::{
    extract::{Request, State},
    http::{HeaderMap, Method, StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
};
use std::sync::Arc;

/// The origin the site is served from, such as `https://ratemyderp.example`, when configured.
#[derive(Debug, Clone)]
pub struct SiteOrigin(pub Arc<Option<String>>);

pub async fn refuse_cross_site(
    State(origin): State<SiteOrigin>,
    request: Request,
    next: Next,
) -> Response {
    let safe = matches!(*request.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if safe || is_same_site(request.headers(), origin.0.as_deref()) {
        return next.run(request).await;
    }
    tracing::warn!(
        method = %request.method(),
        path = request.uri().path(),
        "refused a cross-site request"
    );
    let error = AppError::new(ErrorCode::CrossSite);
    let body = serde_json::to_string(&error).unwrap_or_default();
    (StatusCode::FORBIDDEN, [(header::CONTENT_TYPE, "application/json")], body).into_response()
}

fn is_same_site(headers: &HeaderMap, site_origin: Option<&str>) -> bool {
    let text = |name| headers.get(name).and_then(|v| v.to_str().ok());
    if let Some(site) = text("sec-fetch-site") {
        // "none" is the user's own doing (typed address, bookmark).
        return site == "same-origin" || site == "none";
    }
    let Some(origin) = text(header::ORIGIN.as_str()) else {
        return true;
    };
    if site_origin.is_some_and(|configured| configured.trim_end_matches('/') == origin) {
        return true;
    }
    // Without a configured address, the request's own Host names the site.
    let host = text(header::HOST.as_str());
    let origin_host = origin.split_once("://").map(|(_, rest)| rest);
    site_origin.is_none() && host.is_some() && origin_host == host
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_static(value));
        }
        map
    }

    #[test]
    fn fetch_metadata_decides_when_present() {
        assert!(is_same_site(&headers(&[("sec-fetch-site", "same-origin")]), None));
        assert!(is_same_site(&headers(&[("sec-fetch-site", "none")]), None));
        assert!(!is_same_site(&headers(&[("sec-fetch-site", "cross-site")]), None));
        assert!(!is_same_site(&headers(&[("sec-fetch-site", "same-site")]), None));
        let mixed =
            [("sec-fetch-site", "cross-site"), ("origin", "http://a.test"), ("host", "a.test")];
        assert!(!is_same_site(&headers(&mixed), None));
    }

    #[test]
    fn origin_is_compared_with_the_site() {
        let same = [("origin", "http://127.0.0.1:3000"), ("host", "127.0.0.1:3000")];
        assert!(is_same_site(&headers(&same), None));
        let other = [("origin", "https://evil.test"), ("host", "127.0.0.1:3000")];
        assert!(!is_same_site(&headers(&other), None));
        let configured = Some("https://ratemyderp.example");
        assert!(is_same_site(&headers(&[("origin", "https://ratemyderp.example")]), configured));
        // With a configured address, a forged Host header does not help.
        let forged = [("origin", "https://evil.test"), ("host", "evil.test")];
        assert!(!is_same_site(&headers(&forged), configured));
        assert!(is_same_site(&headers(&[]), configured));
    }
}
