//! The error every server function returns: a stable code for programs, a sentence for people.

use http::StatusCode;
use leptos::server_fn::{
    codec::JsonEncoding,
    error::{FromServerFnError, ServerFnErrorErr},
};
use serde::{Deserialize, Serialize};

/// The query parameter a form posted without JavaScript is sent back with: `?problem=<code>`.
pub const PROBLEM_PARAM: &str = "problem";

/// What went wrong, as a client can act on it. Its name (serde's and strum's, one spelling) is
/// the stable part: programs and `?problem=` addresses use it.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    strum::EnumIter,
    strum::EnumString,
    strum::IntoStaticStr,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum ErrorCode {
    /// The request was malformed (missing or undecodable fields).
    BadRequest,
    BadRating,
    /// The ticket was not issued by this site (tampered with or made up).
    BadTicket,
    /// The ticket was issued to somebody else.
    ForeignTicket,
    ExpiredTicket,
    /// The browser did not send back the voter cookie.
    CookiesRequired,
    AlreadyRated,
    /// The ticket names a picture that is not the one currently shown to this voter.
    StaleTicket,
    /// The voter's previous vote is still being recorded (a double click, a replay flood).
    VoteInProgress,
    /// The vote came sooner after the picture was shown than a person can look at it.
    TooFast,
    /// Too many votes from this voter or network in the last minute.
    TooManyVotes,
    /// The voter sent as many reports as a day allows.
    TooManyReports,
    /// A request from another site tried to change something.
    CrossSite,
    /// A form field was filled in wrongly; the message says which and how.
    Invalid,
    UsernameTaken,
    /// The username or email and the password do not match (whichever was wrong is not said).
    LoginFailed,
    TooManyAttempts,
    /// An emailed link that is unknown, already used or expired.
    BadLink,
    SignInRequired,
    NotFound,
    /// Sharing (or anything else that shows a picture) before rating it.
    NotSeenYet,
    /// Uploading needs a confirmed email address.
    EmailUnverified,
    BadTitle,
    /// The upload is not a JPEG, PNG or WebP image, is damaged, or is missing.
    NotAnImage,
    ImageTooSmall,
    ImageTooLarge,
    /// The account uploaded its allowance for the day.
    UploadLimit,
    /// The account already has as many uploads in flight as it may.
    UploadBusy,
    /// The server is overloaded or its database is unreachable; trying again later may work.
    Unavailable,
    Internal,
    /// The browser could not reach the server.
    Network,
}

impl ErrorCode {
    /// Every code, for tables and tests.
    pub fn all() -> impl Iterator<Item = ErrorCode> {
        <Self as strum::IntoEnumIterator>::iter()
    }

