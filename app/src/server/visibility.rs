//! The site's rule, in the one place every list of pictures takes it from: a picture's image and
//! score are shown only to its owner and to the voters who rated it. A query selects
//! [`may_see`] as `visible` next to the tile's columns, and [`TileRow::into_tile`] makes the
//! tile, locked unless visible.

use super::votes::view::PictureColumns;
use crate::{
    standings::pictures::Rank,
    tiles::PictureTile,
    votes::{Rgb, SubmissionId},
};

/// SQL that is true when the voter `viewer` (an SQL expression) may see the picture row
/// `picture` (an alias of `submissions`): its owner, or one of its voters. One probe of the
/// votes' primary key per picture.
pub(crate) fn may_see(viewer: &str, picture: &str) -> String {
    format!(
        "({picture}.submitted_by IS NOT DISTINCT FROM {viewer} OR EXISTS (SELECT 1 FROM votes seen \
          WHERE seen.voter_id = {viewer} AND seen.submission_id = {picture}.id))"
    )
}

/// Whether `voter` may see picture `picture` (its owner or one of its voters); `None` when the
/// picture is not in play (deleted, retired, or held for moderation).
pub(crate) async fn seen_by(
    pool: &sqlx::PgPool,
    voter: crate::server::voter::VoterId,
    picture: SubmissionId,
) -> Result<Option<bool>, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT s.submitted_by IS NOT DISTINCT FROM $1
                  OR EXISTS (SELECT 1 FROM votes r WHERE r.voter_id = $1 AND r.submission_id = s.id)
                  AS "seen!"
           FROM submissions s WHERE s.id = $2 AND s.retired_at IS NULL AND s.held_at IS NULL"#,
        voter.0,
        picture.0,
    )
    .fetch_optional(pool)
    .await
}

/// A picture in a list, as queried: its columns, its tally, and [`may_see`] as `visible`.
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct TileRow {
    pub id: i64,
    pub title: String,
    pub image_key: String,
    pub backdrop_rgb: i32,
    pub subject_rgb: i32,
    pub vote_count: i64,
    pub rating_sum: i64,
    pub visible: bool,
    /// Its rank, when the query selects it (`rank`, `ranked_of`, `trend`).
    #[sqlx(default)]
    pub rank: Option<i32>,
    #[sqlx(default)]
    pub ranked_of: Option<i64>,
    #[sqlx(default)]
    pub trend: Option<i32>,
}

impl TileRow {
    pub(crate) fn into_tile(self) -> Option<PictureTile> {
        let colour = |rgb: i32| u32::try_from(rgb).ok().map(Rgb);
        if !self.visible {
            return Some(PictureTile::Locked {
                id: SubmissionId(self.id),
                title: self.title,
                backdrop: colour(self.backdrop_rgb)?,
                subject: colour(self.subject_rgb)?,
            });
        }
        let picture = PictureColumns {
            id: Some(self.id),
            title: Some(self.title),
            image_key: Some(self.image_key),
            backdrop: Some(self.backdrop_rgb),
            subject: Some(self.subject_rgb),
        }
        .into_picture()?;
        let rank = match (self.rank, self.ranked_of) {
            (Some(position), Some(of)) => {
                Some(Rank { position: position.into(), of, trend: self.trend.map(i64::from) })
            }
            _ => None,
        };
        Some(PictureTile::Revealed {
            picture,
            vote_count: self.vote_count,
            average: crate::standings::mean(self.vote_count, self.rating_sum),
            rank,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(visible: bool) -> TileRow {
        TileRow {
            id: 7,
            title: "Sir Blep".into(),
            image_key: "0123456789abcdef0123456789abcdef".into(),
            backdrop_rgb: 0x102030,
            subject_rgb: 0x405060,
            vote_count: 4,
            rating_sum: 30,
            visible,
            rank: Some(3),
            ranked_of: Some(9),
            trend: None,
        }
    }

    #[test]
    fn a_locked_tile_carries_neither_image_nor_score() {
        let locked = row(false).into_tile().unwrap();
        assert!(matches!(&locked, PictureTile::Locked { title, .. } if title == "Sir Blep"));
        let text = format!("{locked:?}");
        assert!(!text.contains("0123456789abcdef") && !text.contains("7.5"), "{text}");
        assert!(!text.contains("position"), "a locked tile shows no rank: {text}");
        let revealed = row(true).into_tile().unwrap();
        assert!(
            matches!(revealed, PictureTile::Revealed { vote_count: 4, average: Some(a), rank: Some(Rank { position: 3, of: 9, .. }), .. } if a == 7.5)
        );
    }
}
