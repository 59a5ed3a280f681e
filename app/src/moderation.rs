//! Moderation as both sides see it: why a picture may be reported, what waits in the admins'
//! queue, and what a removed picture's owner is told.

use serde::{Deserialize, Serialize};

/// Distinct voters' reports that take a picture out of the rotation until an admin decides.
pub const REPORTS_TO_HOLD: i64 = 3;
/// Reports one voter may make in 24 hours: enough for anybody honest, too few to hold the site's
/// pictures hostage.
pub const MAX_REPORTS_PER_DAY: i64 = 10;

/// Why a picture is reported, or was removed.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Serialize,
    Deserialize,
    strum::EnumIter,
    strum::EnumString,
    strum::IntoStaticStr,
)]
#[strum(serialize_all = "snake_case")]
pub enum ReportReason {
    NotAPet,
    Offensive,
    PersonalInfo,
    Spam,
}

impl ReportReason {
    /// Every reason, in the order forms offer them.
    pub fn all() -> impl Iterator<Item = Self> {
        <Self as strum::IntoEnumIterator>::iter()
    }

    /// As forms send it and the database keeps it (`"not_a_pet"`).
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// The reason a form sent; `None` for anything else.
    pub fn parse(input: &str) -> Option<Self> {
        input.parse().ok()
    }

    /// In words, for the form and for the owner of a removed picture.
    pub fn label(self) -> &'static str {
        match self {
            Self::NotAPet => "It isn't a pet",
            Self::Offensive => "It's offensive or cruel",
            Self::PersonalInfo => "It shows someone's personal information",
            Self::Spam => "It's an advert or spam",
        }
    }
}

/// A picture held out of the rotation by its reports, waiting for an admin.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeldPicture {
    pub id: i64,
    pub title: String,
    /// Its 320 px image: admins must see what they judge.
    pub image_src: String,
    /// Its owner's username (`None` for a demo picture or a deleted account).
    pub owner: Option<String>,
    /// Reports per reason, in words, the most common first.
    pub reports: Vec<(String, i64)>,
    /// `YYYY-MM-DD HH:MM UTC`.
    pub held_since: String,
}

/// What an admin decides about a held picture.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ModerationDecision {
    /// Back in the rotation; its reports are cleared.
    Approve,
    /// Deleted with its votes and files; its owner is told the reason.
    Remove(ReportReason),
}

/// A picture of yours a moderator removed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Removal {
    pub title: String,
    pub reason: String,
    /// `YYYY-MM-DD`.
    pub removed_on: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_round_trip_and_nothing_else_parses() {
        for reason in ReportReason::all() {
            assert_eq!(ReportReason::parse(reason.as_str()), Some(reason));
            assert!(!reason.label().is_empty());
        }
        assert_eq!(ReportReason::parse("not_a_pet"), Some(ReportReason::NotAPet));
        assert_eq!(ReportReason::parse("Spam"), None);
        assert_eq!(ReportReason::parse(""), None);
    }
}
