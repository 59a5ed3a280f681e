//! Who is behind a request: the account of a live session, else the anonymous voter of the voter
//! cookie, else a new anonymous voter. The server's middleware asks once per page and server
//! function request and puts the answer in the request's extensions ([`Voter`] and
//! `Option<SignedInUser>`), where server functions find it.

use super::{
    AppState, ErrorChain,
    accounts::sessions::{self, SignedInUser},
    voter::{Voter, VoterId, open_voter_cookie, seal_voter_cookie},
};
use http::{HeaderMap, header::COOKIE};

/// Who a request comes from, and the cookies its response must set.
#[derive(Debug)]
pub struct Identity {
    pub voter: Voter,
    pub signed_in: Option<SignedInUser>,
    /// `Set-Cookie` values: a new visitor's voter cookie, or clearing a dead session's cookie.
    pub set_cookies: Vec<String>,
}

/// Identifies the browser behind `headers`. A database failure leaves it anonymous for this
/// request (the page still works) and keeps its session cookie for the next one.
pub async fn identify(state: &AppState, headers: &HeaderMap) -> Identity {
    let session_token = find_cookie(headers, |cookies| state.cookies.find_session_cookie(cookies));
    let known_voter = find_cookie(headers, |cookies| state.cookies.find_voter_cookie(cookies))
        .and_then(|value| open_voter_cookie(&state.signer, &value));

    let (signed_in, session_is_dead) = match session_token {
        None => (None, false),
        Some(token) => match sessions::find(&state.pool, &token).await {
            Ok(Some(user)) => (Some(user), false),
            Ok(None) => (None, true),
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
    let mut set_cookies = Vec::new();
    if signed_in.is_none() && known_voter.is_none() {
        let value = seal_voter_cookie(&state.signer, voter.id);
        set_cookies.push(state.cookies.voter_set_cookie(&value));
    }
    if session_is_dead {
        set_cookies.push(state.cookies.session_clear_cookie());
    }
    Identity { voter, signed_in, set_cookies }
}

/// The first value `find` finds in the request's `Cookie` headers.
fn find_cookie(headers: &HeaderMap, find: impl Fn(&str) -> Option<String>) -> Option<String> {
    headers.get_all(COOKIE).iter().filter_map(|value| value.to_str().ok()).find_map(find)
}
