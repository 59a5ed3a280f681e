//! Middleware that identifies who is behind each page and server-function request (see
//! [`app::server::identity`]).

use app::server::{
    AppState,
    accounts::sessions::SignedInUser,
    identity::{Identity, identify},
};
use axum::{
    extract::{Request, State},
    http::{HeaderValue, header},
    middleware::Next,
    response::Response,
};

/// Puts the [`app::server::voter::Voter`] and the `Option<SignedInUser>` in the request's
/// extensions. A new anonymous visitor gets a voter cookie; a dead session cookie is cleared.
pub async fn identify_voter(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    let Identity { voter, signed_in, set_cookies } = identify(&state, request.headers()).await;
    request.extensions_mut().insert(voter);
    request.extensions_mut().insert::<Option<SignedInUser>>(signed_in);
    let mut response = next.run(request).await;
    for cookie in set_cookies {
        if let Ok(value) = HeaderValue::from_str(&cookie) {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
    }
    response
}
