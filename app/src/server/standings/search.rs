//! Search: pictures by title and members by name, by trigram word similarity (`pg_trgm`), which
//! finds "sir blep" from "sir bleb" and ranks the closest first. Both read a GIN index.
//! Pictures come as tiles under the site's rule; members on the first page only.

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
/// How alike a query and some words of a title must be (0–1). pg_trgm's default, 0.6, misses
/// a typo in a short word.
const WORD_SIMILARITY: &str = "0.4";

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
    let mut rows: Vec<TileRow> = sqlx::query_as(&format!(
        "SELECT s.id, s.title, s.image_key, s.backdrop_rgb, s.subject_rgb,
                t.vote_count, t.rating_sum, {} AS visible,
                p.rank, site.pictures AS ranked_of
           FROM submissions s
           JOIN tallies t ON t.submission_id = s.id
           LEFT JOIN picture_standings p ON p.submission_id = s.id
           LEFT JOIN site_standings site ON p.rank IS NOT NULL
          WHERE s.retired_at IS NULL AND $1 <% lower(s.title)
          ORDER BY $1 <<-> lower(s.title), s.id DESC
          LIMIT $3 OFFSET $4",
        may_see("$2", "s")
    ))
    .bind(&query)
    .bind(viewer)
    .bind(TILES_PER_PAGE + 1)
    .bind(i64::from(page - 1) * TILES_PER_PAGE)
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
