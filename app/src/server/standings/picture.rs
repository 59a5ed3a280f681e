//! A picture's page: the picture and every number about it for its owner and its voters, a
//! locked tile for everybody else.

use super::{StandingsError, site_numbers};
use crate::{
    server::{visibility::TileRow, voter::VoterId},
    standings::{
        self, Histogram, RATINGS, VoteWeights,
        pictures::{Owner, PicturePage, PictureStats, Rank, RankPoint, RetirementNotice},
    },
    votes::SubmissionId,
};
use sqlx::PgPool;

/// Days of rank history a page charts.
const HISTORY_DAYS: i32 = 90;

struct PictureRow {
    id: i64,
    title: String,
    image_key: String,
    backdrop_rgb: i32,
    subject_rgb: i32,
    retired: bool,
    uploaded_on: String,
    is_owner: bool,
    your_rating: Option<i16>,
    vote_count: i64,
    rating_sum: i64,
    histogram: Vec<i32>,
    username: Option<String>,
    display_name: Option<String>,
    rank: Option<i32>,
    ranked_of: Option<i64>,
    percentile: Option<f64>,
    ranked_score: Option<f64>,
    ranked_lower_bound: Option<f64>,
    trend: Option<i32>,
    views: i64,
    shares: i64,
}

/// The histogram as stored (ten `integer`s) or empty if it is not.
pub(crate) fn histogram_of(counts: &[i32]) -> Histogram {
    let mut histogram = [0; RATINGS];
    for (slot, count) in histogram.iter_mut().zip(counts) {
        *slot = i64::from(*count);
    }
    Histogram(histogram)
}

/// The page of picture `id` as `viewer` sees it. A retired picture is its owner's alone.
pub async fn load_picture(
    pool: &PgPool,
    viewer: VoterId,
    id: SubmissionId,
) -> Result<PicturePage, StandingsError> {
    let row = sqlx::query_as!(
        PictureRow,
        r#"SELECT s.id, s.title, s.image_key, s.backdrop_rgb, s.subject_rgb,
                  s.retired_at IS NOT NULL AS "retired!",
                  to_char(s.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS "uploaded_on!",
                  s.submitted_by IS NOT DISTINCT FROM $2 AS "is_owner!",
                  (SELECT v.rating FROM votes v WHERE v.voter_id = $2 AND v.submission_id = s.id)
                      AS your_rating,
                  t.vote_count, t.rating_sum, t.histogram,
                  u.username AS "username?", u.display_name AS "display_name?",
                  p.rank AS "rank?", site.pictures AS "ranked_of?", p.percentile AS "percentile?",
                  p.score AS "ranked_score?", p.lower_bound AS "ranked_lower_bound?",
                  (SELECT h.rank - p.rank FROM rank_history h
                    WHERE h.submission_id = s.id AND h.day <= current_date - 7
                    ORDER BY h.day DESC LIMIT 1) AS trend,
                  coalesce(r.views, 0) AS "views!", coalesce(r.shares, 0) AS "shares!"
             FROM submissions s
             JOIN tallies t ON t.submission_id = s.id
             LEFT JOIN users u ON u.voter_id = s.submitted_by
             LEFT JOIN picture_standings p ON p.submission_id = s.id
             LEFT JOIN site_standings site ON p.rank IS NOT NULL
             LEFT JOIN picture_reach r ON r.submission_id = s.id
            WHERE s.id = $1"#,
        id.0,
        viewer.0,
    )
    .fetch_optional(pool)
    .await?
    .filter(|row| !row.retired || row.is_owner)
    .ok_or(StandingsError::NoSuchPicture)?;
    let visible = row.is_owner || row.your_rating.is_some();
    let stats = if visible { Some(stats(pool, &row).await?) } else { None };
    let retirement = if row.is_owner && row.retired { retirement(pool, id).await? } else { None };
    let tile = TileRow {
        id: row.id,
        title: row.title,
        image_key: row.image_key,
        backdrop_rgb: row.backdrop_rgb,
        subject_rgb: row.subject_rgb,
        vote_count: row.vote_count,
        rating_sum: row.rating_sum,
        visible,
        rank: row.rank,
        ranked_of: row.ranked_of,
        trend: row.trend,
    }
    .into_tile()
    .ok_or(StandingsError::NoSuchPicture)?;
    let owner = row
        .username
        .zip(row.display_name)
        .map(|(username, display_name)| Owner { username, display_name });
    Ok(PicturePage {
        tile,
        owner,
        uploaded_on: row.uploaded_on,
        stats,
        is_owner: row.is_owner,
        retirement,
        site_url: String::new(),
    })
}

async fn stats(pool: &PgPool, row: &PictureRow) -> Result<PictureStats, sqlx::Error> {
    let site = site_numbers(pool).await?;
    let histogram = histogram_of(&row.histogram);
    let (site_mean, prior_votes, weights) =
        site.as_ref().map_or((5.5, 1.0, VoteWeights::Equal), |site| {
            (site.site_mean, site.prior_votes, site.weights)
        });
    let history = sqlx::query_as!(
        RankPoint,
        r#"SELECT to_char(day, 'YYYY-MM-DD') AS "day!", rank::int8 AS "rank!",
                  pictures::int8 AS "of!"
             FROM rank_history
            WHERE submission_id = $1 AND day > current_date - $2::int4
            ORDER BY day"#,
        row.id,
        HISTORY_DAYS,
    )
    .fetch_all(pool)
    .await?;
    let rank = row.rank.zip(row.ranked_of).map(|(position, of)| Rank {
        position: position.into(),
        of,
        trend: row.trend.map(i64::from),
    });
    Ok(PictureStats {
        histogram,
        mean: standings::mean(row.vote_count, row.rating_sum),
        score: standings::shown_score(
            weights,
            row.ranked_score,
            standings::bayesian(row.vote_count, row.rating_sum, site_mean, prior_votes),
        ),
        lower_bound: standings::shown_score(
            weights,
            row.ranked_lower_bound,
            standings::lower_bound(&histogram),
        ),
        site,
        rank,
        percentile: row.percentile,
        views: row.views,
        shares: row.shares,
        virality: standings::virality(row.shares, row.views),
        votes_per_view: standings::votes_per_view(row.vote_count, row.views),
        history,
        your_rating: row.your_rating.and_then(|rating| u8::try_from(rating).ok()),
    })
}

/// Why a picture retired, if it did.
pub(crate) async fn retirement(
    pool: &PgPool,
    id: SubmissionId,
) -> Result<Option<RetirementNotice>, sqlx::Error> {
    sqlx::query_as!(
        RetirementNotice,
        r#"SELECT to_char(retired_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS "retired_on!",
                  to_char(delete_after AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS "deleted_on!",
                  lower_bound, percentile, views, votes
             FROM retirements WHERE submission_id = $1"#,
        id.0,
    )
    .fetch_optional(pool)
    .await
}
