//! Leaderboards, picture pages, search, feeds and views: every list keeps the site's rule (a
//! picture is seen only by voting), pages follow each other without gaps or repeats, and the
//! numbers shown are the ones the vote path and the ranking job keep.

use crate::helpers::{TestApp, Visitor, json, spawn_app, spawn_app_with};
use app::standings::VoteWeights;
use reqwest::{StatusCode, header};
use server::jobs::ranking::rank_pictures;
use std::{collections::BTreeSet, time::Duration};

/// The picture pages a page links to, in order (tiles link to them, locked or not).
fn picture_links(html: &str) -> Vec<i64> {
    html.split("href=\"/p/")
        .skip(1)
        .filter_map(|rest| rest.split('"').next()?.parse().ok())
        .collect()
}

/// The next page's address on a leaderboard, if it has one.
fn next_page(html: &str) -> Option<String> {
    let at = html.find("rel=\"next\"")?;
    let link = html[..at].rsplit("href=\"").next()?;
    Some(link.split('"').next()?.replace("&amp;", "&"))
}

/// A visitor who rated `count` pictures; answers the visitor and the rated pictures' ids.
async fn voter_who_rated(app: &TestApp, count: usize) -> (Visitor, Vec<i64>) {
    let mut visitor = Visitor::new();
    let page = visitor.open(app, "/").await;
    let voter = visitor.voter_id(app);
    let mut rated = vec![app.shown_picture(&page, voter).0];
    let mut ticket = page.ticket.unwrap();
    for round in 0..count {
        let (status, body) = json(visitor.vote(app, &ticket, "8").await).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        if round + 1 == count {
            break;
        }
        rated.push(body["next"]["picture"]["id"].as_i64().unwrap());
        ticket = body["next"]["ticket"].as_str().unwrap().to_owned();
    }
    (visitor, rated)
}

