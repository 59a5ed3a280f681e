//! How one picture stands, as its page, its owner's list and search show it.

use super::{Histogram, VoteWeights};
use crate::tiles::PictureTile;
use serde::{Deserialize, Serialize};

/// A rank "#k of N", with how it moved over the last week when that is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rank {
    pub position: i64,
    pub of: i64,
    /// Places climbed since a week ago (negative: fallen).
    pub trend: Option<i64>,
}

impl Rank {
    pub fn summary(&self) -> String {
        format!("#{} of {}", self.position, self.of)
    }

    /// The trend in words, for a cell or a tile.
    pub fn trend_text(&self) -> Option<String> {
        self.trend.map(|moved| match moved {
            0 => "steady this week".to_owned(),
            up if up > 0 => format!("up {up} this week"),
            down => format!("down {} this week", down.unsigned_abs()),
        })
    }
}

/// A day's rank, for the chart.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RankPoint {
    /// `YYYY-MM-DD`.
    pub day: String,
    pub rank: i64,
    pub of: i64,
}

/// The numbers every score is computed with, from the last ranking run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SiteNumbers {
    /// C: the mean rating over every vote.
    pub site_mean: f64,
    /// m: about the median number of votes a picture has.
    pub prior_votes: f64,
    pub pictures: i64,
    pub votes: i64,
    /// When they were computed, `YYYY-MM-DD HH:MM UTC`.
    pub computed_at: String,
    /// What each vote weighed in them.
    pub weights: VoteWeights,
}

/// Everything about a picture its owner and its voters may see.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PictureStats {
    pub histogram: Histogram,
    pub mean: Option<f64>,
    /// The Bayesian score, with the site's numbers it was computed with.
    pub score: f64,
    pub lower_bound: f64,
    pub site: Option<SiteNumbers>,
    /// None until the ranking job has seen the picture.
    pub rank: Option<Rank>,
    pub percentile: Option<f64>,
    pub views: i64,
    pub shares: i64,
    pub virality: f64,
    pub votes_per_view: Option<f64>,
    pub history: Vec<RankPoint>,
    /// The viewer's own rating, if they rated it.
    pub your_rating: Option<u8>,
}

/// Why and when a picture retired, for its owner.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RetirementNotice {
    /// `YYYY-MM-DD`.
    pub retired_on: String,
    pub deleted_on: String,
    pub lower_bound: f64,
    /// The share of pictures whose cautious score was lower, in percent.
    pub percentile: f64,
    pub views: i64,
    pub votes: i64,
}

impl RetirementNotice {
    pub fn explanation(&self) -> String {
        format!(
            "Retired on {}: after {} views and {} votes, its cautious score ({:.2}) was above only \
             {:.1} % of pictures. Only you can still see it; it will be deleted on {}.",
            self.retired_on,
            self.views,
            self.votes,
            self.lower_bound,
            self.percentile,
            self.deleted_on
        )
    }
}

/// A picture's page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PicturePage {
    /// Locked for anybody who is neither its owner nor one of its voters.
    pub tile: PictureTile,
    pub owner: Option<Owner>,
    /// `YYYY-MM-DD`.
    pub uploaded_on: String,
    /// Only with a revealed tile.
    pub stats: Option<PictureStats>,
    pub is_owner: bool,
    /// Only for its owner.
    pub retirement: Option<RetirementNotice>,
    /// The site's public address, for absolute links (share links, previews).
    pub site_url: String,
}

/// Who uploaded a picture.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Owner {
    pub username: String,
    pub display_name: String,
}

/// The orders of the "my pictures" page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum MySort {
    Rank,
    Newest,
    Views,
    Trend,
}

impl MySort {
    pub const ALL: [MySort; 4] = [Self::Rank, Self::Newest, Self::Views, Self::Trend];

    pub fn key(self) -> &'static str {
        match self {
            Self::Rank => "rank",
            Self::Newest => "newest",
            Self::Views => "views",
            Self::Trend => "trend",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Rank => "Best rank",
            Self::Newest => "Newest",
            Self::Views => "Most viewed",
            Self::Trend => "Climbing fastest",
        }
    }

    /// The order named in a link, or by rank.
    pub fn from_key(key: &str) -> Self {
        Self::ALL.into_iter().find(|sort| sort.key() == key).unwrap_or(Self::Rank)
    }
}

/// One of the signed-in member's pictures, with how it stands.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MyPicture {
    pub tile: PictureTile,
    pub uploaded_on: String,
    pub votes: i64,
    pub mean: Option<f64>,
    pub lower_bound: f64,
    pub rank: Option<Rank>,
    pub views: i64,
    pub shares: i64,
    pub retirement: Option<RetirementNotice>,
}

/// A member found by search.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberHit {
    pub username: String,
    pub display_name: String,
}

/// A page of search results.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchResults {
    pub query: String,
    pub pictures: Vec<PictureTile>,
    pub members: Vec<MemberHit>,
    /// The next page's number (1-based), if there are more pictures.
    pub next_page: Option<u32>,
    pub page: u32,
}

/// What a share link's preview shows: never the picture, only its title and placeholder.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShareTeaser {
    pub code: String,
    pub picture_id: i64,
    pub title: String,
    pub placeholder_css: String,
    /// The site's public address, for the preview's absolute links.
    pub site_url: String,
}

/// Whether `text` could be a share link's code at all: 16 URL-safe characters.
pub fn is_share_code(text: &str) -> bool {
    text.len() == 16 && text.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// What the retirement cycle does, for the page that explains the scores.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RetirementRules {
    /// Days between cycles; 0 when retirement is off.
    pub every_days: u32,
    /// Views a picture needs before it can retire.
    pub min_views: i64,
    /// Days a picture is safe from retirement after its upload.
    pub min_age_days: u32,
    /// The bottom share of cautious scores that retires, in percent.
    pub bottom_percent: f64,
    /// Days a retired picture is kept (for its owner) before it is deleted.
    pub grace_days: u32,
}
