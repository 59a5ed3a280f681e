//! Crashes lose no acknowledged vote: voters vote through the HTTP loop while the server and
//! every process of its PostgreSQL cluster are killed with SIGKILL, several times. After each
//! restart, every vote the server acknowledged is in the database with its rating, and every
//! tally and vote count equals the aggregate of the votes.

use app::server::{
    signing::{SecretKey, Signer},
    ticket::Ticket,
    voter::open_voter_cookie,
};
use reqwest::{StatusCode, header};
use server::embedded_pg::{CLUSTER_USER, ClusterOptions, EmbeddedPostgres};
use sqlx::PgPool;
use std::{
    path::{Path, PathBuf},
    process::{Child, Command},
    sync::{
        Arc, Mutex,
        atomic::{AtomicBool, Ordering},
    },
    time::{Duration, Instant, SystemTime},
};

const SECRET: &str = "crash-test-secret-key-0123456789-abcdefgh";
const VOTERS: usize = 12;
const CRASHES: usize = 3;

/// A vote the server answered 200 to: (voter, picture, rating).
type Acknowledged = (i64, i64, i16);

fn start_server(dir: &Path, port: u16) -> Child {
    Command::new(env!("CARGO_BIN_EXE_ratemyderp"))
        .args(["serve", "--port", &port.to_string()])
        .env("RMD_DATABASE__DATA_DIR", dir)
        .env("RMD_DATABASE__DEMO_PICTURES", "400")
        .env("RMD_SECRET_KEY", SECRET)
        .env("RUST_LOG", "error")
        // The voters here vote at machine speed from one address.
        .env("RMD_VOTES__MIN_VIEW_MS", "0")
        .env("RMD_VOTES__PER_VOTER_PER_MINUTE", "0")
        .env("RMD_VOTES__PER_NETWORK_PER_MINUTE", "0")
        .env("RMD_VOTES__ANOMALY_CHECK_EVERY_SECS", "0")
        .env("LEPTOS_SITE_ROOT", dir.join("site"))
        .env_remove("DATABASE_URL")
        .spawn()
        .expect("the server starts")
}

async fn wait_until_healthy(client: &reqwest::Client, base: &str) {
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(90) {
        if let Ok(response) = client.get(format!("{base}/healthz")).send().await
            && response.status() == StatusCode::OK
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the server did not become healthy");
}

/// SIGKILL for the server and for the whole process group of its cluster (the wrapper, the
/// postmaster and every backend), at once.
fn kill_everything(server: &mut Child, dir: &Path) {
    let postmaster = std::fs::read_to_string(dir.join("postgres/postmaster.pid"))
        .ok()
        .and_then(|pid| pid.lines().next().map(str::to_owned));
    let group = postmaster.and_then(|pid| {
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
        // The fields after the command's closing parenthesis: state, ppid, pgrp, ...
        stat.rsplit_once(')')?.1.split_whitespace().nth(2).map(str::to_owned)
    });
    let _ = server.kill();
    if let Some(group) = group {
        let _ = Command::new("kill").args(["-KILL", "--", &format!("-{group}")]).status();
    }
    let _ = server.wait();
}

/// One voter: opens the page, votes, and records every vote acknowledged, until `stop`.
async fn voter(
    base: String,
    signer: Arc<Signer>,
    stop: Arc<AtomicBool>,
    acknowledged: Arc<Mutex<Vec<Acknowledged>>>,
) {
    let client = reqwest::Client::builder().timeout(Duration::from_secs(10)).build().unwrap();
    let mut rating: i16 = 1;
    while !stop.load(Ordering::Relaxed) {
        // A new anonymous voter each round trip to the page keeps the cookie handling simple.
        let Ok(page) = client.get(format!("{base}/")).send().await else {
            tokio::time::sleep(Duration::from_millis(50)).await;
            continue;
        };
        let cookie = page
            .headers()
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|v| v.starts_with("rmd_voter="))
            .and_then(|v| v.split(';').next())
            .map(str::to_owned);
        let Ok(html) = page.text().await else { continue };
        let (Some(cookie), Some(mut ticket)) =
            (cookie, between(&html, "name=\"ticket\" value=\"", "\""))
        else {
            continue;
        };
        let voter_id = open_voter_cookie(&signer, cookie.trim_start_matches("rmd_voter=")).unwrap();
        for _ in 0..20 {
            if stop.load(Ordering::Relaxed) {
                break;
            }
            rating = rating % 10 + 1;
            let picture = Ticket::verify(
                &signer,
                &ticket,
                voter_id,
                SystemTime::now(),
                Duration::from_secs(3600),
            )
            .unwrap()
            .submission;
            let answer = client
                .post(format!("{base}/api/vote"))
                .header(header::COOKIE, &cookie)
                .header(header::ACCEPT, "application/json")
                .form(&[("ticket", ticket.as_str()), ("rating", &rating.to_string())])
                .send()
                .await;
            let Ok(answer) = answer else { break };
            if answer.status() != StatusCode::OK {
                break;
            }
            let Ok(body) = answer.json::<serde_json::Value>().await else { break };
            acknowledged.lock().unwrap().push((voter_id.0, picture.0, rating));
            match body["next"]["ticket"].as_str() {
                Some(next) => ticket = next.to_owned(),
                None => break,
            }
        }
    }
}

