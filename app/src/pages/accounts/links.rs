//! Pages behind emailed links, and the form that sends one.

use crate::pages::forms::{FormProblem, FormSuccess, form_problem, has_flag};
use crate::{
    accounts::{EMAIL_MAX_CHARS, PASSWORD_MAX_CHARS, PASSWORD_MIN_CHARS},
    api::{ConfirmEmail, ForgotPassword, ResendConfirmation, ResetPassword},
};
use leptos::{form::ActionForm, prelude::*};
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

fn token_from_address() -> String {
    use_query_map().with_untracked(|query| query.get("token").unwrap_or_default())
}

/// Confirming takes a click, so that mail scanners opening the link confirm nothing.
#[component]
pub fn VerifyEmailPage() -> impl IntoView {
    let action = ServerAction::<ConfirmEmail>::new();
    let problem = form_problem(action.value());
    let token = token_from_address();
    let confirmed = has_flag("confirmed");
    view! {
        <Title text="Confirm your email"/>
        <section class="form-page">
            <h1>"Confirm your email"</h1>
            {move || {
                confirmed()
                    .then(|| {
                        view! {
                            <FormSuccess>"Your email address is confirmed. Thank you!"</FormSuccess>
                            <a class="button" href="/">"Rate some derps"</a>
                        }
                    })
            }}
            <div hidden=confirmed>
                <FormProblem problem/>
                <ActionForm action attr:class="stacked-form">
                    <input type="hidden" name="token" value=token/>
                    <button type="submit" class="button">"Confirm my email address"</button>
                </ActionForm>
            </div>
        </section>
    }
}

#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    let action = ServerAction::<ForgotPassword>::new();
    let problem = form_problem(action.value());
    let sent = has_flag("sent");
    view! {
        <Title text="Forgot your password"/>
        <section class="form-page">
            <h1>"Forgot your password?"</h1>
            {move || sent().then(|| view! {
                <FormSuccess>"If that address has an account, we've sent it a link to choose a new password. It works for an hour."</FormSuccess>
            })}
            <FormProblem problem/>
            <ActionForm action attr:class="stacked-form">
                <label for="forgot-email">"Email"</label>
                <input id="forgot-email" name="email" type="email" autocomplete="email" required maxlength=EMAIL_MAX_CHARS/>
                <button type="submit" class="button">"Send me a link"</button>
            </ActionForm>
            <p><a href="/login">"Back to log in"</a></p>
        </section>
    }
}

#[component]
pub fn ResetPasswordPage() -> impl IntoView {
    let action = ServerAction::<ResetPassword>::new();
    let problem = form_problem(action.value());
    let token = token_from_address();
    view! {
        <Title text="Choose a new password"/>
        <section class="form-page">
            <h1>"Choose a new password"</h1>
            <FormProblem problem/>
            <ActionForm action attr:class="stacked-form">
                <input type="hidden" name="token" value=token/>
                <label for="reset-password">"New password"</label>
                <input id="reset-password" name="password" type="password" autocomplete="new-password" required
                    minlength=PASSWORD_MIN_CHARS maxlength=PASSWORD_MAX_CHARS/>
                <button type="submit" class="button">"Set new password"</button>
            </ActionForm>
            <p>"Setting a new password logs you out everywhere."</p>
            <p><a href="/forgot-password">"Need a new link?"</a></p>
        </section>
    }
}

/// "Send the confirmation link again", for a signed-in account whose address is unconfirmed.
/// `page` is the page it sits on, which a form posted without JavaScript returns to.
#[component]
pub fn ResendConfirmation(page: &'static str) -> impl IntoView {
    let action = ServerAction::<ResendConfirmation>::new();
    // Only this form's own answer: the page shows problems a plain form post brought back.
    let problem = move || match action.value().get() {
        Some(Err(error)) => Some(error.message),
        _ => None,
    };
    let flagged = has_flag("sent-confirmation");
    let sent = move || flagged() || matches!(action.value().get(), Some(Ok(())));
    view! {
        <FormProblem problem/>
        {move || sent().then(|| view! {
            <FormSuccess>"Sent. Check your inbox for the link (it works for an hour)."</FormSuccess>
        })}
        <ActionForm action attr:class="inline-form">
            <input type="hidden" name="page" value=page/>
            <button type="submit" class="button secondary">"Send the confirmation link again"</button>
        </ActionForm>
    }
}
