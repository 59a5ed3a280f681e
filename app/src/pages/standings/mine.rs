//! `/my-pictures`: the signed-in member's pictures with how each stands, in the order they
//! choose; retired ones say why and until when they are kept; removed ones, why.

use super::load_failed;
use crate::{
    api::{load_my_pictures, load_my_removals},
    error::ErrorCode,
    pages::forms::{FormSuccess, has_flag},
    standings::pictures::{MyPicture, MySort},
    tiles::PictureTile,
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn MyPicturesPage() -> impl IntoView {
    let query = use_query_map();
    let sort = move || query.with(|q| MySort::from_key(&q.get("sort").unwrap_or_default()));
    let pictures = Resource::new(sort, |sort| load_my_pictures(sort.key().to_owned()));
    let deleted = has_flag("deleted");
    view! {
        <Title text="My pictures"/>
        <section class="board">
            <h1>"My pictures"</h1>
            {move || deleted().then(|| view! { <FormSuccess>"Your picture was deleted, with its votes."</FormSuccess> })}
            <Removals/>
            <nav class="board-tabs" aria-label="Sort by">
                {MySort::ALL.into_iter().map(|option| view! {
                    <a href=format!("/my-pictures?sort={}", option.key())
                        aria-current=move || (sort() == option).then_some("page")>{option.label()}</a>
                }).collect_view()}
            </nav>
            <Transition fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match pictures.await {
                        Ok(pictures) if pictures.is_empty() => view! {
                            <div class="state-page">
                                <p>"You haven't uploaded a picture yet."</p>
                                <a class="button" href="/upload">"Upload a derp"</a>
                            </div>
                        }.into_any(),
                        Ok(pictures) => view! { <MyPicturesTable pictures/> }.into_any(),
                        Err(error) if error.code == ErrorCode::SignInRequired => view! {
                            <div class="state-page">
                                <p>"Log in to see how your pictures stand."</p>
                                <a class="button" href="/login">"Log in"</a>
                            </div>
                        }.into_any(),
                        Err(error) => load_failed(error),
                    }
                })}
            </Transition>
        </section>
    }
}

fn fixed(value: Option<f64>) -> String {
    value.map_or_else(|| "–".to_owned(), |v| format!("{v:.2}"))
}

#[component]
fn MyPicturesTable(pictures: Vec<MyPicture>) -> impl IntoView {
    view! {
        <div class="table-scroll">
            <table class="my-pictures">
                <caption class="visually-hidden">"Your pictures and how they stand"</caption>
                <thead><tr>
                    <th scope="col">"Picture"</th>
                    <th scope="col">"Rank"</th>
                    <th scope="col">"Trend"</th>
                    <th scope="col">"Average"</th>
                    <th scope="col">"Cautious"</th>
                    <th scope="col">"Votes"</th>
                    <th scope="col">"Views"</th>
                    <th scope="col">"Shares"</th>
                </tr></thead>
                <tbody>
                    {pictures.into_iter().map(|picture| view! { <MyPictureRow picture/> }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

#[component]
fn MyPictureRow(picture: MyPicture) -> impl IntoView {
    let MyPicture { tile, uploaded_on, votes, mean, lower_bound, rank, views, shares, retirement } =
        picture;
    let thumb = match &tile {
        PictureTile::Revealed { picture, .. } => picture.src(320),
        PictureTile::Locked { .. } => String::new(),
    };
    let status = retirement.map_or_else(|| format!("Uploaded {uploaded_on}"), |r| r.explanation());
    view! {
        <tr>
            <th scope="row">
                <img src=thumb alt="" width="48" height="48" loading="lazy" style=tile.placeholder_css()/>
                <span>
                    <a href=tile.page()>{tile.title().to_owned()}</a>
                    <small>{status}</small>
                </span>
            </th>
            <td>{rank.map_or_else(|| "–".to_owned(), |r| r.summary())}</td>
            <td>{rank.and_then(|r| r.trend_text()).unwrap_or_else(|| "–".to_owned())}</td>
            <td>{fixed(mean)}</td>
            <td>{fixed(Some(lower_bound))}</td>
            <td>{votes}</td>
            <td>{views}</td>
            <td>{shares}</td>
        </tr>
    }
}

/// The member's pictures a moderator removed, and why.
#[component]
fn Removals() -> impl IntoView {
    let removals = Resource::new(|| (), |()| load_my_removals());
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                removals.await.ok().filter(|removed| !removed.is_empty()).map(|removed| view! {
                    <div class="notice" role="status">
                        <p>"A moderator removed some of your pictures after voters reported them:"</p>
                        <ul>
                            {removed.into_iter().map(|removal| view! {
                                <li>{format!("“{}”, on {}: {}.", removal.title, removal.removed_on, removal.reason)}</li>
                            }).collect_view()}
                        </ul>
                    </div>
                })
            })}
        </Transition>
    }
}
