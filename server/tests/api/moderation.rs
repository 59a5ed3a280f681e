//! Moderation: reports from voters who saw a picture hold it out of the rotation at the
//! threshold (counted exactly when they come together), admins approve or remove it (404 for
//! everybody else), and owners rename and delete their own pictures.

use crate::helpers::{TestApp, Visitor, spawn_app};
use app::moderation::{MAX_REPORTS_PER_DAY, REPORTS_TO_HOLD};
use futures_util::future::join_all;
use reqwest::StatusCode;
use std::collections::BTreeSet;

/// A new visitor with `picture` in front of them (they followed its share link, say).
async fn viewer_of(app: &TestApp, picture: i64) -> Visitor {
    let mut visitor = Visitor::new();
    visitor.open(app, "/").await;
    let voter = visitor.voter_id(app);
    app::server::votes::next_up::request_first(&app.pool, voter, app::votes::SubmissionId(picture))
        .await
        .unwrap();
    visitor
}

async fn report(app: &TestApp, visitor: &mut Visitor, picture: i64, reason: &str) -> StatusCode {
    let id = picture.to_string();
    let form = [("id", id.as_str()), ("reason", reason), ("from", "vote")];
    app.post(visitor, "/api/report", &form).await.status()
}

async fn held(app: &TestApp, picture: i64) -> bool {
    sqlx::query_scalar!(
        "SELECT held_at IS NOT NULL AS \"held!\" FROM submissions WHERE id = $1",
        picture
    )
    .fetch_one(&app.pool)
    .await
    .unwrap()
}

async fn reports(app: &TestApp, picture: i64) -> i64 {
    sqlx::query_scalar!(
        r#"SELECT count(*) AS "n!" FROM picture_reports WHERE submission_id = $1"#,
        picture
    )
    .fetch_one(&app.pool)
    .await
    .unwrap()
}

