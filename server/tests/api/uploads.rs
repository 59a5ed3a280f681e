//! Uploading pictures: stored square at each served width, in the rotation, and every refusal
//! explained without storing anything.

use crate::{
    accounts::PASSWORD,
    helpers::{TestApp, Visitor, spawn_app},
};
use image::{ImageEncoder, RgbImage, codecs::png::PngEncoder};
use reqwest::{StatusCode, header};

const BOUNDARY: &str = "----rmd-test-boundary";

fn png(width: u32, height: u32) -> Vec<u8> {
    let picture = RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, 120])
    });
    let mut out = Vec::new();
    PngEncoder::new(&mut out)
        .write_image(picture.as_raw(), width, height, image::ExtendedColorType::Rgb8)
        .unwrap();
    out
}

/// The upload form as a browser sends it.
fn multipart(title: Option<&str>, photo: Option<&[u8]>) -> Vec<u8> {
    let mut body = Vec::new();
    if let Some(title) = title {
        body.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\n{title}\r\n"
            )
            .as_bytes(),
        );
    }
    if let Some(photo) = photo {
        body.extend_from_slice(
            format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"photo\"; filename=\"pet.png\"\r\nContent-Type: image/png\r\n\r\n").as_bytes(),
        );
        body.extend_from_slice(photo);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    body
}

/// Posts the form; answers where the server sent the browser.
async fn upload(app: &TestApp, visitor: &Visitor, body: Vec<u8>) -> String {
    let response = visitor
        .with_cookie(app.http.post(format!("{}/upload", app.address)))
        .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={BOUNDARY}"))
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    response.headers()[header::LOCATION].to_str().unwrap().to_owned()
}

async fn uploaded_count(app: &TestApp) -> i64 {
    sqlx::query_scalar!(
        r#"SELECT count(*) AS "uploads!" FROM submissions WHERE submitted_by IS NOT NULL"#
    )
    .fetch_one(&app.pool)
    .await
    .unwrap()
}

#[tokio::test]
async fn an_upload_is_stored_square_served_and_rated() {
    let app = spawn_app(0).await;
    let uploader = app.member("snapper").await;
    let form = multipart(Some("  Blep   in the sun "), Some(&png(800, 600)));
    assert_eq!(upload(&app, &uploader, form).await, "/upload?uploaded");

    let stored = sqlx::query!(
        "SELECT s.title, s.image_key FROM submissions s JOIN users u ON u.voter_id = s.submitted_by
          WHERE u.username = 'snapper'",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let (title, key) = (stored.title, stored.image_key);
    assert_eq!(title, "Blep in the sun");
    for (width, side) in [(320, 320), (640, 600), (960, 600)] {
        let response =
            app.http.get(format!("{}/media/{key}/{width}.jpg", app.address)).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(response.headers()[header::CONTENT_TYPE], "image/jpeg");
        let bytes = response.bytes().await.unwrap();
        let served = image::load_from_memory(&bytes).unwrap();
        assert_eq!((served.width(), served.height()), (side, side), "{width}");
    }
    browsers_that_accept_webp_get_it(&app, &key).await;

    // Somebody else is shown it and can rate it; its uploader is not shown it.
    let mut voter = Visitor::new();
    let page = voter.open(&app, "/").await;
    assert!(page.html.contains("Blep in the sun"));
    let response = voter.vote(&app, page.ticket.as_deref().unwrap(), "9").await;
    assert_eq!(response.status(), StatusCode::OK);
    let mut own = uploader;
    assert!(!own.open(&app, "/").await.html.contains("alt=\"Blep in the sun\""));
    let profile = own.open(&app, "/u/snapper").await;
    assert!(profile.html.contains("Blep in the sun"));
}

/// The same address answers with the WebP to a browser that lists it, and with the JPEG to one
/// that does not, or for a picture stored before WebP was.
async fn browsers_that_accept_webp_get_it(app: &TestApp, key: &str) {
    let chrome = "image/avif,image/webp,image/apng,image/svg+xml,image/*,*/*;q=0.8";
    let fetch = |width: u32, accept: &'static str| {
        app.http
            .get(format!("{}/media/{key}/{width}.jpg", app.address))
            .header(header::ACCEPT, accept)
            .send()
    };
    let webp = fetch(320, chrome).await.unwrap();
    assert_eq!(webp.headers()[header::CONTENT_TYPE], "image/webp");
    assert_eq!(webp.headers()[header::VARY], "accept");
    let etag = webp.headers()[header::ETAG].clone();
    assert_eq!(etag, format!("\"{key}-320-webp\"").as_str());
    let bytes = webp.bytes().await.unwrap();
    let served = image::load_from_memory_with_format(&bytes, image::ImageFormat::WebP).unwrap();
    assert_eq!((served.width(), served.height()), (320, 320));
    let revalidated = app
        .http
        .get(format!("{}/media/{key}/320.jpg", app.address))
        .header(header::ACCEPT, chrome)
        .header(header::IF_NONE_MATCH, etag)
        .send()
        .await
        .unwrap();
    assert_eq!(revalidated.status(), StatusCode::NOT_MODIFIED);
    let jpeg = fetch(320, "image/*,*/*;q=0.8").await.unwrap();
    assert_eq!(jpeg.headers()[header::CONTENT_TYPE], "image/jpeg");
    assert_eq!(jpeg.headers()[header::VARY], "accept");

    sqlx::query!(
        "UPDATE picture_files SET webp = NULL
          WHERE width = 960 AND submission_id = (SELECT id FROM submissions WHERE image_key = $1)",
        key
    )
    .execute(&app.pool)
    .await
    .unwrap();
    let stored_before = fetch(960, chrome).await.unwrap();
    assert_eq!(stored_before.headers()[header::CONTENT_TYPE], "image/jpeg");
    assert_eq!(stored_before.headers()[header::ETAG], format!("\"{key}-960\"").as_str());
}

