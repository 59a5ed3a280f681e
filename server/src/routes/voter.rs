//! Middleware that identifies the voter behind each page and server-function request.

use app::server::{
    AppState,
    voter::{Voter, VoterId, open_voter_cookie, seal_voter_cookie},
};
use axum::{
    extract::{Request, State},
    http::{HeaderValue, header},
    middleware::Next,
    response::Response,
};

/// Reads the voter from their signed cookie, or makes up a new voter and sets the cookie on
/// the response. Handlers find the [`Voter`] in the request's extensions.
pub async fn identify_voter(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    let known = request
        .headers()
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .find_map(|cookies| state.cookies.find_voter_cookie(cookies))
        .and_then(|value| open_voter_cookie(&state.signer, value));
    let voter = match known {
        Some(id) => Voter { id, cookie_was_sent: true },
        None => Voter { id: VoterId::random(), cookie_was_sent: false },
    };
    request.extensions_mut().insert(voter);
    let mut response = next.run(request).await;
    if !voter.cookie_was_sent {
        let cookie = state.cookies.voter_set_cookie(&seal_voter_cookie(&state.signer, voter.id));
        if let Ok(value) = HeaderValue::from_str(&cookie) {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
    }
    response
}
