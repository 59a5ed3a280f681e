//! Pages as a browser without JavaScript sees them, pictures, and the odd corners.

use crate::helpers::{Visitor, spawn_app};
use reqwest::{StatusCode, header};

#[tokio::test]
async fn voting_works_without_javascript() {
    let app = spawn_app(4).await;
    let mut visitor = Visitor::new();
    let page = visitor.open(&app, "/").await;
    assert!(page.html.contains("<form method=\"post\" action=\"/api/vote\""), "a plain form");
    let response = visitor.vote_without_js(&app, page.ticket.as_deref().unwrap(), "7").await;
    assert_eq!(response.status(), StatusCode::FOUND);
    assert_eq!(response.headers()[header::LOCATION], "/");
    let next = visitor.open(&app, "/").await;
    assert_ne!(next.image_key(), page.image_key());
    assert!(
        next.html.contains("The crowd says "),
        "the verdict on the last picture is shown: {} {}",
        next.status,
        next.html
    );
    assert!(next.html.contains("you said <strong>7</strong>"), "{}", next.html);
    assert_eq!(app.vote_count().await, 1);
}

#[tokio::test]
async fn a_refused_vote_without_javascript_comes_back_with_an_explanation() {
    let app = spawn_app(4).await;
    let mut visitor = Visitor::new();
    let ticket = visitor.open(&app, "/").await.expect_ticket();
    visitor.vote_without_js(&app, &ticket, "7").await;
    let replay = visitor.vote_without_js(&app, &ticket, "7").await;
    assert_eq!(replay.status(), StatusCode::FOUND);
    assert_eq!(replay.headers()[header::LOCATION], "/?problem=already_rated");
    let page = visitor.open(&app, "/?problem=already_rated").await;
    assert!(page.html.contains("role=\"alert\""), "{}", page.html);
    assert!(page.html.contains("already rated"), "{}", page.html);
    // An unknown code shows nothing rather than failing.
    let page = visitor.open(&app, "/?problem=%3Cscript%3E").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.html.contains("role=\"alert\""));
}

#[tokio::test]
async fn an_unknown_address_is_a_designed_404_page() {
    let app = spawn_app(1).await;
    let page = Visitor::new().open(&app, "/no/such/page").await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert!(page.html.contains("This page wandered off"));
    assert!(page.html.contains("href=\"/\""));
}

/// The picture is the page: its head asks for the picture first and for nothing of the client
/// code, which is asked for by a script (carrying the page's nonce) once the page has loaded.
#[tokio::test]
async fn the_page_preloads_its_picture_and_asks_for_the_client_code_after_loading() {
    let app = spawn_app(1).await;
    let page = Visitor::new().open(&app, "/").await;
    let head = page.html.split("</head>").next().unwrap();
    let key = page.image_key().unwrap();
    assert!(head.contains(&format!("href=\"/media/{key}/640.jpg\"")), "{head}");
    assert!(head.contains("rel=\"preload\"") && head.contains("fetchpriority=\"high\""));
    assert!(!head.contains(".wasm\" as=\"fetch\""), "no preload of the WASM: {head}");
    assert!(!head.contains("modulepreload"), "{head}");
    assert!(head.contains("addEventListener(\"load\""), "{head}");
    assert!(head.contains("<script type=\"module\" nonce=\""), "{head}");
}

