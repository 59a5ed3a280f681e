//! The standings' pages: leaderboards, a picture's page with its charts, the member's own
//! pictures, search, share links, and the page that explains the scores.

pub mod about;
pub mod boards;
mod charts;
pub mod mine;
pub mod picture;
pub mod search;
pub mod share;

use crate::error::{AppError, ErrorCode};
use crate::pages::not_found::NotFound;
use leptos::prelude::*;
use leptos_meta::Meta;

/// A failed load: "not found" as the 404 page, anything else as a notice.
pub(crate) fn load_failed(error: AppError) -> AnyView {
    if error.code == ErrorCode::NotFound {
        view! { <NotFound/> }.into_any()
    } else {
        view! {
            <section class="state-page">
                <p class="notice" role="alert">{error.message}</p>
                <a class="button" href="/">"Rate some derps"</a>
            </section>
        }
        .into_any()
    }
}

/// The tags a shared link's preview is made of (Open Graph, Twitter cards): the title, an
/// invitation, and the teaser image — the placeholder, never the picture.
#[component]
fn PreviewTags(title: String, url: String, teaser: String) -> impl IntoView {
    let description = "How derpy is it? Rate it from 1 to 10 to see it.";
    view! {
        <Meta property="og:type" content="website"/>
        <Meta property="og:site_name" content="RateMyDerp"/>
        <Meta property="og:title" content=format!("Rate this derp: {title}")/>
        <Meta property="og:description" content=description/>
        <Meta property="og:url" content=url/>
        <Meta property="og:image" content=teaser.clone()/>
        <Meta property="og:image:width" content="1200"/>
        <Meta property="og:image:height" content="630"/>
        <Meta property="og:image:alt" content="A locked picture: rate it to see it"/>
        <Meta name="twitter:card" content="summary_large_image"/>
        <Meta name="twitter:title" content=format!("Rate this derp: {title}")/>
        <Meta name="twitter:description" content=description/>
        <Meta name="twitter:image" content=teaser/>
    }
}
