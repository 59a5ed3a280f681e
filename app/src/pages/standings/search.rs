//! `/search?q=`: pictures by title and members by name, forgiving typos. A plain GET form, so
//! results have an address to share and work without JavaScript.

use super::load_failed;
use crate::{api::search, pages::tiles::TileGrid, standings::pictures::SearchResults};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn SearchPage() -> impl IntoView {
    let query = use_query_map();
    let asked = move || {
        query.with(|q| {
            (q.get("q").unwrap_or_default(), q.get("page").and_then(|p| p.parse::<u32>().ok()))
        })
    };
    let results = Resource::new(asked, |(q, page)| search(q, page));
    view! {
        <Title text="Search"/>
        <section class="board">
            <h1>"Search"</h1>
            <form method="get" action="/search" role="search" class="search-form">
                <label for="search-q">"Pictures and members"</label>
                <input id="search-q" type="search" name="q" maxlength="100"
                    prop:value=move || asked().0 placeholder="sir blep"/>
                <button type="submit" class="button">"Search"</button>
            </form>
            <Transition fallback=|| view! { <p>"Searching…"</p> }>
                {move || Suspend::new(async move {
                    match results.await {
                        Ok(results) => view! { <Results results/> }.into_any(),
                        Err(error) => load_failed(error),
                    }
                })}
            </Transition>
        </section>
    }
}

/// The query for a link's `q=`: letters, digits and `-._~` as they are, every other byte as
/// `%XX`.
fn percent_encode(text: &str) -> String {
    text.bytes().fold(String::with_capacity(text.len()), |mut out, byte| {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
        out
    })
}

#[component]
fn Results(results: SearchResults) -> impl IntoView {
    let SearchResults { query, pictures, members, next_page, page } = results;
    if query.is_empty() {
        return view! { <p>"Type a title or a name: close spellings are found too."</p> }
            .into_any();
    }
    if pictures.is_empty() && members.is_empty() {
        return view! {
            <p role="status">{format!("Nothing matches “{query}”. Try fewer or other words.")}</p>
        }
        .into_any();
    }
    let encoded = percent_encode(&query);
    view! {
        <p role="status">{format!("Results for “{query}”")}</p>
        {(!members.is_empty()).then(|| view! {
            <h2>"Members"</h2>
            <ul class="member-hits">
                {members.into_iter().map(|member| view! {
                    <li><a href=format!("/u/{}", member.username)>{member.display_name}</a>
                        " " <span class="handle">{format!("@{}", member.username)}</span></li>
                }).collect_view()}
            </ul>
        })}
        {(!pictures.is_empty()).then(|| view! {
            <h2>"Pictures"</h2>
            <TileGrid tiles=pictures label="Pictures found"/>
        })}
        <nav class="pager" aria-label="Pages">
            {(page > 1).then(|| view! { <a href=format!("/search?q={encoded}&page={}", page - 1) rel="prev">"Previous page"</a> })}
            {next_page.map(|next| view! { <a href=format!("/search?q={encoded}&page={next}") rel="next">"Next page"</a> })}
        </nav>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    #[test]
    fn queries_are_percent_encoded_for_links() {
        assert_eq!(super::percent_encode("sir blep&x=é"), "sir%20blep%26x%3D%C3%A9");
    }
}
