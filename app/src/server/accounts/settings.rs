//! The settings page's changes. Each takes the signed-in user; the sensitive ones also need the
//! current password.

use super::{
    AccountError, UserId,
    links::{self, LinkPurpose},
    password::{Verdict, check_new_password},
    register::confirm_address,
    sessions::{self, SignedInUser},
};
use crate::{
    accounts::{AccountSettings, Email, Username, parse_bio, parse_display_name},
    server::AppState,
};

pub async fn load(state: &AppState, user: UserId) -> Result<AccountSettings, AccountError> {
    sqlx::query_as!(
        AccountSettings,
        r#"SELECT username, email, email_verified_at IS NOT NULL AS "email_verified!",
                  display_name, bio, hide_ratings_count
           FROM users WHERE id = $1"#,
        user.0,
    )
    .fetch_optional(&state.pool)
    .await?
    .ok_or(AccountError::SignInRequired)
}

pub async fn update_profile(
    state: &AppState,
    user: UserId,
    display_name: &str,
    bio: &str,
    hide_ratings_count: bool,
) -> Result<(), AccountError> {
    let display_name = parse_display_name(display_name)?;
    let bio = parse_bio(bio)?;
    sqlx::query!(
        "UPDATE users SET display_name = $2, bio = $3, hide_ratings_count = $4 WHERE id = $1",
        user.0,
        display_name,
        bio,
        hide_ratings_count,
    )
    .execute(&state.pool)
    .await?;
    Ok(())
}

/// Refuses unless `password` is the user's current one.
async fn confirm_password(
    state: &AppState,
    user: UserId,
    password: &str,
) -> Result<(), AccountError> {
    let stored = sqlx::query_scalar!("SELECT password_hash FROM users WHERE id = $1", user.0)
        .fetch_optional(&state.pool)
        .await?;
    match state.passwords.verify(password, stored.as_deref()).await? {
        Verdict::Wrong => Err(AccountError::WrongCurrentPassword),
        Verdict::Right | Verdict::RightButWeak => Ok(()),
    }
}

/// Sets a new password and ends the user's other sessions.
pub async fn change_password(
    state: &AppState,
    user: &SignedInUser,
    current: &str,
    new: &str,
) -> Result<(), AccountError> {
    check_new_password(new)?;
    confirm_password(state, user.user_id, current).await?;
    let hash = state.passwords.hash(new).await?;
    let mut tx = state.pool.begin().await?;
    sqlx::query!("UPDATE users SET password_hash = $2 WHERE id = $1", user.user_id.0, hash)
        .execute(&mut *tx)
        .await?;
    sessions::delete_others(&mut *tx, user.user_id, Some(&user.session)).await?;
    tx.commit().await?;
    Ok(())
}

/// Changes the address, which then needs confirming again. An address that belongs to another
/// account is not taken, and the answer does not say so: that account's owner is told by email.
pub async fn change_email(
    state: &AppState,
    user: &SignedInUser,
    new_email: &str,
    password: &str,
) -> Result<(), AccountError> {
    let email = Email::parse(new_email)?;
    confirm_password(state, user.user_id, password).await?;
    let mut tx = state.pool.begin().await?;
    let changed = sqlx::query!(
        "UPDATE users SET email = $2, email_verified_at = NULL
         WHERE id = $1 AND lower(email) <> lower($2)
           AND NOT EXISTS (SELECT 1 FROM users o WHERE lower(o.email) = lower($2) AND o.id <> $1)",
        user.user_id.0,
        email.as_str(),
    )
    .execute(&mut *tx)
    .await;
    let changed = match changed {
        Ok(done) => done.rows_affected() > 0,
        Err(error) if super::violated_constraint(&error) == Some("users_email") => false,
        Err(error) => return Err(error.into()),
    };
    if !changed {
        return Ok(());
    }
    // A reset link sent to the old address must not reach the account any more.
    links::revoke(&mut *tx, user.user_id, LinkPurpose::ResetPassword).await?;
    let token =
        links::issue(&mut *tx, user.user_id, LinkPurpose::VerifyEmail, Some(email.as_str()))
            .await?;
    tx.commit().await?;
    let username = Username::parse(&user.username)?;
    state.mailer.send(confirm_address(state, &email, &username, &token));
    Ok(())
}

/// Confirmation links sent on request per window, per account.
const RESENDS_PER_WINDOW: i64 = 3;
const RESEND_WINDOW_MINUTES: i32 = 15;

/// Sends the confirmation link again, to the account's current address, if it is not confirmed
/// yet. A few per quarter hour: the address is the user's own, but its inbox is not a toy.
pub async fn resend_confirmation(
    state: &AppState,
    user: &SignedInUser,
) -> Result<(), AccountError> {
    let pending = sqlx::query!(
        r#"SELECT u.email,
                  (SELECT count(*) FROM account_tokens t
                    WHERE t.user_id = u.id AND t.purpose = 'verify_email'
                      AND t.created_at > now() - make_interval(mins => $2)) AS "recent_links!"
             FROM users u WHERE u.id = $1 AND u.email_verified_at IS NULL"#,
        user.user_id.0,
        RESEND_WINDOW_MINUTES,
    )
    .fetch_optional(&state.pool)
    .await?;
    let Some(pending) = pending else {
        return Ok(());
    };
    let (address, recent) = (pending.email, pending.recent_links);
    if recent >= RESENDS_PER_WINDOW {
        return Err(AccountError::Throttled(RESEND_WINDOW_MINUTES.into()));
    }
    let email = Email::parse(&address)?;
    let token =
        links::issue(&state.pool, user.user_id, LinkPurpose::VerifyEmail, Some(email.as_str()))
            .await?;
    let username = Username::parse(&user.username)?;
    state.mailer.send(confirm_address(state, &email, &username, &token));
    Ok(())
}

/// Deletes the account and its pictures. Its votes stay counted, under its voter, which no
/// longer belongs to anybody.
pub async fn delete_account(
    state: &AppState,
    user: &SignedInUser,
    password: &str,
) -> Result<(), AccountError> {
    confirm_password(state, user.user_id, password).await?;
    let mut tx = state.pool.begin().await?;
    let theirs = sqlx::query_scalar!(
        "SELECT id FROM submissions WHERE submitted_by = $1 FOR UPDATE",
        user.voter_id.0,
    )
    .fetch_all(&mut *tx)
    .await?;
    let removed = crate::server::moderation::pictures::delete(&mut tx, &theirs).await?;
    sqlx::query!("DELETE FROM users WHERE id = $1", user.user_id.0).execute(&mut *tx).await?;
    tx.commit().await?;
    tracing::info!(user = %user.user_id, pictures = removed.len(), "account deleted");
    Ok(())
}
