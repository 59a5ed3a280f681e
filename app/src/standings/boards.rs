//! The leaderboards: four orders of the pictures in play, a page of tiles at a time.

use crate::tiles::PictureTile;
use serde::{Deserialize, Serialize};

/// Tiles on one page of a leaderboard or of search results.
pub const TILES_PER_PAGE: i64 = 24;

/// A leaderboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Board {
    /// By Bayesian score.
    Top,
    /// By points and newness.
    Hot,
    /// Newest first.
    New,
    /// By the spread of their ratings.
    Divisive,
}

impl Board {
    pub const ALL: [Board; 4] = [Self::Top, Self::Hot, Self::New, Self::Divisive];

    pub fn path(self) -> &'static str {
        match self {
            Self::Top => "/top",
            Self::Hot => "/hot",
            Self::New => "/new",
            Self::Divisive => "/divisive",
        }
    }

    /// Its name in links and headings.
    pub fn name(self) -> &'static str {
        match self {
            Self::Top => "Top",
            Self::Hot => "Hot",
            Self::New => "New",
            Self::Divisive => "Divisive",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Self::Top => "The derpiest of all",
            Self::Hot => "Hot right now",
            Self::New => "Just arrived",
            Self::Divisive => "The most divisive",
        }
    }

    /// What the order means, in a sentence.
    pub fn blurb(self) -> &'static str {
        match self {
            Self::Top => {
                "Ranked by fair score: the average rating, weighed by how many votes back it."
            }
            Self::Hot => "Well-rated pictures that arrived recently. Newness fades; ratings stay.",
            Self::New => "The newest pictures first. Rate them before anyone else does.",
            Self::Divisive => "Pictures voters disagree on most: some say 1, others 10.",
        }
    }
}

/// Where a page of a leaderboard starts: after the last tile of the page before. Opaque to the
/// browser; the server checks it like any other input.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct BoardCursor {
    /// The order's value at the last tile (rank, hot value, spread; unused for `New`).
    pub value: f64,
    pub id: i64,
}

impl BoardCursor {
    /// The cursor as it appears in a link (`?after=`).
    pub fn encode(&self) -> String {
        format!("{}_{}", self.value, self.id)
    }

    /// Reads a cursor from a link; `None` for anything that is not one.
    pub fn parse(text: &str) -> Option<Self> {
        let (value, id) = text.split_once('_')?;
        let value: f64 = value.parse().ok()?;
        let id: i64 = id.parse().ok()?;
        (value.is_finite() && id > 0).then_some(Self { value, id })
    }
}

/// One page of a leaderboard.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BoardPage {
    pub board: Board,
    pub tiles: Vec<PictureTile>,
    /// The next page's cursor, if there is one.
    pub next: Option<String>,
    /// Whether this is a later page (so the page links back to the first).
    pub later_page: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_survives_its_link_and_nothing_else_is_one() {
        let cursor = BoardCursor { value: -3.25, id: 17 };
        assert_eq!(BoardCursor::parse(&cursor.encode()), Some(cursor));
        for bad in ["", "_", "1_", "_1", "x_1", "1_x", "NaN_1", "inf_1", "1_0", "1_-4", "1_2_3"] {
            assert_eq!(BoardCursor::parse(bad), None, "{bad}");
        }
    }
}
