//! The retirement cycle: only pictures old enough, seen enough and in the bottom share of
//! cautious scores retire; their owner still sees them with the reason; they are deleted, with
//! their votes, once the grace period is over.

use crate::helpers::{TestApp, Visitor, spawn_app};
use app::standings::VoteWeights;
use reqwest::StatusCode;
use server::jobs::{
    purge_expired,
    ranking::rank_pictures,
    retirement::{Thresholds, retire_pictures},
};

const THRESHOLDS: Thresholds =
    Thresholds { min_views: 50, min_age_days: 7, bottom_percent: 30.0, grace_days: 30 };

/// Gives picture `id` `votes` votes of `rating`, `views` views, and an age of `days`.
async fn set_picture(app: &TestApp, id: i64, rating: i32, votes: i32, views: i64, days: i32) {
    sqlx::query!(
        "UPDATE tallies SET vote_count = $2::int8, rating_sum = $2::int8 * $3::int8,
                histogram = array_fill(0, ARRAY[10])::int4[]
          WHERE submission_id = $1",
        id,
        i64::from(votes),
        i64::from(rating)
    )
    .execute(&app.pool)
    .await
    .unwrap();
    sqlx::query!(
        "UPDATE tallies SET histogram[$2] = $3 WHERE submission_id = $1",
        id,
        rating,
        votes
    )
    .execute(&app.pool)
    .await
    .unwrap();
    sqlx::query!(
        "INSERT INTO picture_reach (submission_id, views) VALUES ($1, $2)
         ON CONFLICT (submission_id) DO UPDATE SET views = excluded.views",
        id,
        views
    )
    .execute(&app.pool)
    .await
    .unwrap();
    sqlx::query!(
        "UPDATE submissions SET created_at = now() - make_interval(days => $2) WHERE id = $1",
        id,
        days
    )
    .execute(&app.pool)
    .await
    .unwrap();
}

#[tokio::test]
async fn only_old_enough_and_seen_enough_pictures_at_the_bottom_retire_and_go_after_grace() {
    let app = spawn_app(10).await;
    let mut owner = app.signed_in("unlucky").await;
    let ids = app.submission_ids().await;
    let [judged, young, unseen, rest @ ..] = ids.as_slice() else { panic!("ten pictures") };
    for id in rest {
        set_picture(&app, id.0, 9, 40, 200, 30).await;
    }
    set_picture(&app, judged.0, 1, 40, 200, 30).await; // bad, seen, old: retires
    set_picture(&app, young.0, 1, 40, 200, 2).await; // bad, seen, but too young
    set_picture(&app, unseen.0, 1, 40, 10, 30).await; // bad, old, but seen too little
    sqlx::query!(
        "UPDATE submissions SET submitted_by = (SELECT voter_id FROM users) WHERE id = $1",
        judged.0
    )
    .execute(&app.pool)
    .await
    .unwrap();
    // A vote on the retiring picture, to see it go with the picture.
    sqlx::query!("INSERT INTO voters (id) VALUES (424242)").execute(&app.pool).await.unwrap();
    sqlx::query!(
        "INSERT INTO votes (voter_id, submission_id, rating) VALUES (424242, $1, 1)",
        judged.0
    )
    .execute(&app.pool)
    .await
    .unwrap();
    rank_pictures(&app.pool, VoteWeights::Equal).await.unwrap();

    assert_eq!(retire_pictures(&app.pool, THRESHOLDS).await.unwrap(), 1);
    assert_eq!(retire_pictures(&app.pool, THRESHOLDS).await.unwrap(), 0, "once is enough");
    let retired: Vec<i64> =
        sqlx::query_scalar!("SELECT id FROM submissions WHERE retired_at IS NOT NULL")
            .fetch_all(&app.pool)
            .await
            .unwrap();
    assert_eq!(retired, vec![judged.0]);
    let record = sqlx::query!("SELECT views, votes, percentile FROM retirements")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!((record.views, record.votes), (200, 40));
    assert!(record.percentile < 30.0);

    // Out of the leaderboards and hidden from everybody but its owner, who is told why.
    rank_pictures(&app.pool, VoteWeights::Equal).await.unwrap();
    let mut stranger = Visitor::new();
    let top = stranger.open(&app, "/top").await;
    assert!(!top.html.contains(&format!("href=\"/p/{}\"", judged.0)));
    assert_eq!(
        stranger.open(&app, &format!("/p/{}", judged.0)).await.status,
        StatusCode::NOT_FOUND
    );
    let page = owner.open(&app, &format!("/p/{}", judged.0)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.html.contains("Retired on") && page.html.contains("will be deleted on"));
    assert!(owner.open(&app, "/my-pictures").await.html.contains("Retired on"));

    // After the grace period, housekeeping deletes it and its votes.
    sqlx::query!("UPDATE retirements SET delete_after = now() - interval '1 second'")
        .execute(&app.pool)
        .await
        .unwrap();
    assert_eq!(purge_expired(&app.pool).await.unwrap().retired_pictures, 1);
    let left: i64 = sqlx::query_scalar!(
        r#"SELECT (SELECT count(*) FROM submissions WHERE id = $1)
                + (SELECT count(*) FROM votes WHERE submission_id = $1)
                + (SELECT count(*) FROM retirements) AS "left!""#,
        judged.0
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(left, 0);
}
