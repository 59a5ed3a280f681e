//! An account's life: sign-up, confirmation, login and logout, votes kept, profile, deletion.

use super::*;

#[tokio::test]
async fn sign_up_confirm_log_in_and_out() {
    let app = spawn_app(3).await;
    let mut visitor = Visitor::new();
    let response = app.sign_up(&mut visitor, "Derp_Fan", "fan@example.com").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()[header::LOCATION], "/signup/check-your-inbox");

    let mails = app.mails_to("fan@example.com", 1).await;
    let link = link_in(&mails[0]);
    assert!(link.starts_with(&format!("{}/verify-email?token=", app.address)), "{link}");
    let token = token_in(&link);
    assert_eq!(
        app.post(&mut visitor, "/api/confirm-email", &[("token", &token)]).await.status(),
        StatusCode::OK
    );
    assert!(app.email_verified("Derp_Fan").await);
    // Single use.
    let (status, body) =
        json(app.post(&mut visitor, "/api/confirm-email", &[("token", &token)]).await).await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::GONE, Some("bad_link")));

    assert_eq!(app.who(&mut visitor).await, serde_json::Value::Null);
    let response = app.log_in(&mut visitor, "FAN@example.com", PASSWORD).await;
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
    assert_eq!(app.who(&mut visitor).await["username"], "Derp_Fan");
    let profile = visitor.open(&app, "/u/derp_fan").await;
    assert_eq!(profile.status, StatusCode::OK);
    assert!(profile.html.contains("@Derp_Fan"));

    let old_session = visitor.cookies["rmd_session"].clone();
    let old_voter = visitor.voter_cookie().unwrap().to_owned();
    assert_eq!(app.post(&mut visitor, "/api/log-out", &[]).await.status(), StatusCode::OK);
    assert!(!visitor.cookies.contains_key("rmd_session"));
    assert_ne!(
        visitor.voter_cookie().unwrap(),
        old_voter,
        "a new anonymous voter after logging out"
    );
    assert_eq!(app.session_count().await, 0);
    // The old cookie logs nobody in any more.
    let mut replay = Visitor::new();
    replay.cookies.insert("rmd_session".into(), old_session);
    assert_eq!(app.who(&mut replay).await, serde_json::Value::Null);
}

#[tokio::test]
async fn the_session_id_changes_at_each_login() {
    let app = spawn_app(1).await;
    let mut visitor = app.signed_in("cycler").await;
    let first = visitor.cookies["rmd_session"].clone();
    app.log_in(&mut visitor, "cycler", PASSWORD).await;
    let second = visitor.cookies["rmd_session"].clone();
    assert_ne!(first, second);
    assert_eq!(app.session_count().await, 1, "the replaced session is deleted");
}

#[tokio::test]
async fn a_weak_password_hash_is_upgraded_at_login() {
    let app = spawn_app(1).await;
    app.sign_up(&mut Visitor::new(), "oldtimer", "old@example.com").await;
    let weak = app::server::accounts::password::hash_with_parameters(PASSWORD, 4096, 1).unwrap();
    sqlx::query!("UPDATE users SET password_hash = $1", weak).execute(&app.pool).await.unwrap();
    assert_eq!(
        app.log_in(&mut Visitor::new(), "oldtimer", PASSWORD).await.status(),
        StatusCode::OK
    );
    let stored =
        sqlx::query_scalar!("SELECT password_hash FROM users").fetch_one(&app.pool).await.unwrap();
    assert!(stored.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{stored}");
    assert_eq!(
        app.log_in(&mut Visitor::new(), "oldtimer", PASSWORD).await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn anonymous_votes_are_kept_after_sign_up_and_the_accounts_vote_stands() {
    let app = spawn_app(6).await;
    // The account, from another browser, rates one picture with 2.
    let mut other_browser = app.signed_in("keeper").await;
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
    assert_eq!(app.tallied().await.0, rated + 1);

    assert_eq!(app.log_in(&mut visitor, "keeper", PASSWORD).await.status(), StatusCode::OK);
    let counts = sqlx::query!(
        r#"SELECT count(*) FILTER (WHERE v.voter_id = u.voter_id) AS "account_votes!",
                  count(*) FILTER (WHERE v.voter_id = u.voter_id AND rating = 9) AS "nines!",
                  count(*) FILTER (WHERE v.voter_id = $1) AS "left_behind!"
           FROM votes v, users u"#,
        anonymous.0
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let (account_votes, nines, left_behind) =
        (counts.account_votes, counts.nines, counts.left_behind);
    assert_eq!(account_votes, rated, "every picture counted once for the account");
    assert_eq!(nines, rated - 1, "where both rated, the account's 2 stands");
    assert_eq!(left_behind, 0);
    assert_eq!(app.tallied().await.0, rated, "the withdrawn duplicate left its tally");
    assert!(app.histograms_in_step().await, "and its histogram");
    let votes_cast =
        sqlx::query_scalar!("SELECT v.votes_cast FROM voters v JOIN users u ON u.voter_id = v.id")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(i64::from(votes_cast), rated);
}

#[tokio::test]
async fn missing_profiles_are_404_pages() {
    let app = spawn_app(1).await;
    let page = Visitor::new().open(&app, "/u/nobody-here").await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert!(page.html.contains("wandered off"));
}

#[tokio::test]
async fn deleting_an_account_removes_its_pictures_and_keeps_its_votes() {
    let app = spawn_app(3).await;
    let mut visitor = app.signed_in("leaver").await;
    let page = visitor.open(&app, "/").await;
    visitor.vote(&app, page.ticket.as_deref().unwrap(), "7").await;
    sqlx::query!(
        "UPDATE submissions SET submitted_by = (SELECT voter_id FROM users)
          WHERE id = (SELECT max(id) FROM submissions)"
    )
    .execute(&app.pool)
    .await
    .unwrap();

    let wrong =
        app.post(&mut visitor, "/api/settings/delete", &[("password", "not-it-at-all")]).await;
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        app.post(&mut visitor, "/api/settings/delete", &[("password", PASSWORD)]).await.status(),
        StatusCode::OK
    );
    let (users, pictures, votes) =
        (app.account_count().await, app.submission_ids().await.len(), app.vote_count().await);
    assert_eq!((users, pictures), (0, 2));
    assert!(votes <= 1, "the vote stays unless it was on the deleted picture");
    assert!(!visitor.cookies.contains_key("rmd_session"));
}
