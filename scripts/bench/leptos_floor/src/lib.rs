//! The smallest site that hydrates (see Cargo.toml): what Leptos 0.8 costs before any of ours.

use leptos::prelude::*;
use leptos_meta::{Title, provide_meta_context};
use leptos_router::{
    components::{A, Route, Router, Routes},
    path,
};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Picture {
    pub id: i64,
    pub title: String,
    pub votes: i64,
    pub average: f64,
}

#[server]
pub async fn current_picture() -> Result<Picture, ServerFnError> {
    Ok(Picture { id: 1, title: "x".into(), votes: 3, average: 5.5 })
}

#[server]
pub async fn vote(id: i64, rating: i32) -> Result<Picture, ServerFnError> {
    Ok(Picture { id: id + 1, title: format!("{rating}"), votes: 3, average: 5.5 })
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <Title text="minimal"/>
        <Router>
            <nav><A href="/">"Vote"</A> <A href="/about">"About"</A></nav>
            <main>
                <Routes fallback=|| "Not found">
                    <Route path=path!("/") view=VotePage/>
                    <Route path=path!("/about") view=|| view! { <p>"About"</p> }/>
                </Routes>
            </main>
        </Router>
    }
}

#[component]
fn VotePage() -> impl IntoView {
    let picture = Resource::new(|| (), |_| current_picture());
    let voted = ServerAction::<Vote>::new();
    view! {
        <Suspense fallback=|| "Loading">
            {move || picture.get().map(|p| p.map(|p| view! {
                <h1>{p.title.clone()}</h1>
                <p>{format!("{:.1} from {} votes", p.average, p.votes)}</p>
                <ActionForm action=voted>
                    <input type="hidden" name="id" value=p.id/>
                    {(1..=10).map(|r| view! { <button name="rating" value=r>{r}</button> }).collect_view()}
                </ActionForm>
            }))}
        </Suspense>
        <p>{move || voted.value().get().map(|r| format!("{r:?}"))}</p>
    }
}

#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(App);
}
