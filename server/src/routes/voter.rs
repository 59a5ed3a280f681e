//! Middleware that identifies who is behind each page and server-function request: the account
//! of a live session, else the anonymous voter of the voter cookie.

use app::server::{
    AppState, ErrorChain,
    accounts::sessions::{self, SignedInUser},
    voter::{Voter, VoterId, open_voter_cookie, seal_voter_cookie},
};
use axum::{
    extract::{Request, State},
    http::{HeaderMap, HeaderValue, header},
    middleware::Next,
    response::Response,
};

/// Puts the [`Voter`] and the `Option<SignedInUser>` in the request's extensions. A new
/// anonymous visitor gets a voter cookie; a dead session cookie is cleared.
pub async fn identify_voter(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    let headers = request.headers();
    let session_token = find_cookie(headers, |cookies| state.cookies.find_session_cookie(cookies));
    let known_voter = find_cookie(headers, |cookies| state.cookies.find_voter_cookie(cookies))
        .and_then(|value| open_voter_cookie(&state.signer, &value));

    let (signed_in, session_is_dead) = match session_token {
        None => (None, false),
        Some(token) => match sessions::find(&state.pool, &token).await {
            Ok(Some(user)) => (Some(user), false),
            Ok(None) => (None, true),
            // The page still works for an anonymous visitor; the cookie stays for next time.
            Err(error) => {
                tracing::warn!(error = %ErrorChain(&error), "could not look up a session");
                (None, false)
            }
        },
    };
    let voter = match (&signed_in, known_voter) {
        (Some(user), _) => Voter { id: user.voter_id, cookie_was_sent: true },
        (None, Some(id)) => Voter { id, cookie_was_sent: true },
        (None, None) => Voter { id: VoterId::random(), cookie_was_sent: false },
    };
    let mint_voter_cookie = signed_in.is_none() && known_voter.is_none();
    request.extensions_mut().insert(voter);
    request.extensions_mut().insert::<Option<SignedInUser>>(signed_in);

    let mut response = next.run(request).await;
    let mut set = |cookie: String| {
        if let Ok(value) = HeaderValue::from_str(&cookie) {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
    };
    if mint_voter_cookie {
        set(state.cookies.voter_set_cookie(&seal_voter_cookie(&state.signer, voter.id)));
    }
    if session_is_dead {
        set(state.cookies.session_clear_cookie());
    }
    response
}

fn find_cookie(headers: &HeaderMap, find: impl Fn(&str) -> Option<&str>) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .find_map(|cookies| find(cookies).map(str::to_owned))
}
