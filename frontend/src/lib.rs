//! The browser entry point: hydrates the server-rendered page.

use leptos::prelude::document;

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // Most pages' code is in chunks fetched on demand (app's `pages::lazy`), so hydration is
    // asynchronous: a page opened directly waits for its chunk before it is hydrated.
    wasm_bindgen_futures::spawn_local(async {
        let Some(body) = document().body() else { return };
        Box::pin(leptos::mount::hydrate_from_async(body, app::App)).await.forget();
        // Tells end-to-end tests (and anyone curious) that clicks are now handled in the page.
        if let Some(root) = document().document_element() {
            let _ = root.set_attribute("data-hydrated", "true");
        }
    });
}
