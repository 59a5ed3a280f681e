//! Public profiles.

use super::AccountError;
use crate::{
    accounts::Profile,
    server::{
        visibility::{TileRow, may_see},
        voter::VoterId,
    },
};
use sqlx::PgPool;

/// Pictures listed on a profile, newest first.
const PROFILE_PICTURES: i64 = 60;

struct ProfileRow {
    username: String,
    display_name: String,
    bio: String,
    member_since: String,
    ratings_cast: i32,
    hide_ratings_count: bool,
    voter_id: VoterId,
}

struct ProfileTotals {
    submission_count: i64,
    received_votes: i64,
    received_sum: i64,
}

/// The profile of `username` as `viewer` sees it: pictures they may not see are locked tiles.
pub async fn load(pool: &PgPool, username: &str, viewer: VoterId) -> Result<Profile, AccountError> {
    let row = sqlx::query_as!(
        ProfileRow,
        r#"SELECT u.username, u.display_name, u.bio,
                  to_char(u.created_at, 'YYYY-MM-DD') AS "member_since!",
                  v.votes_cast AS ratings_cast, u.hide_ratings_count,
                  u.voter_id AS "voter_id: VoterId"
           FROM users u JOIN voters v ON v.id = u.voter_id
           WHERE lower(u.username) = lower($1)"#,
        username,
    )
    .fetch_optional(pool)
    .await?
    .ok_or(AccountError::NoSuchProfile)?;
    // Composed at run time: the visibility rule is one SQL fragment shared by every list.
    let rows: Vec<TileRow> = sqlx::query_as(&format!(
        "SELECT s.id, s.title, s.image_key, s.backdrop_rgb, s.subject_rgb, t.vote_count, t.rating_sum,
                {} AS visible, p.rank, site.pictures AS ranked_of,
                (SELECT h.rank - p.rank FROM rank_history h
                  WHERE h.submission_id = s.id AND h.day <= current_date - 7
                  ORDER BY h.day DESC LIMIT 1) AS trend
         FROM submissions s JOIN tallies t ON t.submission_id = s.id
         LEFT JOIN picture_standings p ON p.submission_id = s.id
         LEFT JOIN site_standings site ON p.rank IS NOT NULL
         WHERE s.submitted_by = $1 AND s.retired_at IS NULL
         ORDER BY s.created_at DESC, s.id DESC LIMIT $2",
        may_see("$3", "s")
    ))
    .bind(row.voter_id)
    .bind(PROFILE_PICTURES)
    .bind(viewer)
    .fetch_all(pool)
    .await?;
    let totals = sqlx::query_as!(
        ProfileTotals,
        r#"SELECT count(*) AS "submission_count!",
                  coalesce(sum(t.vote_count), 0)::bigint AS "received_votes!",
                  coalesce(sum(t.rating_sum), 0)::bigint AS "received_sum!"
           FROM submissions s JOIN tallies t ON t.submission_id = s.id WHERE s.submitted_by = $1"#,
        row.voter_id.0,
    )
    .fetch_one(pool)
    .await?;
    let submissions = rows.into_iter().filter_map(TileRow::into_tile).collect();
    Ok(Profile {
        username: row.username,
        display_name: row.display_name,
        bio: row.bio,
        member_since: row.member_since,
        ratings_cast: (!row.hide_ratings_count).then_some(i64::from(row.ratings_cast)),
        submission_count: totals.submission_count,
        submissions,
        average_received: crate::standings::mean(totals.received_votes, totals.received_sum),
    })
}
