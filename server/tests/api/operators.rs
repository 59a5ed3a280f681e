//! The operators' figures: the KPI sampler writes a row a minute and rolls old rows up; the
//! dashboards and their server functions are for admins only.

use crate::helpers::{TestApp, Visitor, json, spawn_app};
use reqwest::StatusCode;
use server::jobs::kpis;

async fn rows(app: &TestApp, resolution: &str) -> Vec<(i64, i64, i64)> {
    sqlx::query!(
        "SELECT counted_votes, reports, active_voters FROM kpi_samples
          WHERE resolution = $1 ORDER BY at",
        resolution
    )
    .fetch_all(&app.pool)
    .await
    .unwrap()
    .into_iter()
    .map(|row| (row.counted_votes, row.reports, row.active_voters))
    .collect()
}

#[tokio::test]
async fn the_sampler_writes_a_row_a_minute_with_the_figures_as_they_stand() {
    let app = spawn_app(10).await;
    for _ in 0..3 {
        let mut voter = Visitor::new();
        let ticket = voter.open(&app, "/").await.expect_ticket();
        assert_eq!(voter.vote(&app, &ticket, "6").await.status(), StatusCode::OK);
    }
    kpis::sample(&app.pool).await.unwrap();
    // Twice in the same minute writes once (unless the minute turned in between).
    kpis::sample(&app.pool).await.unwrap();
    let written = rows(&app, "minute").await;
    assert!((1..=2).contains(&written.len()), "{written:?}");
    assert_eq!(written[0], (3, 0, 3), "3 votes counted, no reports, 3 voters active");
    let sample = sqlx::query!("SELECT voters, regulars, members, uploads FROM kpi_samples LIMIT 1")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!((sample.voters, sample.regulars, sample.members, sample.uploads), (3, 0, 0, 0));
}

#[tokio::test]
async fn old_minutes_become_hours_and_old_hours_days() {
    let app = spawn_app(0).await;
    // Two hours of minutes, eight days ago, totals growing by one a minute, one report each;
    // and this minute.
    sqlx::query!(
        "INSERT INTO kpi_samples
         SELECT 'minute', date_trunc('hour', now() - interval '8 days') + make_interval(mins => m),
                100 + m, 0, 10, 0, 0, 0, 0, 1, m % 7
           FROM generate_series(0, 119) m
         UNION ALL
         SELECT 'minute', date_trunc('minute', now()), 500, 0, 10, 0, 0, 0, 0, 0, 1
         UNION ALL
         SELECT 'hour', date_trunc('day', now() - interval '100 days') + make_interval(hours => h),
                h, 0, 1, 0, 0, 0, 0, 2, h
           FROM generate_series(0, 23) h"
    )
    .execute(&app.pool)
    .await
    .unwrap();
    kpis::roll_up(&app.pool).await.unwrap();
    // Each hour: the last total, the reports summed, the busiest active count.
    assert_eq!(rows(&app, "hour").await, [(159, 60, 6), (219, 60, 6)]);
    assert_eq!(rows(&app, "minute").await, [(500, 0, 1)], "recent minutes stay");
    assert_eq!(rows(&app, "day").await, [(23, 48, 23)]);
    // Nothing left to roll.
    assert_eq!(kpis::roll_up(&app.pool).await.unwrap(), 0);
}

#[tokio::test]
async fn the_dashboards_are_for_admins_and_show_the_figures() {
    let app = spawn_app(5).await;
    let mut member = app.signed_in("ordinary").await;
    for page in ["/admin", "/admin?range=7d", "/admin/system"] {
        assert_eq!(Visitor::new().open(&app, page).await.status, StatusCode::NOT_FOUND, "{page}");
        assert_eq!(member.open(&app, page).await.status, StatusCode::NOT_FOUND, "{page}");
    }
    for function in ["/api/admin/kpis", "/api/admin/system"] {
        let refused = app.post(&mut member, function, &[("range", "1h")]).await;
        assert_eq!(refused.status(), StatusCode::NOT_FOUND, "{function}");
    }

    let mut admin = app.signed_in("boss").await;
    sqlx::query!("UPDATE users SET is_admin = true WHERE username = 'boss'")
        .execute(&app.pool)
        .await
        .unwrap();
    kpis::sample(&app.pool).await.unwrap();
    let mut voter = Visitor::new();
    let ticket = voter.open(&app, "/").await.expect_ticket();
    voter.vote(&app, &ticket, "8").await;
    let (status, kpis) =
        json(app.post(&mut admin, "/api/admin/kpis", &[("range", "1h")]).await).await;
    assert_eq!(status, StatusCode::OK, "{kpis}");
    let counted: i64 = kpis["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["counted_votes"].as_i64().unwrap())
        .sum();
    assert_eq!(counted, 1, "the live step counts the vote cast since the sample: {kpis}");
    assert_eq!(kpis["funnel"]["voters"], 1);
    let latency = kpis["vote_latency"].as_str().unwrap_or_default();
    assert!(latency.starts_with("p50 ") && latency.ends_with("over 1 vote"), "{latency}");

    let page = admin.open(&app, "/admin").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.html.contains("Votes per minute") && page.html.contains("role=\"img\""));
    let system = admin.open(&app, "/admin/system").await;
    assert_eq!(system.status, StatusCode::OK);
    assert!(
        system.html.contains("Database connections") && system.html.contains("Cache hit ratio")
    );
}
