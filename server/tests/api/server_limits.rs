//! What slow clients and a stuck database do to the server: bounded waits, clear answers, and
//! recovery without a restart.

use crate::helpers::{Visitor, json, spawn_app, spawn_app_with};
use reqwest::StatusCode;
use std::time::{Duration, Instant};
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpStream,
};

async fn connect(address: &str) -> TcpStream {
    TcpStream::connect(address.trim_start_matches("http://")).await.unwrap()
}

/// Waits for the server to close `stream`; answers how long that took (`None`: still open).
async fn closed_within(stream: &mut TcpStream, limit: Duration) -> Option<Duration> {
    let started = Instant::now();
    let mut buffer = [0u8; 1024];
    loop {
        match tokio::time::timeout(
            limit.saturating_sub(started.elapsed()),
            stream.read(&mut buffer),
        )
        .await
        {
            Err(_) => return None,
            // Closed, or answered "408 Request Timeout" and closed.
            Ok(Ok(0) | Err(_)) => return Some(started.elapsed()),
            Ok(Ok(_)) => continue,
        }
    }
}

#[tokio::test]
async fn a_client_that_trickles_its_headers_is_disconnected() {
    let app = spawn_app_with(1, |settings| settings.server.header_read_timeout_secs = 1).await;
    let mut slowloris = connect(&app.address).await;
    slowloris.write_all(b"GET / HTTP/1.1\r\nHost: localhost\r\n").await.unwrap();
    let mut idle = connect(&app.address).await;
    for _ in 0..3 {
        tokio::time::sleep(Duration::from_millis(400)).await;
        // One more header line every so often, never the blank line that ends them.
        let _ = slowloris.write_all(b"X-Trickle: a\r\n").await;
    }
    assert!(closed_within(&mut slowloris, Duration::from_secs(3)).await.is_some());
    assert!(closed_within(&mut idle, Duration::from_secs(3)).await.is_some(), "silent ones too");
}

#[tokio::test]
async fn connections_over_the_cap_wait_until_slow_ones_are_dropped() {
    let app = spawn_app_with(1, |settings| {
        settings.server.header_read_timeout_secs = 1;
        settings.server.max_connections = 3;
    })
    .await;
    let mut holders = Vec::new();
    for _ in 0..3 {
        let mut stream = connect(&app.address).await;
        stream.write_all(b"GET / HTTP/1.1\r\n").await.unwrap();
        holders.push(stream);
    }
    // All three places are taken; a real visitor waits for a slow one to be dropped, then is
    // served, rather than the server accepting without limit.
    let started = Instant::now();
    let page = Visitor::new().open(&app, "/").await;
    assert_eq!(page.status, StatusCode::OK);
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_millis(500),
        "served at once: the cap did not hold ({waited:?})"
    );
    assert!(waited < Duration::from_secs(5), "{waited:?}");
}

#[tokio::test]
async fn a_locked_database_fails_votes_fast_and_everything_recovers_by_itself() {
    let app = spawn_app(3).await;
    let health = |app: &crate::helpers::TestApp| {
        let url = format!("{}/healthz", app.address);
        let client = app.http.clone();
        async move {
            let response = client.get(url).send().await.unwrap();
            (response.status(), response.json::<serde_json::Value>().await.unwrap())
        }
    };
    assert_eq!(health(&app).await.0, StatusCode::OK);
    let mut visitor = Visitor::new();
    let page = visitor.open(&app, "/").await;
    let ticket = page.ticket.unwrap_or_else(|| panic!("no picture: {} {}", page.status, page.html));

    // Someone holds a lock every vote needs (a long migration, a stuck admin session).
    let mut blocker = app.pool.begin().await.unwrap();
    sqlx::query!("LOCK TABLE tallies IN ACCESS EXCLUSIVE MODE")
        .execute(&mut *blocker)
        .await
        .unwrap();
    let started = Instant::now();
    let (status, body) = json(visitor.vote(&app, &ticket, "7").await).await;
    let took = started.elapsed();
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::SERVICE_UNAVAILABLE, Some("unavailable"))
    );
    assert!(
        took < Duration::from_secs(5),
        "answered after the lock timeout, not the request's: {took:?}"
    );
    let (status, report) = health(&app).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(report["vote_writer"], "failing", "{report}");

    blocker.rollback().await.unwrap();
    let (status, body) = json(visitor.vote(&app, &ticket, "7").await).await;
    assert_eq!(status, StatusCode::OK, "the same vote goes through once the lock is gone: {body}");
    assert_eq!(
        health(&app).await,
        (StatusCode::OK, serde_json::json!({"database": "ok", "vote_writer": "ok"}))
    );
    assert_eq!(app.vote_count().await, 1);
}
