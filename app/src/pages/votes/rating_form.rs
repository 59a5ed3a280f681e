//! The ten rating buttons: a plain form that posts without JavaScript, a server action with it,
//! and keys 1–9 and 0 as shortcuts.

use crate::{
    api::CastVote,
    votes::{Rating, VoteView},
};
use leptos::{ev::SubmitEvent, prelude::*, server_fn::ServerFn};

#[component]
pub fn RatingForm(state: RwSignal<VoteView>, cast: ServerAction<CastVote>) -> impl IntoView {
    let ticket = move || state.with(|s| s.current.as_ref().map(|r| r.ticket.clone()));
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        // One vote at a time: the next picture's ticket is not known until this one is answered.
        if cast.pending().get_untracked() {
            return;
        }
        let rating = ev.submitter().and_then(|button| button.get_attribute("value"));
        if let (Some(rating), Some(ticket)) = (rating, ticket()) {
            cast.dispatch(CastVote { ticket, rating });
        }
    };
    #[cfg(feature = "hydrate")]
    shortcut_keys();

    view! {
        <form
            class="rate-form"
            method="post"
            action=CastVote::url()
            on:submit=on_submit
            aria-busy=move || cast.pending().get().to_string()
        >
            <input type="hidden" name="ticket" value=ticket/>
            <fieldset>
                <legend>"How derpy is it?"</legend>
                <div class="scale">
                    {Rating::all()
                        .map(|rating| {
                            view! {
                                <button
                                    type="submit"
                                    name="rating"
                                    value=rating.to_string()
                                    class=format!("rate rate-{rating}")
                                    aria-label=format!("Rate {rating} out of 10")
                                    aria-keyshortcuts=rating.key().to_string()
                                >
                                    {rating.get()}
                                </button>
                            }
                        })
                        .collect_view()}
                </div>
                <p class="scale-ends" aria-hidden="true">
                    <span>"1 · meh"</span>
                    <span>"peak derp · 10"</span>
                </p>
            </fieldset>
            <p class="key-hint">
                "Keys " <kbd>"1"</kbd> "–" <kbd>"9"</kbd> " vote too, and " <kbd>"0"</kbd> " is 10."
            </p>
        </form>
    }
}

/// Pressing 1–9 or 0 clicks the matching button, so a key vote takes exactly the path a click does.
#[cfg(feature = "hydrate")]
fn shortcut_keys() {
    use leptos::wasm_bindgen::JsCast;
    use leptos::web_sys::{HtmlElement, KeyboardEvent};

    fn typing_somewhere(ev: &KeyboardEvent) -> bool {
        ev.target()
            .and_then(|target| target.dyn_into::<leptos::web_sys::Element>().ok())
            .is_some_and(|element| {
                matches!(element.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT")
                    || element.has_attribute("contenteditable")
            })
    }

    let handle = window_event_listener(leptos::ev::keydown, |ev: KeyboardEvent| {
        if ev.repeat() || ev.ctrl_key() || ev.meta_key() || ev.alt_key() || typing_somewhere(&ev) {
            return;
        }
        let Some(rating) = Rating::from_key(&ev.key()) else {
            return;
        };
        let selector = format!(".rate-form button[value=\"{rating}\"]");
        if let Ok(Some(button)) = document().query_selector(&selector) {
            ev.prevent_default();
            if let Ok(button) = button.dyn_into::<HtmlElement>() {
                button.click();
            }
        }
    });
    on_cleanup(move || handle.remove());
}
