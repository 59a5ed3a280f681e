//! A share link, `/s/{code}`. A browser is sent on to the vote page with the shared picture in
//! front of it (see `api::open_share`); what renders here is for those that stay: a link
//! preview's crawler, which reads the preview tags, and a browser that refuses cookies.

use super::{PreviewTags, load_failed};
use crate::pages::tiles::LOCK_SVG;
use crate::{api::open_share, standings::pictures::ShareTeaser};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn ShareRoute() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let link = move || {
        (
            params.with(|p| p.get("code").unwrap_or_default()),
            query.with(|q| q.get("checked").is_some()),
        )
    };
    let teaser = Resource::new(link, |(code, checked)| open_share(code, checked));
    view! {
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match teaser.await {
                    Ok(teaser) => view! { <TeaserView teaser/> }.into_any(),
                    Err(error) => load_failed(error),
                }
            })}
        </Transition>
    }
}

#[component]
fn TeaserView(teaser: ShareTeaser) -> impl IntoView {
    let ShareTeaser { code, picture_id, title, placeholder_css, site_url } = teaser;
    view! {
        <Title text=format!("Rate this derp: {title}")/>
        <PreviewTags
            title=title.clone()
            url=format!("{site_url}/s/{code}")
            teaser=format!("{site_url}/teasers/{picture_id}.jpg")
        />
        <section class="state-page teaser">
            <div class="picture-full tile-art" style=placeholder_css>
                <span class="lock" aria-hidden="true" inner_html=LOCK_SVG></span>
            </div>
            <h1>{format!("Someone wants you to rate “{title}”")}</h1>
            <p>"How derpy is it, from 1 to 10? Rate it to see it — and the crowd's verdict."</p>
            <p class="fine-print">"Voting needs cookies: if this page comes back, allow cookies for this site."</p>
            <a class="button" href=format!("/s/{code}") rel="external">"Rate it to see it"</a>
        </section>
    }
}
