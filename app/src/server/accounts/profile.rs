//! Public profiles.

use super::AccountError;
use crate::{
    account::Profile,
    server::{
        visibility::{TileRow, average, may_see},
        voter::VoterId,
    },
};
use sqlx::PgPool;

/// Pictures listed on a profile, newest first.
const PROFILE_PICTURES: i64 = 60;

#[derive(sqlx::FromRow)]
struct ProfileRow {
    username: String,
    display_name: String,
    bio: String,
    member_since: String,
    ratings_cast: i32,
    hide_ratings_count: bool,
    voter_id: i64,
}

/// The profile of `username` as `viewer` sees it: pictures they may not see are locked tiles.
pub async fn load(pool: &PgPool, username: &str, viewer: VoterId) -> Result<Profile, AccountError> {
    let row: ProfileRow = sqlx::query_as(
        "SELECT u.username, u.display_name, u.bio, to_char(u.created_at, 'YYYY-MM-DD') AS member_since,
                v.votes_cast AS ratings_cast, u.hide_ratings_count, u.voter_id
         FROM users u JOIN voters v ON v.id = u.voter_id
         WHERE lower(u.username) = lower($1)",
    )
    .bind(username)
    .fetch_optional(pool)
    .await?
    .ok_or(AccountError::NoSuchProfile)?;
    let rows: Vec<TileRow> = sqlx::query_as(&format!(
        "SELECT s.id, s.title, s.image_key, s.backdrop_rgb, s.subject_rgb, t.vote_count, t.rating_sum,
                {} AS visible
         FROM submissions s JOIN tallies t ON t.submission_id = s.id
         WHERE s.submitted_by = $1 AND s.retired_at IS NULL
         ORDER BY s.created_at DESC, s.id DESC LIMIT $2",
        may_see("$3", "s")
    ))
    .bind(row.voter_id)
    .bind(PROFILE_PICTURES)
    .bind(viewer)
    .fetch_all(pool)
    .await?;
    let (submission_count, received_votes, received_sum): (i64, i64, i64) = sqlx::query_as(
        "SELECT count(*), coalesce(sum(t.vote_count), 0)::bigint, coalesce(sum(t.rating_sum), 0)::bigint
         FROM submissions s JOIN tallies t ON t.submission_id = s.id WHERE s.submitted_by = $1",
    )
    .bind(row.voter_id)
    .fetch_one(pool)
    .await?;
    let submissions = rows.into_iter().filter_map(TileRow::into_tile).collect();
    Ok(Profile {
        username: row.username,
        display_name: row.display_name,
        bio: row.bio,
        member_since: row.member_since,
        ratings_cast: (!row.hide_ratings_count).then_some(i64::from(row.ratings_cast)),
        submission_count,
        submissions,
        average_received: average(received_votes, received_sum),
    })
}
