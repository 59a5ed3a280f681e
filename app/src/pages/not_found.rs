use leptos::prelude::*;
use leptos_meta::Title;

/// Any address the app does not know.
#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <Title text="Page not found"/>
        <section class="state-page">
            <p class="state-emoji" aria-hidden="true">"🙃"</p>
            <h1>"This page wandered off"</h1>
            <p>"There's nothing at this address — but there are plenty of derps waiting to be rated."</p>
            <a class="button" href="/">"Rate some derps"</a>
        </section>
    }
}
