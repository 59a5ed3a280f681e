//! The vote-to-reveal loop, as a visitor goes through it.

use crate::helpers::{Visitor, json, spawn_app};
use reqwest::{StatusCode, header};

#[tokio::test]
async fn a_first_visit_reveals_a_picture_and_sets_a_private_voter_cookie() {
    let app = spawn_app(5).await;
    let response = app.http.get(&app.address).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let cookie = response.headers().get(header::SET_COOKIE).unwrap().to_str().unwrap().to_owned();
    assert!(cookie.starts_with("rmd_voter="), "{cookie}");
    assert!(cookie.contains("; HttpOnly"), "{cookie}");
    assert!(cookie.contains("; SameSite=Lax"), "{cookie}");
    assert!(!cookie.contains("Secure"), "plain http must not mark the cookie Secure: {cookie}");
    let html = response.text().await.unwrap();
    assert!(html.contains("name=\"ticket\""));
    for rating in 1..=10 {
        assert!(
            html.contains(&format!("aria-label=\"Rate {rating} out of 10\"")),
            "button {rating}"
        );
    }
}

#[tokio::test]
async fn the_cookie_is_secure_and_host_bound_when_served_over_https() {
    let app = crate::helpers::spawn_app_with(2, |settings| {
        settings.server.public_url = Some("https://ratemyderp.example".into());
    })
    .await;
    let response = app.http.get(&app.address).send().await.unwrap();
    let cookie = response.headers().get(header::SET_COOKIE).unwrap().to_str().unwrap();
    assert!(cookie.starts_with("__Host-rmd_voter="), "{cookie}");
    assert!(cookie.contains("; Secure"), "{cookie}");
    assert!(cookie.contains("; Path=/"), "{cookie}");
}

#[tokio::test]
async fn reloading_shows_the_same_picture_until_the_visitor_votes() {
    let app = spawn_app(10).await;
    let mut visitor = Visitor::new();
    let first = visitor.open(&app, "/").await;
    for _ in 0..3 {
        let again = visitor.open(&app, "/").await;
        assert_eq!(
            again.image_key(),
            first.image_key(),
            "a reload must not reveal another picture"
        );
    }
    let voted = visitor.vote(&app, first.ticket.as_deref().unwrap(), "6").await;
    assert_eq!(voted.status(), StatusCode::OK);
    let after = visitor.open(&app, "/").await;
    assert_ne!(after.image_key(), first.image_key());
}

#[tokio::test]
async fn a_vote_is_counted_and_answered_with_the_verdict_and_the_next_picture() {
    let app = spawn_app(5).await;
    let mut visitor = Visitor::new();
    let page = visitor.open(&app, "/").await;
    let (status, body) = json(visitor.vote(&app, page.ticket.as_deref().unwrap(), "9").await).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["your_rating"], 9);
    assert_eq!(body["tally"]["vote_count"], 1);
    assert_eq!(body["tally"]["rating_sum"], 9);
    assert_eq!(body["votes_cast"], 1);
    let next = &body["next"];
    assert_ne!(next["picture"]["image_key"].as_str(), page.image_key().as_deref());
    assert!(next["ticket"].as_str().is_some_and(|t| !t.is_empty()));
    assert_eq!(app.vote_count().await, 1);

    // The next ticket works in turn, and the crowd's verdict includes everyone's votes.
    let (status, body) =
        json(visitor.vote(&app, next["ticket"].as_str().unwrap(), "10").await).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["votes_cast"], 2);
}

#[tokio::test]
async fn the_crowd_verdict_counts_every_voter() {
    let app = spawn_app(1).await;
    let mut ratings = Vec::new();
    for rating in [4, 8, 9] {
        let mut visitor = Visitor::new();
        let page = visitor.open(&app, "/").await;
        let (status, body) =
            json(visitor.vote(&app, page.ticket.as_deref().unwrap(), &rating.to_string()).await)
                .await;
        assert_eq!(status, StatusCode::OK);
        ratings.push((body["tally"]["vote_count"].clone(), body["tally"]["rating_sum"].clone()));
    }
    assert_eq!(ratings.last().unwrap(), &(3.into(), 21.into()));
}

