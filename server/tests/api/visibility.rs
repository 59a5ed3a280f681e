//! The site's rule on every page that lists pictures: a picture is seen only by voting.

use crate::helpers::{TestApp, Visitor, json, spawn_app};
use reqwest::{StatusCode, header};

/// "Rate it to see it" on the tile of picture `id`, from a page (`text/html`) or a script.
async fn ask_for(app: &TestApp, visitor: &mut Visitor, id: i64, accept: &str) -> reqwest::Response {
    let asked = visitor
        .with_cookie(app.http.post(format!("{}/api/rate-picture", app.address)))
        .header(header::ACCEPT, accept)
        .form(&[("id", id.to_string())])
        .send()
        .await
        .unwrap();
    visitor.remember(&asked);
    asked
}

/// A visitor who has rated one picture: the visitor, the image keys of the rated picture and of
/// the one now in front of them, and the vote's answer.
async fn after_one_vote(app: &TestApp) -> (Visitor, [String; 2], serde_json::Value) {
    let mut visitor = Visitor::new();
    let first = visitor.open(app, "/").await;
    let (_, outcome) = json(visitor.vote(app, first.ticket.as_deref().unwrap(), "4").await).await;
    let in_front = outcome["next"]["picture"]["image_key"].as_str().unwrap().to_owned();
    (visitor, [first.image_key().unwrap(), in_front], outcome)
}

/// A picture neither rated by the visitor nor in front of them: not the two in `seen`.
async fn another_picture(app: &TestApp, seen: [&str; 2]) -> i64 {
    sqlx::query_scalar!(
        "SELECT id FROM submissions WHERE image_key <> ALL($1) ORDER BY id LIMIT 1",
        &seen as &[&str]
    )
    .fetch_one(&app.pool)
    .await
    .unwrap()
}

#[tokio::test]
async fn a_profile_locks_the_pictures_a_visitor_has_not_rated_until_they_rate_them() {
    let app = spawn_app(5).await;
    let mut owner = app.signed_in("shower").await;
    // One of the pictures is the member's.
    let owned = sqlx::query!(
        "UPDATE submissions SET submitted_by = (SELECT voter_id FROM users)
         WHERE id = (SELECT min(id) FROM submissions) RETURNING id, title, image_key",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let (id, title, key) = (owned.id, owned.title, owned.image_key);

    let mut visitor = Visitor::new();
    let profile = visitor.open(&app, "/u/shower").await;
    assert_eq!(profile.status, StatusCode::OK);
    assert!(profile.html.contains(&title), "the locked tile keeps its title");
    assert!(profile.html.contains("Rate it to see it"));
    assert!(!profile.html.contains(&key), "no image (nor its address) before a vote");
    assert!(!profile.html.contains(" votes<"), "no score either");
    assert!(owner.open(&app, "/u/shower").await.html.contains(&key), "its owner sees it");

    // The tile's action: the picture comes next, after the one in front of the visitor.
    let asked = ask_for(&app, &mut visitor, id, "text/html").await;
    assert_eq!(asked.status(), StatusCode::FOUND);
    assert_eq!(asked.headers()[header::LOCATION], "/");
    let mut page = visitor.open(&app, "/").await;
    if page.image_key().as_deref() != Some(key.as_str()) {
        assert!(page.html.contains(&format!("Next up: “{title}”")), "{}", page.html);
        let (status, body) =
            json(visitor.vote(&app, page.ticket.as_deref().unwrap(), "5").await).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(
            body["next"]["picture"]["image_key"],
            key.as_str(),
            "the asked-for picture is next"
        );
        page = visitor.open(&app, "/").await;
    }
    assert_eq!(page.image_key().as_deref(), Some(key.as_str()));
    assert!(!visitor.open(&app, "/u/shower").await.html.contains(&key), "seen, but not yet rated");
    visitor.vote(&app, page.ticket.as_deref().unwrap(), "9").await;
    let profile = visitor.open(&app, "/u/shower").await;
    assert!(profile.html.contains(&key), "rated: revealed");
    assert!(profile.html.contains("9.0 · 1 vote"), "{}", profile.html);
}

#[tokio::test]
async fn asking_for_a_picture_never_skips_the_one_in_front() {
    let app = spawn_app(4).await;
    let (mut visitor, [rated, in_front], _) = after_one_vote(&app).await;
    let other = another_picture(&app, [&rated, &in_front]).await;
    let asked = ask_for(&app, &mut visitor, other, "application/json").await;
    assert!(asked.status().is_success() || asked.status().is_redirection(), "{}", asked.status());
    assert_eq!(visitor.open(&app, "/").await.image_key().as_deref(), Some(in_front.as_str()));
    // A picture that does not exist is a clear error, and changes nothing.
    let missing = ask_for(&app, &mut visitor, 999_999, "application/json").await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn an_asked_for_picture_taken_out_of_play_meanwhile_gives_way_to_a_picked_one() {
    let app = spawn_app(5).await;
    let (mut visitor, [rated, in_front], outcome) = after_one_vote(&app).await;
    let asked = another_picture(&app, [&rated, &in_front]).await;
    let request = ask_for(&app, &mut visitor, asked, "text/html").await;
    assert_eq!(request.status(), StatusCode::FOUND);
    sqlx::query!("UPDATE submissions SET retired_at = now() WHERE id = $1", asked)
        .execute(&app.pool)
        .await
        .unwrap();

    let ticket = outcome["next"]["ticket"].as_str().unwrap();
    let (status, body) = json(visitor.vote(&app, ticket, "6").await).await;
    assert_eq!(status, StatusCode::OK);
    let next = body["next"]["picture"]["id"].as_i64().expect("a picture still in play comes next");
    assert_ne!(next, asked);
}
