//! The leaderboards, `/top`, `/hot`, `/new` and `/divisive`: a grid of tiles a page at a
//! time, each locked until the viewer has rated it.

use super::load_failed;
use crate::{
    api::load_board,
    pages::tiles::TileGrid,
    standings::boards::{Board, BoardPage},
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn LeaderboardPage(board: Board) -> impl IntoView {
    let query = use_query_map();
    let page = Resource::new(
        move || query.with(|query| query.get("after")),
        move |after| load_board(board, after),
    );
    view! {
        <Title text=board.title()/>
        <section class="board">
            <BoardTabs current=board/>
            <h1>{board.title()}</h1>
            <p class="board-blurb">{board.blurb()} " " <a href="/about/scores">"How scores work"</a></p>
            <Transition fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match page.await {
                        Ok(page) => view! { <BoardTiles page/> }.into_any(),
                        Err(error) => load_failed(error),
                    }
                })}
            </Transition>
        </section>
    }
}

/// The four leaderboards as tabs (links; the current one is marked for assistive technology).
#[component]
pub fn BoardTabs(current: Board) -> impl IntoView {
    view! {
        <nav class="board-tabs" aria-label="Leaderboards">
            {Board::ALL
                .into_iter()
                .map(|board| {
                    let current = (board == current).then_some("page");
                    view! { <a href=board.path() aria-current=current>{board.name()}</a> }
                })
                .collect_view()}
        </nav>
    }
}

#[component]
fn BoardTiles(page: BoardPage) -> impl IntoView {
    let BoardPage { board, tiles, next, later_page } = page;
    if tiles.is_empty() {
        return view! {
            <div class="state-page">
                <p>{if later_page { "That's the end of the list." } else { "Nothing here yet: pictures appear once they have been ranked." }}</p>
                <a class="button" href="/">"Rate some derps"</a>
            </div>
        }
        .into_any();
    }
    view! {
        <TileGrid tiles label=board.title()/>
        <nav class="pager" aria-label="Pages">
            {later_page.then(|| view! { <a href=board.path()>"First page"</a> })}
            {next.map(|after| view! {
                <a href=format!("{}?after={after}", board.path()) rel="next">"Next page"</a>
            })}
        </nav>
    }
    .into_any()
}
