//! The anomaly detectors on synthetic traces, both sides: what they must flag (a same-score
//! rater, a machine-fast rater, a replayed ballot-stuffing attack) and what they must not (a
//! varied rater, a fast human, a picture going viral with an office sharing it). And the
//! admins' review of what they flag.

use crate::helpers::{TestApp, Visitor, json, spawn_app, spawn_app_with};
use app::{
    server::{
        voter::{VoterId, seal_voter_cookie},
        votes::next_up::request_first,
    },
    standings::VoteWeights,
    votes::SubmissionId,
};
use futures_util::{StreamExt, stream};
use reqwest::StatusCode;
use server::jobs::{anomalies, ranking::rank_pictures};
use std::time::{Duration, SystemTime};

fn detectors() -> anomalies::Detectors {
    anomalies::Detectors::every(Duration::from_secs(300))
}

/// Runs every detector once, as the job does; answers how many votes stopped counting.
async fn detect(app: &TestApp) -> u64 {
    anomalies::run(&app.pool, &detectors()).await.unwrap()
}

/// An app that believes the loopback proxy's `X-Forwarded-For`, so tests vote from anywhere.
async fn app_behind_a_proxy(pictures: u32) -> TestApp {
    spawn_app_with(pictures, |settings| {
        settings.server.trusted_proxies = vec!["127.0.0.1".to_owned()];
    })
    .await
}

/// `voter` rates `picture` (which must be in front of them) from `address`, having looked at
/// it for `look`.
async fn vote_from(
    app: &TestApp,
    voter: VoterId,
    picture: SubmissionId,
    rating: u8,
    address: &str,
    look: Duration,
) -> (StatusCode, serde_json::Value) {
    let mut visitor = Visitor::new();
    visitor.cookies.insert("rmd_voter".to_owned(), seal_voter_cookie(&app.signer, voter));
    let ticket = app.mint_ticket(voter, picture, SystemTime::now() - look);
    let response = visitor
        .with_cookie(app.http.post(format!("{}/api/vote", app.address)))
        .header("x-forwarded-for", address)
        .header(reqwest::header::ACCEPT, "application/json")
        .form(&[("ticket", ticket.as_str()), ("rating", &rating.to_string())])
        .send()
        .await
        .expect("the vote answers");
    json(response).await
}

/// A voter who rates `count` pictures in a row, each after looking for `look(round)`, giving
/// `rating(round)`; answers the voter.
async fn rater(
    app: &TestApp,
    count: usize,
    look: fn(usize) -> Duration,
    rating: fn(usize) -> u8,
) -> VoterId {
    let mut visitor = Visitor::new();
    let page = visitor.open(app, "/").await;
    let voter = visitor.voter_id(app);
    let mut picture = app.shown_picture(&page, voter);
    for round in 0..count {
        let (status, body) =
            vote_from(app, voter, picture, rating(round), "192.0.2.1", look(round)).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        picture = SubmissionId(body["next"]["picture"]["id"].as_i64().unwrap());
    }
    voter
}

async fn counted_votes_of(app: &TestApp, voter: VoterId) -> i64 {
    sqlx::query_scalar!(
        r#"SELECT count(*) FILTER (WHERE counted) AS "n!" FROM votes WHERE voter_id = $1"#,
        voter.0
    )
    .fetch_one(&app.pool)
    .await
    .unwrap()
}

fn varied(round: usize) -> u8 {
    u8::try_from((round * 7) % 10 + 1).unwrap()
}

fn unhurried(round: usize) -> Duration {
    Duration::from_millis(1_500 + 137 * (round as u64 % 7))
}
#[tokio::test]
async fn a_same_score_rater_stops_counting_and_a_varied_one_does_not() {
    let app = spawn_app(30).await;
    let bot = rater(&app, 25, unhurried, |_| 10).await;
    let human = rater(&app, 25, unhurried, varied).await;
    let (before, _) = app.tallied().await;
    assert_eq!(detect(&app).await, 25);
    let (after, _) = app.tallied().await;
    assert_eq!(before - after, 25, "the tallies lost exactly the bot's votes");
    assert!(app.tallies_match_counted_votes().await);
    assert_eq!((counted_votes_of(&app, bot).await, counted_votes_of(&app, human).await), (0, 25));
    assert_eq!(app.vote_count().await, 50, "every vote is kept");
    // A second run changes nothing.
    assert_eq!(detect(&app).await, 0);
}

