//! Accounts as both sides see them: validated form fields and what pages show.

use crate::tiles::PictureTile;
use serde::{Deserialize, Serialize};
use std::fmt;

// Each limit is defined once here, and the validator, the form's attributes, the hint and the
// message all read it.

/// Usernames: 3–24 characters of [`USERNAME_PATTERN`].
pub const USERNAME_MIN_CHARS: usize = 3;
pub const USERNAME_MAX_CHARS: usize = 24;
/// The characters a username may use, as an HTML `pattern`.
pub const USERNAME_PATTERN: &str = "[A-Za-z0-9_\\-]+";
/// The longest address there can be (RFC 5321's path limit).
pub const EMAIL_MAX_CHARS: usize = 254;
/// The longest password a login form takes: longer ones cannot be anybody's, and are not hashed.
pub const LOGIN_PASSWORD_MAX_BYTES: usize = 1024;
pub const DISPLAY_NAME_MAX_CHARS: usize = 50;
pub const BIO_MAX_CHARS: usize = 500;

/// The hint under the username field.
pub fn username_hint() -> String {
    format!("{USERNAME_MIN_CHARS}–{USERNAME_MAX_CHARS} letters, digits, “_” or “-”. It's public.")
}

/// A public name, unique whatever its case: [`USERNAME_MIN_CHARS`]–[`USERNAME_MAX_CHARS`]
/// letters, digits, `_` or `-`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Username(String);

impl Username {
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        let name = input.trim();
        if name.is_empty() {
            return Err(FieldError::new("Choose a username."));
        }
        let length = name.chars().count();
        if !(USERNAME_MIN_CHARS..=USERNAME_MAX_CHARS).contains(&length) {
            return Err(FieldError::new(format!(
                "Usernames are {USERNAME_MIN_CHARS} to {USERNAME_MAX_CHARS} characters long."
            )));
        }
        if !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') {
            return Err(FieldError::new(
                "Usernames use only letters, digits, “_” and “-” (no spaces).",
            ));
        }
        Ok(Self(name.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Username {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// An email address, as far as can be told without sending it something.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Email(String);

impl Email {
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        let address = input.trim();
        if address.is_empty() {
            return Err(FieldError::new("Enter your email address."));
        }
        let well_formed = address.chars().count() <= EMAIL_MAX_CHARS
            && !address.chars().any(|c| c.is_whitespace() || c.is_control())
            && address.split_once('@').is_some_and(|(local, domain)| {
                !local.is_empty()
                    && local.len() <= 64
                    && !domain.contains('@')
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
            });
        if well_formed {
            Ok(Self(address.to_owned()))
        } else {
            Err(FieldError::new("That doesn't look like an email address (name@example.com)."))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Password length limits; no composition rules (the server also refuses common passwords).
pub const PASSWORD_MIN_CHARS: usize = 8;
pub const PASSWORD_MAX_CHARS: usize = 128;

/// Checks a new password's length. Counted in characters, as people count them.
pub fn check_new_password_length(password: &str) -> Result<(), FieldError> {
    let length = password.chars().count();
    if length < PASSWORD_MIN_CHARS {
        Err(FieldError::new(format!("Passwords need at least {PASSWORD_MIN_CHARS} characters.")))
    } else if length > PASSWORD_MAX_CHARS {
        Err(FieldError::new(format!("Passwords can have at most {PASSWORD_MAX_CHARS} characters.")))
    } else {
        Ok(())
    }
}

/// The name shown on a profile: 1–[`DISPLAY_NAME_MAX_CHARS`] characters, trimmed, no control
/// characters.
pub fn parse_display_name(input: &str) -> Result<String, FieldError> {
    let name = input.trim();
    if name.is_empty() {
        return Err(FieldError::new("Your display name can't be empty."));
    }
    if name.chars().count() > DISPLAY_NAME_MAX_CHARS {
        return Err(FieldError::new(format!(
            "Display names have at most {DISPLAY_NAME_MAX_CHARS} characters."
        )));
    }
    if name.chars().any(char::is_control) {
        return Err(FieldError::new("Display names can't contain control characters."));
    }
    Ok(name.to_owned())
}

/// A profile's bio: up to [`BIO_MAX_CHARS`] characters; line breaks allowed.
pub fn parse_bio(input: &str) -> Result<String, FieldError> {
    let bio = input.trim();
    if bio.chars().count() > BIO_MAX_CHARS {
        return Err(FieldError::new(format!("Bios have at most {BIO_MAX_CHARS} characters.")));
    }
    if bio.chars().any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t') {
        return Err(FieldError::new("Bios can't contain control characters."));
    }
    Ok(bio.to_owned())
}

/// What is wrong with one form field, in a sentence.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct FieldError(String);

impl FieldError {
    pub fn new(message: impl Into<String>) -> Self {
        Self(message.into())
    }
}

/// Who is logged in, as the header shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedIn {
    pub username: String,
    pub display_name: String,
    pub email_verified: bool,
    /// Shown the way to the admin pages.
    pub is_admin: bool,
}

/// A public profile.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Profile {
    pub username: String,
    pub display_name: String,
    pub bio: String,
    /// Calendar date the account was created, such as "2026-11-23".
    pub member_since: String,
    /// `None` when the user hides it.
    pub ratings_cast: Option<i64>,
    pub submission_count: i64,
    /// The newest submissions, as the viewer may see them.
    pub submissions: Vec<PictureTile>,
    /// Average rating over all votes their submissions received, if any.
    pub average_received: Option<f64>,
}

/// The settings page's current values.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountSettings {
    pub username: String,
    pub email: String,
    pub email_verified: bool,
    pub display_name: String,
    pub bio: String,
    pub hide_ratings_count: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames() {
        assert_eq!(Username::parse("  Derp_Lord-9 ").map(|u| u.0), Ok("Derp_Lord-9".to_owned()));
        for bad in ["", "ab", "a b c", "naïve", "x".repeat(25).as_str(), "semi;colon"] {
            assert!(Username::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn emails() {
        assert!(Email::parse(" someone@example.com ").is_ok());
        for bad in
            ["", "someone", "a@b", "@example.com", "a@@example.com", "a b@example.com", "a@.com"]
        {
            assert!(Email::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn password_lengths_count_characters() {
        assert!(check_new_password_length("1234567").is_err());
        assert!(check_new_password_length("ééééééé").is_err());
        assert!(check_new_password_length("éééééééé").is_ok());
        assert!(check_new_password_length(&"x".repeat(128)).is_ok());
        assert!(check_new_password_length(&"x".repeat(129)).is_err());
    }

    #[test]
    fn display_names_and_bios() {
        assert_eq!(parse_display_name("  Ada "), Ok("Ada".to_owned()));
        assert!(parse_display_name("   ").is_err());
        assert!(parse_display_name("a\u{7}b").is_err());
        assert_eq!(parse_bio(" line one\nline two "), Ok("line one\nline two".to_owned()));
        assert!(parse_bio(&"b".repeat(501)).is_err());
    }
}
