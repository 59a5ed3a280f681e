//! Accounts over HTTP: sign-up, emailed links, login and sessions, the rules that keep them safe.

use crate::helpers::{TestApp, Visitor, json, spawn_app, spawn_app_with};
use reqwest::{StatusCode, header};
use std::time::Duration;

mod cycle;
mod links;
mod merges;
mod rules;
mod smtp;

pub(crate) const PASSWORD: &str = "derpy-horse-battery";

/// What a visitor does with accounts, as the hydrated page does it: forms posted to server
/// functions, emails read from the app's outbox.
impl TestApp {
    /// Posts a form to a server function as the hydrated page does.
    pub(crate) async fn post(
        &self,
        visitor: &mut Visitor,
        path: &str,
        form: &[(&str, &str)],
    ) -> reqwest::Response {
        let response = visitor
            .with_cookie(self.http.post(format!("{}{path}", self.address)))
            .header(header::ACCEPT, "application/json")
            .form(form)
            .send()
            .await
            .unwrap();
        visitor.remember(&response);
        response
    }

    /// The messages sent to `to`, oldest first, waiting a little for the background sender.
    pub(crate) async fn mails_to(&self, to: &str, at_least: usize) -> Vec<String> {
        for _ in 0..100 {
            let mut found: Vec<(String, String)> = std::fs::read_dir(&self.outbox)
                .map(|dir| {
                    dir.filter_map(Result::ok)
                        .filter_map(|e| {
                            Some((
                                e.file_name().to_string_lossy().into_owned(),
                                std::fs::read_to_string(e.path()).ok()?,
                            ))
                        })
                        .filter(|(_, text)| text.starts_with(&format!("To: {to}\r\n")))
                        .collect()
                })
                .unwrap_or_default();
            if found.len() >= at_least {
                found.sort_by_key(|(name, _)| {
                    name.split('-').next().and_then(|n| n.parse::<u128>().ok())
                });
                return found.into_iter().map(|(_, text)| text).collect();
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        Vec::new()
    }

    pub(crate) async fn sign_up(
        &self,
        visitor: &mut Visitor,
        username: &str,
        email: &str,
    ) -> reqwest::Response {
        let form = [("username", username), ("email", email), ("password", PASSWORD)];
        self.post(visitor, "/api/sign-up", &form).await
    }

    /// Sets a new password through a reset link.
    pub(crate) async fn reset_password(&self, token: &str, password: &str) -> reqwest::Response {
        let form = [("token", token), ("password", password)];
        self.post(&mut Visitor::new(), "/api/reset-password", &form).await
    }

    pub(crate) async fn log_in(
        &self,
        visitor: &mut Visitor,
        identifier: &str,
        password: &str,
    ) -> reqwest::Response {
        let form = [("identifier", identifier), ("password", password)];
        self.post(visitor, "/api/log-in", &form).await
    }

    /// Who the app says is logged in, as JSON.
    pub(crate) async fn who(&self, visitor: &mut Visitor) -> serde_json::Value {
        json(self.post(visitor, "/api/me", &[]).await).await.1
    }

    /// A browser logged in to a new account `username` (`username@example.com`, unconfirmed).
    pub(crate) async fn signed_in(&self, username: &str) -> Visitor {
        let mut visitor = Visitor::new();
        self.sign_up(&mut visitor, username, &format!("{username}@example.com")).await;
        self.log_in(&mut visitor, username, PASSWORD).await;
        visitor
    }

    /// A member: signed up, confirmed through the emailed link, and logged in.
    pub(crate) async fn member(&self, username: &str) -> Visitor {
        let mut visitor = self.signed_in(username).await;
        let email = format!("{username}@example.com");
        let token = token_in(&link_in(&self.mails_to(&email, 1).await[0]));
        self.post(&mut visitor, "/api/confirm-email", &[("token", &token)]).await;
        visitor
    }
}

/// What the database holds of accounts, for checking what requests did.
impl TestApp {
    pub(crate) async fn account_count(&self) -> i64 {
        sqlx::query_scalar!(r#"SELECT count(*) AS "accounts!" FROM users"#)
            .fetch_one(&self.pool)
            .await
            .unwrap()
    }

    pub(crate) async fn session_count(&self) -> i64 {
        sqlx::query_scalar!(r#"SELECT count(*) AS "sessions!" FROM sessions"#)
            .fetch_one(&self.pool)
            .await
            .unwrap()
    }

    /// Whether `username`'s address is confirmed.
    pub(crate) async fn email_verified(&self, username: &str) -> bool {
        sqlx::query_scalar!(
            r#"SELECT email_verified_at IS NOT NULL AS "verified!" FROM users WHERE username = $1"#,
            username
        )
        .fetch_one(&self.pool)
        .await
        .unwrap()
    }
}

pub(crate) fn link_in(mail: &str) -> String {
    mail.lines().find(|line| line.starts_with("http")).unwrap().trim().to_owned()
}

pub(crate) fn token_in(link: &str) -> String {
    link.split_once("?token=").unwrap().1.to_owned()
}
