//! Votes under concurrency and at shutdown: every acknowledged vote is in the database.

use crate::helpers::{TestApp, Visitor, json, spawn_app, spawn_app_with};
use reqwest::StatusCode;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_voters_all_get_counted_exactly() {
    concurrent_voters_get_counted_exactly_with_writers(1).await;
}

/// With a second writer, batches are written side by side (once one is slow), and they must
/// never share a voter or a picture.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_voters_all_get_counted_exactly_by_two_writers() {
    concurrent_voters_get_counted_exactly_with_writers(2).await;
}

async fn concurrent_voters_get_counted_exactly_with_writers(writers: usize) {
    let app = spawn_app_with(40, |settings| settings.votes.writers = writers).await;
    let voters = 32;
    let rounds = 5;
    let mut tasks = Vec::new();
    let app = std::sync::Arc::new(app);
    for _ in 0..voters {
        let app = app.clone();
        tasks.push(tokio::spawn(async move {
            let mut visitor = Visitor::new();
            let mut ticket = visitor.open(&app, "/").await.expect_ticket();
            for _ in 0..rounds {
                let (status, body) = json(visitor.vote(&app, &ticket, "6").await).await;
                assert_eq!(status, StatusCode::OK, "{body}");
                ticket = body["next"]["ticket"].as_str().unwrap().to_owned();
            }
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    assert_eq!(app.vote_count().await, voters * rounds);
    let cast = sqlx::query_scalar!(r#"SELECT sum(votes_cast)::int8 AS "cast!" FROM voters"#)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!((app.tallied().await.0, cast), (voters * rounds, voters * rounds));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn shutting_down_loses_no_acknowledged_vote() {
    let app = spawn_app(200).await;
    let (address, http) = (app.address.clone(), app.http.clone());
    let mut voters = Vec::new();
    for _ in 0..24 {
        let mut visitor = Visitor::new();
        let page = visitor.open(&app, "/").await;
        let first_picture = page.image_key().unwrap();
        let ticket = page.ticket.unwrap();
        let cookie = visitor.cookie_header().unwrap();
        let (address, http) = (address.clone(), http.clone());
        // Vote as fast as possible until the server stops answering; keep what it acknowledged.
        voters.push(tokio::spawn(async move {
            let mut acknowledged = Vec::new();
            let (mut ticket, mut picture) = (ticket, first_picture);
            loop {
                let sent = http
                    .post(format!("{address}/api/vote"))
                    .header("cookie", &cookie)
                    .header("accept", "application/json")
                    .form(&[("ticket", ticket.as_str()), ("rating", "4")])
                    .send()
                    .await;
                let Ok(response) = sent else { break };
                if response.status() != StatusCode::OK {
                    break;
                }
                let Ok(body) = response.json::<serde_json::Value>().await else {
                    break;
                };
                acknowledged.push(picture.clone());
                match (
                    body["next"]["ticket"].as_str(),
                    body["next"]["picture"]["image_key"].as_str(),
                ) {
                    (Some(next), Some(key)) => {
                        (ticket, picture) = (next.to_owned(), key.to_owned())
                    }
                    _ => break,
                }
            }
            (visitor, acknowledged)
        }));
    }
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let signer = app.signer.clone();
    let database_url = app.database_url.clone();
    app.shut_down().await;
    // Shutting down closed the app's pool: look at what reached the disk with a new connection.
    let pool = sqlx::PgPool::connect(&database_url).await.unwrap();
    let mut acknowledged = 0;
    for voter in voters {
        let (visitor, pictures) = voter.await.unwrap();
        let voter = app::server::voter::open_voter_cookie(&signer, visitor.voter_cookie().unwrap())
            .unwrap();
        for picture in pictures {
            acknowledged += 1;
            let stored = sqlx::query_scalar!(
                "SELECT v.rating FROM votes v JOIN submissions s ON s.id = v.submission_id
                 WHERE v.voter_id = $1 AND s.image_key = $2",
                voter.0,
                picture
            )
            .fetch_optional(&pool)
            .await
            .unwrap();
            assert_eq!(stored, Some(4), "the acknowledged vote of {voter} on {picture} is stored");
        }
    }
    assert!(
        acknowledged > 24,
        "the voters were voting when the server stopped ({acknowledged} votes)"
    );
}

#[tokio::test]
async fn bulk_seeding_continues_the_numbering_deterministically() {
    let app = spawn_app(3).await;
    let report = server::seed::add_demo_pictures(&app.pool, 25_000).await.unwrap();
    assert_eq!((report.added, report.first_seed), (25_000, 4));
    let seeded = sqlx::query!(
        r#"SELECT count(*) AS "count!", max(art_seed) AS "highest!" FROM submissions"#
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!((seeded.count, seeded.highest), (25_003, 25_003));
    let title = sqlx::query_scalar!("SELECT title FROM submissions WHERE art_seed = 4")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(title, server::art::title_for(4));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn one_ticket_replayed_a_thousand_times_at_once_counts_once_and_delays_nobody() {
    let app = std::sync::Arc::new(spawn_app(10).await);
    let mut flooder = Visitor::new();
    let page = flooder.open(&app, "/").await;
    let ticket = page.ticket.unwrap();
    let mut bystander = Visitor::new();
    let bystander_ticket = bystander.open(&app, "/").await.expect_ticket();

    let flood: Vec<_> = (0..1000)
        .map(|_| {
            let (app, mut flooder, ticket) = (app.clone(), flooder.clone(), ticket.clone());
            tokio::spawn(async move { flooder.vote(&app, &ticket, "10").await.status() })
        })
        .collect();
    let started = std::time::Instant::now();
    let (status, body) = json(bystander.vote(&app, &bystander_ticket, "4").await).await;
    let bystander_took = started.elapsed();
    assert_eq!(status, StatusCode::OK, "{body}");
    let mut statuses = Vec::new();
    for request in flood {
        statuses.push(request.await.unwrap());
    }
    let flood_took = started.elapsed();
    assert_eq!(statuses.iter().filter(|s| **s == StatusCode::OK).count(), 1);
    assert!(
        statuses.iter().all(|s| matches!(*s, StatusCode::OK | StatusCode::CONFLICT)),
        "{statuses:?}"
    );
    assert_eq!(app.vote_count().await, 2, "the flooder's one vote and the bystander's");
    assert_eq!(app.tallied().await.0, 2);
    // Refused at once rather than queued, the flood does not stand between the bystander and
    // the writer (a loose bound: this is not a speed test).
    assert!(
        bystander_took < std::time::Duration::from_secs(2),
        "bystander {bystander_took:?}, flood {flood_took:?}"
    );
}

/// A batch that waits on a row another transaction holds (here a picture's tally, as the
/// anomaly job's recount or an account merge would) holds up only its own ballots: once it has
/// run a while, the next batch starts beside it on the second writer.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_vote_waiting_on_a_locked_row_does_not_hold_up_other_voters() {
    let app = std::sync::Arc::new(spawn_app(40).await);
    let mut waiting = Visitor::new();
    let page = waiting.open(&app, "/").await;
    let (waiting_ticket, waiting_key) = (page.expect_ticket(), page.image_key().unwrap());
    let mut other = Visitor::new();
    let mut page = other.open(&app, "/").await;
    while page.image_key().unwrap() == waiting_key {
        other = Visitor::new();
        page = other.open(&app, "/").await;
    }
    let other_ticket = page.expect_ticket();

    let mut lock = app.pool.begin().await.unwrap();
    sqlx::query!(
        "SELECT t.submission_id FROM tallies t JOIN submissions s ON s.id = t.submission_id
         WHERE s.image_key = $1 FOR UPDATE OF t",
        waiting_key,
    )
    .fetch_one(&mut *lock)
    .await
    .unwrap();
    let blocked = {
        let (app, mut waiting) = (app.clone(), waiting.clone());
        tokio::spawn(async move { json(waiting.vote(&app, &waiting_ticket, "3").await).await })
    };
    until_a_vote_waits_on_a_lock(&app).await;

    let (status, body) = json(other.vote(&app, &other_ticket, "8").await).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(!blocked.is_finished(), "the other vote went through while the first still waits");
    lock.rollback().await.unwrap();
    let (status, body) = blocked.await.unwrap();
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(app.vote_count().await, 2);
}

/// The discount job, a moderator or a login merge may change a picture's tally while a vote for
/// it waits on that row: once they commit, the vote is added to the tally they left. This case
/// alone passed before `moved` was materialized in the batch statement too: the refusal that
/// change ended (see `BATCH_SQL`) took the integrity test's flow, batches of several ballots
/// while several discounts and restores queue on the same tallies.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_vote_waiting_on_a_tally_another_transaction_changes_is_added_once_that_commits() {
    let app = std::sync::Arc::new(spawn_app(3).await);
    let mut visitor = Visitor::new();
    let page = visitor.open(&app, "/").await;
    // A first vote makes the voter's row; the second is the one that waits.
    let (status, body) = json(visitor.vote(&app, &page.expect_ticket(), "4").await).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let ticket = body["next"]["ticket"].as_str().unwrap().to_owned();
    let picture = body["next"]["picture"]["id"].as_i64().unwrap();

    let mut change = app.pool.begin().await.unwrap();
    sqlx::query!(
        "UPDATE tallies SET vote_count = vote_count + 1, rating_sum = rating_sum + 5,
                histogram[5] = histogram[5] + 1
          WHERE submission_id = $1",
        picture,
    )
    .execute(&mut *change)
    .await
    .unwrap();
    let vote = {
        let app = app.clone();
        tokio::spawn(async move { json(visitor.vote(&app, &ticket, "7").await).await })
    };
    until_a_vote_waits_on_a_lock(&app).await;
    change.commit().await.unwrap();

    let (status, body) = vote.await.unwrap();
    assert_eq!(status, StatusCode::OK, "{body}");
    let tally = sqlx::query!(
        "SELECT vote_count, rating_sum, histogram FROM tallies WHERE submission_id = $1",
        picture,
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!((tally.vote_count, tally.rating_sum), (2, 12));
    assert_eq!(tally.histogram, [0, 0, 0, 0, 1, 0, 1, 0, 0, 0]);
    assert_eq!(app.vote_count().await, 2);
}

/// Returns once some statement waits on a lock: in these tests, the batch of the vote just sent.
async fn until_a_vote_waits_on_a_lock(app: &TestApp) {
    while sqlx::query_scalar!(r#"SELECT count(*) AS "n!" FROM pg_locks WHERE NOT granted"#)
        .fetch_one(&app.pool)
        .await
        .unwrap()
        == 0
    {
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
}

/// The writers connect, and plan the batch statement, when the server starts: the first voters
/// after a start do not wait for that (nor does every ballot queued behind them). Planning it
/// runs it on no ballots, which must write nothing.
#[tokio::test]
async fn the_vote_writers_are_ready_before_the_first_ballot_and_their_warm_up_writes_nothing() {
    let writers = 2;
    let app = spawn_app_with(3, |settings| settings.votes.writers = writers).await;
    let ready = async {
        loop {
            let prepared = sqlx::query_scalar!(
                r#"SELECT count(*) AS "prepared!" FROM pg_stat_activity
                    WHERE datname = current_database() AND query LIKE 'WITH ballot AS%'"#
            )
            .fetch_one(&app.pool)
            .await
            .expect("pg_stat_activity");
            if prepared == i64::try_from(writers).expect("a small number") {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    };
    tokio::time::timeout(std::time::Duration::from_secs(30), ready)
        .await
        .expect("every writer connection ran the batch statement once, on no ballots");
    assert_eq!(app.vote_count().await, 0);
    let voters = sqlx::query_scalar!(r#"SELECT count(*) AS "voters!" FROM voters"#)
        .fetch_one(&app.pool)
        .await
        .expect("count voters");
    assert_eq!(voters, 0);
    app.shut_down().await;
}