/// The voter a member votes and uploads as (their session's, not their browser's cookie).
async fn account_voter(app: &TestApp, username: &str) -> i64 {
    sqlx::query_scalar!("SELECT voter_id FROM users WHERE username = $1", username)
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

/// The pictures new visitors are shown first.
async fn first_pictures(app: &TestApp, visitors: usize) -> BTreeSet<i64> {
    let mut shown = BTreeSet::new();
    for _ in 0..visitors {
        let mut visitor = Visitor::new();
        let page = visitor.open(app, "/").await;
        shown.insert(app.shown_picture(&page, visitor.voter_id(app)).0);
    }
    shown
}

#[tokio::test]
async fn reports_at_the_threshold_take_a_picture_out_of_the_rotation() {
    let app = spawn_app(2).await;
    let ids = app.submission_ids().await;
    let (target, other) = (ids[0].0, ids[1].0);
    // Below the threshold it stays in play, and a voter's second report changes nothing.
    let mut first = viewer_of(&app, target).await;
    assert!(report(&app, &mut first, target, "offensive").await.is_success());
    assert!(report(&app, &mut first, target, "spam").await.is_success());
    assert_eq!(reports(&app, target).await, 1);
    assert!(!held(&app, target).await);
    for _ in 1..REPORTS_TO_HOLD {
        let mut voter = viewer_of(&app, target).await;
        assert!(report(&app, &mut voter, target, "not_a_pet").await.is_success());
    }
    assert!(held(&app, target).await);
    assert_eq!(first_pictures(&app, 20).await, BTreeSet::from([other]), "only the other is picked");
    // Nor can it be asked for ("Rate it to see it").
    let mut curious = Visitor::new();
    curious.open(&app, "/").await;
    let asked = app.post(&mut curious, "/api/rate-picture", &[("id", &target.to_string())]).await;
    assert_eq!(asked.status(), StatusCode::NOT_FOUND);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reports_arriving_together_hold_the_picture_once() {
    let app = spawn_app(3).await;
    let target = app.submission_ids().await[0].0;
    let mut voters = Vec::new();
    for _ in 0..8 {
        voters.push(viewer_of(&app, target).await);
    }
    let statuses = join_all(voters.iter_mut().map(|voter| {
        let app = &app;
        async move { report(app, voter, target, "offensive").await }
    }))
    .await;
    assert!(statuses.iter().all(StatusCode::is_success), "{statuses:?}");
    assert_eq!(reports(&app, target).await, 8);
    assert!(held(&app, target).await);
}

#[tokio::test]
async fn only_a_picture_you_have_seen_can_be_reported_and_only_so_often() {
    let app = spawn_app(MAX_REPORTS_PER_DAY as u32 + 3).await;
    let ids = app.submission_ids().await;
    let mut visitor = Visitor::new();
    let page = visitor.open(&app, "/").await;
    let shown = app.shown_picture(&page, visitor.voter_id(&app)).0;
    let unseen = ids.iter().map(|id| id.0).find(|id| *id != shown).unwrap();
    assert_eq!(report(&app, &mut visitor, unseen, "spam").await, StatusCode::FORBIDDEN);
    assert_eq!(report(&app, &mut visitor, shown, "boring").await, StatusCode::BAD_REQUEST);
    assert_eq!(report(&app, &mut visitor, 999_999, "spam").await, StatusCode::NOT_FOUND);
    assert_eq!(reports(&app, shown).await + reports(&app, unseen).await, 0, "nothing changed");
    // The picture in front of a visitor who has not voted yet can be reported.
    assert!(report(&app, &mut visitor, shown, "spam").await.is_success());

    // A day's reports, then one too many (on a picture nobody else reported).
    let mut busy = viewer_of(&app, unseen).await;
    let voter = busy.voter_id(&app);
    sqlx::query!(
        "INSERT INTO picture_reports (submission_id, voter_id, reason)
         SELECT id, $1, 'spam' FROM submissions WHERE id <> $2 ORDER BY id LIMIT $3",
        voter.0,
        unseen,
        MAX_REPORTS_PER_DAY,
    )
    .execute(&app.pool)
    .await
    .unwrap();
    assert_eq!(report(&app, &mut busy, unseen, "spam").await, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(reports(&app, unseen).await, 0);
}

/// Holds `picture` with reports from new viewers.
async fn hold(app: &TestApp, picture: i64) {
    for _ in 0..REPORTS_TO_HOLD {
        let mut voter = viewer_of(app, picture).await;
        assert!(report(app, &mut voter, picture, "offensive").await.is_success());
    }
    assert!(held(app, picture).await);
}

#[tokio::test]
async fn admins_approve_or_remove_held_pictures_and_nobody_else_can() {
    let app = spawn_app(4).await;
    let ids = app.submission_ids().await;
    let (approved, removed) = (ids[0].0, ids[1].0);
    let mut owner = app.signed_in("pictureowner").await;
    let owner_voter = account_voter(&app, "pictureowner").await;
    sqlx::query!("UPDATE submissions SET submitted_by = $1 WHERE id = $2", owner_voter, removed)
        .execute(&app.pool)
        .await
        .unwrap();
    hold(&app, approved).await;
    hold(&app, removed).await;

    // Strangers and ordinary members: no page, no list, no action.
    let mut member = app.signed_in("plainmember").await;
    assert_eq!(Visitor::new().open(&app, "/admin/pictures").await.status, StatusCode::NOT_FOUND);
    assert_eq!(member.open(&app, "/admin/pictures").await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.post(&mut member, "/api/admin/held", &[]).await.status(), StatusCode::NOT_FOUND);
    let approve = [("id", approved.to_string()), ("decision", "approve".to_owned())];
    let approve: Vec<(&str, &str)> = approve.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let refused = app.post(&mut member, "/api/admin/moderate", &approve).await;
    assert_eq!(refused.status(), StatusCode::NOT_FOUND);
    assert!(held(&app, approved).await);

    let mut admin = app.signed_in("theadmin").await;
    sqlx::query!("UPDATE users SET is_admin = true WHERE username = 'theadmin'")
        .execute(&app.pool)
        .await
        .unwrap();
    let page = admin.open(&app, "/admin/pictures").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.html.contains("by pictureowner") && page.html.contains("offensive or cruel (3)"));

    // Approve: back in play, reports cleared.
    assert!(app.post(&mut admin, "/api/admin/moderate", &approve).await.status().is_success());
    assert!(!held(&app, approved).await);
    assert_eq!(reports(&app, approved).await, 0);

    // Remove: a reason is required; then the picture, its votes and files go, and the owner
    // is told why.
    let id = removed.to_string();
    let no_reason = [("id", id.as_str()), ("decision", "remove")];
    let refused = app.post(&mut admin, "/api/admin/moderate", &no_reason).await;
    assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
    let remove = [("id", id.as_str()), ("decision", "remove"), ("reason", "offensive")];
    assert!(app.post(&mut admin, "/api/admin/moderate", &remove).await.status().is_success());
    let left = sqlx::query_scalar!(
        r#"SELECT (SELECT count(*) FROM submissions WHERE id = $1)
                + (SELECT count(*) FROM votes WHERE submission_id = $1)
                + (SELECT count(*) FROM picture_reports WHERE submission_id = $1) AS "n!""#,
        removed
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(left, 0);
    let mine = owner.open(&app, "/my-pictures").await;
    assert!(mine.html.contains("offensive or cruel"), "{}", mine.html);
    // Deciding again finds nothing waiting.
    let again = app.post(&mut admin, "/api/admin/moderate", &remove).await;
    assert_eq!(again.status(), StatusCode::NOT_FOUND);
    assert!(
        admin
            .open(&app, "/admin/pictures")
            .await
            .html
            .contains("No reported pictures are waiting.")
    );
}

#[tokio::test]
async fn owners_rename_and_delete_their_pictures_and_nobody_else_can() {
    let app = spawn_app(3).await;
    let picture = app.submission_ids().await[0].0;
    let mut owner = app.signed_in("theowner").await;
    sqlx::query!(
        "UPDATE submissions SET submitted_by = $1 WHERE id = $2",
        account_voter(&app, "theowner").await,
        picture
    )
    .execute(&app.pool)
    .await
    .unwrap();
    // A voter rates it, so that it has a vote to lose.
    let mut voter = viewer_of(&app, picture).await;
    let ticket = voter.open(&app, "/").await.expect_ticket();
    assert_eq!(voter.vote(&app, &ticket, "7").await.status(), StatusCode::OK);

    let id = picture.to_string();
    let status = |response: reqwest::Response| response.status();

    // Somebody else cannot rename it; a bad title is refused; the owner renames it.
    let mut stranger = app.signed_in("stranger").await;
    let theirs = [("id", id.as_str()), ("title", "Mine now")];
    assert_eq!(
        status(app.post(&mut stranger, "/api/rename", &theirs).await),
        StatusCode::NOT_FOUND
    );
    let blank = [("id", id.as_str()), ("title", "   ")];
    assert_eq!(status(app.post(&mut owner, "/api/rename", &blank).await), StatusCode::BAD_REQUEST);
    let good = [("id", id.as_str()), ("title", "  Sir  Blep  ")];
    assert!(status(app.post(&mut owner, "/api/rename", &good).await).is_success());
    assert!(owner.open(&app, &format!("/p/{picture}")).await.html.contains("<h1>Sir Blep</h1>"));

    // Deleting asks for the box to be ticked; a stranger cannot; then picture and votes go.
    let unconfirmed = [("id", id.as_str())];
    assert_eq!(
        status(app.post(&mut owner, "/api/delete-picture", &unconfirmed).await),
        StatusCode::BAD_REQUEST
    );
    let confirmed = [("id", id.as_str()), ("confirm", "yes")];
    assert_eq!(
        status(app.post(&mut stranger, "/api/delete-picture", &confirmed).await),
        StatusCode::NOT_FOUND
    );
    assert_eq!(app.vote_count().await, 1);
    assert!(status(app.post(&mut owner, "/api/delete-picture", &confirmed).await).is_success());
    assert_eq!(app.vote_count().await, 0);
    assert_eq!(owner.open(&app, &format!("/p/{picture}")).await.status, StatusCode::NOT_FOUND);
}
