//! Search: pictures by title and members by name, by trigram word similarity (`pg_trgm`), which
//! finds "sir blep" from "sir bleb" and ranks the closest first, the newest first among equally
//! close ones. Pictures come as tiles under the site's rule; members on the first page only.
//!
//! How the pictures are found depends on how common the query is, because sorting every match
//! costs a re-check of each. A query matching at most [`EXACT_UP_TO`] titles (a name, a typo, a
//! rare word) is answered from the GIN index: every match, sorted. For a commoner one ("the",
//! "a") that sort would cover most of the table (about 2 s at a million pictures, for one
//! anonymous request). It is answered from the GiST index instead, which yields matches
//! closest first and stops once it has as many as the pages can show ([`Candidates::site`]);
//! those are then sorted the same way. What changes for such a query: when more titles than
//! that tie at the furthest distance taken, the index chooses which of them make the list, not
//! their age. A first probe of at most `EXACT_UP_TO + 1` matches tells the two kinds apart, in
//! the same statement (measured in BENCHMARKS.md, "Search at a million pictures").

use crate::{
    server::{
        visibility::{TileRow, may_see},
        voter::VoterId,
    },
    standings::{
        boards::TILES_PER_PAGE,
        pictures::{MemberHit, SearchResults},
    },
};
use sqlx::PgPool;

/// The longest query looked at, in characters; the rest is ignored.
pub const MAX_QUERY_CHARS: usize = 100;
/// The last page served: past it, better words find more than more pages.
pub const MAX_PAGE: u32 = 40;
const MEMBERS: i64 = 8;
/// Queries matching at most this many pictures have every match sorted. A larger probe would
/// keep queries with 20,000-30,000 matches on the sorted path, where the GiST walk is slower,
/// but every common query would pay for it first (for "the" at a million pictures, 0.12-0.16 s
/// with this one and 0.3-0.4 s with 50,000).
pub const EXACT_UP_TO: i64 = 10_000;
/// How alike a query and some words of a title must be (0–1). pg_trgm's default, 0.6, misses
/// a typo in a short word.
const WORD_SIMILARITY: &str = "0.4";

/// How many matches a search may sort, by how common its query is.
#[derive(Debug, Clone, Copy)]
pub struct Candidates {
    /// Queries matching at most this many pictures have every match sorted.
    pub sorted_up_to: i64,
    /// A commoner query's candidates: this many of the closest matches.
    pub nearest: i64,
}

impl Candidates {
    /// The site's: every match up to [`EXACT_UP_TO`], else as many as the pages can show.
    pub fn site() -> Self {
        Self { sorted_up_to: EXACT_UP_TO, nearest: i64::from(MAX_PAGE) * TILES_PER_PAGE + 1 }
    }
}

/// The query as searched: trimmed, lower case, at most [`MAX_QUERY_CHARS`] characters.
pub fn normalise(query: &str) -> String {
    query.trim().chars().take(MAX_QUERY_CHARS).collect::<String>().to_lowercase()
}

/// Page `page` (1-based) of the results for `query`, as `viewer` sees them.
pub async fn search(
    pool: &PgPool,
    viewer: VoterId,
    query: &str,
    page: u32,
) -> Result<SearchResults, sqlx::Error> {
    search_among(pool, viewer, query, page, Candidates::site()).await
}

