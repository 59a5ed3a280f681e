//! Server-only code: compiled with the `ssr` feature, never into the browser bundle.

pub mod accounts;
pub mod blocking;
pub mod cookies;
pub mod identity;
pub mod in_flight;
pub mod latency;
pub mod moderation;
pub mod operators;
pub mod outcome;
pub mod picks;
pub mod rate_limits;
pub mod signing;
pub mod standings;
pub mod ticket;
pub mod uploads;
pub mod visibility;
pub mod vote_limits;
pub mod vote_writer;
pub mod voter;
pub mod votes;

use crate::error::{AppError, ErrorCode};
use accounts::{
    AccountPolicy, mailer::Mailer, password::PasswordHasherPool, sessions::SignedInUser,
};
use cookies::CookiePolicy;
use http::{HeaderValue, header::SET_COOKIE, request::Parts};
use leptos::prelude::{LeptosOptions, use_context, with_context};
use leptos_axum::ResponseOptions;
use signing::Signer;
use sqlx::PgPool;
use std::{
    error::Error,
    fmt,
    net::{IpAddr, Ipv4Addr},
    sync::Arc,
    time::Duration,
};
use vote_writer::VoteWriter;
use voter::Voter;

/// Everything request handlers and server functions share. Cloned for every request, so it is
/// one reference count.
#[derive(Clone, Debug)]
pub struct AppState(Arc<Shared>);

#[derive(Debug)]
pub struct Shared {
    pub leptos_options: LeptosOptions,
    pub pool: PgPool,
    pub signer: Signer,
    pub votes: VoteWriter,
    pub cookies: CookiePolicy,
    /// How long a revealed picture stays votable with the ticket it was shown with.
    pub ticket_max_age: Duration,
    /// How long a picture must be shown before a vote on it is taken.
    pub min_view: Duration,
    /// Votes per minute per voter and per network.
    pub vote_limits: vote_limits::VoteLimits,
    pub passwords: PasswordHasherPool,
    pub mailer: Arc<Mailer>,
    pub accounts: AccountPolicy,
    /// Image work (drawing demo pictures, processing uploads) is CPU-bound: a few at a time, on
    /// the blocking pool, so that it cannot starve the async threads or exhaust memory.
    pub image_work: Arc<tokio::sync::Semaphore>,
    /// Uploads each account has in flight (see [`crate::uploads::MAX_UPLOADS_IN_FLIGHT`]).
    pub uploads_in_flight: in_flight::InFlight<accounts::UserId>,
    /// Views counted since they were last written.
    pub views: standings::reach::ViewCounts,
    /// What the retirement cycle does (it runs in the server binary's jobs).
    pub retirement: crate::standings::pictures::RetirementRules,
    /// How long recent votes took to answer, for the dashboard.
    pub vote_latency: latency::VoteLatency,
    /// The folder the site keeps its data in, whose free space the system dashboard shows.
    pub data_dir: std::path::PathBuf,
}

impl AppState {
    pub fn new(shared: Shared) -> Self {
        Self(Arc::new(shared))
    }
}

impl std::ops::Deref for AppState {
    type Target = Shared;
    fn deref(&self) -> &Shared {
        &self.0
    }
}

impl axum::extract::FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

/// Displays an error with all its causes: "a: b: c".
pub struct ErrorChain<'a>(pub &'a (dyn Error + 'static));

impl fmt::Display for ErrorChain<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)?;
        let mut source = self.0.source();
        while let Some(cause) = source {
            write!(f, ": {cause}")?;
            source = cause.source();
        }
        Ok(())
    }
}

/// The shared state, for server functions that do not need the voter.
pub fn state() -> Result<AppState, AppError> {
    use_context::<AppState>().ok_or_else(|| {
        tracing::error!("server function called without the application state");
        AppError::new(ErrorCode::Internal)
    })
}

/// The shared state and the voter behind the request a server function is answering.
pub fn request_context() -> Result<(AppState, Voter), AppError> {
    let state = use_context::<AppState>();
    // Read in place: cloning the request head would copy every header.
    let voter =
        with_context::<Parts, _>(|parts| parts.extensions.get::<Voter>().copied()).flatten();
    match (state, voter) {
        (Some(state), Some(voter)) => Ok((state, voter)),
        (state, voter) => {
            tracing::error!(
                has_state = state.is_some(),
                has_voter = voter.is_some(),
                "server function called without its context; is the voter middleware in place?"
            );
            Err(AppError::new(ErrorCode::Internal))
        }
    }
}

/// The account behind the current request, if it carries a live session.
pub fn signed_in_user() -> Option<SignedInUser> {
    with_context::<Parts, _>(|parts| parts.extensions.get::<Option<SignedInUser>>().cloned())
        .flatten()
        .flatten()
}

/// The address a request comes from: the TCP peer, or, behind a trusted reverse proxy, the
/// client the proxy names. Put in the request's extensions by the server's middleware.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddress(pub IpAddr);

impl ClientAddress {
    /// The address as a key for limits: IPv6 clients usually hold a whole /64, so that is
    /// what counts as one address; IPv4-mapped addresses count as IPv4.
    pub fn key(self) -> String {
        match self.0 {
            IpAddr::V4(v4) => v4.to_string(),
            IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                Some(v4) => v4.to_string(),
                None => {
                    let s = v6.segments();
                    format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
                }
            },
        }
    }
}

/// The address the current request came from (see [`ClientAddress`]).
pub fn client_address() -> IpAddr {
    with_context::<Parts, _>(|parts| parts.extensions.get::<ClientAddress>().map(|client| client.0))
        .flatten()
        .unwrap_or_else(|| {
            tracing::warn!("no client address on the request; is the middleware in place?");
            IpAddr::V4(Ipv4Addr::UNSPECIFIED)
        })
}

/// Adds a `Set-Cookie` header to the response being built.
pub fn set_cookie(value: &str) {
    if let (Some(response), Ok(value)) =
        (use_context::<ResponseOptions>(), HeaderValue::from_str(value))
    {
        response.append_header(SET_COOKIE, value);
    }
}

/// Sets a header on the response being built (replacing one of the same name).
pub fn set_header(name: http::HeaderName, value: &str) {
    if let (Some(response), Ok(value)) =
        (use_context::<ResponseOptions>(), HeaderValue::from_str(value))
    {
        response.insert_header(name, value);
    }
}