#[tokio::test]
async fn pictures_are_served_as_cacheable_jpegs_by_key_only() {
    let app = spawn_app(2).await;
    let page = Visitor::new().open(&app, "/").await;
    let key = page.image_key().unwrap();
    let url = format!("{}/media/{key}/320.jpg", app.address);
    let response = app.http.get(&url).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()[header::CONTENT_TYPE], "image/jpeg");
    assert!(response.headers()[header::CACHE_CONTROL].to_str().unwrap().contains("immutable"));
    assert!(response.headers().get(header::SET_COOKIE).is_none(), "pictures carry no cookie");
    let etag = response.headers()[header::ETAG].clone();
    let jpeg = response.bytes().await.unwrap();
    assert_eq!(&jpeg[..2], &[0xff, 0xd8]);

    let revalidated =
        app.http.get(&url).header(header::IF_NONE_MATCH, etag.clone()).send().await.unwrap();
    assert_eq!(revalidated.status(), StatusCode::NOT_MODIFIED);
    // A demo picture is drawn as WebP for a browser that accepts it.
    let webp = app.http.get(&url).header(header::ACCEPT, "image/webp,*/*").send().await.unwrap();
    assert_eq!(webp.headers()[header::CONTENT_TYPE], "image/webp");
    assert_eq!(&webp.bytes().await.unwrap()[8..12], b"WEBP");
    // A second time the file comes from memory: the same bytes, and ranges of them.
    let again = app.http.get(&url).send().await.unwrap().bytes().await.unwrap();
    assert_eq!(again, jpeg);
    let part = app.http.get(&url).header(header::RANGE, "bytes=2-9").send().await.unwrap();
    assert_eq!(part.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(part.headers()[header::CONTENT_RANGE], format!("bytes 2-9/{}", jpeg.len()));
    assert_eq!(part.bytes().await.unwrap(), jpeg.slice(2..10));
    let past_the_end = format!("bytes={}-", jpeg.len());
    let beyond = app.http.get(&url).header(header::RANGE, past_the_end).send().await.unwrap();
    assert_eq!(beyond.status(), StatusCode::RANGE_NOT_SATISFIABLE);
    assert_eq!(beyond.headers()[header::CONTENT_RANGE], format!("bytes */{}", jpeg.len()));
    // A range of another version of the file is not answered with a part of this one.
    let other = app
        .http
        .get(&url)
        .header(header::RANGE, "bytes=2-9")
        .header(header::IF_RANGE, "\"another\"")
        .send()
        .await
        .unwrap();
    assert_eq!(other.status(), StatusCode::OK);
    assert_eq!(other.headers()[header::ETAG], etag);
    for missing in [
        format!("/media/{key}/333.jpg"),
        "/media/00000000000000000000000000000000/320.jpg".to_owned(),
        "/media/../../etc/passwd/320.jpg".to_owned(),
    ] {
        let response = app.http.get(format!("{}{missing}", app.address)).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{missing}");
    }
}

#[tokio::test]
async fn security_headers_and_health() {
    let app = spawn_app(1).await;
    let response = app.http.get(&app.address).send().await.unwrap();
    let headers = response.headers();
    assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    assert_eq!(headers[header::X_FRAME_OPTIONS], "DENY");
    assert_eq!(headers[header::CACHE_CONTROL], "no-store");
    let health = app.http.get(format!("{}/healthz", app.address)).send().await.unwrap();
    assert_eq!(health.status(), StatusCode::OK);
}

#[tokio::test]
async fn when_the_database_is_unreachable_the_page_says_so_with_a_way_to_retry() {
    let app = spawn_app(2).await;
    app.pool.close().await;
    let page = Visitor::new().open(&app, "/").await;
    assert_eq!(page.status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(page.html.contains("We can't show you a derp right now"), "{}", page.html);
    assert!(page.html.contains("isn't answering"), "{}", page.html);
    assert!(page.html.contains("Try again"));
    assert!(!page.html.contains("PoolClosed"), "no internal error text reaches the visitor");
}

#[tokio::test]
async fn pages_allow_only_their_own_scripts() {
    let app = spawn_app(1).await;
    for path in ["/", "/login", "/u/nobody"] {
        let response = app.http.get(format!("{}{path}", app.address)).send().await.unwrap();
        let policy =
            response.headers()[header::CONTENT_SECURITY_POLICY].to_str().unwrap().to_owned();
        let html = response.text().await.unwrap();
        let nonce = policy
            .split("'nonce-")
            .nth(1)
            .and_then(|rest| rest.split('\'').next())
            .unwrap_or_else(|| panic!("{path}: no nonce in {policy}"))
            .to_owned();
        assert!(policy.contains("frame-ancestors 'none'"), "{policy}");
        assert!(policy.contains("'wasm-unsafe-eval'"), "{policy}");
        let tags: Vec<&str> = html
            .split("<script")
            .skip(1)
            .map(|rest| rest.split('>').next().unwrap_or(""))
            .collect();
        assert!(!tags.is_empty(), "{path}: the hydration script is there");
        for tag in tags {
            assert!(
                tag.contains(&format!("nonce=\"{nonce}\"")),
                "{path}: <script{tag}> has no nonce"
            );
        }
        // A fresh nonce per response.
        let again = app.http.get(format!("{}{path}", app.address)).send().await.unwrap();
        assert!(
            !again.headers()[header::CONTENT_SECURITY_POLICY].to_str().unwrap().contains(&nonce)
        );
    }
}