/// [`search`] with other [`Candidates`]: the tests make every query common on a small site.
pub async fn search_among(
    pool: &PgPool,
    viewer: VoterId,
    query: &str,
    page: u32,
    candidates: Candidates,
) -> Result<SearchResults, sqlx::Error> {
    let query = normalise(query);
    let page = page.clamp(1, MAX_PAGE);
    let mut results = SearchResults {
        query: query.clone(),
        pictures: vec![],
        members: vec![],
        next_page: None,
        page,
    };
    if query.is_empty() {
        return Ok(results);
    }
    let mut tx = pool.begin().await?;
    // A setting, not a parameter: SET takes no placeholders. The value is a constant.
    sqlx::query(&format!("SET LOCAL pg_trgm.word_similarity_threshold = {WORD_SIMILARITY}"))
        .execute(&mut *tx)
        .await?;
    // Composed at run time: the visibility rule is one SQL fragment shared by every list.
    // `probe` reads the GIN index (PostgreSQL estimates 1 % of the rows whatever the query, so
    // it always picks the bitmap scan for it); `nearest` runs only when the probe overflowed,
    // and reads the GiST index in distance order. Both are materialised so each stops at its
    // LIMIT before anything is sorted. The probe measures no distances: for a common query
    // they would be thrown away (10,001 of them cost 15-25 ms at a million pictures). `page`
    // is materialised so that only the page's pictures are joined to their tallies and
    // standings (joining all 31,252 matches of "derp" first took 0.66-0.76 s at a million
    // pictures, against 0.24-0.28 s this way).
    let mut rows: Vec<TileRow> = sqlx::query_as(&format!(
        "WITH probe AS MATERIALIZED (
             SELECT id, lower(title) AS lowered FROM submissions
              WHERE retired_at IS NULL AND $1 <% lower(title)
              LIMIT $5 + 1),
         common AS (SELECT count(*) > $5 AS yes FROM probe),
         nearest AS MATERIALIZED (
             SELECT id, $1 <<-> lower(title) AS distance FROM submissions
              WHERE (SELECT yes FROM common) AND retired_at IS NULL AND $1 <% lower(title)
              ORDER BY $1 <<-> lower(title)
              LIMIT $6),
         candidates AS (
             SELECT id, $1 <<-> lowered AS distance FROM probe WHERE NOT (SELECT yes FROM common)
             UNION ALL
             SELECT id, distance FROM nearest),
         page AS MATERIALIZED (
             SELECT id, distance FROM candidates ORDER BY distance, id DESC
              LIMIT $3 OFFSET $4)
         SELECT s.id, s.title, s.image_key, s.backdrop_rgb, s.subject_rgb,
                t.vote_count, t.rating_sum, {} AS visible,
                p.rank, site.pictures AS ranked_of
           FROM page c
           JOIN submissions s ON s.id = c.id
           JOIN tallies t ON t.submission_id = s.id
           LEFT JOIN picture_standings p ON p.submission_id = s.id
           LEFT JOIN site_standings site ON p.rank IS NOT NULL
          ORDER BY c.distance, c.id DESC",
        may_see("$2", "s")
    ))
    .bind(&query)
    .bind(viewer)
    .bind(TILES_PER_PAGE + 1)
    .bind(i64::from(page - 1) * TILES_PER_PAGE)
    .bind(candidates.sorted_up_to)
    .bind(candidates.nearest)
    .fetch_all(&mut *tx)
    .await?;
    if i64::try_from(rows.len()).is_ok_and(|n| n > TILES_PER_PAGE) && page < MAX_PAGE {
        results.next_page = Some(page + 1);
    }
    rows.truncate(usize::try_from(TILES_PER_PAGE).unwrap_or(usize::MAX));
    results.pictures = rows.into_iter().filter_map(TileRow::into_tile).collect();
    if page == 1 {
        results.members = sqlx::query_as!(
            MemberHit,
            "SELECT username, display_name FROM users
              WHERE $1 <% lower(username || ' ' || display_name)
              ORDER BY $1 <<-> lower(username || ' ' || display_name), username
              LIMIT $2",
            query,
            MEMBERS,
        )
        .fetch_all(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(results)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_are_trimmed_lowered_and_cut() {
        assert_eq!(normalise("  Sir BLEP "), "sir blep");
        assert_eq!(normalise(&"é".repeat(300)).chars().count(), MAX_QUERY_CHARS);
        assert_eq!(normalise(" \t"), "");
    }
}
