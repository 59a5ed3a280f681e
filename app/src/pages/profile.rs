//! Public profiles at `/u/{username}`.

use crate::{
    accounts::Profile,
    api::load_profile,
    error::ErrorCode,
    pages::{not_found::NotFound, tiles::TileGrid},
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

#[component]
pub fn ProfilePage() -> impl IntoView {
    let params = use_params_map();
    let profile =
        Resource::new(move || params.with(|p| p.get("username").unwrap_or_default()), load_profile);
    view! {
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match profile.await {
                    Ok(profile) => view! { <ProfileView profile/> }.into_any(),
                    Err(error) if error.code == ErrorCode::NotFound => view! { <NotFound/> }.into_any(),
                    Err(error) => view! {
                        <section class="state-page"><p class="notice" role="alert">{error.message}</p></section>
                    }.into_any(),
                }
            })}
        </Transition>
    }
}

fn score(average: Option<f64>) -> String {
    average.map_or_else(|| "no votes yet".to_owned(), |a| format!("{a:.1}"))
}

#[component]
fn ProfileView(profile: Profile) -> impl IntoView {
    let initial = profile
        .display_name
        .chars()
        .next()
        .map(|c| c.to_uppercase().to_string())
        .unwrap_or_default();
    let hue =
        profile.username.bytes().fold(7u32, |h, b| h.wrapping_mul(31).wrapping_add(b.into())) % 360;
    let pictures = profile.submission_count;
    view! {
        <Title text=format!("{} (@{})", profile.display_name, profile.username)/>
        <article class="profile">
            <header class="profile-head">
                <div class="avatar" aria-hidden="true" style=format!("background: hsl({hue} 60% 45%)")>{initial}</div>
                <div>
                    <h1>{profile.display_name.clone()}</h1>
                    <p class="handle">{format!("@{}", profile.username)}</p>
                </div>
            </header>
            {(!profile.bio.is_empty()).then(|| view! { <p class="bio">{profile.bio.clone()}</p> })}
            <dl class="profile-stats">
                <div><dt>"Member since"</dt><dd>{profile.member_since.clone()}</dd></div>
                {profile.ratings_cast.map(|n| view! { <div><dt>"Ratings cast"</dt><dd>{n}</dd></div> })}
                <div><dt>"Submissions"</dt><dd>{pictures}</dd></div>
                <div><dt>"Average received"</dt><dd>{score(profile.average_received)}</dd></div>
            </dl>
            <h2>"Submissions"</h2>
            {if profile.submissions.is_empty() {
                view! { <p>"No pictures yet."</p> }.into_any()
            } else {
                view! { <TileGrid tiles=profile.submissions label="Submissions"/> }.into_any()
            }}
        </article>
    }
}