fn between(text: &str, start: &str, end: &str) -> Option<String> {
    let from = text.find(start)? + start.len();
    let to = from + text[from..].find(end)?;
    Some(text[from..to].to_owned())
}

async fn check_every_acknowledged_vote(dir: &Path, acknowledged: &[Acknowledged]) {
    let cluster = EmbeddedPostgres::start(&ClusterOptions {
        dir: dir.to_owned(),
        bin_dir: None,
        throwaway: false,
    })
    .await
    .unwrap();
    let pool = PgPool::connect(&cluster.database_url(CLUSTER_USER)).await.unwrap();
    let (voters, pictures, ratings): (Vec<i64>, Vec<i64>, Vec<i16>) = {
        let mut columns = (Vec::new(), Vec::new(), Vec::new());
        for (voter, picture, rating) in acknowledged {
            columns.0.push(*voter);
            columns.1.push(*picture);
            columns.2.push(*rating);
        }
        columns
    };
    let missing = sqlx::query_scalar!(
        r#"SELECT count(*) AS "missing!"
           FROM unnest($1::int8[], $2::int8[], $3::int2[]) AS a(voter, picture, rating)
           WHERE NOT EXISTS (SELECT 1 FROM votes v WHERE v.voter_id = a.voter
                               AND v.submission_id = a.picture AND v.rating = a.rating)"#,
        &voters,
        &pictures,
        &ratings
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(missing, 0, "of {} acknowledged votes", acknowledged.len());
    let wrong_tallies = sqlx::query_scalar!(
        r#"SELECT count(*) AS "wrong!" FROM tallies t
           LEFT JOIN (SELECT submission_id, count(*) AS n, sum(rating) AS total
                        FROM votes GROUP BY 1) v USING (submission_id)
           WHERE t.vote_count <> coalesce(v.n, 0) OR t.rating_sum <> coalesce(v.total, 0)
              OR t.vote_count <> (SELECT sum(x) FROM unnest(t.histogram) x)"#
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(wrong_tallies, 0, "every tally and histogram is the sum of its votes");
    let wrong_voters = sqlx::query_scalar!(
        r#"SELECT count(*) AS "wrong!" FROM voters o
           LEFT JOIN (SELECT voter_id, count(*) AS n FROM votes GROUP BY 1) v ON v.voter_id = o.id
           WHERE o.votes_cast <> coalesce(v.n, 0)"#
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(wrong_voters, 0, "every voter's count is the number of their votes");
    pool.close().await;
    cluster.stop().await;
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn killing_the_server_and_its_database_loses_no_acknowledged_vote() {
    let dir: PathBuf = std::env::temp_dir().join(format!("rmd-crash-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::new();
    let signer = Arc::new(Signer::new(&SecretKey::new(SECRET.as_bytes()).unwrap()));
    let acknowledged = Arc::new(Mutex::new(Vec::new()));
    let stop = Arc::new(AtomicBool::new(false));

    let mut server = start_server(&dir, port);
    wait_until_healthy(&client, &base).await;
    let voters: Vec<_> = (0..VOTERS)
        .map(|_| {
            tokio::spawn(voter(base.clone(), signer.clone(), stop.clone(), acknowledged.clone()))
        })
        .collect();
    for crash in 0..CRASHES {
        // Votes are flowing (however slow the machine is today) when the crash comes.
        let before = acknowledged.lock().unwrap().len();
        let waiting = Instant::now();
        while acknowledged.lock().unwrap().len() < before + 50 {
            assert!(waiting.elapsed() < Duration::from_secs(60), "no votes before crash {crash}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        kill_everything(&mut server, &dir);
        server = start_server(&dir, port);
        wait_until_healthy(&client, &base).await;
    }
    let (after_last, waiting) = (acknowledged.lock().unwrap().len(), Instant::now());
    while acknowledged.lock().unwrap().len() < after_last + 50 {
        assert!(waiting.elapsed() < Duration::from_secs(60), "no votes after the last restart");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    stop.store(true, Ordering::Relaxed);
    for voter in voters {
        voter.await.unwrap();
    }
    // A clean stop this time, so that the check can open the cluster.
    let _ = Command::new("kill").args(["-TERM", &server.id().to_string()]).status();
    let _ = server.wait();
    let acknowledged = acknowledged.lock().unwrap().clone();
    assert!(acknowledged.len() > 100, "only {} votes acknowledged", acknowledged.len());
    eprintln!("{} votes acknowledged across {CRASHES} crashes", acknowledged.len());
    check_every_acknowledged_vote(&dir, &acknowledged).await;
    std::fs::remove_dir_all(&dir).unwrap();
}
