//! A grid of picture tiles: revealed ones show the picture and its score, locked ones their
//! placeholder, title, and the way to see them: rate them.

use crate::{api::RatePicture, tiles::PictureTile};
use leptos::{form::ActionForm, prelude::*};

fn score(average: Option<f64>, vote_count: i64) -> String {
    let votes = if vote_count == 1 { "vote" } else { "votes" };
    match average {
        Some(average) => format!("{average:.1} · {vote_count} {votes}"),
        None => "no votes yet".to_owned(),
    }
}

/// A padlock, drawn rather than an emoji (which needs a font that not every system has).
pub const LOCK_SVG: &str = r#"<svg viewBox="0 0 24 24" width="40" height="40" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round"><rect x="5" y="10.5" width="14" height="10" rx="2" fill="currentColor" fill-opacity=".25"/><path d="M8 10.5V7.5a4 4 0 0 1 8 0v3"/></svg>"#;

/// The tiles as a list; `label` names it for assistive technology.
#[component]
pub fn TileGrid(tiles: Vec<PictureTile>, label: &'static str) -> impl IntoView {
    let rate = ServerAction::<RatePicture>::new();
    view! {
        <ul class="tile-grid" aria-label=label>
            {tiles.into_iter().map(|tile| view! { <Tile tile rate/> }).collect_view()}
        </ul>
    }
}

#[component]
fn Tile(tile: PictureTile, rate: ServerAction<RatePicture>) -> impl IntoView {
    let placeholder = tile.placeholder_css();
    let title = tile.title().to_owned();
    let page = tile.page();
    match tile {
        PictureTile::Revealed { picture, vote_count, average, rank } => view! {
            <li class="tile">
                <img src=picture.src(320) alt=title.clone() width="320" height="320" loading="lazy"
                    style=placeholder/>
                <p><a href=page>{title}</a></p>
                <p class="score">{score(average, vote_count)}</p>
                {rank.map(|rank| view! {
                    <p class="rank">
                        {rank.summary()}
                        {rank.trend_text().map(|trend| format!(" · {trend}"))}
                    </p>
                })}
            </li>
        }
        .into_any(),
        PictureTile::Locked { id, .. } => view! {
            <li class="tile locked">
                <div class="tile-art" style=placeholder>
                    <span class="lock" aria-hidden="true" inner_html=LOCK_SVG></span>
                </div>
                <p><a href=page>{title.clone()}</a></p>
                <ActionForm action=rate>
                    <input type="hidden" name="id" value=id.0/>
                    <button type="submit" class="rate-to-see" aria-label=format!("Rate it to see it: {title}")>
                        "Rate it to see it"
                    </button>
                </ActionForm>
            </li>
        }
        .into_any(),
    }
}
