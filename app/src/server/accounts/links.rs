//! One-time links sent by email: address confirmation and password reset.

use super::{UserId, secrets};
use sqlx::PgExecutor;

/// Emailed links work for an hour.
pub const LINK_LIFETIME_MINUTES: i32 = 60;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkPurpose {
    VerifyEmail,
    ResetPassword,
}

impl LinkPurpose {
    fn as_str(self) -> &'static str {
        match self {
            Self::VerifyEmail => "verify_email",
            Self::ResetPassword => "reset_password",
        }
    }
}

/// Records a new link for `user` and answers its token (only the hash is stored).
pub async fn issue(
    executor: impl PgExecutor<'_>,
    user: UserId,
    purpose: LinkPurpose,
    email: Option<&str>,
) -> Result<String, sqlx::Error> {
    let token = secrets::new_token();
    sqlx::query(
        "INSERT INTO account_tokens (token_hash, user_id, purpose, email, expires_at)
         VALUES ($1, $2, $3, $4, now() + make_interval(mins => $5))",
    )
    .bind(secrets::token_hash(&token).as_slice())
    .bind(user)
    .bind(purpose.as_str())
    .bind(email)
    .bind(LINK_LIFETIME_MINUTES)
    .execute(executor)
    .await?;
    Ok(token)
}

/// Ends every unused link of `purpose` that `user` has been sent.
pub async fn revoke(
    executor: impl PgExecutor<'_>,
    user: UserId,
    purpose: LinkPurpose,
) -> Result<u64, sqlx::Error> {
    let ended = sqlx::query(
        "UPDATE account_tokens SET used_at = now()
         WHERE user_id = $1 AND purpose = $2 AND used_at IS NULL",
    )
    .bind(user)
    .bind(purpose.as_str())
    .execute(executor)
    .await?;
    Ok(ended.rows_affected())
}

/// Uses up a link: answers its user (and the address it confirms) once, if it is unused and
/// unexpired. Marking it used is one statement, so two clicks at once cannot both succeed.
pub async fn redeem(
    executor: impl PgExecutor<'_>,
    purpose: LinkPurpose,
    token: &str,
) -> Result<Option<(UserId, Option<String>)>, sqlx::Error> {
    if !secrets::is_plausible_token(token) {
        return Ok(None);
    }
    sqlx::query_as(
        "UPDATE account_tokens SET used_at = now()
         WHERE token_hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > now()
         RETURNING user_id, email",
    )
    .bind(secrets::token_hash(token).as_slice())
    .bind(purpose.as_str())
    .fetch_optional(executor)
    .await
}