#[tokio::test]
async fn refused_uploads_say_why_and_store_nothing() {
    let app = spawn_app(0).await;
    let photo = png(400, 400);
    let anonymous = Visitor::new();
    assert_eq!(
        upload(&app, &anonymous, multipart(Some("Hi"), Some(&photo))).await,
        "/upload?problem=sign_in_required"
    );

    let mut unconfirmed = Visitor::new();
    app.sign_up(&mut unconfirmed, "newbie", "newbie@example.com").await;
    app.post(&mut unconfirmed, "/api/log-in", &[("identifier", "newbie"), ("password", PASSWORD)])
        .await;
    assert_eq!(
        upload(&app, &unconfirmed, multipart(Some("Hi"), Some(&photo))).await,
        "/upload?problem=email_unverified"
    );

    let member = app.member("careful").await;
    let cases: [(Vec<u8>, &str); 6] = [
        (multipart(None, Some(&photo)), "bad_title"),
        (multipart(Some(&"x".repeat(121)), Some(&photo)), "bad_title"),
        (multipart(Some("No photo"), None), "not_an_image"),
        (multipart(Some("A text file"), Some(b"just some words")), "not_an_image"),
        (multipart(Some("Tiny"), Some(&png(100, 400))), "image_too_small"),
        (multipart(Some("Huge"), Some(&vec![0x89; 16 * 1024 * 1024])), "image_too_large"),
    ];
    for (form, code) in cases {
        assert_eq!(upload(&app, &member, form).await, format!("/upload?problem={code}"));
    }
    assert_eq!(uploaded_count(&app).await, 0);

    // The page explains the code in words.
    let mut member = member;
    let page = member.open(&app, "/upload?problem=image_too_small").await;
    assert!(page.html.contains("at least 256 pixels"), "{}", page.html);
}

#[tokio::test]
async fn twenty_uploads_a_day_at_most() {
    let app = spawn_app(0).await;
    let member = app.member("prolific").await;
    uploaded_earlier(&app, 20).await;
    let form = multipart(Some("One too many"), Some(&png(300, 300)));
    assert_eq!(upload(&app, &member, form).await, "/upload?problem=upload_limit");
    assert_eq!(uploaded_count(&app).await, 20);
}

