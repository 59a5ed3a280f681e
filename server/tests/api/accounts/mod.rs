//! Accounts over HTTP: sign-up, emailed links, login and sessions, the rules that keep them safe.

use crate::helpers::{TestApp, Visitor, json, spawn_app_with};
use reqwest::{StatusCode, header};
use std::{path::PathBuf, time::Duration};

mod cycle;
mod links;
mod merges;
mod rules;
mod smtp;

pub(crate) const PASSWORD: &str = "derpy-horse-battery";

pub(crate) async fn spawn(demo_pictures: u32) -> (TestApp, PathBuf) {
    let outbox = std::env::temp_dir().join(format!("rmd-outbox-{}", rand_suffix()));
    let dir = outbox.clone();
    let app = spawn_app_with(demo_pictures, move |settings| {
        settings.accounts.outbox_dir = Some(dir);
    })
    .await;
    (app, outbox)
}

pub(crate) fn rand_suffix() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    u64::from(std::process::id()) << 20 | N.fetch_add(1, Ordering::Relaxed)
}

/// Posts a form to a server function as the hydrated page does.
pub(crate) async fn post(
    app: &TestApp,
    visitor: &mut Visitor,
    path: &str,
    form: &[(&str, &str)],
) -> reqwest::Response {
    let response = visitor
        .with_cookie(app.http.post(format!("{}{path}", app.address)))
        .header(header::ACCEPT, "application/json")
        .form(form)
        .send()
        .await
        .unwrap();
    visitor.remember(&response);
    response
}

/// The messages sent to `to`, oldest first, waiting a little for the background sender.
pub(crate) async fn mails_to(outbox: &PathBuf, to: &str, at_least: usize) -> Vec<String> {
    for _ in 0..100 {
        let mut found: Vec<(String, String)> = std::fs::read_dir(outbox)
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

pub(crate) fn link_in(mail: &str) -> String {
    mail.lines().find(|line| line.starts_with("http")).unwrap().trim().to_owned()
}

pub(crate) fn token_in(link: &str) -> String {
    link.split_once("?token=").unwrap().1.to_owned()
}

pub(crate) async fn sign_up(
    app: &TestApp,
    visitor: &mut Visitor,
    username: &str,
    email: &str,
) -> reqwest::Response {
    post(
        app,
        visitor,
        "/api/sign-up",
        &[("username", username), ("email", email), ("password", PASSWORD)],
    )
    .await
}

/// Sets a new password through a reset link.
async fn reset(app: &TestApp, token: &str, password: &str) -> reqwest::Response {
    post(
        app,
        &mut Visitor::new(),
        "/api/reset-password",
        &[("token", token), ("password", password)],
    )
    .await
}

pub(crate) async fn log_in(
    app: &TestApp,
    visitor: &mut Visitor,
    identifier: &str,
    password: &str,
) -> reqwest::Response {
    post(app, visitor, "/api/log-in", &[("identifier", identifier), ("password", password)]).await
}

async fn who(app: &TestApp, visitor: &mut Visitor) -> serde_json::Value {
    json(post(app, visitor, "/api/me", &[]).await).await.1
}

/// A signed-up, confirmed and logged-in member.
pub(crate) async fn member(app: &TestApp, outbox: &PathBuf, username: &str) -> Visitor {
    let mut visitor = Visitor::new();
    let email = format!("{username}@example.com");
    sign_up(app, &mut visitor, username, &email).await;
    let token = token_in(&link_in(&mails_to(outbox, &email, 1).await[0]));
    post(app, &mut visitor, "/api/confirm-email", &[("token", &token)]).await;
    log_in(app, &mut visitor, username, PASSWORD).await;
    visitor
}
