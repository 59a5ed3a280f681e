//! A picture's owner renames or deletes it, on its page.

use crate::{
    api::{DeletePicture, RenamePicture},
    pages::forms::{FormProblem, form_problem},
    uploads::MAX_TITLE_CHARS,
};
use leptos::{form::ActionForm, prelude::*};

#[component]
pub fn OwnerControls(id: i64, title: String) -> impl IntoView {
    let rename = ServerAction::<RenamePicture>::new();
    let delete = ServerAction::<DeletePicture>::new();
    let rename_problem = form_problem(rename.value());
    let delete_problem = move || delete.value().get().and_then(Result::err).map(|e| e.message);
    view! {
        <section class="owner-controls" aria-labelledby="owner-heading">
            <h2 id="owner-heading">"Your picture"</h2>
            <ActionForm action=rename attr:class="stacked-form">
                <input type="hidden" name="id" value=id/>
                <label for="picture-title">"Title"</label>
                <input id="picture-title" name="title" type="text" required
                    maxlength=MAX_TITLE_CHARS.to_string() value=title/>
                <FormProblem problem=rename_problem/>
                <button type="submit" class="button small">"Save the title"</button>
            </ActionForm>
            <ActionForm action=delete attr:class="stacked-form danger-zone">
                <input type="hidden" name="id" value=id/>
                <label class="checkbox">
                    <input type="checkbox" name="confirm" value="yes" required/>
                    "Delete it, with its votes and numbers, for good"
                </label>
                <FormProblem problem=delete_problem/>
                <button type="submit" class="button small danger">"Delete this picture"</button>
            </ActionForm>
        </section>
    }
}
