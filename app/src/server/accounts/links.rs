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
    let hash = secrets::token_hash(&token);
    sqlx::query!(
        "INSERT INTO account_tokens (token_hash, user_id, purpose, email, expires_at)
         VALUES ($1, $2, $3, $4, now() + make_interval(mins => $5))",
        hash.as_slice(),
        user.0,
        purpose.as_str(),
        email,
        LINK_LIFETIME_MINUTES,
    )
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
    let ended = sqlx::query!(
        "UPDATE account_tokens SET used_at = now()
         WHERE user_id = $1 AND purpose = $2 AND used_at IS NULL",
        user.0,
        purpose.as_str(),
    )
    .execute(executor)
    .await?;
    Ok(ended.rows_affected())
}

/// A link that was just used up.
#[derive(Debug)]
pub struct RedeemedLink {
    pub user: UserId,
    /// The address the link was sent to (links from before addresses were recorded name none).
    pub sent_to: Option<String>,
}

/// Uses up a link: answers its user (and the address it confirms) once, if it is unused and
/// unexpired. Marking it used is one statement, so two clicks at once cannot both succeed.
pub async fn redeem(
    executor: impl PgExecutor<'_>,
    purpose: LinkPurpose,
    token: &str,
) -> Result<Option<RedeemedLink>, sqlx::Error> {
    if !secrets::is_plausible_token(token) {
        return Ok(None);
    }
    let hash = secrets::token_hash(token);
    sqlx::query_as!(
        RedeemedLink,
        r#"UPDATE account_tokens SET used_at = now()
           WHERE token_hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > now()
           RETURNING user_id AS "user: UserId", email AS sent_to"#,
        hash.as_slice(),
        purpose.as_str(),
    )
    .fetch_optional(executor)
    .await
}
