//! Logging in and out.

use super::{AccountError, UserId, merge, password::Verdict, sessions, throttle};
use crate::{
    accounts::LOGIN_PASSWORD_MAX_BYTES,
    server::{AppState, voter::VoterId},
};
use std::net::IpAddr;

pub struct LoginAttempt<'a> {
    /// A username or an email address.
    pub identifier: &'a str,
    pub password: &'a str,
    pub address: IpAddr,
    /// The anonymous voter whose votes move to the account (none when the browser was
    /// already logged in, or sent no voter cookie).
    pub anonymous_voter: Option<VoterId>,
    /// The session the browser had, replaced by the new one.
    pub previous_session: Option<[u8; 32]>,
}

/// The account a login names, with what checking its password needs.
struct Account {
    id: UserId,
    voter_id: VoterId,
    password_hash: String,
}

/// Checks the credentials and starts a new session; answers its token. Missing accounts and
/// wrong passwords take the same path and the same time.
pub async fn login(state: &AppState, attempt: LoginAttempt<'_>) -> Result<String, AccountError> {
    let identifier = attempt.identifier.trim();
    if identifier.is_empty() || attempt.password.is_empty() {
        return Err(crate::accounts::FieldError::new(
            "Enter your username or email, and your password.",
        )
        .into());
    }
    let account = sqlx::query_as!(
        Account,
        r#"SELECT id AS "id: UserId", voter_id AS "voter_id: VoterId", password_hash FROM users
           WHERE lower(username) = lower($1) OR lower(email) = lower($1)
           ORDER BY lower(username) = lower($1) DESC LIMIT 1"#,
        identifier,
    )
    .fetch_optional(&state.pool)
    .await?;
    let account_key = match &account {
        Some(account) => account.id.to_string(),
        None => format!("?{}", identifier.to_lowercase().chars().take(254).collect::<String>()),
    };
    let keys = throttle::keys(attempt.address, &account_key);
    // Counted before hashing: a flood of guesses at once, or guesses whose clients hang up
    // while the hash runs, cost tries like any wrong password.
    if let Some(minutes) = throttle::count_attempt(&state.pool, &keys).await? {
        return Err(AccountError::Throttled(minutes));
    }
    let verdict = if attempt.password.len() > LOGIN_PASSWORD_MAX_BYTES {
        Verdict::Wrong
    } else {
        state
            .passwords
            .verify(
                attempt.password,
                account.as_ref().map(|account| account.password_hash.as_str()),
            )
            .await?
    };
    let Some(Account { id: user, voter_id: account_voter, .. }) =
        account.filter(|_| verdict != Verdict::Wrong)
    else {
        return Err(AccountError::WrongCredentials);
    };
    if verdict == Verdict::RightButWeak {
        let stronger = state.passwords.hash(attempt.password).await?;
        sqlx::query!("UPDATE users SET password_hash = $2 WHERE id = $1", user.0, stronger)
            .execute(&state.pool)
            .await?;
        tracing::info!(%user, "password hash upgraded to the current parameters");
    }
    throttle::forget(&state.pool, &keys).await?;

    let mut tx = state.pool.begin().await?;
    let moved = match attempt.anonymous_voter {
        Some(anonymous) => merge::move_votes(&mut tx, anonymous, account_voter).await?,
        None => 0,
    };
    if let Some(previous) = &attempt.previous_session {
        sessions::delete(&mut *tx, previous).await?;
    }
    let token = sessions::create(&mut *tx, user, state.accounts.session_lifetime).await?;
    tx.commit().await?;
    tracing::info!(%user, moved_votes = moved, "logged in");
    Ok(token)
}

/// Ends the session server-side.
pub async fn logout(state: &AppState, session: &[u8; 32]) -> Result<(), AccountError> {
    sessions::delete(&state.pool, session).await?;
    Ok(())
}