#[tokio::test]
async fn when_everything_is_rated_the_page_says_so_and_offers_a_next_step() {
    let app = spawn_app(2).await;
    let mut visitor = Visitor::new();
    let mut page = visitor.open(&app, "/").await;
    for _ in 0..2 {
        let response = visitor.vote(&app, page.ticket.as_deref().unwrap(), "5").await;
        assert_eq!(response.status(), StatusCode::OK);
        page = visitor.open(&app, "/").await;
    }
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.ticket.is_none(), "nothing is left to rate");
    assert!(page.html.contains("You've rated every derp we have!"), "{}", page.html);
    assert!(page.html.contains("Check for new derps"));

    // New pictures arrive: the next visit reveals one.
    server::seed::add_demo_pictures(&app.pool, 1).await.unwrap();
    let page = visitor.open(&app, "/").await;
    assert!(page.ticket.is_some());
}

#[tokio::test]
async fn a_voter_never_sees_a_picture_they_rated_or_submitted() {
    let app = spawn_app(6).await;
    let mut visitor = Visitor::new();
    let first = visitor.open(&app, "/").await;
    let voter = visitor.voter_id(&app);
    // The visitor submitted two of the pictures, as a member (a voter with a row) does.
    sqlx::query!(
        "INSERT INTO voters (id, current_submission_id) VALUES ($1, $2)",
        voter.0,
        app.shown_picture(&first, voter).0
    )
    .execute(&app.pool)
    .await
    .unwrap();
    sqlx::query!(
        "UPDATE submissions SET submitted_by = $1 WHERE id IN
         (SELECT id FROM submissions WHERE image_key <> $2 ORDER BY id LIMIT 2)",
        voter.0,
        first.image_key().unwrap()
    )
    .execute(&app.pool)
    .await
    .unwrap();
    let own =
        sqlx::query_scalar!("SELECT image_key FROM submissions WHERE submitted_by = $1", voter.0)
            .fetch_all(&app.pool)
            .await
            .unwrap();
    let mut seen = vec![first.image_key().unwrap()];
    let mut ticket = first.ticket.unwrap();
    loop {
        let (status, body) = json(visitor.vote(&app, &ticket, "7").await).await;
        assert_eq!(status, StatusCode::OK);
        let Some(key) = body["next"]["picture"]["image_key"].as_str() else {
            break;
        };
        assert!(!seen.contains(&key.to_owned()), "{key} was shown twice");
        assert!(!own.contains(&key.to_owned()), "{key} is the visitor's own");
        seen.push(key.to_owned());
        ticket = body["next"]["ticket"].as_str().unwrap().to_owned();
    }
    assert_eq!(seen.len(), 4, "six pictures, two of them the visitor's own");
}

#[tokio::test]
async fn after_a_vote_the_page_shows_the_picture_it_revealed_and_a_retired_one_is_replaced() {
    let app = spawn_app(6).await;
    let mut visitor = Visitor::new();
    let first = visitor.open(&app, "/").await;
    let (status, body) = json(visitor.vote(&app, &first.expect_ticket(), "7").await).await;
    assert_eq!(status, StatusCode::OK);
    let revealed = body["next"]["picture"]["image_key"].as_str().unwrap().to_owned();

    // The voter has a row now: the page shows the picture the vote revealed, again and again.
    for _ in 0..2 {
        let page = visitor.open(&app, "/").await;
        assert_eq!(page.image_key().as_deref(), Some(revealed.as_str()));
    }

    // That picture retires before they rate it: the next page shows another, never a rated one.
    sqlx::query!("UPDATE submissions SET retired_at = now() WHERE image_key = $1", revealed)
        .execute(&app.pool)
        .await
        .unwrap();
    let page = visitor.open(&app, "/").await;
    let shown = page.image_key().expect("another picture is left to rate");
    assert_ne!(shown, revealed);
    assert_ne!(Some(shown.as_str()), first.image_key().as_deref());
    assert_eq!(visitor.open(&app, "/").await.image_key(), Some(shown), "and it stays");
}
