//! "My pictures": every picture of the signed-in member, retired ones included, with how it
//! stands, in the order they choose.

use super::picture::histogram_of;
use crate::{
    server::{visibility::TileRow, voter::VoterId},
    standings::{
        self, VoteWeights,
        pictures::{MyPicture, MySort, RetirementNotice},
    },
};
use sqlx::PgPool;
use std::cmp::Reverse;

/// The most pictures listed (uploads are limited per day; this is years of them).
const MAX_LISTED: i64 = 1000;

struct MineRow {
    id: i64,
    title: String,
    image_key: String,
    backdrop_rgb: i32,
    subject_rgb: i32,
    uploaded_on: String,
    vote_count: i64,
    rating_sum: i64,
    histogram: Vec<i32>,
    rank: Option<i32>,
    ranked_of: Option<i64>,
    ranked_lower_bound: Option<f64>,
    trust_full_after: Option<i32>,
    trend: Option<i32>,
    views: i64,
    shares: i64,
    retired_on: Option<String>,
    deleted_on: Option<String>,
    retired_lower_bound: Option<f64>,
    retired_percentile: Option<f64>,
    retired_views: Option<i64>,
    retired_votes: Option<i64>,
}

impl MineRow {
    fn into_picture(self) -> Option<MyPicture> {
        let retirement = match (self.retired_on, self.deleted_on) {
            (Some(retired_on), Some(deleted_on)) => Some(RetirementNotice {
                retired_on,
                deleted_on,
                lower_bound: self.retired_lower_bound.unwrap_or_default(),
                percentile: self.retired_percentile.unwrap_or_default(),
                views: self.retired_views.unwrap_or_default(),
                votes: self.retired_votes.unwrap_or_default(),
            }),
            _ => None,
        };
        let histogram = histogram_of(&self.histogram);
        let tile = TileRow {
            id: self.id,
            title: self.title,
            image_key: self.image_key,
            backdrop_rgb: self.backdrop_rgb,
            subject_rgb: self.subject_rgb,
            vote_count: self.vote_count,
            rating_sum: self.rating_sum,
            visible: true,
            rank: self.rank,
            ranked_of: self.ranked_of,
            trend: self.trend,
        }
        .into_tile()?;
        let rank = match &tile {
            crate::tiles::PictureTile::Revealed { rank, .. } => *rank,
            crate::tiles::PictureTile::Locked { .. } => None,
        };
        Some(MyPicture {
            tile,
            uploaded_on: self.uploaded_on,
            votes: self.vote_count,
            mean: standings::mean(self.vote_count, self.rating_sum),
            lower_bound: standings::shown_score(
                VoteWeights::from_full_after(self.trust_full_after),
                self.ranked_lower_bound,
                standings::lower_bound(&histogram),
            ),
            rank,
            views: self.views,
            shares: self.shares,
            retirement,
        })
    }
}

/// The pictures `owner` uploaded, in `sort` order (unranked and retired ones last).
pub async fn my_pictures(
    pool: &PgPool,
    owner: VoterId,
    sort: MySort,
) -> Result<Vec<MyPicture>, sqlx::Error> {
    let rows = sqlx::query_as!(
        MineRow,
        r#"SELECT s.id, s.title, s.image_key, s.backdrop_rgb, s.subject_rgb,
                  to_char(s.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS "uploaded_on!",
                  t.vote_count, t.rating_sum, t.histogram,
                  p.rank AS "rank?", site.pictures AS "ranked_of?",
                  p.lower_bound AS "ranked_lower_bound?",
                  site.trust_full_after AS "trust_full_after?",
                  (SELECT h.rank - p.rank FROM rank_history h
                    WHERE h.submission_id = s.id AND h.day <= current_date - 7
                    ORDER BY h.day DESC LIMIT 1) AS trend,
                  coalesce(r.views, 0) AS "views!", coalesce(r.shares, 0) AS "shares!",
                  to_char(re.retired_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS retired_on,
                  to_char(re.delete_after AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS deleted_on,
                  re.lower_bound AS "retired_lower_bound?", re.percentile AS "retired_percentile?",
                  re.views AS "retired_views?", re.votes AS "retired_votes?"
             FROM submissions s
             JOIN tallies t ON t.submission_id = s.id
             LEFT JOIN picture_standings p ON p.submission_id = s.id
             LEFT JOIN site_standings site ON p.rank IS NOT NULL
             LEFT JOIN picture_reach r ON r.submission_id = s.id
             LEFT JOIN retirements re ON re.submission_id = s.id
            WHERE s.submitted_by = $1
            ORDER BY s.created_at DESC, s.id DESC
            LIMIT $2"#,
        owner.0,
        MAX_LISTED,
    )
    .fetch_all(pool)
    .await?;
    let mut pictures: Vec<MyPicture> = rows.into_iter().filter_map(MineRow::into_picture).collect();
    sort_pictures(&mut pictures, sort);
    Ok(pictures)
}

/// Sorts newest-first `pictures` by `sort`; the sort is stable, so ties stay newest first.
fn sort_pictures(pictures: &mut [MyPicture], sort: MySort) {
    let position = |p: &MyPicture| p.rank.map_or(i64::MAX, |rank| rank.position);
    match sort {
        MySort::Newest => {}
        MySort::Rank => pictures.sort_by_key(position),
        MySort::Views => pictures.sort_by_key(|p| Reverse(p.views)),
        MySort::Trend => pictures.sort_by_key(|p| {
            (Reverse(p.rank.and_then(|rank| rank.trend).unwrap_or(i64::MIN)), position(p))
        }),
    }
}
