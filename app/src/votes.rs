//! Domain types shared by the browser and the server.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A picture submitted for rating.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::Type), sqlx(transparent))]
pub struct SubmissionId(pub i64);

impl fmt::Display for SubmissionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// How derpy a picture is, from 1 ("meh") to 10 ("peak derp").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub struct Rating(u8);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RatingError {
    #[error("Pick a rating from 1 to 10.")]
    Missing,
    #[error("“{0}” isn't a rating: pick a whole number from 1 to 10.")]
    NotANumber(String),
    #[error("{0} is out of range: ratings go from 1 to 10.")]
    OutOfRange(i64),
}

impl Rating {
    pub const MIN: u8 = 1;
    pub const MAX: u8 = 10;

    pub fn new(value: u8) -> Result<Self, RatingError> {
        if (Self::MIN..=Self::MAX).contains(&value) {
            Ok(Self(value))
        } else {
            Err(RatingError::OutOfRange(value.into()))
        }
    }

    /// Parses a rating as typed or posted by a form.
    pub fn parse(input: &str) -> Result<Self, RatingError> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err(RatingError::Missing);
        }
        match trimmed.parse::<i64>() {
            Ok(n) => u8::try_from(n).map_err(|_| RatingError::OutOfRange(n)).and_then(Self::new),
            Err(_) => Err(RatingError::NotANumber(truncate_for_display(trimmed, 24))),
        }
    }

    pub fn get(self) -> u8 {
        self.0
    }

    /// Every rating, lowest first.
    pub fn all() -> impl Iterator<Item = Rating> {
        (Self::MIN..=Self::MAX).map(Rating)
    }

    /// The keyboard key that casts this rating: 1–9, and 0 for 10.
    pub fn key(self) -> char {
        char::from(b'0' + self.0 % 10)
    }

    /// The rating a key press casts, if any.
    pub fn from_key(key: &str) -> Option<Rating> {
        let mut chars = key.chars();
        match (chars.next(), chars.next()) {
            (Some(c @ '0'..='9'), None) => {
                let digit = c as u8 - b'0';
                Some(Rating(if digit == 0 { 10 } else { digit }))
            }
            _ => None,
        }
    }
}

impl TryFrom<u8> for Rating {
    type Error = RatingError;
    fn try_from(value: u8) -> Result<Self, Self::Error> {
        Self::new(value)
    }
}

impl From<Rating> for u8 {
    fn from(rating: Rating) -> u8 {
        rating.0
    }
}

impl fmt::Display for Rating {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// Shortens user input quoted back in an error message.
fn truncate_for_display(input: &str, max_chars: usize) -> String {
    if input.chars().count() <= max_chars {
        input.to_owned()
    } else {
        let mut short: String = input.chars().take(max_chars).collect();
        short.push('…');
        short
    }
}

/// Said when a vote could not be recorded (the database is away): nothing was counted.
pub const VOTE_NOT_SAVED: &str =
    "We couldn't save your vote just now. Nothing was lost — please try again.";

/// The widths, in pixels, each picture is served at.
pub const IMAGE_WIDTHS: [u32; 3] = [320, 640, 960];

/// An RGB colour stored as `0xRRGGBB`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rgb(pub u32);

impl fmt::Display for Rgb {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{:06x}", self.0 & 0x00ff_ffff)
    }
}

/// A picture as the voter sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Picture {
    pub id: SubmissionId,
    pub title: String,
    /// Unguessable name of the image files, so pictures cannot be fetched without being revealed.
    pub image_key: String,
    /// Colours of the placeholder painted while the image loads: backdrop and subject.
    pub backdrop: Rgb,
    pub subject: Rgb,
}

impl Picture {
    pub fn src(&self, width: u32) -> String {
        format!("/media/{}/{width}.jpg", self.image_key)
    }

    pub fn srcset(&self) -> String {
        IMAGE_WIDTHS.iter().map(|w| format!("{} {w}w", self.src(*w))).collect::<Vec<_>>().join(", ")
    }

    /// CSS for the placeholder painted while the image loads.
    pub fn placeholder_css(&self) -> String {
        placeholder_css(self.backdrop, self.subject)
    }
}

/// CSS for a picture's placeholder: the subject's colour as a soft blob on the backdrop.
pub fn placeholder_css(backdrop: Rgb, subject: Rgb) -> String {
    format!("background: radial-gradient(circle at 50% 58%, {subject} 0 32%, {backdrop} 56%)")
}

/// The picture currently revealed to a voter, with the ticket that lets them rate it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reveal {
    pub picture: Picture,
    pub ticket: String,
}

/// The crowd's votes on one picture.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tally {
    pub vote_count: i64,
    pub rating_sum: i64,
}

impl Tally {
    pub fn average(&self) -> f64 {
        if self.vote_count == 0 { 0.0 } else { self.rating_sum as f64 / self.vote_count as f64 }
    }

    /// "7.4 from 132 votes".
    pub fn summary(&self) -> String {
        let votes = if self.vote_count == 1 { "vote" } else { "votes" };
        format!("{:.1} from {} {votes}", self.average(), self.vote_count)
    }
}

/// How the crowd rated the picture a voter has just rated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verdict {
    pub picture: Picture,
    pub your_rating: Rating,
    pub tally: Tally,
}

