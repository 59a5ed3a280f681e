//! Signing up. The answer is the same whether or not the email address already has an account:
//! the address's owner learns which by email.

use super::{
    AccountError, UserId,
    links::{self, LinkPurpose},
    mailer::Message,
    password::check_new_password,
    violated_constraint,
};
use crate::{
    accounts::{Email, Username},
    server::{AppState, voter::VoterId},
};
use std::net::IpAddr;

pub struct Registration {
    pub username: Username,
    pub email: Email,
    pub password: String,
}

impl Registration {
    /// Checks the form; the first problem found is the answer.
    pub fn parse(username: &str, email: &str, password: &str) -> Result<Self, AccountError> {
        let username = Username::parse(username)?;
        let email = Email::parse(email)?;
        check_new_password(password)?;
        Ok(Self { username, email, password: password.to_owned() })
    }
}

/// Creates the account and emails a confirmation link, or, when the address already has an
/// account, emails its owner about it instead.
pub async fn register(
    state: &AppState,
    form: Registration,
    client: IpAddr,
) -> Result<(), AccountError> {
    state.accounts.email_limits.count_sign_up(&state.pool, client, &form.email).await?;
    // Hashed either way, so that both cases take the same time.
    let hash = state.passwords.hash(&form.password).await?;
    let mut tx = state.pool.begin().await?;
    let taken = sqlx::query!(
        r#"SELECT bool_or(lower(username) = lower($1)) AS "username!",
                  bool_or(lower(email) = lower($2)) AS "email!"
           FROM users WHERE lower(username) = lower($1) OR lower(email) = lower($2)
           HAVING count(*) > 0"#,
        form.username.as_str(),
        form.email.as_str(),
    )
    .fetch_optional(&mut *tx)
    .await?
    .map(|taken| (taken.username, taken.email));
    match taken {
        // Usernames are public (profiles show them), so saying one is taken reveals nothing.
        Some((true, _)) => return Err(AccountError::UsernameTaken),
        Some((false, true)) => {
            tx.rollback().await?;
            state.mailer.send(already_registered(state, &form.email));
            return Ok(());
        }
        _ => {}
    }
    let voter = VoterId::random();
    sqlx::query!("INSERT INTO voters (id) VALUES ($1)", voter.0).execute(&mut *tx).await?;
    let inserted = sqlx::query_scalar!(
        r#"INSERT INTO users (voter_id, username, email, password_hash, display_name)
           VALUES ($1, $2, $3, $4, $2) RETURNING id AS "id: UserId""#,
        voter.0,
        form.username.as_str(),
        form.email.as_str(),
        &hash,
    )
    .fetch_one(&mut *tx)
    .await;
    let user: UserId = match inserted {
        Ok(id) => id,
        // Somebody else took the name or the address a moment ago.
        Err(error) => {
            return match violated_constraint(&error) {
                Some("users_username") => Err(AccountError::UsernameTaken),
                Some("users_email") => Ok(()),
                _ => Err(error.into()),
            };
        }
    };
    let token =
        links::issue(&mut *tx, user, LinkPurpose::VerifyEmail, Some(form.email.as_str())).await?;
    tx.commit().await?;
    tracing::info!(%user, "account registered");
    state.mailer.send(confirm_address(state, &form.email, &form.username, &token));
    Ok(())
}

pub fn confirm_address(state: &AppState, to: &Email, username: &Username, token: &str) -> Message {
    let link = state.accounts.link("/verify-email", Some(token));
    Message {
        to: to.to_string(),
        subject: "Confirm your email address for RateMyDerp".to_owned(),
        body: format!(
            "Hi {username},\n\nConfirm this address by opening the link below (it works once, for an hour):\n\n{link}\n\nIf you didn't sign up for RateMyDerp, ignore this email.\n"
        ),
        link: Some(link),
    }
}

fn already_registered(state: &AppState, to: &Email) -> Message {
    let login = state.accounts.link("/login", None);
    let reset = state.accounts.link("/forgot-password", None);
    Message {
        to: to.to_string(),
        subject: "You already have a RateMyDerp account".to_owned(),
        body: format!(
            "Someone (hopefully you) tried to sign up to RateMyDerp with this address, but it already has an account.\n\nLog in: {login}\nForgot your password? {reset}\n\nIf it wasn't you, ignore this email: nothing has changed.\n"
        ),
        link: Some(login),
    }
}
