//! The server decides what may be rated: tickets, ratings and replays.

use crate::helpers::{Visitor, json, spawn_app};
use reqwest::StatusCode;
use std::time::{Duration, SystemTime};

/// Asserts an error answer: its status, its code, and that it explains itself.
async fn assert_refused(response: reqwest::Response, status: StatusCode, code: &str) -> String {
    let (actual, body) = json(response).await;
    assert_eq!(actual, status, "{body}");
    assert_eq!(body["code"], code, "{body}");
    let message = body["message"].as_str().unwrap().to_owned();
    assert!(message.len() > 10, "a message a person can read: {message:?}");
    message
}

#[tokio::test]
async fn ratings_outside_one_to_ten_are_refused_with_a_message_and_change_nothing() {
    let app = spawn_app(3).await;
    let mut visitor = Visitor::new();
    let page = visitor.open(&app, "/").await;
    let ticket = page.ticket.clone().unwrap();
    for (rating, says) in [
        ("0", "out of range"),
        ("11", "out of range"),
        ("abc", "isn't a rating"),
        ("", "Pick a rating"),
        ("7.5", "isn't a rating"),
    ] {
        let message = assert_refused(
            visitor.vote(&app, &ticket, rating).await,
            StatusCode::BAD_REQUEST,
            "bad_rating",
        )
        .await;
        assert!(message.contains(says), "{rating:?}: {message}");
    }
    assert_eq!(app.vote_count().await, 0);
    // The same picture is still in front of the visitor, and the ticket still works.
    assert_eq!(visitor.open(&app, "/").await.image_key(), page.image_key());
    assert_eq!(visitor.vote(&app, &ticket, "3").await.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_request_missing_its_fields_is_a_bad_request() {
    let app = spawn_app(1).await;
    let response = app
        .http
        .post(format!("{}/api/vote", app.address))
        .form(&[("rating", "5")])
        .send()
        .await
        .unwrap();
    assert_refused(response, StatusCode::BAD_REQUEST, "bad_request").await;
}

#[tokio::test]
async fn forged_tickets_are_refused() {
    let app = spawn_app(3).await;
    let mut visitor = Visitor::new();
    let ticket = visitor.open(&app, "/").await.expect_ticket();
    let mut tampered: Vec<char> = ticket.chars().collect();
    tampered[20] = if tampered[20] == 'A' { 'B' } else { 'A' };
    let tampered: String = tampered.into_iter().collect();
    for forged in [tampered.as_str(), "made-up", "", &"A".repeat(5000)] {
        assert_refused(
            visitor.vote(&app, forged, "5").await,
            StatusCode::BAD_REQUEST,
            "bad_ticket",
        )
        .await;
    }
    assert_eq!(app.vote_count().await, 0);
}

#[tokio::test]
async fn another_voters_ticket_is_refused() {
    let app = spawn_app(3).await;
    let mut alice = Visitor::new();
    let mut bob = Visitor::new();
    let alices_ticket = alice.open(&app, "/").await.expect_ticket();
    bob.open(&app, "/").await;
    assert_refused(
        bob.vote(&app, &alices_ticket, "5").await,
        StatusCode::FORBIDDEN,
        "foreign_ticket",
    )
    .await;
    assert_eq!(app.vote_count().await, 0);
    assert_eq!(alice.vote(&app, &alices_ticket, "5").await.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_browser_that_drops_the_cookie_is_told_voting_needs_cookies() {
    let app = spawn_app(3).await;
    let ticket = Visitor::new().open(&app, "/").await.expect_ticket();
    let message = assert_refused(
        Visitor::new().vote(&app, &ticket, "5").await,
        StatusCode::BAD_REQUEST,
        "cookies_required",
    )
    .await;
    assert!(message.contains("cookies"), "{message}");
}

#[tokio::test]
async fn a_replayed_ticket_is_refused_and_counts_once() {
    let app = spawn_app(5).await;
    let mut visitor = Visitor::new();
    let ticket = visitor.open(&app, "/").await.expect_ticket();
    assert_eq!(visitor.vote(&app, &ticket, "8").await.status(), StatusCode::OK);
    let message = assert_refused(
        visitor.vote(&app, &ticket, "2").await,
        StatusCode::CONFLICT,
        "already_rated",
    )
    .await;
    assert!(message.contains("you said 8"), "{message}");
    assert_eq!(app.vote_count().await, 1);
    assert_eq!(app.tallied().await, (1, 8));
}

#[tokio::test]
async fn a_double_submit_counts_once() {
    let app = spawn_app(5).await;
    let mut visitor = Visitor::new();
    let ticket = visitor.open(&app, "/").await.expect_ticket();
    let (mut first, mut second) = (visitor.clone(), visitor.clone());
    let (a, b) = tokio::join!(first.vote(&app, &ticket, "6"), second.vote(&app, &ticket, "6"));
    let mut statuses = [a.status(), b.status()];
    statuses.sort();
    assert_eq!(statuses, [StatusCode::OK, StatusCode::CONFLICT]);
    assert_eq!(app.vote_count().await, 1);
}

#[tokio::test]
async fn a_genuine_ticket_for_a_picture_not_revealed_is_refused() {
    // Even with a correctly signed ticket, the only picture a voter may rate is the one the
    // server put in front of them: the next picture is revealed by voting, not by asking.
    let app = spawn_app(5).await;
    let mut visitor = Visitor::new();
    let page = visitor.open(&app, "/").await;
    let voter = visitor.voter_id(&app);
    let shown = app.shown_picture(&page, voter);
    let other = app.submission_ids().await.into_iter().find(|id| *id != shown).unwrap();
    let ticket = app.mint_ticket(voter, other, SystemTime::now());
    assert_refused(visitor.vote(&app, &ticket, "5").await, StatusCode::CONFLICT, "stale_ticket")
        .await;
    assert_eq!(app.vote_count().await, 0);
    assert_eq!(visitor.open(&app, "/").await.image_key(), page.image_key());
}

#[tokio::test]
async fn an_expired_ticket_is_refused() {
    let app = spawn_app(3).await;
    let mut visitor = Visitor::new();
    let page = visitor.open(&app, "/").await;
    let voter = visitor.voter_id(&app);
    let two_days_ago = SystemTime::now() - Duration::from_secs(2 * 86_400);
    let ticket = app.mint_ticket(voter, app.shown_picture(&page, voter), two_days_ago);
    assert_refused(visitor.vote(&app, &ticket, "5").await, StatusCode::GONE, "expired_ticket")
        .await;
    assert_eq!(app.vote_count().await, 0);
}
