//! Share links: only a picture's owner and voters can share it; following a link puts the
//! picture in front of the visitor, counts once per visitor, and a preview crawler (no
//! cookies) gets the teaser and counts nothing.

use crate::helpers::{TestApp, Visitor, json, spawn_app};
use reqwest::{StatusCode, header};

/// The visitor's share link to picture `id`, as the hydrated page asks for it.
async fn share(app: &TestApp, visitor: &mut Visitor, id: i64) -> (StatusCode, serde_json::Value) {
    json(app.post(visitor, "/api/share", &[("id", &id.to_string())]).await).await
}

async fn shares_of(app: &TestApp, id: i64) -> i64 {
    sqlx::query_scalar!("SELECT shares FROM picture_reach WHERE submission_id = $1", id)
        .fetch_optional(&app.pool)
        .await
        .unwrap()
        .unwrap_or(0)
}

/// Follows a share link as a browser does, cookie round trip included; answers where it ends.
async fn follow(app: &TestApp, visitor: &mut Visitor, code: &str) -> (StatusCode, String) {
    let mut path = format!("/s/{code}");
    for _ in 0..3 {
        let response = visitor
            .with_cookie(app.http.get(format!("{}{path}", app.address)))
            .send()
            .await
            .unwrap();
        visitor.remember(&response);
        match response.headers().get(header::LOCATION) {
            Some(location) if location != "/" => path = location.to_str().unwrap().to_owned(),
            Some(_) => return (response.status(), "/".to_owned()),
            None => return (response.status(), response.text().await.unwrap()),
        }
    }
    panic!("too many redirects");
}

#[tokio::test]
async fn a_shared_link_puts_the_picture_first_and_counts_each_visitor_once() {
    let app = spawn_app(8).await;
    let mut sharer = Visitor::new();
    let page = sharer.open(&app, "/").await;
    let id = app.shown_picture(&page, sharer.voter_id(&app)).0;

    // Not before rating it.
    let (status, body) = share(&app, &mut sharer, id).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    sharer.vote(&app, page.ticket.as_deref().unwrap(), "9").await;
    let (status, code) = share(&app, &mut sharer, id).await;
    assert_eq!(status, StatusCode::OK, "{code}");
    let code = code.as_str().unwrap().to_owned();
    assert_eq!(share(&app, &mut sharer, id).await.1, code.as_str(), "the same link every time");

    // A fresh visitor: a cookie check, then the vote page with the shared picture in front.
    let mut friend = Visitor::new();
    assert_eq!(follow(&app, &mut friend, &code).await.1, "/");
    let front = friend.open(&app, "/").await;
    assert_eq!(app.shown_picture(&front, friend.voter_id(&app)).0, id);
    assert_eq!(shares_of(&app, id).await, 1);
    // Again: still one share.
    follow(&app, &mut friend, &code).await;
    assert_eq!(shares_of(&app, id).await, 1, "once per visitor");
    // The friend rates it, and now sees it on its page.
    let (status, _) = json(friend.vote(&app, front.ticket.as_deref().unwrap(), "7").await).await;
    assert_eq!(status, StatusCode::OK);
    let key: String = sqlx::query_scalar!("SELECT image_key FROM submissions WHERE id = $1", id)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert!(friend.open(&app, &format!("/p/{id}")).await.html.contains(&key));

    // The sharer following their own link is not a share.
    follow(&app, &mut sharer, &code).await;
    assert_eq!(shares_of(&app, id).await, 1);

    // A preview crawler keeps no cookies: it gets the teaser page, and counts nothing.
    let crawler = app.http.get(format!("{}/s/{code}?checked=1", app.address)).send().await.unwrap();
    assert_eq!(crawler.status(), StatusCode::OK);
    let html = crawler.text().await.unwrap();
    assert!(html.contains(&format!("/teasers/{id}.jpg")) && html.contains("og:image"));
    assert!(!html.contains(&key), "a preview never shows the picture");
    assert_eq!(shares_of(&app, id).await, 1);
    let visits: i64 =
        sqlx::query_scalar!(r#"SELECT count(*) AS "n!" FROM share_visits WHERE code = $1"#, code)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(visits, 1, "the visit is attributed to the link");

    // Links that lead nowhere.
    for bad in ["nonsense", "AAAAAAAAAAAAAAAA"] {
        let response =
            app.http.get(format!("{}/s/{bad}?checked=1", app.address)).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{bad}");
    }
}

#[tokio::test]
async fn a_returning_voter_gets_the_shared_picture_next_not_in_place_of_the_current_one() {
    let app = spawn_app(8).await;
    let mut sharer = Visitor::new();
    let page = sharer.open(&app, "/").await;
    let id = app.shown_picture(&page, sharer.voter_id(&app)).0;
    sharer.vote(&app, page.ticket.as_deref().unwrap(), "9").await;
    let code = share(&app, &mut sharer, id).await.1.as_str().unwrap().to_owned();

    // A voter with another picture in front of them (visitors whose first picture is the
    // shared one are no use here: rating it would make the link change nothing).
    let (mut returning, voter, current) = loop {
        let mut visitor = Visitor::new();
        let front = visitor.open(&app, "/").await;
        let voter = visitor.voter_id(&app);
        let current = app.shown_picture(&front, voter).0;
        if current != id {
            break (visitor, voter, current);
        }
    };
    follow(&app, &mut returning, &code).await;
    let still = returning.open(&app, "/").await;
    assert_eq!(app.shown_picture(&still, voter).0, current, "no skipping by share link");
    let (_, body) = json(returning.vote(&app, still.ticket.as_deref().unwrap(), "6").await).await;
    assert_eq!(body["next"]["picture"]["id"].as_i64(), Some(id), "the shared picture comes next");
}
