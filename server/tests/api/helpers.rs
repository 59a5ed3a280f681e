//! Test harness: one throw-away PostgreSQL cluster per test run, a fresh database per test
//! (copied from a migrated template), and the real application on a free port.

use app::{
    server::{
        signing::{SecretKey, Signer},
        ticket::{Ticket, unix_millis},
        voter::{VoterId, open_voter_cookie},
    },
    votes::SubmissionId,
};
use reqwest::{StatusCode, header};
use server::{
    config::Settings,
    database::{Location, MIGRATOR},
    embedded_pg::{ClusterOptions, EmbeddedPostgres},
    startup::Application,
};
use sqlx::PgPool;
use std::{
    collections::BTreeMap,
    sync::{
        OnceLock,
        atomic::{AtomicU32, AtomicU64, Ordering},
    },
    time::{Duration, SystemTime},
};
use tokio::{sync::oneshot, task::JoinHandle};

const TEMPLATE: &str = "rmd_template";
const TEST_SECRET: &str = "integration-tests-only-secret-key-0123456789";

struct TestCluster {
    postgres: EmbeddedPostgres,
}

/// The cluster shared by this run's tests. It lives in its own runtime's thread so that no
/// test's runtime owns it; it stops, and its folder is deleted, when the test process exits.
fn cluster() -> &'static TestCluster {
    static CLUSTER: OnceLock<TestCluster> = OnceLock::new();
    CLUSTER.get_or_init(|| {
        std::thread::spawn(|| {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("a runtime for the test cluster");
            runtime.block_on(async {
                let dir = std::env::temp_dir().join(format!("rmd-test-{}", std::process::id()));
                let postgres = EmbeddedPostgres::start(&ClusterOptions {
                    dir,
                    bin_dir: None,
                    throwaway: true,
                })
                .await
                .expect("the test cluster starts");
                postgres.create_database(TEMPLATE).await.expect("the template database");
                let pool =
                    PgPool::connect(&postgres.database_url(TEMPLATE)).await.expect("connect");
                MIGRATOR.run(&pool).await.expect("migrations apply");
                pool.close().await;
                TestCluster { postgres }
            })
        })
        .join()
        .expect("the test cluster thread")
    })
}

/// A fresh, migrated database of its own for one test.
async fn fresh_database() -> String {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let name = format!("test_{}", NEXT.fetch_add(1, Ordering::Relaxed));
    let cluster = cluster();
    cluster.postgres.create_database_from(&name, Some(TEMPLATE)).await.expect("a fresh database");
    cluster.postgres.database_url(&name)
}

pub struct TestApp {
    pub address: String,
    /// Where `/metrics` is open to anybody, when the test configured it.
    pub metrics_addr: Option<std::net::SocketAddr>,
    pub database_url: String,
    pub pool: PgPool,
    pub signer: Signer,
    pub http: reqwest::Client,
    /// Where the app writes its emails (see [`TestApp::mails_to`]).
    pub outbox: std::path::PathBuf,
    shutdown: Option<oneshot::Sender<()>>,
    server: Option<JoinHandle<std::io::Result<()>>>,
}

/// Starts the application with `demo_pictures` pictures to rate.
pub async fn spawn_app(demo_pictures: u32) -> TestApp {
    spawn_app_with(demo_pictures, |_| {}).await
}

pub async fn spawn_app_with(demo_pictures: u32, adjust: impl FnOnce(&mut Settings)) -> TestApp {
    server::telemetry::init_for_tests("warn");
    let mut settings = Settings::default();
    settings.server.port = 0;
    let database_url = fresh_database().await;
    settings.database.url = Some(database_url.clone().into());
    settings.database.demo_pictures = demo_pictures;
    // Tests vote at machine speed, all from one address: the minimum viewing time and the vote
    // limits are off unless a test turns them on (tests/api/integrity.rs).
    settings.votes.min_view_ms = 0;
    settings.votes.per_voter_per_minute = 0;
    settings.votes.per_network_per_minute = 0;
    // The detectors are run by the tests that look at them (tests/api/anomalies.rs).
    settings.votes.anomaly_check_every_secs = 0;
    settings.secret_key = Some(TEST_SECRET.into());
    settings.site.root = std::env::temp_dir().join("rmd-test-site");
    let outbox = std::env::temp_dir().join(format!("rmd-outbox-{}", unique_suffix()));
    settings.accounts.outbox_dir = Some(outbox.clone());
    adjust(&mut settings);
    let app = Application::build(&settings, Location::Configured).await.expect("the app builds");
    let address = format!("http://{}", app.local_addr().expect("an address"));
    let metrics_addr = app.metrics_addr();
    let pool = app.pool().clone();
    let (shutdown, stop) = oneshot::channel::<()>();
    let server = tokio::spawn(app.run_until(async {
        let _ = stop.await;
    }));
    let key = SecretKey::new(TEST_SECRET.as_bytes()).expect("a long enough key");
    TestApp {
        address,
        metrics_addr,
        database_url,
        pool,
        signer: Signer::new(&key),
        http: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            // Every test shares the process's file descriptors with its server: a burst of
            // concurrent requests must not leave thousands of idle connections open afterwards.
            .pool_max_idle_per_host(32)
            .build()
            .expect("an HTTP client"),
        outbox,
        shutdown: Some(shutdown),
        server: Some(server),
    }
}

