//! `/metrics`: valid Prometheus text that moves with the site (a vote counted, a request timed),
//! for admins on the site and for anybody on the metrics address; 404 for everybody else.

use crate::helpers::{TestApp, Visitor, spawn_app_with};
use reqwest::StatusCode;
use std::collections::BTreeMap;

type Sample = (String, BTreeMap<String, String>, f64);

fn valid_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == ':')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':')
}

/// Reads the text exposition format (version 0.0.4) strictly: every line a comment, a `HELP` or
/// `TYPE` line, or a sample `name{label="value",…} number`.
fn parse_exposition(text: &str) -> Result<Vec<Sample>, String> {
    let mut samples = Vec::new();
    for line in text.lines().filter(|line| !line.is_empty()) {
        if let Some(rest) = line.strip_prefix("# TYPE ") {
            let (name, kind) = rest.split_once(' ').ok_or(line)?;
            let kinds = ["counter", "gauge", "histogram", "summary", "untyped"];
            if !valid_name(name) || !kinds.contains(&kind) {
                return Err(format!("bad TYPE line: {line}"));
            }
            continue;
        }
        if let Some(rest) = line.strip_prefix("# HELP ") {
            let name = rest.split(' ').next().unwrap_or_default();
            if !valid_name(name) {
                return Err(format!("bad HELP line: {line}"));
            }
            continue;
        }
        if line.starts_with('#') {
            continue;
        }
        let name_end = line.find(['{', ' ']).ok_or(line)?;
        let name = &line[..name_end];
        if !valid_name(name) {
            return Err(format!("bad metric name: {line}"));
        }
        let mut labels = BTreeMap::new();
        let mut rest = &line[name_end..];
        if let Some(inner) = rest.strip_prefix('{') {
            let mut chars = inner.char_indices().peekable();
            let mut key = String::new();
            let close = loop {
                let (at, c) = chars.next().ok_or(format!("unclosed labels: {line}"))?;
                match c {
                    '}' if key.is_empty() => break at,
                    '=' => {
                        if !valid_name(&key) || chars.next().map(|(_, c)| c) != Some('"') {
                            return Err(format!("bad label: {line}"));
                        }
                        let mut value = String::new();
                        loop {
                            match chars.next().ok_or(format!("unclosed value: {line}"))?.1 {
                                '"' => break,
                                '\\' => match chars.next().map(|(_, c)| c) {
                                    Some('n') => value.push('\n'),
                                    Some(c @ ('\\' | '"')) => value.push(c),
                                    _ => return Err(format!("bad escape: {line}")),
                                },
                                c => value.push(c),
                            }
                        }
                        labels.insert(std::mem::take(&mut key), value);
                        match chars.next().map(|(_, c)| c) {
                            Some(',') => {}
                            Some('}') => break chars.peek().map_or(inner.len(), |(at, _)| *at) - 1,
                            _ => return Err(format!("bad label list: {line}")),
                        }
                    }
                    c => key.push(c),
                }
            };
            rest = &inner[close + 1..];
        }
        let value = rest.strip_prefix(' ').ok_or(format!("no value: {line}"))?;
        let value = value.split(' ').next().unwrap_or_default();
        let value = match value {
            "+Inf" => f64::INFINITY,
            "-Inf" => f64::NEG_INFINITY,
            "NaN" => f64::NAN,
            number => number.parse().map_err(|_| format!("bad value: {line}"))?,
        };
        samples.push((name.to_owned(), labels, value));
    }
    Ok(samples)
}

fn value_of(samples: &[Sample], name: &str, labels: &[(&str, &str)]) -> Option<f64> {
    samples
        .iter()
        .find(|(n, l, _)| {
            n == name && labels.iter().all(|(k, v)| l.get(*k).map(String::as_str) == Some(*v))
        })
        .map(|(_, _, value)| *value)
}

async fn scrape(app: &TestApp, visitor: &Visitor) -> (StatusCode, String) {
    let response =
        visitor.with_cookie(app.http.get(format!("{}/metrics", app.address))).send().await.unwrap();
    (response.status(), response.text().await.unwrap())
}

#[tokio::test]
async fn metrics_are_prometheus_text_count_votes_and_are_for_admins_only() {
    let app = spawn_app_with(10, |settings| {
        settings.metrics.listen = Some("127.0.0.1:0".parse().unwrap());
    })
    .await;
    assert_eq!(scrape(&app, &Visitor::new()).await.0, StatusCode::NOT_FOUND);
    let member = app.signed_in("justamember").await;
    assert_eq!(scrape(&app, &member).await.0, StatusCode::NOT_FOUND);
    let admin = app.signed_in("metricsadmin").await;
    sqlx::query!("UPDATE users SET is_admin = true WHERE username = 'metricsadmin'")
        .execute(&app.pool)
        .await
        .unwrap();

    let recorded = |samples: &[Sample]| {
        value_of(samples, "votes_total", &[("outcome", "recorded")]).unwrap_or(0.0)
    };
    let (status, before) = scrape(&app, &admin).await;
    assert_eq!(status, StatusCode::OK);
    let before = parse_exposition(&before).unwrap();
    let mut voter = Visitor::new();
    let ticket = voter.open(&app, "/").await.expect_ticket();
    assert_eq!(voter.vote(&app, &ticket, "9").await.status(), StatusCode::OK);
    let (_, after) = scrape(&app, &admin).await;
    let after = parse_exposition(&after).unwrap_or_else(|error| panic!("{error}\n{after}"));
    // Other tests in this process vote too (one recorder per process): at least ours.
    assert!(recorded(&after) >= recorded(&before) + 1.0);
    let requests = [("route", "/api/vote"), ("method", "POST"), ("status", "200")];
    assert!(value_of(&after, "http_requests_total", &requests).is_some_and(|n| n >= 1.0));
    assert!(value_of(&after, "vote_commit_seconds_count", &[]).is_some_and(|n| n >= 1.0));
    assert!(value_of(&after, "vote_batch_size_bucket", &[("le", "+Inf")]).is_some());
    assert!(value_of(&after, "db_pool_connections", &[("state", "idle")]).is_some());
    assert!(value_of(&after, "process_resident_memory_bytes", &[]).is_some_and(|b| b > 1e6));
    assert!(
        after.iter().all(|(name, labels, _)| {
            name != "http_requests_total" || !labels["route"].chars().any(|c| c.is_ascii_digit())
        }),
        "routes are patterns, never addresses"
    );

    // The metrics address serves anybody who can reach it (meant for loopback).
    let open = format!("http://{}/metrics", app.metrics_addr.unwrap());
    let response = reqwest::get(open).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(parse_exposition(&response.text().await.unwrap()).is_ok());
}

#[test]
fn the_parser_refuses_what_prometheus_would() {
    assert!(parse_exposition("good_total{a=\"x\\\"y\",b=\"2\"} 3\n").is_ok());
    assert_eq!(parse_exposition("x{le=\"+Inf\"} 1").unwrap()[0].1["le"], "+Inf");
    assert!(parse_exposition("9bad 1").is_err());
    assert!(parse_exposition("x{a=1} 1").is_err());
    assert!(parse_exposition("x{a=\"1\" 1").is_err());
    assert!(parse_exposition("x one").is_err());
    assert!(parse_exposition("# TYPE x countr").is_err());
}
