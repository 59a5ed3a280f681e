use crate::pages::forms::{FormProblem, form_problem};
use crate::{
    accounts::{
        EMAIL_MAX_CHARS, PASSWORD_MAX_CHARS, PASSWORD_MIN_CHARS, USERNAME_MAX_CHARS,
        USERNAME_MIN_CHARS, USERNAME_PATTERN, username_hint,
    },
    api::SignUp,
};
use leptos::{form::ActionForm, prelude::*};
use leptos_meta::Title;

#[component]
pub fn SignUpPage() -> impl IntoView {
    let action = ServerAction::<SignUp>::new();
    let problem = form_problem(action.value());
    view! {
        <Title text="Sign up"/>
        <section class="form-page">
            <h1>"Sign up"</h1>
            <p>"An account lets you upload your own derps and gives you a profile. Your votes so far come with you."</p>
            <FormProblem problem/>
            <ActionForm action attr:class="stacked-form">
                <label for="signup-username">"Username"</label>
                <input id="signup-username" name="username" autocomplete="username" required
                    minlength=USERNAME_MIN_CHARS maxlength=USERNAME_MAX_CHARS pattern=USERNAME_PATTERN
                    aria-describedby="signup-username-hint"/>
                <p class="hint" id="signup-username-hint">{username_hint()}</p>
                <label for="signup-email">"Email"</label>
                <input id="signup-email" name="email" type="email" autocomplete="email" required maxlength=EMAIL_MAX_CHARS/>
                <label for="signup-password">"Password"</label>
                <input id="signup-password" name="password" type="password" autocomplete="new-password" required
                    minlength=PASSWORD_MIN_CHARS maxlength=PASSWORD_MAX_CHARS
                    aria-describedby="signup-password-hint"/>
                <p class="hint" id="signup-password-hint">{format!("At least {PASSWORD_MIN_CHARS} characters; not one of the usual suspects.")}</p>
                <button type="submit" class="button" disabled=move || action.pending().get()>"Create account"</button>
            </ActionForm>
            <p>"Already have an account? " <a href="/login">"Log in"</a></p>
        </section>
    }
}

/// Where sign-up leads, whether or not the address already had an account.
#[component]
pub fn CheckInboxPage() -> impl IntoView {
    view! {
        <Title text="Check your inbox"/>
        <section class="state-page">
            <p class="state-emoji" aria-hidden="true">"📬"</p>
            <h1>"Check your inbox"</h1>
            <p>"We've sent you an email. Follow its link within the hour to confirm your address, then log in."</p>
            <a class="button" href="/login">"Log in"</a>
        </section>
    }
}
