//! Emailed links: password resets, sending the confirmation again.

use super::*;

#[tokio::test]
async fn reset_links_ignore_the_host_header_work_once_expire_and_end_sessions() {
    let app = spawn_app(1).await;
    let mut owner = app.signed_in("resetter").await;

    let response = app
        .http
        .post(format!("{}/api/forgot-password", app.address))
        .header(header::HOST, "evil.example")
        .form(&[("email", "resetter@example.com")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let mails = app.mails_to("resetter@example.com", 2).await;
    let link = link_in(&mails[1]);
    assert!(link.starts_with(&format!("{}/reset-password?token=", app.address)), "{link}");
    assert!(!link.contains("evil"));
    let token = token_in(&link);

    // A bad new password leaves the link usable.
    let (status, _) = json(app.reset_password(&token, "short").await).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let new_password = "a-brand-new-derp-password";
    let done = app.reset_password(&token, new_password).await;
    assert_eq!(done.status(), StatusCode::OK);
    assert_eq!(app.who(&mut owner).await, serde_json::Value::Null, "other sessions end");
    let again = json(app.reset_password(&token, "yet-another-password").await).await;
    assert_eq!(again.0, StatusCode::GONE);
    assert_eq!(
        app.log_in(&mut Visitor::new(), "resetter", new_password).await.status(),
        StatusCode::OK
    );

    // An expired link is refused.
    app.post(&mut Visitor::new(), "/api/forgot-password", &[("email", "resetter@example.com")])
        .await;
    let mails = app.mails_to("resetter@example.com", 3).await;
    let token = token_in(&link_in(&mails[2]));
    sqlx::query!("UPDATE account_tokens SET expires_at = now() - interval '1 second'")
        .execute(&app.pool)
        .await
        .unwrap();
    let expired = json(app.reset_password(&token, "yet-another-password").await).await;
    assert_eq!(expired.0, StatusCode::GONE);
}

#[tokio::test]
async fn the_confirmation_link_can_be_sent_again_a_few_times() {
    let app = spawn_app(1).await;
    let mut visitor = app.signed_in("forgetful").await;
    let resend = [("page", "/upload")];
    for _ in 0..2 {
        let response = app.post(&mut visitor, "/api/settings/resend-confirmation", &resend).await;
        assert_eq!(response.status(), StatusCode::OK);
    }
    let mails = app.mails_to("forgetful@example.com", 3).await;
    assert_eq!(mails.len(), 3);
    // The newest link works.
    let token = token_in(&link_in(&mails[2]));
    let (status, body) =
        json(app.post(&mut visitor, "/api/settings/resend-confirmation", &resend).await).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::TOO_MANY_REQUESTS, Some("too_many_attempts"))
    );
    assert_eq!(
        app.post(&mut visitor, "/api/confirm-email", &[("token", &token)]).await.status(),
        StatusCode::OK
    );
    // Once confirmed, nothing more is sent.
    let response = app.post(&mut visitor, "/api/settings/resend-confirmation", &resend).await;
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_reset_confirms_only_the_address_it_was_sent_to() {
    let app = spawn_app(1).await;
    let mut owner = Visitor::new();
    app.sign_up(&mut owner, "switcher", "first@example.com").await;
    app.log_in(&mut owner, "switcher", PASSWORD).await;
    app.post(&mut Visitor::new(), "/api/forgot-password", &[("email", "first@example.com")]).await;
    let reset_link = link_in(&app.mails_to("first@example.com", 2).await[1]);
    assert!(reset_link.contains("/reset-password?token="), "{reset_link}");

    // The address changes to one nobody has confirmed; the reset link sent before stops working.
    let changed = app
        .post(
            &mut owner,
            "/api/settings/email",
            &[("email", "second@example.com"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(changed.status(), StatusCode::OK);
    let (status, _) =
        json(app.reset_password(&token_in(&reset_link), "a-fresh-derpy-password").await).await;
    assert_eq!(status, StatusCode::GONE);
    assert!(!app.email_verified("switcher").await, "second@example.com was never confirmed");

    // A reset sent to the current address does confirm it.
    app.post(&mut Visitor::new(), "/api/forgot-password", &[("email", "second@example.com")]).await;
    let mails = app.mails_to("second@example.com", 2).await;
    let link =
        mails.iter().map(|mail| link_in(mail)).find(|l| l.contains("/reset-password")).unwrap();
    assert_eq!(
        app.reset_password(&token_in(&link), "a-fresh-derpy-password").await.status(),
        StatusCode::OK
    );
    assert!(app.email_verified("switcher").await);
}

async fn forgot(app: &TestApp, email: &str) -> StatusCode {
    app.post(&mut Visitor::new(), "/api/forgot-password", &[("email", email)]).await.status()
}

#[tokio::test]
async fn emails_on_demand_are_limited_per_inbox_and_per_client_alike_for_everyone() {
    let app = spawn_app(1).await;
    app.sign_up(&mut Visitor::new(), "target", "target@example.com").await;
    // The sign-up's confirmation was the inbox's first email this hour; two resets may follow.
    let mut existing = Vec::new();
    let mut missing = Vec::new();
    for _ in 0..3 {
        existing.push(forgot(&app, "target@example.com").await);
        missing.push(forgot(&app, "nobody-here@example.com").await);
    }
    assert_eq!(existing, [StatusCode::OK, StatusCode::OK, StatusCode::TOO_MANY_REQUESTS]);
    assert_eq!(
        [missing[0], missing[1], missing[2]],
        [StatusCode::OK, StatusCode::OK, StatusCode::OK],
        "an inbox without an account counts the same way: three to it, no more"
    );
    assert_eq!(forgot(&app, "nobody-here@example.com").await, StatusCode::TOO_MANY_REQUESTS);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(app.mails_to("target@example.com", 3).await.len(), 3);

    // One client asking for resets to many inboxes runs out too (7 asked above, 3 more allowed).
    let spread: Vec<StatusCode> = {
        let mut statuses = Vec::new();
        for n in 0..4 {
            statuses.push(forgot(&app, &format!("victim{n}@example.com")).await);
        }
        statuses
    };
    assert_eq!(
        spread,
        [StatusCode::OK, StatusCode::OK, StatusCode::OK, StatusCode::TOO_MANY_REQUESTS]
    );
    let (status, body) = json(
        app.post(&mut Visitor::new(), "/api/forgot-password", &[("email", "x@example.com")]).await,
    )
    .await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert!(body["message"].as_str().unwrap().contains("as many emails as we can"), "{body}");
}

#[tokio::test]
async fn sign_ups_from_one_client_are_limited_before_any_hashing() {
    let app = spawn_app(1).await;
    for n in 0..10 {
        let response = app
            .sign_up(&mut Visitor::new(), &format!("many{n}"), &format!("many{n}@example.com"))
            .await;
        assert_eq!(response.status(), StatusCode::OK);
    }
    let (status, body) =
        json(app.sign_up(&mut Visitor::new(), "many10", "many10@example.com").await).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::TOO_MANY_REQUESTS, Some("too_many_attempts"))
    );
    assert_eq!(app.account_count().await, 10);
}
