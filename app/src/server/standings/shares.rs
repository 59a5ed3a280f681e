//! Share links. A voter who may see a picture (its owner, or one of its voters) gets a link,
//! the same one each time they share it. Following a link puts the picture in front of the
//! visitor to rate (next, if they are looking at another one: asking never skips a picture),
//! and counts as one share of the picture for each visitor, attributed to the first link that
//! brought them. The sharer following their own link is not a share.
//!
//! A link's preview (what a chat app or a social site shows) carries the title and the
//! placeholder, never the picture: it is seen only by voting.

use super::StandingsError;
use crate::{
    server::{
        voter::VoterId,
        votes::next_up::{self, NextUpError},
    },
    standings::pictures::{ShareTeaser, is_share_code as is_code},
    votes::{Rgb, SubmissionId, placeholder_css},
};
use base64::{Engine as _, engine::general_purpose::URL_SAFE_NO_PAD};
use rand::RngCore;
use sqlx::PgPool;

/// A fresh link code: 12 random bytes, 16 URL-safe characters.
fn new_code() -> String {
    let mut bytes = [0u8; 12];
    rand::rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// The code of `voter`'s link to `picture`, made on first use.
pub async fn share(
    pool: &PgPool,
    voter: VoterId,
    picture: SubmissionId,
) -> Result<String, StandingsError> {
    let seen = crate::server::visibility::seen_by(pool, voter, picture)
        .await?
        .ok_or(StandingsError::NoSuchPicture)?;
    if !seen {
        return Err(StandingsError::NotYoursToShare);
    }
    // A no-op update, so that an existing link is returned too.
    let code = sqlx::query_scalar!(
        "INSERT INTO share_links (code, submission_id, shared_by) VALUES ($1, $2, $3)
         ON CONFLICT (submission_id, shared_by) DO UPDATE SET shared_by = excluded.shared_by
         RETURNING code",
        new_code(),
        picture.0,
        voter.0,
    )
    .fetch_one(pool)
    .await?;
    Ok(code)
}

struct TeaserRow {
    submission_id: i64,
    title: String,
    backdrop_rgb: i32,
    subject_rgb: i32,
}

/// What the link's preview shows.
pub async fn teaser(pool: &PgPool, code: &str) -> Result<ShareTeaser, StandingsError> {
    if !is_code(code) {
        return Err(StandingsError::NoSuchLink);
    }
    let row = sqlx::query_as!(
        TeaserRow,
        "SELECT l.submission_id, s.title, s.backdrop_rgb, s.subject_rgb
           FROM share_links l JOIN submissions s ON s.id = l.submission_id
          WHERE l.code = $1 AND s.retired_at IS NULL",
        code,
    )
    .fetch_optional(pool)
    .await?
    .ok_or(StandingsError::NoSuchLink)?;
    let colour = |rgb: i32| Rgb(u32::try_from(rgb).unwrap_or(0));
    Ok(ShareTeaser {
        code: code.to_owned(),
        picture_id: row.submission_id,
        title: row.title,
        placeholder_css: placeholder_css(colour(row.backdrop_rgb), colour(row.subject_rgb)),
        site_url: String::new(),
    })
}

/// Follows a link for `visitor`: counts the share (once per visitor and picture) and puts the
/// picture in front of them: at once if they are `new` (their cookie was made by this link's
/// cookie check, so they have seen nothing yet), else next.
pub async fn follow(
    pool: &PgPool,
    visitor: VoterId,
    code: &str,
    new: bool,
) -> Result<ShareTeaser, StandingsError> {
    let teaser = teaser(pool, code).await?;
    sqlx::query!(
        "WITH visit AS (
             INSERT INTO share_visits (submission_id, visitor_id, code)
             SELECT l.submission_id, $2, l.code FROM share_links l
              WHERE l.code = $1 AND l.shared_by <> $2
             ON CONFLICT (submission_id, visitor_id) DO NOTHING
             RETURNING submission_id
         )
         INSERT INTO picture_reach (submission_id, shares)
         SELECT submission_id, 1 FROM visit
         ON CONFLICT (submission_id) DO UPDATE SET shares = picture_reach.shares + 1",
        code,
        visitor.0,
    )
    .execute(pool)
    .await?;
    let picture = SubmissionId(teaser.picture_id);
    let asked = if new {
        next_up::request_first(pool, visitor, picture).await
    } else {
        next_up::request(pool, visitor, picture).await
    };
    match asked {
        Ok(()) => Ok(teaser),
        Err(NextUpError::NoSuchPicture) => Err(StandingsError::NoSuchLink),
        Err(NextUpError::Database(error)) => Err(error.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_sixteen_url_safe_characters() {
        for _ in 0..100 {
            let code = new_code();
            assert!(is_code(&code), "{code}");
        }
        for bad in ["", "short", "0123456789abcdef0", "0123456789abcde!", "0123456789abcde/"] {
            assert!(!is_code(bad), "{bad}");
        }
    }
}
