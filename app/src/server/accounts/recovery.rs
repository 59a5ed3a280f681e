//! Following emailed links: confirming an address, resetting a forgotten password.

use super::{
    AccountError, UserId,
    links::{self, LinkPurpose, RedeemedLink},
    mailer::Message,
    password::check_new_password,
    sessions,
};
use crate::{accounts::Email, server::AppState};
use std::net::IpAddr;

/// Confirms the address a confirmation link was sent to (if it is still the account's).
pub async fn verify_email(state: &AppState, token: &str) -> Result<(), AccountError> {
    let mut tx = state.pool.begin().await?;
    let Some(RedeemedLink { user, sent_to: Some(email) }) =
        links::redeem(&mut *tx, LinkPurpose::VerifyEmail, token).await?
    else {
        return Err(AccountError::BadLink);
    };
    let confirmed = sqlx::query!(
        "UPDATE users SET email_verified_at = now() WHERE id = $1 AND lower(email) = lower($2)",
        user.0,
        email,
    )
    .execute(&mut *tx)
    .await?;
    if confirmed.rows_affected() == 0 {
        // The account changed its address since: this link confirms nothing any more.
        return Err(AccountError::BadLink);
    }
    tx.commit().await?;
    tracing::info!(%user, "email address confirmed");
    Ok(())
}

/// Emails a reset link when the address has an account. The caller answers at once and the
/// same way in both cases: the work happens in the background, after counting the request
/// against the client's and the inbox's limits (which does not depend on the account either).
pub async fn request_reset(
    state: &AppState,
    email: Email,
    client: IpAddr,
) -> Result<(), AccountError> {
    state.accounts.email_limits.count_reset(&state.pool, client, &email).await?;
    let state = state.clone();
    tokio::spawn(async move {
        if let Err(error) = send_reset_link(&state, &email).await {
            tracing::error!(error = %crate::server::ErrorChain(&error), "could not send a reset link");
        }
    });
    Ok(())
}

async fn send_reset_link(state: &AppState, email: &Email) -> Result<(), AccountError> {
    let account = sqlx::query!(
        r#"SELECT id AS "id: UserId", username, email FROM users WHERE lower(email) = lower($1)"#,
        email.as_str(),
    )
    .fetch_optional(&state.pool)
    .await?;
    let Some(account) = account else {
        return Ok(());
    };
    let (user, username, address) = (account.id, account.username, account.email);
    // The link names the address it goes to: following it proves that address, and no other.
    let token =
        links::issue(&state.pool, user, LinkPurpose::ResetPassword, Some(address.as_str())).await?;
    let link = state.accounts.link("/reset-password", Some(&token));
    state.mailer.send(Message {
        to: address,
        subject: "Reset your RateMyDerp password".to_owned(),
        body: format!(
            "Hi {username},\n\nChoose a new password by opening the link below (it works once, for an hour):\n\n{link}\n\nIf you didn't ask for this, ignore this email: your password stays as it is.\n"
        ),
        link: Some(link),
    });
    Ok(())
}

/// Sets a new password through a reset link, and ends every session of the account.
pub async fn reset_password(
    state: &AppState,
    token: &str,
    new_password: &str,
) -> Result<(), AccountError> {
    // A bad new password leaves the link usable.
    check_new_password(new_password)?;
    let hash = state.passwords.hash(new_password).await?;
    let mut tx = state.pool.begin().await?;
    let Some(RedeemedLink { user, sent_to }) =
        links::redeem(&mut *tx, LinkPurpose::ResetPassword, token).await?
    else {
        return Err(AccountError::BadLink);
    };
    // The link reached the inbox it was sent to, which confirms that address, if it is still
    // the account's (changing the address ends reset links, but links issued before this rule
    // name no address and confirm nothing).
    sqlx::query!(
        "UPDATE users SET password_hash = $2,
             email_verified_at = CASE WHEN lower(email) = lower($3)
                                      THEN coalesce(email_verified_at, now())
                                      ELSE email_verified_at END
         WHERE id = $1",
        user.0,
        &hash,
        sent_to,
    )
    .execute(&mut *tx)
    .await?;
    let ended = sessions::delete_others(&mut *tx, user, None).await?;
    tx.commit().await?;
    tracing::info!(%user, ended_sessions = ended, "password reset");
    Ok(())
}