async fn image_key(app: &TestApp, id: i64) -> String {
    sqlx::query_scalar!("SELECT image_key FROM submissions WHERE id = $1", id)
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn leaderboards_lock_unrated_pictures_and_page_through_all_of_them_once() {
    let app = spawn_app(30).await;
    let (mut voter, rated) = voter_who_rated(&app, 3).await;
    rank_pictures(&app.pool, VoteWeights::Equal).await.unwrap();
    let mut stranger = Visitor::new();

    // Two pages of /top: 24 tiles, then 6, every picture once, in rank order.
    let first = stranger.open(&app, "/top").await;
    assert_eq!(first.status, StatusCode::OK);
    assert!(!first.html.contains("/media/"), "a stranger sees no picture");
    assert!(first.html.contains("Rate it to see it"));
    let mut seen = picture_links(&first.html);
    assert_eq!(seen.len(), 24, "{:?}", seen);
    let next = next_page(&first.html).expect("a next page");
    let second = stranger.open(&app, &next).await;
    assert_eq!(second.status, StatusCode::OK);
    assert!(next_page(&second.html).is_none(), "the last page has no next one");
    assert!(second.html.contains("First page"));
    seen.extend(picture_links(&second.html));
    assert_eq!(seen.len(), 30);
    assert_eq!(seen.iter().collect::<BTreeSet<_>>().len(), 30, "no picture twice");
    let by_rank: Vec<i64> = sqlx::query_scalar!(
        "SELECT submission_id FROM picture_standings ORDER BY rank, submission_id"
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(seen, by_rank);

    // The voter sees the pictures they rated (and only those) with their scores.
    let theirs = voter.open(&app, "/top").await.html + &voter.open(&app, &next).await.html;
    for id in &rated {
        assert!(theirs.contains(&image_key(&app, *id).await), "rated picture {id} is revealed");
    }
    assert_eq!(theirs.matches("<img src=\"/media/").count(), rated.len());

    // A made-up cursor starts from the top rather than failing.
    let odd = stranger.open(&app, "/top?after=banana").await;
    assert_eq!(picture_links(&odd.html), picture_links(&first.html));
    for board in ["/hot", "/new", "/divisive"] {
        let page = stranger.open(&app, board).await;
        assert_eq!(page.status, StatusCode::OK, "{board}");
        assert!(!page.html.contains("/media/"), "{board}");
    }
    // /new lists the newest first, before any ranking.
    let newest = picture_links(&stranger.open(&app, "/new").await.html);
    assert!(newest.windows(2).all(|w| w[0] > w[1]), "{newest:?}");
}

#[tokio::test]
async fn a_picture_page_shows_everything_to_its_voters_and_a_locked_tile_to_others() {
    let app = spawn_app(6).await;
    let (mut voter, rated) = voter_who_rated(&app, 2).await;
    rank_pictures(&app.pool, VoteWeights::Equal).await.unwrap();
    let id = rated[0];
    let key = image_key(&app, id).await;

    let mut stranger = Visitor::new();
    let locked = stranger.open(&app, &format!("/p/{id}")).await;
    assert_eq!(locked.status, StatusCode::OK);
    assert!(locked.html.contains("Rate it to see it") && !locked.html.contains(&key));
    assert!(!locked.html.contains("Fair score") && !locked.html.contains("How voters rated it"));
    // The preview tags show the teaser, never the picture.
    assert!(locked.html.contains(&format!("/teasers/{id}.jpg")));
    assert!(locked.html.contains("og:title") && locked.html.contains("summary_large_image"));

    let page = voter.open(&app, &format!("/p/{id}")).await;
    assert!(page.html.contains(&key), "the voter sees the picture");
    assert!(page.html.contains("You rated it 8."));
    assert!(page.html.contains("Fair score") && page.html.contains("#"));
    assert!(page.html.contains("How voters rated it") && page.html.contains("Votes per rating"));
    assert!(page.html.contains("role=\"img\""), "the chart is an image with a text alternative");

    for missing in ["/p/999999", "/p/abc", "/p/-3"] {
        assert_eq!(stranger.open(&app, missing).await.status, StatusCode::NOT_FOUND, "{missing}");
    }
    let teaser = app.http.get(format!("{}/teasers/{id}.jpg", app.address)).send().await.unwrap();
    assert_eq!(teaser.status(), StatusCode::OK);
    assert_eq!(teaser.headers()[header::CONTENT_TYPE], "image/jpeg");
    let jpeg = teaser.bytes().await.unwrap();
    assert_eq!(image::load_from_memory(&jpeg).unwrap().width(), 1200);
    let bad = app.http.get(format!("{}/teasers/x.jpg", app.address)).send().await.unwrap();
    assert_eq!(bad.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn search_forgives_a_typo_and_keeps_pictures_locked() {
    let app = spawn_app(12).await;
    app.signed_in("blepmaster").await;
    let picture = sqlx::query!("SELECT id, title, image_key FROM submissions ORDER BY id LIMIT 1")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    // One letter of the title's longest word dropped.
    let word = picture.title.split(' ').max_by_key(|w| w.len()).unwrap().to_owned();
    let typo: String = word.chars().enumerate().filter(|(i, _)| *i != 2).map(|(_, c)| c).collect();
    let mut stranger = Visitor::new();
    let found = stranger.open(&app, &format!("/search?q={typo}")).await;
    assert_eq!(found.status, StatusCode::OK);
    assert!(picture_links(&found.html).contains(&picture.id), "{typo} finds {}", picture.title);
    assert!(!found.html.contains(&picture.image_key), "still locked");
    let members = stranger.open(&app, "/search?q=blepmastr").await;
    assert!(members.html.contains("@blepmaster"));
    let nothing = stranger.open(&app, "/search?q=zzzzqqqq").await;
    assert!(nothing.html.contains("Nothing matches"));
    let empty = stranger.open(&app, "/search").await;
    assert_eq!(empty.status, StatusCode::OK);
}

/// A query too common to sort every match is answered from the titles nearest it. On a site
/// small enough for those to be every match, both ways give the same pages, in the same order;
/// with fewer taken, they are the closest, still sorted as every match would be.
#[tokio::test]
async fn a_common_query_finds_through_the_nearest_titles_what_sorting_every_match_finds() {
    use app::server::standings::search::{self, Candidates};
    let app = spawn_app(60).await;
    let voter = voter_who_rated(&app, 3).await.0.voter_id(&app);
    // No query is rare when no match may be sorted.
    let every_match = Candidates { sorted_up_to: 0, nearest: 1000 };
    let few = Candidates { sorted_up_to: 0, nearest: 10 };
    let mut pages_found = 0;
    for query in ["the", "a", "sir", "hamstr", "bean the sleepy", "zzzzqqqq"] {
        let sorted = search::search(&app.pool, voter, query, 1).await.unwrap();
        for page in 1..=3 {
            let nearest = search::search_among(&app.pool, voter, query, page, every_match);
            let on_page = search::search(&app.pool, voter, query, page).await.unwrap();
            assert_eq!(nearest.await.unwrap(), on_page, "{query}, page {page}");
            pages_found += usize::from(!on_page.pictures.is_empty());
        }
        // The 10 nearest: as close as the first 10 of every match, newest first among ties.
        let nearest = search::search_among(&app.pool, voter, query, 1, few).await.unwrap();
        let ids = |results: &app::standings::pictures::SearchResults| -> Vec<i64> {
            results.pictures.iter().map(|tile| tile.id().0).collect()
        };
        let (all, closest) = (ids(&sorted), ids(&nearest));
        assert_eq!(closest.len(), all.len().min(10), "{query}");
        let closest_distances = distances_to(&app, query, &closest).await;
        let first_distances = distances_to(&app, query, &all[..closest.len()]).await;
        assert_eq!(closest_distances, first_distances, "{query}");
        for (pair, ids) in closest_distances.windows(2).zip(closest.windows(2)) {
            assert!(pair[0] < pair[1] || ids[0] > ids[1], "{query}: {closest:?}");
        }
    }
    assert!(pages_found >= 6, "the queries found pictures on {pages_found} pages");
}

/// Each picture's title's distance from `query`, as search measures it.
async fn distances_to(app: &TestApp, query: &str, ids: &[i64]) -> Vec<f32> {
    let mut distances = vec![];
    for id in ids {
        let distance = sqlx::query_scalar!(
            r#"SELECT $1 <<-> lower(title) AS "distance!" FROM submissions WHERE id = $2"#,
            query,
            id
        );
        distances.push(distance.fetch_one(&app.pool).await.unwrap());
    }
    distances
}

#[tokio::test]
async fn the_feeds_are_valid_atom_and_carry_teasers_only() {
    let app = spawn_app(8).await;
    voter_who_rated(&app, 3).await;
    rank_pictures(&app.pool, VoteWeights::Equal).await.unwrap();
    // A title that needs escaping.
    sqlx::query!("UPDATE submissions SET title = 'Sir <Blep> & \"Co\"' WHERE id = (SELECT min(id) FROM submissions)")
        .execute(&app.pool)
        .await
        .unwrap();
    let validator =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../end2end/feeds/validate_atom.py");
    for feed in ["top", "new"] {
        let response =
            app.http.get(format!("{}/feeds/{feed}.atom", app.address)).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(response.headers()[header::CONTENT_TYPE], "application/atom+xml; charset=utf-8");
        let xml = response.text().await.unwrap();
        assert_eq!(xml.matches("<entry>").count(), 8, "{feed}");
        assert!(!xml.contains("/media/"), "feeds carry teasers, not pictures");
        let file = std::env::temp_dir()
            .join(format!("rmd-{feed}-{}.atom", crate::helpers::unique_suffix()));
        std::fs::write(&file, &xml).unwrap();
        let checked = std::process::Command::new("python3")
            .arg(&validator)
            .arg(&file)
            .output()
            .expect("python3 runs the validator (make setup-test installs lxml)");
        let said = String::from_utf8_lossy(&checked.stdout).into_owned()
            + &String::from_utf8_lossy(&checked.stderr);
        assert!(checked.status.success(), "{feed}: {said}\n{xml}");
        std::fs::remove_file(file).ok();
    }
}

#[tokio::test]
async fn views_are_counted_when_pictures_are_revealed_and_written_in_batches() {
    let app = spawn_app_with(6, |settings| settings.standings.views_write_every_secs = 1).await;
    let (_, rated) = voter_who_rated(&app, 3).await;
    // Three votes: the first picture (counted with the first vote) and three next ones.
    let mut views = 0;
    for _ in 0..50 {
        views = sqlx::query_scalar!(
            r#"SELECT coalesce(sum(views), 0)::int8 AS "views!" FROM picture_reach"#
        )
        .fetch_one(&app.pool)
        .await
        .unwrap();
        if views >= 4 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(views, 4);
    let first =
        sqlx::query_scalar!("SELECT views FROM picture_reach WHERE submission_id = $1", rated[0])
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(first, 1);
}
