//! Logged-in sessions, kept in PostgreSQL so that any server instance can serve any user.

use super::{UserId, secrets};
use crate::server::voter::VoterId;
use sqlx::{PgExecutor, PgPool};
use std::time::Duration;

/// The account behind a request, put in its extensions by the identifying middleware.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedInUser {
    pub user_id: UserId,
    pub voter_id: VoterId,
    pub username: String,
    pub display_name: String,
    pub email_verified: bool,
    /// May see the admin pages (`ratemyderp admin grant`); read with the session, so a grant or
    /// a revoke takes effect at the next request.
    pub is_admin: bool,
    /// The session's token hash: logging out deletes exactly this session.
    pub session: [u8; 32],
}

/// Starts a session for `user`; answers the token for the cookie.
pub async fn create(
    executor: impl PgExecutor<'_>,
    user: UserId,
    lifetime: Duration,
) -> Result<String, sqlx::Error> {
    let token = secrets::new_token();
    let seconds = f64::from(u32::try_from(lifetime.as_secs()).unwrap_or(u32::MAX));
    let hash = secrets::token_hash(&token);
    sqlx::query!(
        "INSERT INTO sessions (token_hash, user_id, expires_at)
         VALUES ($1, $2, now() + make_interval(secs => $3))",
        hash.as_slice(),
        user.0,
        seconds,
    )
    .execute(executor)
    .await?;
    Ok(token)
}

/// The user a session token belongs to, if the session exists and has not expired.
pub async fn find(pool: &PgPool, token: &str) -> Result<Option<SignedInUser>, sqlx::Error> {
    if !secrets::is_plausible_token(token) {
        return Ok(None);
    }
    let hash = secrets::token_hash(token);
    let row = sqlx::query!(
        r#"SELECT u.id AS "user_id: UserId", u.voter_id AS "voter_id: VoterId", u.username,
                  u.display_name, u.email_verified_at IS NOT NULL AS "email_verified!", u.is_admin
           FROM sessions s JOIN users u ON u.id = s.user_id
           WHERE s.token_hash = $1 AND s.expires_at > now()"#,
        hash.as_slice(),
    )
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|row| SignedInUser {
        user_id: row.user_id,
        voter_id: row.voter_id,
        username: row.username,
        display_name: row.display_name,
        email_verified: row.email_verified,
        is_admin: row.is_admin,
        session: hash,
    }))
}

pub async fn delete(executor: impl PgExecutor<'_>, session: &[u8; 32]) -> Result<(), sqlx::Error> {
    sqlx::query!("DELETE FROM sessions WHERE token_hash = $1", session.as_slice())
        .execute(executor)
        .await?;
    Ok(())
}

/// Ends every session of `user` except `keep` (used after a password change or reset).
pub async fn delete_others(
    executor: impl PgExecutor<'_>,
    user: UserId,
    keep: Option<&[u8; 32]>,
) -> Result<u64, sqlx::Error> {
    let done = sqlx::query!(
        "DELETE FROM sessions WHERE user_id = $1 AND ($2::bytea IS NULL OR token_hash <> $2)",
        user.0,
        keep.map(<[u8; 32]>::as_slice),
    )
    .execute(executor)
    .await?;
    Ok(done.rows_affected())
}
