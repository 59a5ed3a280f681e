//! The background purge deletes what has expired, and nothing else.

use crate::helpers::{Visitor, spawn_app};
use server::jobs::{Purged, purge_expired};
use std::time::Duration;

#[tokio::test]
async fn expired_rows_go_and_live_ones_stay() {
    let app = spawn_app(2).await;
    let mut member = app.signed_in("keeper").await;
    // Their session is made to expire below.
    app.signed_in("lapsed").await;
    // A visitor who voted long ago, and one who only looked: looking writes no row.
    let mut voter = Visitor::new();
    let page = voter.open(&app, "/").await;
    voter.vote(&app, page.ticket.as_deref().unwrap(), "4").await;
    let mut looker = Visitor::new();
    looker.open(&app, "/").await;
    let (voter_id, looker_id) = (voter.voter_id(&app), looker.voter_id(&app));
    assert!(!app.voter_row_exists(looker_id).await, "looking at the page writes nothing");
    // A row without votes, as older versions made for every visitor.
    sqlx::query!("INSERT INTO voters (id) VALUES ($1)", looker_id.0)
        .execute(&app.pool)
        .await
        .unwrap();

    // Time passes for some rows.
    sqlx::query!(
        "UPDATE sessions SET expires_at = now() - interval '1 second'
          WHERE user_id = (SELECT id FROM users WHERE username = 'lapsed')"
    )
    .execute(&app.pool)
    .await
    .unwrap();
    sqlx::query!("UPDATE account_tokens SET expires_at = now() - interval '2 days'")
        .execute(&app.pool)
        .await
        .unwrap();
    sqlx::query!(
        "INSERT INTO rate_counts (key, count, window_start)
         VALUES ('old', 3, now() - interval '2 days'), ('fresh', 1, now())"
    )
    .execute(&app.pool)
    .await
    .unwrap();
    sqlx::query!(
        "UPDATE voters SET created_at = now() - interval '3 days',
                           revealed_at = now() - interval '3 days'"
    )
    .execute(&app.pool)
    .await
    .unwrap();

    let purged = purge_expired(&app.pool).await.unwrap();
    assert_eq!(
        purged,
        Purged {
            sessions: 1,
            links: 2,
            rate_counts: 1,
            idle_voters: 3,
            job_runs: 0,
            rank_history: 0,
            retired_pictures: 0
        },
        "one lapsed session, both confirmation links, one old failure, the looker's old row and \
         the rows left for the members' anonymous voters when they logged in"
    );
    let voters = sqlx::query_scalar!("SELECT id FROM voters").fetch_all(&app.pool).await.unwrap();
    assert!(voters.contains(&voter_id.0) && !voters.contains(&looker_id.0));
    assert_eq!(voters.len(), 3, "the voter and both members' voters stay");
    // The live session still works; a second purge finds nothing.
    assert!(member.open(&app, "/settings").await.html.contains("keeper@example.com"));
    assert_eq!(purge_expired(&app.pool).await.unwrap(), Purged::default());
}

#[tokio::test]
async fn a_voter_who_votes_while_the_purge_runs_is_kept() {
    let app = spawn_app(2).await;
    let idle: i64 = 4242;
    sqlx::query!(
        "INSERT INTO voters (id, created_at, revealed_at)
         VALUES ($1, now() - interval '3 days', now() - interval '3 days')",
        idle
    )
    .execute(&app.pool)
    .await
    .unwrap();
    // Their first vote is being written (its transaction holds the row) when the purge looks.
    let mut vote = app.pool.begin().await.unwrap();
    sqlx::query!("UPDATE voters SET votes_cast = 1, revealed_at = now() WHERE id = $1", idle)
        .execute(&mut *vote)
        .await
        .unwrap();
    let purge = tokio::spawn({
        let pool = app.pool.clone();
        async move { purge_expired(&pool).await }
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    vote.commit().await.unwrap();
    let purged = purge.await.unwrap().unwrap();
    assert_eq!(purged.idle_voters, 0, "the voter voted before the purge reached their row");
    assert!(app.voter_row_exists(app::server::voter::VoterId(idle)).await);
}
