//! Vote integrity at the door: a vote sooner than a person can look is refused and the picture
//! stays; a voter or a network over its limit is told when to come back; a double-submit flood
//! counts each vote once; votes that stop and start counting move the tallies exactly.

use crate::helpers::{Visitor, json, spawn_app, spawn_app_with};
use reqwest::{StatusCode, header};
use std::{sync::Arc, time::Duration};

#[tokio::test]
async fn a_vote_faster_than_a_person_can_look_is_refused_and_the_picture_stays() {
    let app = spawn_app_with(4, |settings| settings.votes.min_view_ms = 400).await;
    let mut visitor = Visitor::new();
    let page = visitor.open(&app, "/").await;
    let ticket = page.expect_ticket();
    let response = visitor.vote(&app, &ticket, "7").await;
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(response.headers()[header::RETRY_AFTER], "1");
    let (_, body) = json(response).await;
    assert_eq!(body["code"], "too_fast");
    assert!(body["message"].as_str().unwrap().contains("that one wasn't counted"));
    assert_eq!(app.vote_count().await, 0);
    // Without JavaScript: back to the page, which says so and shows the same picture.
    let plain = visitor.vote_without_js(&app, &ticket, "7").await;
    let back = plain.headers()[header::LOCATION].to_str().unwrap().to_owned();
    assert_eq!(back, "/?problem=too_fast");
    let again = visitor.open(&app, &back).await;
    assert!(again.html.contains("Take a moment to look at the picture"));
    assert_eq!(again.image_key(), page.image_key(), "the same picture, to look at properly");
    // After a look, the same ticket counts.
    tokio::time::sleep(Duration::from_millis(450)).await;
    let (status, body) = json(visitor.vote(&app, &ticket, "7").await).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(app.vote_count().await, 1);
}