/// A number no other test in this run has.
pub fn unique_suffix() -> u64 {
    static N: AtomicU64 = AtomicU64::new(0);
    u64::from(std::process::id()) << 20 | N.fetch_add(1, Ordering::Relaxed)
}

/// What the vote page showed.
#[derive(Debug)]
pub struct Page {
    pub status: StatusCode,
    pub html: String,
    pub ticket: Option<String>,
}

impl Page {
    /// The page's ticket; a page without one fails the test with its status and text.
    pub fn expect_ticket(&self) -> String {
        self.ticket.clone().unwrap_or_else(|| {
            let text: String = self.html.chars().take(2000).collect();
            panic!("no ticket on a page answered {}: {text}", self.status)
        })
    }

    /// The image key of the picture on the page (unique, unlike titles).
    pub fn image_key(&self) -> Option<String> {
        between(&self.html, "<img src=\"/media/", "/")
    }
}

fn between(text: &str, start: &str, end: &str) -> Option<String> {
    let from = text.find(start)? + start.len();
    let to = from + text[from..].find(end)?;
    Some(text[from..to].to_owned())
}

/// One visitor with their own cookie jar.
#[derive(Debug, Default, Clone)]
pub struct Visitor {
    pub cookies: BTreeMap<String, String>,
}

impl Visitor {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn remember(&mut self, response: &reqwest::Response) {
        for value in response.headers().get_all(header::SET_COOKIE) {
            let Some(text) = value.to_str().ok() else { continue };
            let Some((name, value)) = text.split(';').next().and_then(|p| p.split_once('=')) else {
                continue;
            };
            if text.contains("Max-Age=0") {
                self.cookies.remove(name);
            } else {
                self.cookies.insert(name.to_owned(), value.to_owned());
            }
        }
    }

    /// The `Cookie` header this visitor sends.
    pub fn cookie_header(&self) -> Option<String> {
        (!self.cookies.is_empty()).then(|| {
            self.cookies.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("; ")
        })
    }

    pub fn with_cookie(&self, request: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        match self.cookie_header() {
            Some(cookie) => request.header(header::COOKIE, cookie),
            None => request,
        }
    }

    /// The value of the voter cookie.
    pub fn voter_cookie(&self) -> Option<&str> {
        self.cookies.get("rmd_voter").map(String::as_str)
    }

    /// The voter id in this visitor's cookie.
    pub fn voter_id(&self, app: &TestApp) -> VoterId {
        let value = self.voter_cookie().expect("the visitor has a voter cookie");
        open_voter_cookie(&app.signer, value).expect("a genuine cookie")
    }

    pub async fn open(&mut self, app: &TestApp, path: &str) -> Page {
        let response = self
            .with_cookie(app.http.get(format!("{}{path}", app.address)))
            .send()
            .await
            .expect("the page answers");
        self.remember(&response);
        let status = response.status();
        let html = response.text().await.expect("a body");
        let ticket = between(&html, "name=\"ticket\" value=\"", "\"");
        Page { status, html, ticket }
    }

    /// Posts a vote as the hydrated page does (asking for JSON).
    pub async fn vote(&mut self, app: &TestApp, ticket: &str, rating: &str) -> reqwest::Response {
        self.post_vote(app, ticket, rating, "application/json").await
    }

    /// Posts a vote as a browser without JavaScript does (a plain form).
    pub async fn vote_without_js(
        &mut self,
        app: &TestApp,
        ticket: &str,
        rating: &str,
    ) -> reqwest::Response {
        self.post_vote(app, ticket, rating, "text/html,application/xhtml+xml").await
    }

