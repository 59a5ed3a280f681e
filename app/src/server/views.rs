//! What a voter sees when they open the page: the picture in front of them and their last verdict.

use super::{
    picks::pick_next,
    signing::Signer,
    ticket::{Ticket, unix_seconds},
    voter::VoterId,
};
use crate::model::{Picture, Rating, Reveal, Rgb, SubmissionId, Verdict, VoteView};
use sqlx::PgPool;
use std::time::SystemTime;

/// A voter's state as one row: the columns are shared by the page query below and by the vote
/// writer's batch statement, which answers each vote with the same shape.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ViewRow {
    pub votes_cast: i32,
    pub current_id: Option<i64>,
    pub current_title: Option<String>,
    pub current_image_key: Option<String>,
    pub current_backdrop: Option<i32>,
    pub current_subject: Option<i32>,
    pub last_rating: Option<i16>,
    pub last_id: Option<i64>,
    pub last_title: Option<String>,
    pub last_image_key: Option<String>,
    pub last_backdrop: Option<i32>,
    pub last_subject: Option<i32>,
    pub last_vote_count: Option<i64>,
    pub last_rating_sum: Option<i64>,
}

fn picture(
    id: Option<i64>,
    title: Option<String>,
    image_key: Option<String>,
    backdrop: Option<i32>,
    subject: Option<i32>,
) -> Option<Picture> {
    Some(Picture {
        id: SubmissionId(id?),
        title: title?,
        image_key: image_key?,
        backdrop: Rgb(u32::try_from(backdrop?).ok()?),
        subject: Rgb(u32::try_from(subject?).ok()?),
    })
}

impl ViewRow {
    /// The view, with a freshly issued ticket for the picture in front of the voter.
    pub fn into_view(self, signer: &Signer, voter: VoterId, now: SystemTime) -> VoteView {
        let current = picture(
            self.current_id,
            self.current_title,
            self.current_image_key,
            self.current_backdrop,
            self.current_subject,
        )
        .map(|picture| {
            let ticket = Ticket {
                voter,
                submission: picture.id,
                issued_at: unix_seconds(now),
            };
            Reveal {
                ticket: ticket.seal(signer),
                picture,
            }
        });
        let last_picture = picture(
            self.last_id,
            self.last_title,
            self.last_image_key,
            self.last_backdrop,
            self.last_subject,
        );
        let last = match (
            last_picture,
            self.last_rating,
            self.last_vote_count,
            self.last_rating_sum,
        ) {
            (Some(picture), Some(rating), Some(vote_count), Some(rating_sum)) => {
                u8::try_from(rating)
                    .ok()
                    .and_then(|r| Rating::new(r).ok())
                    .map(|your_rating| Verdict {
                        picture,
                        your_rating,
                        vote_count,
                        rating_sum,
                    })
            }
            _ => None,
        };
        VoteView {
            current,
            last,
            votes_cast: self.votes_cast.into(),
        }
    }
}

/// Columns of [`ViewRow`] for the picture in front of the voter (`c`) and the last one they rated (`l`).
pub(crate) const VIEW_COLUMNS: &str = "\
    c.id AS current_id, c.title AS current_title, c.image_key AS current_image_key, \
    c.backdrop_rgb AS current_backdrop, c.subject_rgb AS current_subject, \
    l.id AS last_id, l.title AS last_title, l.image_key AS last_image_key, \
    l.backdrop_rgb AS last_backdrop, l.subject_rgb AS last_subject, \
    l.vote_count AS last_vote_count, l.rating_sum AS last_rating_sum";

async fn fetch_view_row(pool: &PgPool, voter: VoterId) -> Result<Option<ViewRow>, sqlx::Error> {
    // A retired picture no longer counts as being in front of the voter.
    let sql = format!(
        "SELECT v.votes_cast, v.last_rating, {VIEW_COLUMNS} \
         FROM voters v \
         LEFT JOIN submissions c ON c.id = v.current_submission_id AND c.retired_at IS NULL \
         LEFT JOIN submissions l ON l.id = v.last_submission_id \
         WHERE v.id = $1"
    );
    sqlx::query_as(&sql).bind(voter).fetch_optional(pool).await
}

/// The voter's view. Showing the page reveals a picture only when none is in front of the voter
/// (a first visit, a retired picture, or new pictures since they rated everything): reloading
/// shows the same picture again, so the only way to the next one is to vote.
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
                sqlx::query(
                    "UPDATE voters SET current_submission_id = $2, revealed_at = now() \
                     WHERE id = $1 AND (current_submission_id IS NULL OR current_submission_id IN \
                        (SELECT id FROM submissions WHERE retired_at IS NOT NULL))",
                )
                .bind(voter)
                .bind(pick)
                .execute(pool)
                .await?;
                fetch_view_row(pool, voter).await?.unwrap_or(row)
            }
        },
        None => {
            let pick = pick_next(pool, voter, None).await?;
            sqlx::query(
                "INSERT INTO voters (id, current_submission_id, revealed_at) \
                 VALUES ($1, $2, now()) ON CONFLICT (id) DO NOTHING",
            )
            .bind(voter)
            .bind(pick)
            .execute(pool)
            .await?;
            fetch_view_row(pool, voter)
                .await?
                .ok_or(sqlx::Error::RowNotFound)?
        }
    };
    Ok(row.into_view(signer, voter, now))
}