#[tokio::test]
async fn a_voter_over_the_limit_is_told_when_to_come_back() {
    // 12 a minute: one every 5 s, a burst of 5 on top of the first.
    let app = spawn_app_with(30, |settings| settings.votes.per_voter_per_minute = 12).await;
    let mut visitor = Visitor::new();
    let mut ticket = visitor.open(&app, "/").await.expect_ticket();
    for _ in 0..6 {
        let (status, body) = json(visitor.vote(&app, &ticket, "5").await).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        ticket = body["next"]["ticket"].as_str().unwrap().to_owned();
    }
    let refused = visitor.vote(&app, &ticket, "5").await;
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
    let wait: u64 = refused.headers()[header::RETRY_AFTER].to_str().unwrap().parse().unwrap();
    assert!((1..=5).contains(&wait), "{wait}");
    assert_eq!(json(refused).await.1["code"], "too_many_votes");
    assert_eq!(app.vote_count().await, 6);
    // Another voter on the same address is not held up by this one's limit.
    let mut other = Visitor::new();
    let other_ticket = other.open(&app, "/").await.expect_ticket();
    assert_eq!(other.vote(&app, &other_ticket, "5").await.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_network_over_its_limit_is_refused_whichever_voter_sends() {
    let app = spawn_app_with(10, |settings| settings.votes.per_network_per_minute = 20).await;
    let mut statuses = Vec::new();
    for _ in 0..8 {
        let mut visitor = Visitor::new();
        let ticket = visitor.open(&app, "/").await.expect_ticket();
        statuses.push(visitor.vote(&app, &ticket, "5").await.status());
    }
    let refused = statuses.iter().filter(|s| **s == StatusCode::TOO_MANY_REQUESTS).count();
    assert_eq!((statuses.len() - refused, refused), (6, 2), "{statuses:?}");
    assert_eq!(app.vote_count().await, 6);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sessions_sending_the_same_vote_twenty_times_at_once_count_once_each() {
    // Each session fires its 20 copies at once; sessions take turns, SESSIONS_AT_ONCE at a
    // time. All 1,000 at once would be 20,000 connections: in one process the test client and
    // the server share its file descriptors and the listener's backlog, and connections piled
    // up waiting to be accepted (SYN-SENT) until they timed out. The race under test is between
    // the copies of one vote, which still arrive together.
    const SESSIONS: i64 = 1_000;
    const SESSIONS_AT_ONCE: usize = 25;
    let app = Arc::new(spawn_app(50).await);
    let mut sessions = Vec::new();
    for _ in 0..SESSIONS {
        let mut visitor = Visitor::new();
        let ticket = visitor.open(&app, "/").await.expect_ticket();
        sessions.push((visitor, ticket));
    }
    let (before, _) = app.tallied().await;
    let turns = Arc::new(tokio::sync::Semaphore::new(SESSIONS_AT_ONCE));
    let mut sends = Vec::new();
    for (visitor, ticket) in sessions {
        let (app, turns) = (app.clone(), turns.clone());
        sends.push(tokio::spawn(async move {
            let _turn = turns.acquire_owned().await.unwrap();
            let copies: Vec<_> = (0..20)
                .map(|_| {
                    let (app, mut visitor, ticket) = (app.clone(), visitor.clone(), ticket.clone());
                    tokio::spawn(async move { visitor.vote(&app, &ticket, "8").await.status() })
                })
                .collect();
            let mut statuses = Vec::new();
            for copy in copies {
                statuses.push(copy.await.unwrap());
            }
            statuses
        }));
    }
    let mut statuses = std::collections::BTreeMap::<u16, usize>::new();
    for send in sends {
        for status in send.await.unwrap() {
            *statuses.entry(status.as_u16()).or_default() += 1;
        }
    }
    assert_eq!(app.vote_count().await, SESSIONS, "{statuses:?}");
    let (after, _) = app.tallied().await;
    assert_eq!(after - before, SESSIONS, "the pictures' counts rose by exactly one per session");
    assert!(app.histograms_in_step().await);
    assert_eq!(
        statuses.get(&200).copied(),
        usize::try_from(SESSIONS).ok(),
        "one success per session: {statuses:?}"
    );
    assert!(
        statuses.keys().all(|s| [200, 409].contains(s)),
        "only 'already' or 'in progress': {statuses:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn votes_stopping_and_starting_to_count_move_the_tallies_exactly_while_votes_flow() {
    use app::server::votes::counting::{DiscountReason, Finding, VoteKey, discount, restore};
    let app = Arc::new(spawn_app(40).await);
    // Votes to flip, on the pictures others keep voting on.
    let mut first = Visitor::new();
    let mut ticket = first.open(&app, "/").await.expect_ticket();
    for _ in 0..20 {
        let (_, body) = json(first.vote(&app, &ticket, "3").await).await;
        ticket = body["next"]["ticket"].as_str().unwrap().to_owned();
    }
    let voter = first.voter_id(&app);
    let keys: Vec<VoteKey> =
        sqlx::query_scalar!("SELECT submission_id FROM votes WHERE voter_id = $1", voter.0)
            .fetch_all(&app.pool)
            .await
            .unwrap()
            .into_iter()
            .map(|id| VoteKey { voter, picture: app::votes::SubmissionId(id) })
            .collect();
    let flow: Vec<_> = (0..8)
        .map(|_| {
            let app = app.clone();
            tokio::spawn(async move {
                let mut visitor = Visitor::new();
                let mut ticket = visitor.open(&app, "/").await.expect_ticket();
                for round in 0..15 {
                    let (_, body) =
                        json(visitor.vote(&app, &ticket, &((round % 10) + 1).to_string()).await)
                            .await;
                    ticket = body["next"]["ticket"].as_str().unwrap().to_owned();
                }
            })
        })
        .collect();
    let flips: Vec<_> = (0..4)
        .map(|_| {
            let (app, keys) = (app.clone(), keys.clone());
            tokio::spawn(async move {
                let finding = Finding {
                    reason: DiscountReason::SuspiciousBurst,
                    evidence: "a test".to_owned(),
                    votes: keys,
                };
                for _ in 0..10 {
                    // Whoever stops them counting restores them; the others find nothing to do.
                    if let Some(opened) = discount(&app.pool, &finding).await.unwrap() {
                        restore(&app.pool, opened.case).await.unwrap();
                    }
                }
            })
        })
        .collect();
    for task in flow.into_iter().chain(flips) {
        task.await.unwrap();
    }
    assert!(app.tallies_match_counted_votes().await, "every tally equals its counted votes");
    assert!(app.histograms_in_step().await);
}