#[tokio::test]
async fn deleting_the_account_deletes_its_files() {
    let app = spawn_app(0).await;
    let mut member = app.member("fleeting").await;
    upload(&app, &member, multipart(Some("Gone soon"), Some(&png(300, 300)))).await;
    let files = || {
        sqlx::query_scalar!(r#"SELECT count(*) AS "files!" FROM picture_files"#)
            .fetch_one(&app.pool)
    };
    assert_eq!(files().await.unwrap(), 3);
    app.post(&mut member, "/api/settings/delete", &[("password", PASSWORD)]).await;
    assert_eq!(files().await.unwrap(), 0);
}

/// Gives the only account `count` uploads made earlier today.
async fn uploaded_earlier(app: &TestApp, count: i32) {
    sqlx::query!(
        "INSERT INTO submissions (title, image_key, backdrop_rgb, subject_rgb, submitted_by, pick_key)
         SELECT 'old ' || n, md5(n::text), 0, 0, (SELECT voter_id FROM users), n
           FROM generate_series(1, $1) AS n",
        count
    )
    .execute(&app.pool)
    .await
    .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn uploads_finishing_together_land_only_within_the_allowance() {
    let app = spawn_app(0).await;
    let member = app.member("racer").await;
    uploaded_earlier(&app, 19).await;
    // Both are in flight at once (the most an account may have), and both were told yes before
    // their files were read; one is the twentieth.
    let photo = png(700, 700);
    let (a, b) = tokio::join!(
        upload(&app, &member, multipart(Some("Twentieth"), Some(&photo))),
        upload(&app, &member, multipart(Some("Twenty-first"), Some(&photo))),
    );
    let mut outcomes = [a, b];
    outcomes.sort();
    assert_eq!(outcomes, ["/upload?problem=upload_limit", "/upload?uploaded"]);
    assert_eq!(uploaded_count(&app).await, 20);

    // A burst of 25 once the allowance is used up stores nothing more.
    let burst = (0..25).map(|n| {
        let body = multipart(Some(&format!("Burst {n}")), Some(&photo));
        upload(&app, &member, body)
    });
    let outcomes = futures_util::future::join_all(burst).await;
    assert!(
        outcomes
            .iter()
            .all(|o| o.contains("problem=upload_limit") || o.contains("problem=upload_busy")),
        "{outcomes:?}"
    );
    assert_eq!(uploaded_count(&app).await, 20);
}

/// Starts an upload that sends its headers and the start of its body, then holds the
/// connection open, as a slow phone does.
async fn upload_held_open(app: &TestApp, visitor: &Visitor) -> tokio::net::TcpStream {
    use tokio::io::AsyncWriteExt;
    let address = app.address.trim_start_matches("http://").to_owned();
    let mut stream = tokio::net::TcpStream::connect(&address).await.unwrap();
    let head = format!(
        "POST /upload HTTP/1.1\r\nHost: {address}\r\nCookie: {}\r\n\
         Content-Type: multipart/form-data; boundary={BOUNDARY}\r\nContent-Length: 5000000\r\n\r\n\
         --{BOUNDARY}\r\nContent-Disposition: form-data; name=\"photo\"; filename=\"slow.png\"\r\n\r\n",
        visitor.cookie_header().unwrap()
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.write_all(&png(400, 400)[..1000]).await.unwrap();
    stream
}

#[tokio::test]
async fn an_account_has_at_most_two_uploads_in_flight() {
    let app = spawn_app(0).await;
    let member = app.member("hoarder").await;
    let first = upload_held_open(&app, &member).await;
    let second = upload_held_open(&app, &member).await;
    // Both are being read by now.
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let third = multipart(Some("Third at once"), Some(&png(300, 300)));
    assert_eq!(upload(&app, &member, third).await, "/upload?problem=upload_busy");
    drop((first, second));
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let later = multipart(Some("Once the others stopped"), Some(&png(300, 300)));
    assert_eq!(upload(&app, &member, later).await, "/upload?uploaded");
}