    /// The HTTP status this error is answered with.
    pub fn status(self) -> StatusCode {
        match self {
            Self::BadRequest
            | Self::BadRating
            | Self::BadTicket
            | Self::CookiesRequired
            | Self::Invalid
            | Self::BadTitle => StatusCode::BAD_REQUEST,
            Self::LoginFailed | Self::SignInRequired => StatusCode::UNAUTHORIZED,
            Self::ForeignTicket | Self::CrossSite | Self::EmailUnverified | Self::NotSeenYet => {
                StatusCode::FORBIDDEN
            }
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::AlreadyRated | Self::StaleTicket | Self::VoteInProgress | Self::UsernameTaken => {
                StatusCode::CONFLICT
            }
            Self::ExpiredTicket | Self::BadLink => StatusCode::GONE,
            Self::ImageTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Self::NotAnImage => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::ImageTooSmall => StatusCode::UNPROCESSABLE_ENTITY,
            Self::TooManyAttempts
            | Self::UploadLimit
            | Self::UploadBusy
            | Self::TooFast
            | Self::TooManyVotes
            | Self::TooManyReports => StatusCode::TOO_MANY_REQUESTS,
            Self::Unavailable | Self::Network => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The code's name, as JSON and `?problem=` carry it (`"bad_rating"`).
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// The code a name stands for; `None` for a name that is not a code.
    pub fn from_code(code: &str) -> Option<Self> {
        code.parse().ok()
    }

    /// The sentence shown when nothing more specific is known.
    pub fn default_message(self) -> &'static str {
        match self {
            Self::BadRequest => "That request was incomplete. Reload the page and try again.",
            Self::BadRating => "Ratings go from 1 to 10.",
            Self::BadTicket => {
                "That vote didn't come from a picture we showed you, so it wasn't counted."
            }
            Self::ForeignTicket => {
                "That picture was shown to someone else, so your vote wasn't counted."
            }
            Self::ExpiredTicket => {
                "This page has been open too long. Here's a fresh one — your vote wasn't counted."
            }
            Self::CookiesRequired => {
                "Voting needs cookies: please allow cookies for this site, then vote again."
            }
            Self::AlreadyRated => "You've already rated that picture — it counts once.",
            Self::StaleTicket => {
                "That picture isn't the one in front of you any more. Here's your current one."
            }
            Self::VoteInProgress => {
                "Your last vote is still being counted. Give it a moment, then carry on."
            }
            Self::TooFast => {
                "Whoa, that was quick! Take a moment to look at the picture, then vote — that one wasn't counted."
            }
            Self::TooManyReports => {
                "You've sent a lot of reports today — thank you. You can send more tomorrow."
            }
            Self::TooManyVotes => {
                "You're voting faster than we can take it. Wait a few seconds, then vote again — that one wasn't counted."
            }
            Self::CrossSite => "That request came from another site, so it was refused.",
            Self::Invalid => "Some of that wasn't filled in right. Check the form and try again.",
            Self::UsernameTaken => "That username is taken. Try another one.",
            Self::LoginFailed => "That username or email and password don't match. Try again.",
            Self::TooManyAttempts => "Too many failed attempts. Wait a few minutes and try again.",
            Self::BadLink => {
                "That link has expired or was already used. You can ask for a new one."
            }
            Self::SignInRequired => "Please log in first.",
            Self::NotFound => "We couldn't find that page.",
            Self::NotSeenYet => {
                "Rate this picture first: you can share the pictures you have seen."
            }
            Self::EmailUnverified => {
                "Confirm your email address before uploading: follow the link we emailed you."
            }
            Self::BadTitle => "Give the picture a title of 1 to 120 characters.",
            Self::NotAnImage => {
                "Choose a photo in JPEG, PNG or WebP format. That file isn't one, or it is damaged."
            }
            Self::ImageTooSmall => {
                "That photo is too small: it needs at least 256 pixels on each side."
            }
            Self::ImageTooLarge => {
                "That photo is too large: at most 15 MB, 12,000 pixels on a side and 50 megapixels."
            }
            Self::UploadLimit => {
                "You've uploaded 20 pictures in the last day, the most there is. Come back tomorrow!"
            }
            Self::UploadBusy => {
                "Your other uploads are still on their way. Wait for them to finish, then send this one."
            }
            Self::Unavailable => {
                "We couldn't do that just now. Nothing was changed — please try again in a moment."
            }
            Self::Internal => "Something went wrong on our side. Please try again.",
            Self::Network => "We couldn't reach RateMyDerp. Check your connection and try again.",
        }
    }
}

/// An error answered to a client.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{message}")]
pub struct AppError {
    pub code: ErrorCode,
    pub message: String,
}

impl AppError {
    pub fn new(code: ErrorCode) -> Self {
        Self { code, message: code.default_message().to_owned() }
    }

    pub fn with_message(code: ErrorCode, message: impl Into<String>) -> Self {
        Self { code, message: message.into() }
    }
}

impl From<ErrorCode> for AppError {
    fn from(code: ErrorCode) -> Self {
        Self::new(code)
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        let error = match value {
            ServerFnErrorErr::Args(detail) | ServerFnErrorErr::MissingArg(detail) => {
                Self::with_message(
                    ErrorCode::BadRequest,
                    format!("That request was incomplete or malformed ({detail})."),
                )
            }
            ServerFnErrorErr::Request(_) => Self::new(ErrorCode::Network),
            _ => Self::new(ErrorCode::Internal),
        };
        // Framework-level failures (such as undecodable arguments) otherwise leave as 500s.
        #[cfg(feature = "ssr")]
        respond_with_status(error.code);
        error
    }
}

/// Answering errors over HTTP: the server side of this file, never in the browser bundle.
#[cfg(feature = "ssr")]
mod ssr {
    use super::ErrorCode;
    use leptos::prelude::use_context;
    use leptos_axum::ResponseOptions;

    /// Sets the status of the response being built for the current request to `code`'s.
    pub fn respond_with_status(code: ErrorCode) {
        if let Some(response) = use_context::<ResponseOptions>() {
            response.set_status(code.status());
        }
    }
}

#[cfg(feature = "ssr")]
pub use ssr::respond_with_status;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_through_their_names() {
        for code in ErrorCode::all() {
            assert_eq!(ErrorCode::from_code(code.as_str()), Some(code));
            let json = serde_json::to_string(&code).unwrap_or_default();
            assert_eq!(json, format!("\"{}\"", code.as_str()));
        }
        assert_eq!(ErrorCode::from_code("nope"), None);
    }

    #[test]
    fn client_mistakes_are_4xx_and_outages_5xx() {
        for code in ErrorCode::all() {
            let client_side =
                !matches!(code, ErrorCode::Unavailable | ErrorCode::Internal | ErrorCode::Network);
            assert_eq!(code.status().is_client_error(), client_side, "{code:?}");
        }
    }
}
