//! The vote page when there is nothing to rate, or when it cannot be shown.

use crate::error::AppError;
use leptos::prelude::*;

#[component]
pub fn AllRated(votes_cast: i64) -> impl IntoView {
    let (heading, body) = if votes_cast == 0 {
        (
            "No derps to rate yet".to_owned(),
            "The first pictures are on their way. Check back in a moment.".to_owned(),
        )
    } else {
        let pictures = if votes_cast == 1 { "picture" } else { "pictures" };
        (
            "You've rated every derp we have!".to_owned(),
            format!("That's {votes_cast} {pictures} rated. New derps arrive all the time."),
        )
    };
    view! {
        <section class="state-page">
            <p class="state-emoji" aria-hidden="true">"🏆"</p>
            <h1>{heading}</h1>
            <p>{body}</p>
            <a class="button" href="/" rel="external">"Check for new derps"</a>
        </section>
    }
}

#[component]
pub fn LoadFailed(error: AppError) -> impl IntoView {
    view! {
        <section class="state-page">
            <p class="state-emoji" aria-hidden="true">"🐾"</p>
            <h1>"We can't show you a derp right now"</h1>
            <p>{error.message}</p>
            <a class="button" href="/" rel="external">"Try again"</a>
        </section>
    }
}
