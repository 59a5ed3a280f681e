//! RateMyDerp: the Leptos app shared by the server (SSR) and the browser (hydration).

pub mod api;
pub mod error;
pub mod model;
mod pages;
#[cfg(feature = "ssr")]
pub mod server;

use leptos::prelude::*;
use leptos_meta::{Link, Meta, MetaTags, Stylesheet, Title, provide_meta_context};
use leptos_router::{
    SsrMode, StaticSegment,
    components::{A, Route, Router, Routes},
};
use pages::{not_found::NotFound, vote::VotePage};

/// The HTML document around the app.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <AutoReload options=options.clone()/>
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <Stylesheet id="leptos" href="/pkg/ratemyderp.css"/>
        <Link rel="icon" href="/favicon.svg" type_="image/svg+xml"/>
        <Meta name="color-scheme" content="light dark"/>
        <Meta name="description" content="Rate how derpy a pet is, from 1 to 10. Every vote reveals the next one."/>
        <Title formatter=|page: String| format!("{page} · RateMyDerp")/>
        <Router>
            <a class="skip-link" href="#main">"Skip to the picture"</a>
            <SiteHeader/>
            <main id="main" tabindex="-1">
                <Routes fallback=NotFound>
                    // Rendered whole before sending, so the page works without JavaScript.
                    <Route path=StaticSegment("") view=VotePage ssr=SsrMode::Async/>
                </Routes>
            </main>
            <SiteFooter/>
        </Router>
    }
}

#[component]
fn SiteHeader() -> impl IntoView {
    view! {
        <header class="site-header">
            <A href="/" attr:class="brand">
                <img src="/favicon.svg" alt="" width="28" height="28"/>
                <span>"RateMyDerp"</span>
            </A>
        </header>
    }
}

#[component]
fn SiteFooter() -> impl IntoView {
    view! {
        <footer class="site-footer">
            <p>"Every picture is a procedurally drawn derp. Vote to see the next one."</p>
        </footer>
    }
}