#[tokio::test]
async fn a_machine_fast_rater_stops_counting_and_a_fast_human_does_not() {
    let app = spawn_app(30).await;
    // Every vote clears the minimum viewing time; the typical one is no person's.
    let bot =
        rater(&app, 25, |round| Duration::from_millis(420 + 10 * (round as u64 % 5)), varied).await;
    let human =
        rater(&app, 25, |round| Duration::from_millis(750 + 150 * (round as u64 % 6)), varied)
            .await;
    assert_eq!(detect(&app).await, 25);
    assert_eq!((counted_votes_of(&app, bot).await, counted_votes_of(&app, human).await), (0, 25));
    let evidence =
        sqlx::query_scalar!("SELECT evidence FROM flag_cases").fetch_all(&app.pool).await.unwrap();
    // The median is 440 ms of looking, plus the milliseconds the request took.
    let expected = format!("Voter {}: 25 votes, half of them within 44", bot.0);
    assert!(evidence.len() == 1 && evidence[0].starts_with(&expected), "{evidence:?}");
    assert!(app.tallies_match_counted_votes().await);
    assert_eq!(detect(&app).await, 0, "a second run changes nothing");
}

/// The picture's place on the leaderboard now.
async fn rank_of(app: &TestApp, picture: SubmissionId) -> i64 {
    rank_pictures(&app.pool, VoteWeights::Equal).await.unwrap();
    sqlx::query_scalar!(
        r#"SELECT rank AS "rank!" FROM picture_standings WHERE submission_id = $1"#,
        picture.0
    )
    .fetch_one(&app.pool)
    .await
    .unwrap()
    .into()
}

