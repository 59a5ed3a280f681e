//! What a voter sees when they open the page: the picture in front of them and their last verdict.

use crate::server::{
    picks::{pick_from, pick_next, point_of},
    signing::Signer,
    ticket::{Ticket, unix_millis},
    voter::VoterId,
};
use crate::votes::{Picture, Rating, Reveal, Rgb, SubmissionId, Tally, Verdict, VoteView};
use sqlx::PgPool;
use std::time::SystemTime;

/// A voter's state as one row.
#[derive(Debug, Clone)]
struct ViewRow {
    votes_cast: i32,
    current_id: Option<i64>,
    current_title: Option<String>,
    current_image_key: Option<String>,
    current_backdrop: Option<i32>,
    current_subject: Option<i32>,
    last_rating: Option<i16>,
    last_id: Option<i64>,
    last_title: Option<String>,
    last_image_key: Option<String>,
    last_backdrop: Option<i32>,
    last_subject: Option<i32>,
    last_vote_count: Option<i64>,
    last_rating_sum: Option<i64>,
    next_up_title: Option<String>,
}

/// A picture's columns as a query answers them: an outer join leaves them all NULL.
pub(crate) struct PictureColumns {
    pub id: Option<i64>,
    pub title: Option<String>,
    pub image_key: Option<String>,
    pub backdrop: Option<i32>,
    pub subject: Option<i32>,
}

impl PictureColumns {
    /// The picture, when its columns are all there.
    pub(crate) fn into_picture(self) -> Option<Picture> {
        Some(Picture {
            id: SubmissionId(self.id?),
            title: self.title?,
            image_key: self.image_key?,
            backdrop: Rgb(u32::try_from(self.backdrop?).ok()?),
            subject: Rgb(u32::try_from(self.subject?).ok()?),
        })
    }
}

/// The picture in front of `voter`, with a freshly issued ticket to rate it.
pub(crate) fn reveal(picture: Picture, signer: &Signer, voter: VoterId, now: SystemTime) -> Reveal {
    let ticket = Ticket { voter, submission: picture.id, issued_at_ms: unix_millis(now) };
    Reveal { ticket: ticket.seal(signer), picture }
}

/// A rating as stored (a smallint the schema keeps within 1–10).
pub(crate) fn stored_rating(rating: i16) -> Option<Rating> {
    u8::try_from(rating).ok().and_then(|r| Rating::new(r).ok())
}

impl ViewRow {
    fn into_view(self, signer: &Signer, voter: VoterId, now: SystemTime) -> VoteView {
        let current = PictureColumns {
            id: self.current_id,
            title: self.current_title,
            image_key: self.current_image_key,
            backdrop: self.current_backdrop,
            subject: self.current_subject,
        }
        .into_picture()
        .map(|picture| reveal(picture, signer, voter, now));
        let last_picture = PictureColumns {
            id: self.last_id,
            title: self.last_title,
            image_key: self.last_image_key,
            backdrop: self.last_backdrop,
            subject: self.last_subject,
        }
        .into_picture();
        let last = match (last_picture, self.last_rating.and_then(stored_rating)) {
            (Some(picture), Some(your_rating)) => Some(Verdict {
                picture,
                your_rating,
                tally: Tally {
                    vote_count: self.last_vote_count.unwrap_or(0),
                    rating_sum: self.last_rating_sum.unwrap_or(0),
                },
            }),
            _ => None,
        };
        VoteView { current, last, votes_cast: self.votes_cast.into(), next_up: self.next_up_title }
    }
}

/// The picture in front of the voter (`c`; a retired one no longer counts), the last one they
/// rated (`l`) with its tally (`t`), and the one they asked to rate next (`r`). The joined
/// columns are NULL when there is no such picture (`?`).
async fn fetch_view_row(pool: &PgPool, voter: VoterId) -> Result<Option<ViewRow>, sqlx::Error> {
    sqlx::query_as!(
        ViewRow,
        r#"SELECT v.votes_cast, v.last_rating,
                  c.id AS "current_id?", c.title AS "current_title?",
                  c.image_key AS "current_image_key?", c.backdrop_rgb AS "current_backdrop?",
                  c.subject_rgb AS "current_subject?",
                  l.id AS "last_id?", l.title AS "last_title?", l.image_key AS "last_image_key?",
                  l.backdrop_rgb AS "last_backdrop?", l.subject_rgb AS "last_subject?",
                  t.vote_count AS "last_vote_count?", t.rating_sum AS "last_rating_sum?",
                  r.title AS "next_up_title?"
           FROM voters v
           LEFT JOIN submissions c ON c.id = v.current_submission_id AND c.retired_at IS NULL
           LEFT JOIN submissions r ON r.id = v.requested_submission_id AND r.retired_at IS NULL
           LEFT JOIN submissions l ON l.id = v.last_submission_id
           LEFT JOIN tallies t ON t.submission_id = v.last_submission_id
           WHERE v.id = $1"#,
        voter.0,
    )
    .fetch_optional(pool)
    .await
}

/// The voter's view. Showing the page reveals a picture only when none is in front of the voter
/// (a first visit, a retired or deleted picture, or new pictures since they rated everything): reloading
/// shows the same picture again, so the only way to the next one is to vote.
///
/// A voter who has never voted has no row: looking writes nothing (crawlers and one-page
/// visitors would otherwise leave a row each). Their picture is picked from a point that
/// follows from their id, so reloading shows them the same one; their first vote makes the row.
pub async fn current_view(
    pool: &PgPool,
    signer: &Signer,
    voter: VoterId,
) -> Result<VoteView, sqlx::Error> {
    let now = SystemTime::now();
    let row = match fetch_view_row(pool, voter).await? {
        Some(row) if row.current_id.is_some() => row,
        Some(row) => match pick_next(pool, voter, None).await? {
            None => row,
            Some(pick) => {
                sqlx::query!(
                    "UPDATE voters SET current_submission_id = $2, revealed_at = now()
                     WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM submissions s
                        WHERE s.id = current_submission_id AND s.retired_at IS NULL)",
                    voter.0,
                    pick.0,
                )
                .execute(pool)
                .await?;
                fetch_view_row(pool, voter).await?.unwrap_or(row)
            }
        },
        None => return first_view(pool, signer, voter, now).await,
    };
    Ok(row.into_view(signer, voter, now))
}

/// What a voter without a row sees: the picture at their own starting point, nothing written.
async fn first_view(
    pool: &PgPool,
    signer: &Signer,
    voter: VoterId,
    now: SystemTime,
) -> Result<VoteView, sqlx::Error> {
    let current = match pick_from(pool, voter, point_of(voter)).await? {
        Some(id) => {
            fetch_picture(pool, id).await?.map(|picture| reveal(picture, signer, voter, now))
        }
        None => None,
    };
    Ok(VoteView { current, last: None, votes_cast: 0, next_up: None })
}

async fn fetch_picture(pool: &PgPool, id: SubmissionId) -> Result<Option<Picture>, sqlx::Error> {
    let columns = sqlx::query_as!(
        PictureColumns,
        r#"SELECT id AS "id?", title AS "title?", image_key AS "image_key?",
                  backdrop_rgb AS "backdrop?", subject_rgb AS "subject?"
           FROM submissions WHERE id = $1 AND retired_at IS NULL"#,
        id.0,
    )
    .fetch_optional(pool)
    .await?;
    Ok(columns.and_then(PictureColumns::into_picture))
}
