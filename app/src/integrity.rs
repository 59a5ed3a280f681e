//! Vote integrity as admins see it: the votes that stopped counting, grouped by voter, with
//! the evidence, waiting for a decision.

use crate::standings::Histogram;
use serde::{Deserialize, Serialize};

/// One voter's votes that stopped counting and await review.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FlaggedVoter {
    /// The voter, as the review form names it back.
    pub voter: String,
    /// Why (`suspicious_rater`, …), in words.
    pub reason: String,
    pub votes: i64,
    /// How the flagged votes were spread over the ratings: the evidence.
    pub ratings: Histogram,
    /// When the first of them was flagged, `YYYY-MM-DD HH:MM UTC`.
    pub flagged_at: String,
    /// Votes of this voter that still count.
    pub counted_votes: i64,
}

/// What an admin decides about a voter's flagged votes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ReviewDecision {
    /// They stay out of the tallies; the group leaves the list.
    Confirm,
    /// They count again, and the tallies take them back.
    Restore,
}

/// A discount reason in words.
pub fn reason_text(reason: &str) -> &'static str {
    match reason {
        "suspicious_rater" => "Gives every picture the same rating",
        "suspicious_burst" => "Part of a burst of new voters from one network",
        "quarantined_picture" => "Voted on a picture under review",
        _ => "Flagged",
    }
}
