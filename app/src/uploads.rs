//! Uploading a picture, as both sides see it: the limits and the title's rules.

use serde::{Deserialize, Serialize};
use std::fmt;

/// The largest upload accepted, in bytes (a phone photo is 2–8 MB).
pub const MAX_UPLOAD_BYTES: usize = 15 * 1024 * 1024;
/// Pictures one account may upload in 24 hours.
pub const MAX_UPLOADS_PER_DAY: i64 = 20;
/// Uploads one account may have in flight at once (a second tab, a retry while one is sent).
pub const MAX_UPLOADS_IN_FLIGHT: usize = 2;
pub const MAX_TITLE_CHARS: usize = 120;
/// What the file picker offers.
/// Said when a picture could not be stored (the database is away): nothing was kept.
pub const PICTURE_NOT_SAVED: &str = "We couldn't save your picture just now. Please try again.";
pub const ACCEPTED_TYPES: &str = "image/jpeg,image/png,image/webp";

/// A picture's title, which is also its alt text: 1–120 characters, no control characters,
/// runs of white space folded to one space.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PictureTitle(String);

impl PictureTitle {
    pub fn parse(input: &str) -> Option<Self> {
        let title = input.split_whitespace().collect::<Vec<_>>().join(" ");
        let length = title.chars().count();
        let fine = (1..=MAX_TITLE_CHARS).contains(&length) && !title.chars().any(char::is_control);
        fine.then_some(Self(title))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for PictureTitle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;

    #[test]
    fn titles_are_tidied_and_bounded() {
        assert_eq!(
            PictureTitle::parse("  Sir  Blep\tthe Third ").map(|t| t.to_string()),
            Some("Sir Blep the Third".to_owned())
        );
        assert_eq!(PictureTitle::parse("   "), None);
        assert_eq!(
            PictureTitle::parse(&"é".repeat(120)).map(|t| t.as_str().chars().count()),
            Some(120)
        );
        assert_eq!(PictureTitle::parse(&"é".repeat(121)), None);
        assert_eq!(PictureTitle::parse("bell\u{7}"), None);
    }

    #[test]
    fn the_messages_state_the_real_limits() {
        assert!(
            ErrorCode::ImageTooLarge
                .default_message()
                .contains(&format!("{} MB", MAX_UPLOAD_BYTES / 1024 / 1024))
        );
        assert!(
            ErrorCode::UploadLimit.default_message().contains(&MAX_UPLOADS_PER_DAY.to_string())
        );
        assert!(ErrorCode::BadTitle.default_message().contains(&MAX_TITLE_CHARS.to_string()));
    }
}
