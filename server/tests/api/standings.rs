//! Standings: the histogram kept by the vote path, the ranking job's scores (the same as
//! `app::standings` computes), and the job runner's once-per-period rule across instances.

use crate::helpers::{TestApp, Visitor, json, spawn_app};
use app::standings::{Histogram, bayesian, hot, lower_bound, percentile, points, spread};
use reqwest::StatusCode;
use server::jobs::{self, Turn, ranking::rank_pictures};
use std::time::Duration;

/// `voters` fresh visitors each rate the pictures in front of them `rounds` times, with
/// ratings that differ from voter to voter.
async fn votes(app: &TestApp, voters: usize, rounds: usize) {
    for voter in 0..voters {
        let mut visitor = Visitor::new();
        let mut ticket = visitor.open(app, "/").await.expect_ticket();
        for round in 0..rounds {
            let rating = ((voter * 3 + round * 7) % 10 + 1).to_string();
            let (status, body) = json(visitor.vote(app, &ticket, &rating).await).await;
            assert_eq!(status, StatusCode::OK, "{body}");
            match body["next"]["ticket"].as_str() {
                Some(next) => ticket = next.to_owned(),
                None => break,
            }
        }
    }
}

/// Forgets what the ranking job did at start-up (it ranks a new database's demo pictures), so
/// that a test's run starts from nothing.
async fn forget_standings(app: &TestApp) {
    sqlx::query!("DELETE FROM picture_standings").execute(&app.pool).await.unwrap();
    sqlx::query!("DELETE FROM rank_history").execute(&app.pool).await.unwrap();
    sqlx::query!("DELETE FROM site_standings").execute(&app.pool).await.unwrap();
}

#[tokio::test]
async fn the_ranking_job_scores_as_the_formulas_say_and_a_second_run_writes_nothing() {
    let app = spawn_app(6).await;
    votes(&app, 5, 4).await;
    // The vote path kept every histogram in step with its tally.
    assert!(app.histograms_in_step().await);
    forget_standings(&app).await;

    assert_eq!(
        rank_pictures(&app.pool).await.unwrap(),
        12,
        "every picture gets its row, and today's rank in its history"
    );
    let site = sqlx::query!("SELECT site_mean, prior_votes, pictures, votes FROM site_standings")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!((site.pictures, site.votes), (6, app.vote_count().await));
    let rows = sqlx::query!(
        r#"SELECT t.vote_count, t.rating_sum, t.histogram, p.score, p.lower_bound, p.rank,
                  p.percentile, p.hot, p.spread,
                  extract(epoch FROM s.created_at)::float8 AS "arrived!"
           FROM tallies t JOIN picture_standings p USING (submission_id)
           JOIN submissions s ON s.id = t.submission_id ORDER BY p.rank"#
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(rows.len(), 6);
    let mut previous = f64::INFINITY;
    for row in &rows {
        let counts: Vec<i64> = row.histogram.iter().map(|&n| i64::from(n)).collect();
        let histogram = Histogram(counts.try_into().unwrap());
        let expected = bayesian(row.vote_count, row.rating_sum, site.site_mean, site.prior_votes);
        assert!((row.score - expected).abs() < 1e-9, "{} vs {expected}", row.score);
        assert!((row.lower_bound - lower_bound(&histogram)).abs() < 1e-9);
        assert_eq!(Some(row.percentile), percentile(row.rank.into(), 6));
        let expected_hot = hot(points(row.vote_count, row.rating_sum), row.arrived);
        assert!((row.hot - expected_hot).abs() < 1e-6, "{} vs {expected_hot}", row.hot);
        match (row.spread, spread(&histogram)) {
            (Some(a), Some(b)) => assert!((a - b).abs() < 1e-9, "{a} vs {b}"),
            (a, b) => assert_eq!(a, b),
        }
        assert!(row.score <= previous, "ranked by score, best first");
        previous = row.score;
    }
    assert_eq!(rows[0].rank, 1);

    assert_eq!(rank_pictures(&app.pool).await.unwrap(), 0, "nothing changed, nothing written");
}

#[tokio::test]
async fn two_instances_racing_run_the_job_once_per_period() {
    let app = spawn_app(3).await;
    forget_standings(&app).await;
    // A second instance: its own pool on the same database.
    let other = sqlx::PgPool::connect(&app.database_url).await.unwrap();
    let job = jobs::ranking(Duration::from_secs(60));
    let (a, b) = tokio::join!(jobs::take_turn(&app.pool, &job), jobs::take_turn(&other, &job));
    let mut turns = [a.unwrap(), b.unwrap()];
    turns.sort_by_key(|turn| matches!(turn, Turn::Skipped));
    assert!(matches!(turns, [Turn::Ran(_), Turn::Skipped]), "{turns:?}");
    // Within the period, neither runs it again; the run is on record.
    assert_eq!(jobs::take_turn(&other, &job).await.unwrap(), Turn::Skipped);
    let runs =
        sqlx::query!("SELECT job, outcome, rows FROM job_runs").fetch_all(&app.pool).await.unwrap();
    assert_eq!(runs.len(), 1);
    assert_eq!(
        (runs[0].job.as_str(), runs[0].outcome.as_str(), runs[0].rows),
        ("ranking", "done", 6),
        "three pictures' standings and their ranks of the day"
    );
    other.close().await;
}