/// Everything the vote page shows: the picture to rate (if any is left) and the verdict on the last one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VoteView {
    pub current: Option<Reveal>,
    pub last: Option<Verdict>,
    pub votes_cast: i64,
    /// The title of the picture the voter asked to rate, which comes after the current one.
    pub next_up: Option<String>,
}

/// The answer to a vote: the crowd's tally on the picture just rated, and the next picture.
/// (The voter already has the picture they rated; it is not sent back.)
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VoteOutcome {
    pub your_rating: Rating,
    pub tally: Tally,
    pub next: Option<Reveal>,
    pub votes_cast: i64,
}

impl VoteView {
    /// The view once the vote on the current picture has been counted.
    pub fn after(&self, outcome: VoteOutcome) -> VoteView {
        let rated = self.current.as_ref().map(|reveal| Verdict {
            picture: reveal.picture.clone(),
            your_rating: outcome.your_rating,
            tally: outcome.tally,
        });
        VoteView {
            current: outcome.next,
            last: rated.or_else(|| self.last.clone()),
            votes_cast: outcome.votes_cast,
            // The asked-for picture is the one the vote revealed.
            next_up: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_rating_from_one_to_ten() {
        for n in 1..=10u8 {
            assert_eq!(Rating::parse(&n.to_string()).map(Rating::get), Ok(n));
        }
        assert_eq!(Rating::parse(" 7 ").map(Rating::get), Ok(7));
    }

    #[test]
    fn refuses_out_of_range_ratings() {
        assert_eq!(Rating::parse("0"), Err(RatingError::OutOfRange(0)));
        assert_eq!(Rating::parse("11"), Err(RatingError::OutOfRange(11)));
        assert_eq!(Rating::parse("-3"), Err(RatingError::OutOfRange(-3)));
        assert_eq!(Rating::parse("300"), Err(RatingError::OutOfRange(300)));
        assert!(Rating::new(0).is_err());
    }

    #[test]
    fn refuses_what_is_not_a_number() {
        assert_eq!(Rating::parse(""), Err(RatingError::Missing));
        assert_eq!(Rating::parse("abc"), Err(RatingError::NotANumber("abc".into())));
        assert_eq!(Rating::parse("7.5"), Err(RatingError::NotANumber("7.5".into())));
        assert!(matches!(
            Rating::parse("99999999999999999999999"),
            Err(RatingError::NotANumber(_))
        ));
        let long = "x".repeat(100);
        let message = Rating::parse(&long).unwrap_err().to_string();
        assert!(message.chars().count() < 80, "{message}");
    }

    #[test]
    fn keys_map_to_ratings_and_back() {
        assert_eq!(Rating::from_key("1").map(Rating::get), Some(1));
        assert_eq!(Rating::from_key("9").map(Rating::get), Some(9));
        assert_eq!(Rating::from_key("0").map(Rating::get), Some(10));
        assert_eq!(Rating::from_key("a"), None);
        assert_eq!(Rating::from_key("10"), None);
        for rating in Rating::all() {
            assert_eq!(Rating::from_key(&rating.key().to_string()), Some(rating));
        }
    }

    #[test]
    fn rating_deserialization_checks_the_range() {
        assert!(serde_json::from_str::<Rating>("5").is_ok());
        assert!(serde_json::from_str::<Rating>("0").is_err());
        assert!(serde_json::from_str::<Rating>("11").is_err());
    }

    fn picture(id: i64) -> Picture {
        Picture {
            id: SubmissionId(id),
            title: format!("Derp {id}"),
            image_key: format!("k{id}"),
            backdrop: Rgb(0),
            subject: Rgb(0),
        }
    }

    #[test]
    fn a_tally_summarises_the_crowd() {
        assert_eq!(Tally { vote_count: 132, rating_sum: 977 }.summary(), "7.4 from 132 votes");
        assert_eq!(Tally { vote_count: 1, rating_sum: 9 }.summary(), "9.0 from 1 vote");
        assert_eq!(Tally { vote_count: 0, rating_sum: 0 }.average(), 0.0);
    }

    #[test]
    fn after_a_vote_the_rated_picture_becomes_the_verdict() {
        let view = VoteView {
            current: Some(Reveal { picture: picture(1), ticket: "t1".into() }),
            last: None,
            votes_cast: 0,
            next_up: None,
        };
        let tally = Tally { vote_count: 3, rating_sum: 20 };
        let next = Some(Reveal { picture: picture(2), ticket: "t2".into() });
        let outcome =
            VoteOutcome { your_rating: Rating(8), tally, next: next.clone(), votes_cast: 1 };
        let after = view.after(outcome);
        assert_eq!(after.current, next);
        assert_eq!(after.votes_cast, 1);
        let verdict = after.last.unwrap();
        assert_eq!(
            (verdict.picture.id, verdict.your_rating, verdict.tally),
            (SubmissionId(1), Rating(8), tally)
        );
    }

    #[test]
    fn colours_render_as_css_hex() {
        assert_eq!(Rgb(0x0a0b0c).to_string(), "#0a0b0c");
        assert_eq!(Rgb(0xff123456).to_string(), "#123456");
    }
}
