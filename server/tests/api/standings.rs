//! Standings: the histogram kept by the vote path, the ranking job's scores (the same as
//! `app::standings` computes), and the job runner's once-per-period rule across instances.

use crate::helpers::{TestApp, Visitor, json, spawn_app, spawn_app_with};
use app::{
    server::{standings::picture::load_picture, voter::VoterId},
    standings::{
        Histogram, VoteWeights, WeightedVotes, bayesian, hot, lower_bound, percentile, points,
        spread, weighted_bayesian, weighted_lower_bound, weighted_points, weighted_spread,
    },
    votes::SubmissionId,
};
use reqwest::StatusCode;
use server::jobs::{self, Turn, ranking::rank_pictures};
use std::{collections::BTreeMap, time::Duration};

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

/// Every stored standing is what `app::standings` computes from its picture's tally and the
/// site's numbers, and the ranks follow the scores.
async fn assert_standings_follow_the_formulas(app: &TestApp, pictures: i64) {
    let site = sqlx::query!("SELECT site_mean, prior_votes, pictures, votes FROM site_standings")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!((site.pictures, site.votes), (pictures, app.vote_count().await));
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
    assert_eq!(i64::try_from(rows.len()).unwrap(), pictures);
    let mut previous = f64::INFINITY;
    for row in &rows {
        let counts: Vec<i64> = row.histogram.iter().map(|&n| i64::from(n)).collect();
        let histogram = Histogram(counts.try_into().unwrap());
        let expected = bayesian(row.vote_count, row.rating_sum, site.site_mean, site.prior_votes);
        assert!((row.score - expected).abs() < 1e-9, "{} vs {expected}", row.score);
        assert!((row.lower_bound - lower_bound(&histogram)).abs() < 1e-9);
        assert_eq!(Some(row.percentile), percentile(row.rank.into(), pictures));
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
}

#[tokio::test]
async fn the_ranking_job_scores_as_the_formulas_say_and_a_second_run_writes_nothing() {
    let app = spawn_app(6).await;
    votes(&app, 5, 4).await;
    // The vote path kept every histogram in step with its tally.
    assert!(app.histograms_in_step().await);
    forget_standings(&app).await;

    assert_eq!(
        rank_pictures(&app.pool, VoteWeights::Equal).await.unwrap(),
        12,
        "every picture gets its row, and today's rank in its history"
    );
    assert_standings_follow_the_formulas(&app, 6).await;
    assert_eq!(
        rank_pictures(&app.pool, VoteWeights::Equal).await.unwrap(),
        0,
        "nothing changed, nothing written"
    );

    // More votes: the rows whose numbers moved are updated in place, and still follow them.
    votes(&app, 3, 2).await;
    let written = rank_pictures(&app.pool, VoteWeights::Equal).await.unwrap();
    assert!((1..=6).contains(&written), "{written} rows rewritten");
    assert_standings_follow_the_formulas(&app, 6).await;
}

/// The site's median vote count (the prior's weight) is `percentile_cont(0.5)`'s, though the job
/// takes it from the count of pictures per vote count: with an odd and an even number of
/// pictures in play, ties and gaps among the counts, and none in play at all.
#[tokio::test]
async fn the_site_median_matches_percentile_cont() {
    let app = spawn_app(7).await;
    let patterns: [[i64; 7]; 4] =
        [[0; 7], [3, 1, 4, 1, 5, 9, 2], [2, 2, 2, 7, 7, 30, 30], [0, 0, 0, 0, 6, 8, 9]];
    for pattern in patterns {
        sqlx::query!("UPDATE submissions SET retired_at = NULL").execute(&app.pool).await.unwrap();
        sqlx::query!(
            "UPDATE tallies t SET vote_count = ($1::int8[])[o.n], rating_sum = 5 * ($1::int8[])[o.n]
               FROM (SELECT submission_id, row_number() OVER (ORDER BY submission_id) AS n
                       FROM tallies) o
              WHERE o.submission_id = t.submission_id",
            &pattern[..]
        )
        .execute(&app.pool)
        .await
        .unwrap();
        // Seven pictures, then six: the oldest retires.
        for retire_oldest in [false, true] {
            if retire_oldest {
                sqlx::query!(
                    "UPDATE submissions SET retired_at = now()
                      WHERE id = (SELECT min(id) FROM submissions)"
                )
                .execute(&app.pool)
                .await
                .unwrap();
            }
            rank_pictures(&app.pool, VoteWeights::Equal).await.unwrap();
            let site = sqlx::query!("SELECT prior_votes, pictures FROM site_standings")
                .fetch_one(&app.pool)
                .await
                .unwrap();
            let expected = sqlx::query!(
                r#"SELECT greatest(coalesce(percentile_cont(0.5) WITHIN GROUP
                                            (ORDER BY t.vote_count), 0), 1) AS "median!",
                          count(*) AS "pictures!"
                     FROM tallies t JOIN submissions s ON s.id = t.submission_id
                    WHERE s.retired_at IS NULL"#
            )
            .fetch_one(&app.pool)
            .await
            .unwrap();
            assert_eq!(site.pictures, expected.pictures);
            assert!(
                (site.prior_votes - expected.median).abs() < 1e-12,
                "{pattern:?} (oldest retired: {retire_oldest}): {} vs {}",
                site.prior_votes,
                expected.median
            );
        }
    }
    // Nothing in play: the prior weighs one vote, the site's mean is the middle.
    sqlx::query!("UPDATE submissions SET retired_at = now()").execute(&app.pool).await.unwrap();
    rank_pictures(&app.pool, VoteWeights::Equal).await.unwrap();
    let site = sqlx::query!("SELECT site_mean, prior_votes, pictures, votes FROM site_standings")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!((site.pictures, site.votes), (0, 0));
    assert!((site.prior_votes - 1.0).abs() < 1e-12 && (site.site_mean - 5.5).abs() < 1e-12);
}

