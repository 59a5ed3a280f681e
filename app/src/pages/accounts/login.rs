use super::AuthRevision;
use crate::pages::forms::{FormProblem, FormSuccess, form_problem, has_flag};
use crate::{
    accounts::{EMAIL_MAX_CHARS, LOGIN_PASSWORD_MAX_BYTES},
    api::LogIn,
};
use leptos::{form::ActionForm, prelude::*};
use leptos_meta::Title;

#[component]
pub fn LoginPage() -> impl IntoView {
    let action = ServerAction::<LogIn>::new();
    let problem = form_problem(action.value());
    expect_context::<AuthRevision>().bump_after(action.value());
    let after_reset = has_flag("reset");
    view! {
        <Title text="Log in"/>
        <section class="form-page">
            <h1>"Log in"</h1>
            {move || {
                after_reset()
                    .then(|| view! { <FormSuccess>"Your password has been changed. Log in with the new one."</FormSuccess> })
            }}
            <FormProblem problem/>
            <ActionForm action attr:class="stacked-form">
                <label for="login-identifier">"Username or email"</label>
                <input id="login-identifier" name="identifier" autocomplete="username" required maxlength=EMAIL_MAX_CHARS/>
                <label for="login-password">"Password"</label>
                <input id="login-password" name="password" type="password" autocomplete="current-password" required maxlength=LOGIN_PASSWORD_MAX_BYTES/>
                <button type="submit" class="button" disabled=move || action.pending().get()>"Log in"</button>
            </ActionForm>
            <p><a href="/forgot-password">"Forgot your password?"</a></p>
            <p>"New here? " <a href="/signup">"Sign up"</a></p>
        </section>
    }
}
