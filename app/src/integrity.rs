//! Vote integrity as admins see it: the votes that stopped counting, grouped in the cases the
//! detectors opened, with the evidence, waiting for a decision.

use crate::standings::Histogram;
use serde::{Deserialize, Serialize};

/// One case: votes that stopped counting for one finding, awaiting review.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FlaggedCase {
    /// The case's number, as the review form names it back.
    pub case: String,
    /// Why (`suspicious_rater`, …), in words.
    pub reason: String,
    /// What the detector saw, in words ("25 votes, all 10", "250 fresh voters from …").
    pub evidence: String,
    pub voters: i64,
    pub votes: i64,
    /// How the flagged votes were spread over the ratings.
    pub ratings: Histogram,
    /// When the case was opened, `YYYY-MM-DD HH:MM UTC`.
    pub flagged_at: String,
}

/// What an admin decides about a case's votes.
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
        "suspicious_rater" => "Rates like a script, not a person",
        "suspicious_burst" => "A burst of new voters from one network pushing one picture",
        "quarantined_picture" => "Voted on a picture under review",
        _ => "Flagged",
    }
}
