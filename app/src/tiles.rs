//! Pictures in lists (profiles, leaderboards, search, feeds), under the site's
//! rule: a picture is seen only by voting.

use crate::{
    standings::pictures::Rank,
    votes::{Picture, Rgb, SubmissionId, placeholder_css},
};
use serde::{Deserialize, Serialize};

/// A picture as a list shows it. Its image and score go only to its owner and to the voters who
/// rated it; everybody else gets a locked tile (its placeholder colours and title) whose action
/// puts the picture in front of them to rate. A locked tile carries no image key, so its files
/// cannot be fetched either.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum PictureTile {
    Revealed { picture: Picture, vote_count: i64, average: Option<f64>, rank: Option<Rank> },
    Locked { id: SubmissionId, title: String, backdrop: Rgb, subject: Rgb },
}

impl PictureTile {
    pub fn title(&self) -> &str {
        match self {
            Self::Revealed { picture, .. } => &picture.title,
            Self::Locked { title, .. } => title,
        }
    }

    pub fn id(&self) -> SubmissionId {
        match self {
            Self::Revealed { picture, .. } => picture.id,
            Self::Locked { id, .. } => *id,
        }
    }

    /// Its page.
    pub fn page(&self) -> String {
        format!("/p/{}", self.id())
    }

    /// The placeholder's CSS, the same for both kinds.
    pub fn placeholder_css(&self) -> String {
        match self {
            Self::Revealed { picture, .. } => picture.placeholder_css(),
            Self::Locked { backdrop, subject, .. } => placeholder_css(*backdrop, *subject),
        }
    }
}
