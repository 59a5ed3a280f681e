//! Accounts over HTTP: sign-up, emailed links, login and sessions, the rules that keep them safe.

use crate::helpers::{TestApp, Visitor, json, spawn_app_with};
use reqwest::{StatusCode, header};
use std::{path::PathBuf, time::Duration};

const PASSWORD: &str = "derpy-horse-battery";

async fn spawn(demo_pictures: u32) -> (TestApp, PathBuf) {
    let outbox = std::env::temp_dir().join(format!("rmd-outbox-{}", rand_suffix()));
    let dir = outbox.clone();
    let app = spawn_app_with(demo_pictures, move |settings| {
        settings.accounts.outbox_dir = Some(dir);
    })
    .await;
    (app, outbox)
}

fn rand_suffix() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    u64::from(std::process::id()) << 20 | N.fetch_add(1, Ordering::Relaxed)
}

/// Posts a form to a server function as the hydrated page does.
async fn post(
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
async fn mails_to(outbox: &PathBuf, to: &str, at_least: usize) -> Vec<String> {
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

fn link_in(mail: &str) -> String {
    mail.lines().find(|line| line.starts_with("http")).unwrap().trim().to_owned()
}

fn token_in(link: &str) -> String {
    link.split_once("?token=").unwrap().1.to_owned()
}

async fn sign_up(
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

async fn log_in(
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

#[tokio::test]
async fn sign_up_confirm_log_in_and_out() {
    let (app, outbox) = spawn(3).await;
    let mut visitor = Visitor::new();
    let response = sign_up(&app, &mut visitor, "Derp_Fan", "fan@example.com").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()[header::LOCATION], "/signup/check-your-inbox");

    let mails = mails_to(&outbox, "fan@example.com", 1).await;
    let link = link_in(&mails[0]);
    assert!(link.starts_with(&format!("{}/verify-email?token=", app.address)), "{link}");
    let token = token_in(&link);
    assert_eq!(
        post(&app, &mut visitor, "/api/confirm-email", &[("token", &token)]).await.status(),
        StatusCode::OK
    );
    let verified: bool = sqlx::query_scalar(
        "SELECT email_verified_at IS NOT NULL FROM users WHERE username = 'Derp_Fan'",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert!(verified);
    // Single use.
    let (status, body) =
        json(post(&app, &mut visitor, "/api/confirm-email", &[("token", &token)]).await).await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::GONE, Some("bad_link")));

    assert_eq!(who(&app, &mut visitor).await, serde_json::Value::Null);
    let response = log_in(&app, &mut visitor, "FAN@example.com", PASSWORD).await;
    assert_eq!(response.status(), StatusCode::OK);
    let cookie = response
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|c| c.starts_with("rmd_session="))
        .unwrap();
    assert!(
        cookie.contains("; HttpOnly")
            && cookie.contains("; SameSite=Lax")
            && cookie.contains("; Path=/"),
        "{cookie}"
    );
    assert_eq!(who(&app, &mut visitor).await["username"], "Derp_Fan");
    let profile = visitor.open(&app, "/u/derp_fan").await;
    assert_eq!(profile.status, StatusCode::OK);
    assert!(profile.html.contains("@Derp_Fan"));

    let old_session = visitor.cookies["rmd_session"].clone();
    let old_voter = visitor.voter_cookie().unwrap().to_owned();
    assert_eq!(post(&app, &mut visitor, "/api/log-out", &[]).await.status(), StatusCode::OK);
    assert!(!visitor.cookies.contains_key("rmd_session"));
    assert_ne!(
        visitor.voter_cookie().unwrap(),
        old_voter,
        "a new anonymous voter after logging out"
    );
    let sessions: i64 =
        sqlx::query_scalar("SELECT count(*) FROM sessions").fetch_one(&app.pool).await.unwrap();
    assert_eq!(sessions, 0);
    // The old cookie logs nobody in any more.
    let mut replay = Visitor::new();
    replay.cookies.insert("rmd_session".into(), old_session);
    assert_eq!(who(&app, &mut replay).await, serde_json::Value::Null);
}

#[tokio::test]
async fn answers_do_not_tell_whether_an_account_exists() {
    let (app, outbox) = spawn(1).await;
    let mut visitor = Visitor::new();
    sign_up(&app, &mut visitor, "first", "taken@example.com").await;

    let new = sign_up(&app, &mut Visitor::new(), "second", "new@example.com").await;
    let taken = sign_up(&app, &mut Visitor::new(), "third", "taken@example.com").await;
    assert_eq!(new.status(), taken.status());
    assert_eq!(new.headers().get(header::LOCATION), taken.headers().get(header::LOCATION));
    assert_eq!(new.text().await.unwrap(), taken.text().await.unwrap());
    let mails = mails_to(&outbox, "taken@example.com", 2).await;
    assert!(mails[1].contains("already has an account"), "{}", mails[1]);

    let missing = json(log_in(&app, &mut Visitor::new(), "nobody", PASSWORD).await).await;
    let wrong = json(log_in(&app, &mut Visitor::new(), "first", "not-the-password").await).await;
    assert_eq!(missing, wrong);
    assert_eq!(missing.0, StatusCode::UNAUTHORIZED);

    let forgot = |email: &'static str| {
        let app = &app;
        async move { post(app, &mut Visitor::new(), "/api/forgot-password", &[("email", email)]).await }
    };
    let (known, unknown) = (forgot("taken@example.com").await, forgot("unknown@example.com").await);
    assert_eq!(known.status(), unknown.status());
    assert_eq!(known.text().await.unwrap(), unknown.text().await.unwrap());

    // Usernames are public: saying one is taken reveals nothing.
    let (status, body) =
        json(sign_up(&app, &mut Visitor::new(), "FIRST", "other@example.com").await).await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::CONFLICT, Some("username_taken")));
}