async fn tally_of(app: &TestApp, picture: SubmissionId) -> (i64, i64) {
    let tally = sqlx::query!(
        "SELECT vote_count, rating_sum FROM tallies WHERE submission_id = $1",
        picture.0
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    (tally.vote_count, tally.rating_sum)
}

/// A newcomer who followed `picture`'s share link (which puts it in front of them at once)
/// rates it from `address`.
async fn newcomer_rates(app: &TestApp, picture: SubmissionId, rating: u8, address: &str) {
    let voter = VoterId::random();
    request_first(&app.pool, voter, picture).await.unwrap();
    let look = Duration::from_millis(1_200 + u64::from(rating) * 97);
    let (status, body) = vote_from(app, voter, picture, rating, address, look).await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_replayed_ballot_stuffing_attack_is_flagged_in_one_run_and_the_rank_is_the_organic_one() {
    const ORGANIC: usize = 500;
    const ATTACKERS: usize = 5_000;
    const ADDRESSES: usize = 20;
    let app = app_behind_a_proxy(20).await;
    // Organic voters, each on a network of their own, rating one to six pictures as they come.
    stream::iter(0..ORGANIC)
        .for_each_concurrent(16, |i| {
            let app = &app;
            async move {
                let mut visitor = Visitor::new();
                let page = visitor.open(app, "/").await;
                let voter = visitor.voter_id(app);
                let mut picture = app.shown_picture(&page, voter);
                let address = format!("10.{}.{}.1", i / 250, i % 250);
                for round in 0..(i % 6 + 1) {
                    let rating = u8::try_from((i * 7 + round * 3) % 10 + 1).unwrap();
                    let (status, body) =
                        vote_from(app, voter, picture, rating, &address, unhurried(round)).await;
                    assert_eq!(status, StatusCode::OK, "{body}");
                    picture = SubmissionId(body["next"]["picture"]["id"].as_i64().unwrap());
                }
            }
        })
        .await;
    rank_pictures(&app.pool, VoteWeights::Equal).await.unwrap();
    let target = SubmissionId(
        sqlx::query_scalar!(
            "SELECT submission_id FROM picture_standings ORDER BY rank DESC, submission_id LIMIT 1"
        )
        .fetch_one(&app.pool)
        .await
        .unwrap(),
    );
    let organic_rank = rank_of(&app, target).await;
    let organic_tally = tally_of(&app, target).await;

    // The attack: thousands of throw-away sessions from a few addresses, each following the
    // share link once and rating the picture 10, at a human pace.
    stream::iter(0..ATTACKERS)
        .for_each_concurrent(32, |i| {
            let app = &app;
            async move {
                newcomer_rates(app, target, 10, &format!("203.0.113.{}", 1 + i % ADDRESSES)).await
            }
        })
        .await;
    assert_eq!(rank_of(&app, target).await, 1, "unchecked, the attack wins");

    // One run of the detectors later.
    assert_eq!(detect(&app).await, ATTACKERS as u64);
    let cases = sqlx::query_scalar!(
        r#"SELECT count(*) AS "n!" FROM flag_cases WHERE reason = 'suspicious_burst'"#
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(cases, i64::try_from(ADDRESSES).unwrap(), "a case per network");
    let evidence = sqlx::query_scalar!("SELECT evidence FROM flag_cases ORDER BY id LIMIT 1")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let expected = format!("Picture {}: 250 new voters from 203.0.113.", target.0);
    assert!(evidence.starts_with(&expected), "{evidence}");
    assert!(evidence.contains("within 60 min, rating it 10.0 on average; the picture had"));
    assert_eq!(tally_of(&app, target).await, organic_tally);
    assert_eq!(rank_of(&app, target).await, organic_rank);
    assert!(app.tallies_match_counted_votes().await);
    let organic_votes: usize = (0..ORGANIC).map(|i| i % 6 + 1).sum();
    let kept = i64::try_from(organic_votes + ATTACKERS).unwrap();
    assert_eq!(app.vote_count().await, kept, "every vote is kept");
}

#[tokio::test]
async fn a_picture_going_viral_with_an_office_sharing_it_is_not_flagged() {
    let app = app_behind_a_proxy(10).await;
    let picture = app.submission_ids().await[0];
    // A burst: three hundred newcomers from as many networks, and an office of eight behind
    // one address, all in one hour.
    for i in 0..300 {
        newcomer_rates(&app, picture, varied(i), &format!("10.{}.{}.7", i / 200, i % 200)).await;
    }
    for i in 0..8 {
        newcomer_rates(&app, picture, varied(i), "192.0.2.200").await;
    }
    assert_eq!(detect(&app).await, 0);
    // The line is where the detectors put it: two more from the office make a crowd.
    for i in 8..10 {
        newcomer_rates(&app, picture, varied(i), "192.0.2.200").await;
    }
    assert_eq!(detect(&app).await, 10);
}

#[tokio::test]
async fn only_admins_see_flagged_votes_and_restoring_counts_them_again() {
    let app = spawn_app(30).await;
    let mut bot = Visitor::new();
    let mut ticket = bot.open(&app, "/").await.expect_ticket();
    for _ in 0..22 {
        let (_, body) = json(bot.vote(&app, &ticket, "1").await).await;
        ticket = body["next"]["ticket"].as_str().unwrap().to_owned();
    }
    let bot_id = bot.voter_id(&app);
    let (before, _) = app.tallied().await;
    assert_eq!(detect(&app).await, 22);
    let case = sqlx::query_scalar!("SELECT id FROM flag_cases").fetch_one(&app.pool).await.unwrap();

    // Strangers and ordinary members: the page does not exist, and neither does the action.
    assert_eq!(Visitor::new().open(&app, "/admin/votes").await.status, StatusCode::NOT_FOUND);
    let mut member = app.signed_in("plainmember").await;
    assert_eq!(member.open(&app, "/admin/votes").await.status, StatusCode::NOT_FOUND);
    let form = [("case", case.to_string()), ("decision", "restore".to_owned())];
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let refused = app.post(&mut member, "/api/admin/review", &form).await;
    assert_eq!(refused.status(), StatusCode::NOT_FOUND);
    assert_eq!(app.tallied().await.0, before - 22);

    // An admin sees the case with the evidence, and restores its votes.
    let mut admin = app.signed_in("theadmin").await;
    sqlx::query!("UPDATE users SET is_admin = true WHERE username = 'theadmin'")
        .execute(&app.pool)
        .await
        .unwrap();
    let page = admin.open(&app, "/admin/votes").await;
    assert_eq!(page.status, StatusCode::OK);
    let evidence = format!("Voter {}: 22 votes, every one a 1", bot_id.0);
    assert!(page.html.contains(&evidence) && page.html.contains("22× 1"), "{}", page.html);
    let restored = app.post(&mut admin, "/api/admin/review", &form).await;
    assert_eq!(restored.status(), StatusCode::OK);
    assert_eq!(app.tallied().await.0, before, "the votes count again");
    assert!(app.tallies_match_counted_votes().await);
    assert!(admin.open(&app, "/admin/votes").await.html.contains("Nothing waiting for review."));
    // The detectors leave a voter an admin vouched for alone.
    assert_eq!(detect(&app).await, 0);
}
