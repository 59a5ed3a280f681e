//! The rules that keep accounts safe: no enumeration, validation, cross-site refusal, throttling.

use super::*;

#[tokio::test]
async fn answers_do_not_tell_whether_an_account_exists() {
    let app = spawn_app(1).await;
    let mut visitor = Visitor::new();
    app.sign_up(&mut visitor, "first", "taken@example.com").await;

    let new = app.sign_up(&mut Visitor::new(), "second", "new@example.com").await;
    let taken = app.sign_up(&mut Visitor::new(), "third", "taken@example.com").await;
    assert_eq!(new.status(), taken.status());
    assert_eq!(new.headers().get(header::LOCATION), taken.headers().get(header::LOCATION));
    assert_eq!(new.text().await.unwrap(), taken.text().await.unwrap());
    let mails = app.mails_to("taken@example.com", 2).await;
    assert!(mails[1].contains("already has an account"), "{}", mails[1]);

    let missing = json(app.log_in(&mut Visitor::new(), "nobody", PASSWORD).await).await;
    let wrong = json(app.log_in(&mut Visitor::new(), "first", "not-the-password").await).await;
    assert_eq!(missing, wrong);
    assert_eq!(missing.0, StatusCode::UNAUTHORIZED);

    let forgot = |email: &'static str| {
        let app = &app;
        async move { app.post(&mut Visitor::new(), "/api/forgot-password", &[("email", email)]).await }
    };
    let (known, unknown) = (forgot("taken@example.com").await, forgot("unknown@example.com").await);
    assert_eq!(known.status(), unknown.status());
    assert_eq!(known.text().await.unwrap(), unknown.text().await.unwrap());

    // Usernames are public: saying one is taken reveals nothing.
    let (status, body) =
        json(app.sign_up(&mut Visitor::new(), "FIRST", "other@example.com").await).await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::CONFLICT, Some("username_taken")));
}

#[tokio::test]
async fn bad_input_is_refused_with_a_message_and_changes_nothing() {
    let app = spawn_app(1).await;
    for (username, email, password, needle) in [
        ("ab", "a@example.com", PASSWORD, "3 to 24"),
        ("okname", "not-an-email", PASSWORD, "email address"),
        ("okname", "a@example.com", "short", "at least 8"),
        ("okname", "a@example.com", "password123", "most common"),
    ] {
        let form = [("username", username), ("email", email), ("password", password)];
        let (status, body) = json(app.post(&mut Visitor::new(), "/api/sign-up", &form).await).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert!(body["message"].as_str().unwrap().contains(needle), "{body}");
    }
    assert_eq!(app.account_count().await, 0);
}

#[tokio::test]
async fn requests_from_other_sites_are_refused() {
    let app = spawn_app(2).await;
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
async fn repeated_failures_are_throttled() {
    let app = spawn_app(1).await;
    app.sign_up(&mut Visitor::new(), "guarded", "guarded@example.com").await;
    for _ in 0..5 {
        assert_eq!(
            app.log_in(&mut Visitor::new(), "guarded", "wrong-password").await.status(),
            StatusCode::UNAUTHORIZED
        );
    }
    let (status, body) = json(app.log_in(&mut Visitor::new(), "guarded", PASSWORD).await).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::TOO_MANY_REQUESTS, Some("too_many_attempts"))
    );
    // Another account from the same address is not locked by these failures.
    app.sign_up(&mut Visitor::new(), "neighbour", "neighbour@example.com").await;
    assert_eq!(
        app.log_in(&mut Visitor::new(), "neighbour", PASSWORD).await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn a_hundred_guesses_at_once_get_no_more_tries_than_one_at_a_time() {
    let app = spawn_app(1).await;
    app.sign_up(&mut Visitor::new(), "besieged", "besieged@example.com").await;
    let guesses = (0..100).map(|n| {
        let app = &app;
        async move {
            let password = format!("guess-number-{n}");
            app.log_in(&mut Visitor::new(), "besieged", &password).await.status()
        }
    });
    let statuses = futures_util::future::join_all(guesses).await;
    let tried = statuses.iter().filter(|s| **s != StatusCode::TOO_MANY_REQUESTS).count();
    assert_eq!(tried, 5, "the allowance per account and address: {statuses:?}");
    assert!(
        statuses
            .iter()
            .all(|s| matches!(*s, StatusCode::UNAUTHORIZED | StatusCode::TOO_MANY_REQUESTS))
    );
}

/// A login attempt relayed by a proxy on this machine for `client`.
async fn log_in_as(app: &TestApp, client: &str, password: &str) -> StatusCode {
    app.http
        .post(format!("{}/api/log-in", app.address))
        .header(header::ACCEPT, "application/json")
        .header("x-forwarded-for", client)
        .form(&[("identifier", "proxied"), ("password", password)])
        .send()
        .await
        .unwrap()
        .status()
}

#[tokio::test]
async fn behind_a_trusted_proxy_each_client_is_throttled_on_its_own() {
    let app = spawn_app_with(1, move |settings| {
        settings.server.trusted_proxies = vec!["127.0.0.1".into()];
    })
    .await;
    app.sign_up(&mut Visitor::new(), "proxied", "proxied@example.com").await;
    for _ in 0..5 {
        assert_eq!(
            log_in_as(&app, "203.0.113.7", "wrong-password").await,
            StatusCode::UNAUTHORIZED
        );
    }
    assert_eq!(log_in_as(&app, "203.0.113.7", PASSWORD).await, StatusCode::TOO_MANY_REQUESTS);
    // Everybody else reaches the site through the same proxy and is not blocked.
    assert_eq!(log_in_as(&app, "198.51.100.20", PASSWORD).await, StatusCode::OK);
    // IPv6 clients count per /64: another address in the same /64 is the same client.
    for n in 0..5 {
        let client = format!("2001:db8:1:2::{n}");
        assert_eq!(log_in_as(&app, &client, "wrong-password").await, StatusCode::UNAUTHORIZED);
    }
    assert_eq!(log_in_as(&app, "2001:db8:1:2::99", PASSWORD).await, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn without_a_trusted_proxy_forwarded_headers_change_nothing() {
    let app = spawn_app(1).await;
    app.sign_up(&mut Visitor::new(), "proxied", "proxied@example.com").await;
    for n in 0..5 {
        let spoofed = format!("192.0.2.{n}");
        assert_eq!(log_in_as(&app, &spoofed, "wrong-password").await, StatusCode::UNAUTHORIZED);
    }
    assert_eq!(log_in_as(&app, "192.0.2.200", PASSWORD).await, StatusCode::TOO_MANY_REQUESTS);
}
