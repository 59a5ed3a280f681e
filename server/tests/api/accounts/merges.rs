//! Where logging in (which moves a browser's anonymous votes to the account) meets the vote loop.

use super::*;
use app::server::accounts::merge::move_votes;

/// Votes as `visitor` until the picture with `key` has been rated; answers how many it rated.
async fn rate_until(app: &TestApp, visitor: &mut Visitor, key: &str) -> usize {
    let mut page = visitor.open(app, "/").await;
    let mut rated = 0;
    while let Some(ticket) = page.ticket.clone() {
        let shown = page.image_key().unwrap();
        assert_eq!(visitor.vote(app, &ticket, "8").await.status(), StatusCode::OK);
        rated += 1;
        if shown == key {
            return rated;
        }
        page = visitor.open(app, "/").await;
    }
    panic!("{key} was never shown");
}

#[tokio::test]
async fn after_a_login_the_account_is_not_stuck_on_a_picture_it_has_now_rated() {
    let app = spawn_app(6).await;
    let mut browser = app.signed_in("stuck").await;
    let in_front_of_account = browser.open(&app, "/").await.image_key().unwrap();
    app.post(&mut browser, "/api/log-out", &[]).await;

    // Logged out, the same browser rates pictures until it has rated the account's one.
    rate_until(&app, &mut browser, &in_front_of_account).await;
    // However many that took, there are pictures left to rate.
    server::seed::add_demo_pictures(&app.pool, 3).await.unwrap();
    assert_eq!(app.log_in(&mut browser, "stuck", PASSWORD).await.status(), StatusCode::OK);

    let page = browser.open(&app, "/").await;
    assert_ne!(page.image_key().as_deref(), Some(in_front_of_account.as_str()));
    let ticket = page.ticket.expect("pictures are left to rate");
    let (status, body) = json(browser.vote(&app, &ticket, "6").await).await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

/// A member whose login is about to take `anonymous`'s votes.
async fn account_voter(app: &TestApp) -> app::server::voter::VoterId {
    app.sign_up(&mut Visitor::new(), "merger", "merger@example.com").await;
    sqlx::query_scalar!(
        r#"SELECT voter_id AS "voter_id: app::server::voter::VoterId" FROM users
            WHERE username = 'merger'"#
    )
    .fetch_one(&app.pool)
    .await
    .unwrap()
}

/// Runs the merge in a transaction held open while `visitor` votes with `ticket`, then commits;
/// answers the vote's status.
async fn vote_during_merge(app: &TestApp, visitor: &Visitor, ticket: &str) -> StatusCode {
    let account = account_voter(app).await;
    let anonymous = visitor.voter_id(app);
    let mut merge = app.pool.begin().await.unwrap();
    move_votes(&mut merge, anonymous, account).await.unwrap();
    let vote = tokio::spawn({
        let (app_address, client) = (app.address.clone(), app.http.clone());
        let cookie = visitor.cookie_header().unwrap();
        let ticket = ticket.to_owned();
        async move {
            client
                .post(format!("{app_address}/api/vote"))
                .header(header::COOKIE, cookie)
                .header(header::ACCEPT, "application/json")
                .form(&[("ticket", ticket.as_str()), ("rating", "10")])
                .send()
                .await
                .unwrap()
                .status()
        }
    });
    // The ballot reaches the database and waits for the merge's locks.
    tokio::time::sleep(Duration::from_millis(300)).await;
    merge.commit().await.unwrap();
    vote.await.unwrap()
}

/// The votes stored, and the votes the tallies count.
async fn counts(app: &TestApp) -> (i64, i64) {
    (app.vote_count().await, app.tallied().await.0)
}

#[tokio::test]
async fn a_ballot_sent_while_its_votes_move_is_not_counted_for_both_voters() {
    let app = spawn_app(4).await;
    let mut visitor = Visitor::new();
    let first = visitor.open(&app, "/").await;
    let (_, next) = json(visitor.vote(&app, first.ticket.as_deref().unwrap(), "3").await).await;
    let ticket = next["next"]["ticket"].as_str().unwrap().to_owned();

    let status = vote_during_merge(&app, &visitor, &ticket).await;
    assert_eq!(status, StatusCode::CONFLICT, "the anonymous voter's picture went with the merge");
    assert_eq!(counts(&app).await, (1, 1), "only the first vote, now the account's");
}

#[tokio::test]
async fn a_first_ballot_sent_while_a_login_merges_is_not_counted_either() {
    let app = spawn_app(4).await;
    let mut visitor = Visitor::new();
    let first = visitor.open(&app, "/").await;
    assert!(!app.voter_row_exists(visitor.voter_id(&app)).await);

    let status = vote_during_merge(&app, &visitor, first.ticket.as_deref().unwrap()).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(counts(&app).await, (0, 0));
}
