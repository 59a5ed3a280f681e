//! RateMyDerp: the Leptos app shared by the server (SSR) and the browser (hydration).

pub mod accounts;
pub mod api;
#[cfg(feature = "ssr")]
mod client_code;
pub mod error;
pub mod integrity;
pub mod moderation;
pub mod operators;
mod pages;
#[cfg(feature = "ssr")]
pub mod server;
pub mod standings;
pub mod tiles;
pub mod uploads;
pub mod votes;

use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::{Link, Meta, Title, provide_meta_context};
use leptos_router::{
    Lazy, LazyRoute, ParamSegment, SsrMode, StaticSegment,
    components::{A, Route, Router, Routes},
};
use pages::{accounts::AuthRevision, lazy, not_found::NotFound, votes::VotePage};
use standings::boards::Board;

/// What the Content-Security-Policy says of every response; pages add their `script-src`.
pub const CONTENT_SECURITY_POLICY: &str =
    "frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'";

/// The HTML document around the app.
#[cfg(feature = "ssr")]
pub fn shell(options: LeptosOptions) -> impl IntoView {
    allow_only_this_pages_scripts();
    let files = client_code::BundleFiles::of(&options);
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <link id="leptos" rel="stylesheet" href=files.css.as_str()/>
                <AutoReload options/>
                // After the picture: see client_code.
                <client_code::ClientCode files/>
                <leptos_meta::MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// Sets the page's Content-Security-Policy with a `script-src` that allows only the scripts
/// carrying this response's nonce (the hydration script and the data streamed with the page,
/// which Leptos marks with it), what those load (`'strict-dynamic'`: the WASM bundle's glue),
/// and compiling that WebAssembly. An injected script has no nonce, so it does not run.
#[cfg(feature = "ssr")]
fn allow_only_this_pages_scripts() {
    let (Some(nonce), Some(response)) =
        (leptos::nonce::use_nonce(), use_context::<leptos_axum::ResponseOptions>())
    else {
        return;
    };
    let policy = format!(
        "{CONTENT_SECURITY_POLICY}; script-src 'nonce-{nonce}' 'strict-dynamic' 'wasm-unsafe-eval'"
    );
    if let Ok(value) = http::HeaderValue::from_str(&policy) {
        response.insert_header(http::header::CONTENT_SECURITY_POLICY, value);
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    provide_context(AuthRevision(RwSignal::new(0)));
    view! {
        <Link rel="icon" href="/favicon.svg" type_="image/svg+xml"/>
        <Meta name="color-scheme" content="light dark"/>
        <Meta name="description" content="Rate how derpy a pet is, from 1 to 10. Every vote reveals the next one."/>
        <Router>
            <a class="skip-link" href="#main">"Skip to the picture"</a>
            <SiteHeader/>
            <main id="main" tabindex="-1">
                <Routes fallback=NotFound>
                    // Rendered whole before sending, so the page works without JavaScript.
                    <Route path=StaticSegment("") view=VotePage ssr=SsrMode::Async/>
                    // The others' code is fetched when they are opened: see pages::lazy.
                    <Route path=StaticSegment("signup") view={Lazy::<lazy::SignUp>::new()}/>
                    <Route
                        path=(StaticSegment("signup"), StaticSegment("check-your-inbox"))
                        view={Lazy::<lazy::CheckInbox>::new()}
                    />
                    <Route path=StaticSegment("login") view={Lazy::<lazy::Login>::new()}/>
                    <Route path=StaticSegment("verify-email") view={Lazy::<lazy::VerifyEmail>::new()}/>
                    <Route path=StaticSegment("forgot-password") view={Lazy::<lazy::ForgotPassword>::new()}/>
                    <Route path=StaticSegment("reset-password") view={Lazy::<lazy::ResetPassword>::new()}/>
                    <Route path=StaticSegment("settings") view={Lazy::<lazy::Settings>::new()} ssr=SsrMode::Async/>
                    <Route path=StaticSegment("upload") view={Lazy::<lazy::Upload>::new()} ssr=SsrMode::Async/>
                    <Route
                        path=(StaticSegment("u"), ParamSegment("username"))
                        view={Lazy::<lazy::Profile>::new()}
                        ssr=SsrMode::Async
                    />
                    <Route path=StaticSegment("top") view={Lazy::<lazy::TopBoard>::new()} ssr=SsrMode::Async/>
                    <Route path=StaticSegment("hot") view={Lazy::<lazy::HotBoard>::new()} ssr=SsrMode::Async/>
                    <Route path=StaticSegment("new") view={Lazy::<lazy::NewBoard>::new()} ssr=SsrMode::Async/>
                    <Route path=StaticSegment("divisive") view={Lazy::<lazy::DivisiveBoard>::new()} ssr=SsrMode::Async/>
                    <Route path=(StaticSegment("p"), ParamSegment("id")) view={Lazy::<lazy::Picture>::new()} ssr=SsrMode::Async/>
                    <Route path=(StaticSegment("s"), ParamSegment("code")) view={Lazy::<lazy::Share>::new()} ssr=SsrMode::Async/>
                    <Route path=StaticSegment("search") view={Lazy::<lazy::Search>::new()} ssr=SsrMode::Async/>
                    <Route path=StaticSegment("my-pictures") view={Lazy::<lazy::MyPictures>::new()} ssr=SsrMode::Async/>
                    <Route path=(StaticSegment("about"), StaticSegment("scores")) view={Lazy::<lazy::AboutScores>::new()} ssr=SsrMode::Async/>
                    <Route path=StaticSegment("admin") view={Lazy::<lazy::KpiDashboard>::new()} ssr=SsrMode::Async/>
                    <Route path=(StaticSegment("admin"), StaticSegment("system")) view={Lazy::<lazy::SystemDashboard>::new()} ssr=SsrMode::Async/>
                    <Route path=(StaticSegment("admin"), StaticSegment("votes")) view={Lazy::<lazy::FlaggedVotes>::new()} ssr=SsrMode::Async/>
                    <Route path=(StaticSegment("admin"), StaticSegment("pictures")) view={Lazy::<lazy::HeldPictures>::new()} ssr=SsrMode::Async/>
                </Routes>
            </main>
            <SiteFooter/>
        </Router>
        // After the router: hydrated before the page's own `<Title>` (a lazy page's arrives with
        // its chunk), it would blank the document's title until then.
        <Title formatter=|page: String| format!("{page} · RateMyDerp")/>
    }
}

#[component]
fn SiteHeader() -> impl IntoView {
    let revision = expect_context::<AuthRevision>();
    let signed_in = Resource::new(move || revision.0.get(), |_| api::who_is_signed_in());
    let log_out = ServerAction::<api::LogOut>::new();
    revision.bump_after(log_out.value());
    view! {
        <header class="site-header">
            <A href="/" attr:class="brand">
                <img src="/favicon.svg" alt="" width="28" height="28"/>
                <span>"RateMyDerp"</span>
            </A>
            <nav class="site-nav" aria-label="Pictures">
                {Board::ALL
                    .into_iter()
                    .map(|board| view! {
                        <a
                            href=board.path()
                            on:pointerenter=move |_| fetch_board_code(board)
                            on:focus=move |_| fetch_board_code(board)
                        >
                            {board.name()}
                        </a>
                    })
                    .collect_view()}
                <a
                    href="/search"
                    on:pointerenter={|_| fetch_code_of::<lazy::Search>()}
                    on:focus={|_| fetch_code_of::<lazy::Search>()}
                >
                    "Search"
                </a>
            </nav>
            <nav class="account-nav" aria-label="Account">
                <Transition fallback=|| ()>
                    {move || Suspend::new(async move {
                        match signed_in.await {
                            Ok(Some(user)) => view! {
                                <a href="/upload">"Upload"</a>
                                <a href="/my-pictures">"My pictures"</a>
                                {user.is_admin.then(|| view! { <a href="/admin">"Admin"</a> })}
                                <a href=format!("/u/{}", user.username)>{user.display_name}</a>
                                <a href="/settings">"Settings"</a>
                                <ActionForm action=log_out attr:class="inline-form">
                                    <button type="submit" class="link-button">"Log out"</button>
                                </ActionForm>
                            }.into_any(),
                            _ => view! {
                                <a
                                    href="/login"
                                    on:pointerenter={|_| fetch_code_of::<lazy::Login>()}
                                    on:focus={|_| fetch_code_of::<lazy::Login>()}
                                >
                                    "Log in"
                                </a>
                                <a
                                    href="/signup"
                                    class="button small"
                                    on:pointerenter={|_| fetch_code_of::<lazy::SignUp>()}
                                    on:focus={|_| fetch_code_of::<lazy::SignUp>()}
                                >
                                    "Sign up"
                                </a>
                            }.into_any(),
                        }
                    })}
                </Transition>
            </nav>
        </header>
    }
}

/// Starts fetching the code of a lazily loaded page (see `pages::lazy`) when the visitor points
/// at, touches or focuses a link to it, so that the click a moment later finds it there rather
/// than waiting for it. Fetching twice costs nothing: a chunk is loaded once. The header's links
/// to the pages anyone can open do this; pages opened directly get their code with the page.
fn fetch_code_of<R: LazyRoute>() {
    leptos::task::spawn_local(R::preload());
}

fn fetch_board_code(board: Board) {
    match board {
        Board::Top => fetch_code_of::<lazy::TopBoard>(),
        Board::Hot => fetch_code_of::<lazy::HotBoard>(),
        Board::New => fetch_code_of::<lazy::NewBoard>(),
        Board::Divisive => fetch_code_of::<lazy::DivisiveBoard>(),
    }
}

#[component]
fn SiteFooter() -> impl IntoView {
    view! {
        <footer class="site-footer">
            <p>"Rate a derp to see the next one. Pictures are uploaded by members; the demo ones are drawn by the server."</p>
        </footer>
    }
}
