//! Accounts: registration, login and sessions, emailed links, settings, profiles.

pub mod email_limits;
pub mod links;
pub mod login;
pub mod mailer;
pub mod merge;
pub mod password;
pub mod profile;
pub mod recovery;
pub mod register;
pub mod secrets;
pub mod sessions;
pub mod settings;
pub mod throttle;

use super::ErrorChain;
use crate::{
    accounts::FieldError,
    error::{AppError, ErrorCode},
};
use std::fmt;

/// A registered user.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, sqlx::Type)]
#[sqlx(transparent)]
pub struct UserId(pub i64);

impl fmt::Display for UserId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// Everything that can go wrong with an account request.
#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error("invalid form field: {0}")]
    Field(#[from] FieldError),
    #[error("the username is taken")]
    UsernameTaken,
    #[error("wrong credentials")]
    WrongCredentials,
    #[error("the current password was wrong")]
    WrongCurrentPassword,
    #[error("too many failed logins; blocked for {0} more minutes")]
    Throttled(i64),
    #[error("too many emails asked for; blocked for {0} more minutes")]
    TooManyEmails(i64),
    #[error("the link is unknown, used or expired")]
    BadLink,
    #[error("not signed in")]
    SignInRequired,
    #[error("no such profile")]
    NoSuchProfile,
    #[error(transparent)]
    Password(#[from] password::PasswordError),
    #[error("database error")]
    Database(#[from] sqlx::Error),
}

impl From<AccountError> for AppError {
    fn from(error: AccountError) -> Self {
        match error {
            AccountError::Field(field) => {
                AppError::with_message(ErrorCode::Invalid, field.to_string())
            }
            AccountError::UsernameTaken => AppError::new(ErrorCode::UsernameTaken),
            AccountError::WrongCredentials => AppError::new(ErrorCode::LoginFailed),
            AccountError::WrongCurrentPassword => AppError::with_message(
                ErrorCode::LoginFailed,
                "Your current password wasn't right, so nothing was changed.",
            ),
            AccountError::Throttled(minutes) => AppError::with_message(
                ErrorCode::TooManyAttempts,
                format!(
                    "Too many failed attempts. Try again in {}, or reset your password.",
                    in_minutes(minutes)
                ),
            ),
            AccountError::TooManyEmails(minutes) => AppError::with_message(
                ErrorCode::TooManyAttempts,
                format!(
                    "We've sent as many emails as we can for now. Try again in {}.",
                    in_minutes(minutes)
                ),
            ),
            AccountError::BadLink => AppError::new(ErrorCode::BadLink),
            AccountError::SignInRequired => AppError::new(ErrorCode::SignInRequired),
            AccountError::NoSuchProfile => AppError::new(ErrorCode::NotFound),
            AccountError::Password(_) | AccountError::Database(_) => {
                tracing::error!(error = %ErrorChain(&error), "account request failed");
                AppError::new(ErrorCode::Unavailable)
            }
        }
    }
}

/// "1 minute", "12 minutes" (never less than one).
fn in_minutes(minutes: i64) -> String {
    let minutes = minutes.max(1);
    format!("{minutes} minute{}", if minutes > 1 { "s" } else { "" })
}

/// The constraint a unique violation broke, if that is what `error` is.
fn violated_constraint(error: &sqlx::Error) -> Option<&str> {
    match error {
        sqlx::Error::Database(db) if db.is_unique_violation() => db.constraint(),
        _ => None,
    }
}

/// Account settings that come from configuration.
#[derive(Debug, Clone)]
pub struct AccountPolicy {
    /// The site's public address, such as `https://ratemyderp.example`, without a trailing
    /// slash. Emailed links are built from it, never from a request's Host header.
    pub public_url: String,
    pub session_lifetime: std::time::Duration,
    pub email_limits: email_limits::EmailLimits,
}

impl AccountPolicy {
    /// An absolute link to `path`, carrying `token` when there is one.
    pub fn link(&self, path: &str, token: Option<&str>) -> String {
        match token {
            Some(token) => format!("{}{path}?token={token}", self.public_url),
            None => format!("{}{path}", self.public_url),
        }
    }
}
