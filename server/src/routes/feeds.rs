//! Atom feeds (RFC 4287), `/feeds/top.atom` and `/feeds/new.atom`: the best and the newest
//! pictures, each entry linking to the picture's page with its teaser — a feed reader is
//! nobody in particular, so it gets what a locked tile shows, never the picture.

use app::server::{AppState, ErrorChain};
use axum::{
    extract::State,
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use sqlx::PgPool;
use std::fmt::Write as _;

/// Entries per feed.
const ENTRIES: i64 = 50;

/// A feed's own description.
#[derive(Debug, Clone, Copy)]
pub struct Feed {
    /// `top` or `new`: the file name and the leaderboard it follows.
    pub name: &'static str,
    pub title: &'static str,
    pub subtitle: &'static str,
}

pub const TOP: Feed = Feed {
    name: "top",
    title: "RateMyDerp: the derpiest",
    subtitle: "The best-rated derps by fair score. Rate them to see them.",
};
pub const NEW: Feed = Feed {
    name: "new",
    title: "RateMyDerp: just arrived",
    subtitle: "The newest derps. Rate them to see them.",
};

/// One entry, as queried.
#[derive(Debug, Clone)]
pub struct Entry {
    pub id: i64,
    pub title: String,
    /// RFC 3339, UTC.
    pub published: String,
    pub updated: String,
    pub author: Option<String>,
    pub rank: Option<i32>,
    pub of: Option<i64>,
}

/// Text for XML: the five special characters escaped, and characters XML 1.0 does not allow
/// (most control characters) left out.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if c < ' ' || c == '\u{fffe}' || c == '\u{ffff}' => {}
            c => out.push(c),
        }
    }
    out
}

/// The feed's document. `updated` is the latest entry's, or `fallback_updated` with none.
pub fn render(feed: Feed, site: &str, entries: &[Entry], fallback_updated: &str) -> String {
    let updated = entries.iter().map(|e| e.updated.as_str()).max().unwrap_or(fallback_updated);
    let site = escape(site);
    let mut xml = String::with_capacity(1024 + entries.len() * 800);
    let _ = write!(
        xml,
        r#"<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">
  <id>{site}/feeds/{name}.atom</id>
  <title>{title}</title>
  <subtitle>{subtitle}</subtitle>
  <updated>{updated}</updated>
  <author><name>RateMyDerp</name></author>
  <link rel="self" type="application/atom+xml" href="{site}/feeds/{name}.atom"/>
  <link rel="alternate" type="text/html" href="{site}/{name}"/>
  <icon>{site}/favicon.svg</icon>
  <generator>RateMyDerp</generator>
"#,
        name = feed.name,
        title = escape(feed.title),
        subtitle = escape(feed.subtitle),
    );
    for entry in entries {
        let page = format!("{site}/p/{}", entry.id);
        let teaser = format!("{site}/teasers/{}.jpg", entry.id);
        let standing = match (entry.rank, entry.of) {
            (Some(rank), Some(of)) => format!("Ranked #{rank} of {of}. "),
            _ => String::new(),
        };
        let summary = format!("{standing}How derpy is it? Rate it to see it.");
        let content = format!(
            r#"<p><a href="{page}"><img src="{teaser}" width="600" height="315" alt="A locked picture: rate it to see it"/></a></p><p>{}</p>"#,
            escape(&summary)
        );
        let _ = write!(
            xml,
            r#"  <entry>
    <id>{page}</id>
    <title>{title}</title>
    <published>{published}</published>
    <updated>{updated}</updated>
    <author><name>{author}</name></author>
    <link rel="alternate" type="text/html" href="{page}"/>
    <summary>{summary}</summary>
    <content type="html">{content}</content>
  </entry>
"#,
            title = escape(&entry.title),
            published = entry.published,
            updated = entry.updated,
            author = escape(entry.author.as_deref().unwrap_or("RateMyDerp")),
            summary = escape(&summary),
            content = escape(&content),
        );
    }
    xml.push_str("</feed>\n");
    xml
}

async fn top_entries(pool: &PgPool) -> Result<Vec<Entry>, sqlx::Error> {
    sqlx::query_as!(
        Entry,
        r#"SELECT s.id, s.title,
                  to_char(s.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS "published!",
                  to_char(p.computed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS "updated!",
                  u.display_name AS "author?", p.rank AS "rank?", site.pictures AS "of?"
             FROM picture_standings p
             JOIN submissions s ON s.id = p.submission_id AND s.retired_at IS NULL
             LEFT JOIN users u ON u.voter_id = s.submitted_by
             CROSS JOIN site_standings site
            ORDER BY p.rank, p.submission_id
            LIMIT $1"#,
        ENTRIES
    )
    .fetch_all(pool)
    .await
}

async fn new_entries(pool: &PgPool) -> Result<Vec<Entry>, sqlx::Error> {
    sqlx::query_as!(
        Entry,
        r#"SELECT s.id, s.title,
                  to_char(s.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS "published!",
                  to_char(s.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS "updated!",
                  u.display_name AS "author?", p.rank AS "rank?", site.pictures AS "of?"
             FROM submissions s
             LEFT JOIN users u ON u.voter_id = s.submitted_by
             LEFT JOIN picture_standings p ON p.submission_id = s.id
             LEFT JOIN site_standings site ON p.rank IS NOT NULL
            WHERE s.retired_at IS NULL
            ORDER BY s.id DESC
            LIMIT $1"#,
        ENTRIES
    )
    .fetch_all(pool)
    .await
}

async fn answer(state: &AppState, feed: Feed) -> Response {
    let entries = match feed.name {
        "top" => top_entries(&state.pool).await,
        _ => new_entries(&state.pool).await,
    };
    let entries = match entries {
        Ok(entries) => entries,
        Err(error) => {
            tracing::error!(error = %ErrorChain(&error), feed = feed.name, "could not load a feed");
            return StatusCode::SERVICE_UNAVAILABLE.into_response();
        }
    };
    // A feed without entries still needs an `updated`: the epoch of the hot order will do.
    let xml = render(feed, &state.accounts.public_url, &entries, "2026-01-01T00:00:00Z");
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static("application/atom+xml; charset=utf-8")),
            (header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=60")),
        ],
        xml,
    )
        .into_response()
}

pub async fn top(State(state): State<AppState>) -> Response {
    answer(&state, TOP).await
}

pub async fn new(State(state): State<AppState>) -> Response {
    answer(&state, NEW).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_carry_escaped_titles_and_teasers_never_image_keys() {
        let entry = Entry {
            id: 7,
            title: "Sir <Blep> & \"friends\"\u{1}".into(),
            published: "2026-11-01T10:00:00Z".into(),
            updated: "2026-11-02T10:00:00Z".into(),
            author: None,
            rank: Some(3),
            of: Some(40),
        };
        let xml = render(TOP, "http://127.0.0.1:3000", &[entry], "2026-01-01T00:00:00Z");
        assert!(xml.contains("<title>Sir &lt;Blep&gt; &amp; &quot;friends&quot;</title>"), "{xml}");
        assert!(xml.contains("<updated>2026-11-02T10:00:00Z</updated>\n  <author>"));
        assert!(xml.contains("http://127.0.0.1:3000/teasers/7.jpg") && !xml.contains("/media/"));
        assert!(xml.contains("Ranked #3 of 40."));
        let empty = render(NEW, "http://x", &[], "2026-01-01T00:00:00Z");
        assert!(
            empty.contains("<updated>2026-01-01T00:00:00Z</updated>") && !empty.contains("<entry>")
        );
    }
}