/// Trust weighting: every vote weighs what its voter's history is worth, in every score the
/// job computes; the site's numbers say it was on, and so do the pages showing the scores.
#[tokio::test]
async fn with_trust_weighting_the_job_weighs_each_vote_by_its_voters_history() {
    let weights = VoteWeights::ByHistory { full_after: 4 };
    let app = spawn_app_with(4, |settings| {
        settings.standings.rank_every_secs = 0;
        settings.standings.trust_weighting = true;
        settings.standings.trust_full_after_votes = 4;
    })
    .await;
    // Regulars (4 votes: full weight), one-vote newcomers (a quarter) and two-vote voters (half).
    votes(&app, 3, 4).await;
    votes(&app, 6, 1).await;
    votes(&app, 2, 2).await;
    // A discounted vote weighs nothing at all.
    sqlx::query!(
        "WITH one AS (SELECT voter_id, submission_id, rating FROM votes LIMIT 1),
              gone AS (UPDATE votes v SET counted = false, discount_reason = 'suspicious_rater',
                              discounted_at = now()
                         FROM one WHERE (v.voter_id, v.submission_id) = (one.voter_id, one.submission_id))
         UPDATE tallies t SET vote_count = t.vote_count - 1, rating_sum = t.rating_sum - one.rating,
                              histogram[one.rating] = t.histogram[one.rating] - 1
           FROM one WHERE t.submission_id = one.submission_id"
    )
    .execute(&app.pool)
    .await
    .unwrap();
    assert!(app.tallies_match_counted_votes().await);
    forget_standings(&app).await;
    rank_pictures(&app.pool, weights).await.unwrap();

    let site = sqlx::query!("SELECT site_mean, prior_votes, trust_full_after FROM site_standings")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(site.trust_full_after, Some(4));
    let mut weighted: BTreeMap<i64, WeightedVotes> = BTreeMap::new();
    let cast = sqlx::query!(
        "SELECT v.submission_id, v.rating, u.votes_cast FROM votes v
           JOIN voters u ON u.id = v.voter_id WHERE v.counted"
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    for vote in &cast {
        let weight = weights.weight(vote.votes_cast.into());
        weighted
            .entry(vote.submission_id)
            .or_default()
            .add(vote.rating.try_into().unwrap(), weight);
    }
    let total: f64 = weighted.values().map(|votes| votes.votes).sum();
    assert_eq!(cast.len(), 12 + 6 + 4 - 1);
    // 12 full votes, 6 quarters and 4 halves (15.5), less the discounted one: a full vote, a
    // quarter or a half, whichever `LIMIT 1` took.
    assert!(
        [14.5, 15.25, 15.0].iter().any(|expected| (total - expected).abs() < 1e-9),
        "{total}: 15.5 less one discounted vote"
    );
    let stored = sqlx::query!(
        r#"SELECT p.submission_id, p.score, p.lower_bound, p.hot, p.spread,
                  extract(epoch FROM s.created_at)::float8 AS "arrived!"
             FROM picture_standings p JOIN submissions s ON s.id = p.submission_id"#
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(stored.len(), 4);
    for row in &stored {
        let votes = weighted.get(&row.submission_id).copied().unwrap_or_default();
        let score = weighted_bayesian(&votes, site.site_mean, site.prior_votes);
        assert!((row.score - score).abs() < 1e-9, "{} vs {score}", row.score);
        assert!((row.lower_bound - weighted_lower_bound(&votes)).abs() < 1e-9);
        let expected_hot = hot(weighted_points(&votes), row.arrived);
        assert!((row.hot - expected_hot).abs() < 1e-6, "{} vs {expected_hot}", row.hot);
        match (row.spread, weighted_spread(&votes)) {
            (Some(a), Some(b)) => assert!((a - b).abs() < 1e-9, "{a} vs {b}"),
            (a, b) => assert_eq!(a, b),
        }
    }
    // Nothing changed, nothing written: the weights' sums do not move with the order of the
    // rows (at scale, parallel aggregation changes that order from run to run).
    assert_eq!(rank_pictures(&app.pool, weights).await.unwrap(), 0);

    // A voter's page of a picture they rated shows the run's scores, not the live tally's.
    let seen = sqlx::query!("SELECT voter_id, submission_id FROM votes WHERE counted LIMIT 1")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let page =
        load_picture(&app.pool, VoterId(seen.voter_id), SubmissionId(seen.submission_id)).await;
    let stats = page.unwrap().stats.expect("its voter sees its numbers");
    let row = stored.iter().find(|row| row.submission_id == seen.submission_id).unwrap();
    assert!(
        (stats.score - row.score).abs() < 1e-12
            && (stats.lower_bound - row.lower_bound).abs() < 1e-12
    );
    assert_eq!(stats.site.map(|site| site.weights), Some(weights));
    let about = Visitor::new().open(&app, "/about/scores").await;
    assert!(about.html.contains("until you have cast 4 votes"), "{}", about.html);

    // Off again: every vote weighs one, and the page says so.
    rank_pictures(&app.pool, VoteWeights::Equal).await.unwrap();
    let about = Visitor::new().open(&app, "/about/scores").await;
    assert!(about.html.contains("Every vote that counts weighs the same"));
}

#[tokio::test]
async fn two_instances_racing_run_the_job_once_per_period() {
    let app = spawn_app(3).await;
    forget_standings(&app).await;
    // A second instance: its own pool on the same database.
    let other = sqlx::PgPool::connect(&app.database_url).await.unwrap();
    let job = jobs::ranking(Duration::from_secs(60), VoteWeights::Equal);
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

#[tokio::test]
async fn the_jobs_statements_may_take_longer_than_a_requests() {
    let app = spawn_app(0).await;
    let on_the_job = jobs::connection::run(&app.pool, async |job| {
        sqlx::query_scalar!(r#"SELECT current_setting('statement_timeout') AS "t!""#)
            .fetch_one(job)
            .await
    })
    .await
    .unwrap();
    let on_the_pool = sqlx::query_scalar!(r#"SELECT current_setting('statement_timeout') AS "t!""#)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!((on_the_pool.as_str(), on_the_job.as_str()), ("5s", "2min"));
}