    async fn post_vote(
        &mut self,
        app: &TestApp,
        ticket: &str,
        rating: &str,
        accept: &str,
    ) -> reqwest::Response {
        let response = self
            .with_cookie(app.http.post(format!("{}/api/vote", app.address)))
            .header(header::ACCEPT, accept)
            .form(&[("ticket", ticket), ("rating", rating)])
            .send()
            .await
            .expect("the vote answers");
        self.remember(&response);
        response
    }
}

impl TestApp {
    /// A genuine ticket, as the server would issue it.
    pub fn mint_ticket(
        &self,
        voter: VoterId,
        submission: SubmissionId,
        issued: SystemTime,
    ) -> String {
        Ticket { voter, submission, issued_at_ms: unix_millis(issued) }.seal(&self.signer)
    }

    /// The picture the server put in front of `voter` on `page` (the one its ticket names).
    pub fn shown_picture(&self, page: &Page, voter: VoterId) -> SubmissionId {
        let ticket = page.ticket.as_deref().expect("the page has a ticket");
        Ticket::verify(&self.signer, ticket, voter, SystemTime::now(), Duration::from_secs(60))
            .expect("a genuine ticket")
            .submission
    }

    /// Every tally equals its counted votes: count, sum and histogram.
    pub async fn tallies_match_counted_votes(&self) -> bool {
        let off = sqlx::query_scalar!(
            r#"SELECT count(*) AS "off!" FROM tallies t
                 CROSS JOIN LATERAL (SELECT count(*) AS n, coalesce(sum(v.rating), 0) AS total
                                       FROM votes v
                                      WHERE v.submission_id = t.submission_id AND v.counted) c
                 CROSS JOIN LATERAL (SELECT array_agg((SELECT count(*) FROM votes v
                                                        WHERE v.submission_id = t.submission_id
                                                          AND v.counted AND v.rating = r)::int4
                                                      ORDER BY r) AS h
                                       FROM generate_series(1, 10) r) counts
                WHERE (t.vote_count, t.rating_sum, t.histogram)
                      IS DISTINCT FROM (c.n, c.total, counts.h)"#
        )
        .fetch_one(&self.pool)
        .await
        .unwrap();
        off == 0
    }

    /// Whether `voter` has a row yet (made by their first vote).
    pub async fn voter_row_exists(&self, voter: VoterId) -> bool {
        sqlx::query_scalar!(
            r#"SELECT EXISTS (SELECT 1 FROM voters WHERE id = $1) AS "exists!""#,
            voter.0
        )
        .fetch_one(&self.pool)
        .await
        .expect("a query")
    }

    pub async fn vote_count(&self) -> i64 {
        sqlx::query_scalar!(r#"SELECT count(*) AS "votes!" FROM votes"#)
            .fetch_one(&self.pool)
            .await
            .expect("count")
    }

    /// The votes every picture's tally counts, and the sum of their ratings.
    pub async fn tallied(&self) -> (i64, i64) {
        let totals = sqlx::query!(
            r#"SELECT coalesce(sum(vote_count), 0)::int8 AS "votes!",
                      coalesce(sum(rating_sum), 0)::int8 AS "ratings!"
               FROM tallies"#
        )
        .fetch_one(&self.pool)
        .await
        .expect("tallies");
        (totals.votes, totals.ratings)
    }

    /// Whether every picture's histogram adds up to its tally (count and sum of ratings).
    pub async fn histograms_in_step(&self) -> bool {
        let out_of_step = sqlx::query_scalar!(
            r#"SELECT count(*) AS "count!" FROM tallies t
                WHERE t.vote_count <> (SELECT sum(x) FROM unnest(t.histogram) x)
                   OR t.rating_sum <> (SELECT sum(x * i)
                                         FROM unnest(t.histogram) WITH ORDINALITY u(x, i))"#
        )
        .fetch_one(&self.pool)
        .await
        .expect("histograms");
        out_of_step == 0
    }

    pub async fn submission_ids(&self) -> Vec<SubmissionId> {
        sqlx::query_scalar!(r#"SELECT id AS "id: SubmissionId" FROM submissions ORDER BY id"#)
            .fetch_all(&self.pool)
            .await
            .expect("ids")
    }

    /// Stops serving the way Ctrl-C does, and waits until the server has finished.
    pub async fn shut_down(mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(server) = self.server.take() {
            let finished = tokio::time::timeout(Duration::from_secs(30), server).await;
            assert!(
                matches!(finished, Ok(Ok(Ok(())))),
                "the server shuts down cleanly: {finished:?}"
            );
        }
    }
}

/// The JSON body of an answer, with its status.
pub async fn json(response: reqwest::Response) -> (StatusCode, serde_json::Value) {
    let status = response.status();
    let body = response.json().await.expect("a JSON body");
    (status, body)
}
