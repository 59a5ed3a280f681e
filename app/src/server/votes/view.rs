//! What a voter sees when they open the page: the picture in front of them and their last verdict.

use crate::server::{
    picks::{pick_next, pick_sql, point_of},
    signing::Signer,
    ticket::{Ticket, unix_millis},
    voter::VoterId,
};
use crate::votes::{Picture, Rating, Reveal, Rgb, SubmissionId, Tally, Verdict, VoteView};
use sqlx::PgPool;
use std::{sync::LazyLock, time::SystemTime};

/// A voter's state as one row.
#[derive(Debug, Clone, sqlx::FromRow)]
struct ViewRow {
    /// Whether the voter has a row (has voted).
    known: bool,
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

/// The voter's state in one statement: the picture in front of them (`c`; a retired one no
/// longer counts), the last one they rated (`l`) with its tally (`t`), and the one they asked to
/// rate next (`r`). The joined columns are NULL when there is no such picture.
///
/// A voter without a row (`v`) gets a row all the same (`known` false), whose picture is the
/// one at their own starting point (`f`, `$2`): a first visit, every new visitor's first page,
/// costs one round trip instead of three (the row, the pick, the picture). The walk sits in a
/// `CASE` on the voter's row being absent, so that it runs only then (`EXPLAIN ANALYZE` of the
/// generic plan: "never executed" for a voter with a row; as a plain condition it ran for
/// every voter). Composed with the walk, so run-time SQL like the vote batch's;
/// `tests/api/vote_loop.rs` runs it for voters with and without a row.
static VIEW_SQL: LazyLock<String> = LazyLock::new(|| {
    let first_pick = pick_sql("$1", "$2", "NULL");
    format!(
        "SELECT v.id IS NOT NULL AS known, coalesce(v.votes_cast, 0) AS votes_cast, \
                v.last_rating, \
                coalesce(c.id, f.id) AS current_id, coalesce(c.title, f.title) AS current_title, \
                coalesce(c.image_key, f.image_key) AS current_image_key, \
                coalesce(c.backdrop_rgb, f.backdrop_rgb) AS current_backdrop, \
                coalesce(c.subject_rgb, f.subject_rgb) AS current_subject, \
                l.id AS last_id, l.title AS last_title, l.image_key AS last_image_key, \
                l.backdrop_rgb AS last_backdrop, l.subject_rgb AS last_subject, \
                t.vote_count AS last_vote_count, t.rating_sum AS last_rating_sum, \
                r.title AS next_up_title \
         FROM (SELECT) AS one \
         LEFT JOIN voters v ON v.id = $1 \
         LEFT JOIN submissions f \
                ON f.id = CASE WHEN v.id IS NULL THEN ({first_pick}) END \
               AND f.retired_at IS NULL \
         LEFT JOIN submissions c ON c.id = v.current_submission_id AND c.retired_at IS NULL \
         LEFT JOIN submissions r ON r.id = v.requested_submission_id AND r.retired_at IS NULL \
         LEFT JOIN submissions l ON l.id = v.last_submission_id \
         LEFT JOIN tallies t ON t.submission_id = v.last_submission_id"
    )
});

async fn fetch_view_row(pool: &PgPool, voter: VoterId) -> Result<ViewRow, sqlx::Error> {
    sqlx::query_as(VIEW_SQL.as_str()).bind(voter).bind(point_of(voter)).fetch_one(pool).await
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
    let row = fetch_view_row(pool, voter).await?;
    if !row.known || row.current_id.is_some() {
        return Ok(row.into_view(signer, voter, now));
    }
    let Some(pick) = pick_next(pool, voter, None).await? else {
        return Ok(row.into_view(signer, voter, now));
    };
    sqlx::query!(
        "UPDATE voters SET current_submission_id = $2, revealed_at = now()
         WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM submissions s
            WHERE s.id = current_submission_id AND s.retired_at IS NULL)",
        voter.0,
        pick.0,
    )
    .execute(pool)
    .await?;
    Ok(fetch_view_row(pool, voter).await?.into_view(signer, voter, now))
}
