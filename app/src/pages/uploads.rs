//! `/upload`: a plain multipart form posted to `POST /upload`, which answers with a redirect
//! back here, so that it works the same with and without JavaScript.

use super::{
    accounts::{AuthRevision, links::ResendConfirmation},
    forms::{FormProblem, FormSuccess, has_flag, posted_problem},
};
use crate::{
    accounts::SignedIn,
    api::who_is_signed_in,
    error::ErrorCode,
    uploads::{ACCEPTED_TYPES, MAX_TITLE_CHARS, MAX_UPLOAD_BYTES, PICTURE_NOT_SAVED},
};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn UploadPage() -> impl IntoView {
    let revision = expect_context::<AuthRevision>();
    let me = Resource::new(move || revision.0.get(), |_| who_is_signed_in());
    view! {
        <Title text="Upload a picture"/>
        <section class="form-page">
            <h1>"Upload a derp"</h1>
            <Transition fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match me.await {
                        Ok(Some(user)) if user.email_verified => view! { <UploadForm user/> }.into_any(),
                        Ok(Some(_)) => view! {
                            <p>"Confirm your email address first: follow the link we emailed you when you signed up."</p>
                            <PostedProblem/>
                            <ResendConfirmation page="/upload"/>
                        }.into_any(),
                        Ok(None) => view! {
                            <p>"Log in to share your pet's derpiest moment."</p>
                            <p class="actions">
                                <a class="button" href="/login">"Log in"</a>
                                " "
                                <a href="/signup">"or sign up"</a>
                            </p>
                        }.into_any(),
                        Err(error) => view! { <p class="notice" role="alert">{error.message}</p> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

/// The problem `POST /upload` named in the address, if any.
#[component]
fn PostedProblem() -> impl IntoView {
    let posted = posted_problem();
    let problem = move || {
        Some(match posted()? {
            ErrorCode::Unavailable => PICTURE_NOT_SAVED.to_owned(),
            code => code.default_message().to_owned(),
        })
    };
    view! { <FormProblem problem/> }
}

#[component]
fn UploadForm(user: SignedIn) -> impl IntoView {
    let uploaded = has_flag("uploaded");
    let profile = format!("/u/{}", user.username);
    let too_large = RwSignal::new(false);
    let sending = RwSignal::new(false);
    let limit_mb = MAX_UPLOAD_BYTES / 1024 / 1024;
    // Said before sending megabytes the server would refuse.
    let check_size = move |event: leptos::ev::Event| {
        let input: leptos::web_sys::HtmlInputElement = event_target(&event);
        let size = input.files().and_then(|files| files.get(0)).map_or(0.0, |file| file.size());
        let over = size > MAX_UPLOAD_BYTES as f64;
        if over {
            input.set_value("");
        }
        too_large.set(over);
    };
    view! {
        {move || {
            let profile = profile.clone();
            uploaded().then(move || view! {
                <FormSuccess>
                    "Uploaded! Your picture is now in the rotation. "
                    <a href=profile>"See it on your profile"</a>
                </FormSuccess>
            })
        }}
        <PostedProblem/>
        {move || too_large.get().then(|| view! {
            <p class="notice" role="alert">{ErrorCode::ImageTooLarge.default_message()}</p>
        })}
        <form
            method="post"
            action="/upload"
            enctype="multipart/form-data"
            class="stacked-form"
            aria-label="Upload a picture"
            on:submit=move |_| sending.set(true)
        >
            <label for="upload-title">"Title"</label>
            <input id="upload-title" name="title" type="text" required maxlength=MAX_TITLE_CHARS
                autocomplete="off" placeholder="Sir Blepsalot, on a Tuesday" aria-describedby="upload-title-hint"/>
            <p id="upload-title-hint" class="hint">"Also read out to people who can't see the picture."</p>
            <label for="upload-photo">"Photo"</label>
            <input id="upload-photo" name="photo" type="file" required accept=ACCEPTED_TYPES
                aria-describedby="upload-photo-hint" on:change=check_size/>
            <p id="upload-photo-hint" class="hint">
                {format!("JPEG, PNG or WebP, up to {limit_mb} MB. We crop it square around the middle and remove its metadata (such as where it was taken).")}
            </p>
            <button type="submit" class="button" aria-busy=move || sending.get().to_string()>
                {move || if sending.get() { "Uploading…" } else { "Upload" }}
            </button>
        </form>
    }
}