#[tokio::test]
async fn bad_input_is_refused_with_a_message_and_changes_nothing() {
    let (app, _outbox) = spawn(1).await;
    for (username, email, password, needle) in [
        ("ab", "a@example.com", PASSWORD, "3 to 24"),
        ("okname", "not-an-email", PASSWORD, "email address"),
        ("okname", "a@example.com", "short", "at least 8"),
        ("okname", "a@example.com", "password123", "most common"),
    ] {
        let form = [("username", username), ("email", email), ("password", password)];
        let (status, body) =
            json(post(&app, &mut Visitor::new(), "/api/sign-up", &form).await).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert!(body["message"].as_str().unwrap().contains(needle), "{body}");
    }
    let users: i64 =
        sqlx::query_scalar("SELECT count(*) FROM users").fetch_one(&app.pool).await.unwrap();
    assert_eq!(users, 0);
}

#[tokio::test]
async fn the_session_id_changes_at_each_login() {
    let (app, _outbox) = spawn(1).await;
    let mut visitor = Visitor::new();
    sign_up(&app, &mut visitor, "cycler", "cycler@example.com").await;
    log_in(&app, &mut visitor, "cycler", PASSWORD).await;
    let first = visitor.cookies["rmd_session"].clone();
    log_in(&app, &mut visitor, "cycler", PASSWORD).await;
    let second = visitor.cookies["rmd_session"].clone();
    assert_ne!(first, second);
    let sessions: i64 =
        sqlx::query_scalar("SELECT count(*) FROM sessions").fetch_one(&app.pool).await.unwrap();
    assert_eq!(sessions, 1, "the replaced session is deleted");
}

#[tokio::test]
async fn reset_links_ignore_the_host_header_work_once_expire_and_end_sessions() {
    let (app, outbox) = spawn(1).await;
    let mut owner = Visitor::new();
    sign_up(&app, &mut owner, "resetter", "resetter@example.com").await;
    log_in(&app, &mut owner, "resetter", PASSWORD).await;

    let response = app
        .http
        .post(format!("{}/api/forgot-password", app.address))
        .header(header::HOST, "evil.example")
        .form(&[("email", "resetter@example.com")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let mails = mails_to(&outbox, "resetter@example.com", 2).await;
    let link = link_in(&mails[1]);
    assert!(link.starts_with(&format!("{}/reset-password?token=", app.address)), "{link}");
    assert!(!link.contains("evil"));
    let token = token_in(&link);

    // A bad new password leaves the link usable.
    let (status, _) = json(reset(&app, &token, "short").await).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let new_password = "a-brand-new-derp-password";
    let done = reset(&app, &token, new_password).await;
    assert_eq!(done.status(), StatusCode::OK);
    assert_eq!(who(&app, &mut owner).await, serde_json::Value::Null, "other sessions end");
    let again = json(reset(&app, &token, "yet-another-password").await).await;
    assert_eq!(again.0, StatusCode::GONE);
    assert_eq!(
        log_in(&app, &mut Visitor::new(), "resetter", new_password).await.status(),
        StatusCode::OK
    );

    // An expired link is refused.
    post(&app, &mut Visitor::new(), "/api/forgot-password", &[("email", "resetter@example.com")])
        .await;
    let mails = mails_to(&outbox, "resetter@example.com", 3).await;
    let token = token_in(&link_in(&mails[2]));
    sqlx::query("UPDATE account_tokens SET expires_at = now() - interval '1 second'")
        .execute(&app.pool)
        .await
        .unwrap();
    let expired = json(reset(&app, &token, "yet-another-password").await).await;
    assert_eq!(expired.0, StatusCode::GONE);
}

#[tokio::test]
async fn requests_from_other_sites_are_refused() {
    let (app, _outbox) = spawn(2).await;
    let mut visitor = Visitor::new();
    let page = visitor.open(&app, "/").await;
    for (name, value) in [("origin", "https://evil.example"), ("sec-fetch-site", "cross-site")] {
        let response = visitor
            .with_cookie(app.http.post(format!("{}/api/vote", app.address)))
            .header(name, value)
            .form(&[("ticket", page.ticket.as_deref().unwrap()), ("rating", "5")])
            .send()
            .await
            .unwrap();
        let (status, body) = json(response).await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::FORBIDDEN, Some("cross_site")));
        let signup = app
            .http
            .post(format!("{}/api/sign-up", app.address))
            .header(name, value)
            .form(&[("username", "csrf"), ("email", "csrf@example.com"), ("password", PASSWORD)])
            .send()
            .await
            .unwrap();
        assert_eq!(signup.status(), StatusCode::FORBIDDEN);
    }
    assert_eq!(app.vote_count().await, 0);
    // The site's own pages may post.
    let host = app.address.trim_start_matches("http://").to_owned();
    let response = visitor
        .with_cookie(app.http.post(format!("{}/api/vote", app.address)))
        .header("origin", &app.address)
        .header(header::HOST, host)
        .form(&[("ticket", page.ticket.as_deref().unwrap()), ("rating", "5")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_weak_password_hash_is_upgraded_at_login() {
    let (app, _outbox) = spawn(1).await;
    sign_up(&app, &mut Visitor::new(), "oldtimer", "old@example.com").await;
    let weak = app::server::accounts::password::hash_with_parameters(PASSWORD, 4096, 1).unwrap();
    sqlx::query("UPDATE users SET password_hash = $1")
        .bind(&weak)
        .execute(&app.pool)
        .await
        .unwrap();
    assert_eq!(
        log_in(&app, &mut Visitor::new(), "oldtimer", PASSWORD).await.status(),
        StatusCode::OK
    );
    let stored: String =
        sqlx::query_scalar("SELECT password_hash FROM users").fetch_one(&app.pool).await.unwrap();
    assert!(stored.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{stored}");
    assert_eq!(
        log_in(&app, &mut Visitor::new(), "oldtimer", PASSWORD).await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn repeated_failures_are_throttled() {
    let (app, _outbox) = spawn(1).await;
    sign_up(&app, &mut Visitor::new(), "guarded", "guarded@example.com").await;
    for _ in 0..5 {
        assert_eq!(
            log_in(&app, &mut Visitor::new(), "guarded", "wrong-password").await.status(),
            StatusCode::UNAUTHORIZED
        );
    }
    let (status, body) = json(log_in(&app, &mut Visitor::new(), "guarded", PASSWORD).await).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::TOO_MANY_REQUESTS, Some("too_many_attempts"))
    );
    // Another account from the same address is not locked by these failures.
    sign_up(&app, &mut Visitor::new(), "neighbour", "neighbour@example.com").await;
    assert_eq!(
        log_in(&app, &mut Visitor::new(), "neighbour", PASSWORD).await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn anonymous_votes_are_kept_after_sign_up_and_the_accounts_vote_stands() {
    let (app, _outbox) = spawn(6).await;
    // The account, from another browser, rates one picture with 2.
    let mut other_browser = Visitor::new();
    sign_up(&app, &mut other_browser, "keeper", "keeper@example.com").await;
    log_in(&app, &mut other_browser, "keeper", PASSWORD).await;
    let page = other_browser.open(&app, "/").await;
    let account_pick = page.image_key().unwrap();
    assert_eq!(
        other_browser.vote(&app, page.ticket.as_deref().unwrap(), "2").await.status(),
        StatusCode::OK
    );

    // Anonymously, in this browser, rate pictures until that same one has been rated too.
    let mut visitor = Visitor::new();
    let mut page = visitor.open(&app, "/").await;
    let mut rated = 0;
    while let Some(ticket) = page.ticket.clone() {
        let key = page.image_key().unwrap();
        visitor.vote(&app, &ticket, "9").await;
        rated += 1;
        page = visitor.open(&app, "/").await;
        if key == account_pick {
            break;
        }
    }
    let anonymous = visitor.voter_id(&app);
    let before: i64 = sqlx::query_scalar("SELECT sum(vote_count)::bigint FROM tallies")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(before, rated + 1);

    assert_eq!(log_in(&app, &mut visitor, "keeper", PASSWORD).await.status(), StatusCode::OK);
    let (account_votes, nines, left_behind): (i64, i64, i64) = sqlx::query_as(
        "SELECT count(*) FILTER (WHERE v.voter_id = u.voter_id),
                count(*) FILTER (WHERE v.voter_id = u.voter_id AND rating = 9),
                count(*) FILTER (WHERE v.voter_id = $1)
         FROM votes v, users u",
    )
    .bind(anonymous)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(account_votes, rated, "every picture counted once for the account");
    assert_eq!(nines, rated - 1, "where both rated, the account's 2 stands");
    assert_eq!(left_behind, 0);
    let after: i64 = sqlx::query_scalar("SELECT sum(vote_count)::bigint FROM tallies")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(after, rated, "the withdrawn duplicate left its tally");
    let votes_cast: i32 =
        sqlx::query_scalar("SELECT v.votes_cast FROM voters v JOIN users u ON u.voter_id = v.id")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(i64::from(votes_cast), rated);
}

#[tokio::test]
async fn missing_profiles_are_404_pages() {
    let (app, _outbox) = spawn(1).await;
    let page = Visitor::new().open(&app, "/u/nobody-here").await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert!(page.html.contains("wandered off"));
}

#[tokio::test]
async fn deleting_an_account_removes_its_pictures_and_keeps_its_votes() {
    let (app, _outbox) = spawn(3).await;
    let mut visitor = Visitor::new();
    sign_up(&app, &mut visitor, "leaver", "leaver@example.com").await;
    log_in(&app, &mut visitor, "leaver", PASSWORD).await;
    let page = visitor.open(&app, "/").await;
    visitor.vote(&app, page.ticket.as_deref().unwrap(), "7").await;
    sqlx::query("UPDATE submissions SET submitted_by = (SELECT voter_id FROM users) WHERE id = (SELECT max(id) FROM submissions)")
        .execute(&app.pool).await.unwrap();

    let wrong =
        post(&app, &mut visitor, "/api/settings/delete", &[("password", "not-it-at-all")]).await;
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        post(&app, &mut visitor, "/api/settings/delete", &[("password", PASSWORD)]).await.status(),
        StatusCode::OK
    );
    let (users, pictures, votes): (i64, i64, i64) = sqlx::query_as(
        "SELECT (SELECT count(*) FROM users), (SELECT count(*) FROM submissions), (SELECT count(*) FROM votes)",
    ).fetch_one(&app.pool).await.unwrap();
    assert_eq!((users, pictures), (0, 2));
    assert!(votes <= 1, "the vote stays unless it was on the deleted picture");
    assert!(!visitor.cookies.contains_key("rmd_session"));
}
