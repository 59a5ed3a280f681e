use super::{AuthRevision, links::ResendConfirmation};
use crate::pages::forms::{FormProblem, FormSuccess, form_problem};
use crate::{
    accounts::{
        AccountSettings, BIO_MAX_CHARS, DISPLAY_NAME_MAX_CHARS, EMAIL_MAX_CHARS,
        PASSWORD_MAX_CHARS, PASSWORD_MIN_CHARS,
    },
    api::{ChangeEmail, ChangePassword, DeleteAccount, SaveProfile, load_account_settings},
    error::ErrorCode,
};
use leptos::{form::ActionForm, prelude::*};
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn SettingsPage() -> impl IntoView {
    let revision = expect_context::<AuthRevision>();
    let settings = Resource::new(move || revision.0.get(), |_| load_account_settings());
    view! {
        <Title text="Settings"/>
        <section class="form-page">
            <h1>"Settings"</h1>
            <Transition fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match settings.await {
                        Ok(current) => view! { <SettingsForms current/> }.into_any(),
                        Err(error) if error.code == ErrorCode::SignInRequired => view! {
                            <p>"Log in to change your settings."</p>
                            <a class="button" href="/login">"Log in"</a>
                        }.into_any(),
                        Err(error) => view! { <p class="notice" role="alert">{error.message}</p> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn SettingsForms(current: AccountSettings) -> impl IntoView {
    // After a form posted without JavaScript, the server names what it saved.
    let saved = use_query_map().with_untracked(|query| {
        ["profile", "password", "email"]
            .into_iter()
            .find(|which| query.get("saved").as_deref() == Some(which))
    });
    let profile = ServerAction::<SaveProfile>::new();
    let password = ServerAction::<ChangePassword>::new();
    let email = ServerAction::<ChangeEmail>::new();
    let delete = ServerAction::<DeleteAccount>::new();
    expect_context::<AuthRevision>().bump_after(delete.value());
    let saved_message = move |which: &str| {
        let done = |action_ok: bool| action_ok || saved == Some(which);
        match which {
            "profile" => {
                done(matches!(profile.value().get(), Some(Ok(())))).then_some("Profile saved.")
            }
            "password" => done(matches!(password.value().get(), Some(Ok(()))))
                .then_some("Password changed. Your other sessions have been logged out."),
            _ => done(matches!(email.value().get(), Some(Ok(())))).then_some(
                "Check your inbox: follow the link we sent to confirm your new address.",
            ),
        }
    };
    let verified = if current.email_verified { "confirmed" } else { "not confirmed yet" };
    view! {
        <p>"Logged in as " <a href=format!("/u/{}", current.username)>{format!("@{}", current.username)}</a></p>

        <h2 id="profile-heading">"Profile"</h2>
        {move || saved_message("profile").map(|m| view! { <FormSuccess>{m}</FormSuccess> })}
        <FormProblem problem=form_problem(profile.value())/>
        <ActionForm action=profile attr:class="stacked-form" attr:aria-labelledby="profile-heading">
            <label for="settings-display-name">"Display name"</label>
            <input id="settings-display-name" name="display_name" required maxlength=DISPLAY_NAME_MAX_CHARS value=current.display_name/>
            <label for="settings-bio">"Bio"</label>
            <textarea id="settings-bio" name="bio" maxlength=BIO_MAX_CHARS rows="4">{current.bio}</textarea>
            <label class="checkbox">
                <input type="checkbox" name="hide_ratings_count" checked=current.hide_ratings_count/>
                "Hide how many pictures I've rated"
            </label>
            <button type="submit" class="button">"Save profile"</button>
        </ActionForm>

        <h2 id="email-heading">"Email"</h2>
        <p>{format!("{} ({verified})", current.email)}</p>
        {(!current.email_verified).then(|| view! { <ResendConfirmation page="/settings"/> })}
        {move || saved_message("email").map(|m| view! { <FormSuccess>{m}</FormSuccess> })}
        <FormProblem problem=form_problem(email.value())/>
        <ActionForm action=email attr:class="stacked-form" attr:aria-labelledby="email-heading">
            <label for="settings-email">"New email"</label>
            <input id="settings-email" name="email" type="email" autocomplete="email" required maxlength=EMAIL_MAX_CHARS/>
            <label for="settings-email-password">"Current password"</label>
            <input id="settings-email-password" name="password" type="password" autocomplete="current-password" required/>
            <button type="submit" class="button">"Change email"</button>
        </ActionForm>

        <h2 id="password-heading">"Password"</h2>
        {move || saved_message("password").map(|m| view! { <FormSuccess>{m}</FormSuccess> })}
        <FormProblem problem=form_problem(password.value())/>
        <ActionForm action=password attr:class="stacked-form" attr:aria-labelledby="password-heading">
            <label for="settings-current-password">"Current password"</label>
            <input id="settings-current-password" name="current_password" type="password" autocomplete="current-password" required/>
            <label for="settings-new-password">"New password"</label>
            <input id="settings-new-password" name="new_password" type="password" autocomplete="new-password" required
                minlength=PASSWORD_MIN_CHARS maxlength=PASSWORD_MAX_CHARS/>
            <button type="submit" class="button">"Change password"</button>
        </ActionForm>

        <h2 id="delete-heading">"Delete account"</h2>
        <p>"This removes your account, your profile and your pictures. Your votes stay counted, anonymously. There is no undo."</p>
        <FormProblem problem=form_problem(delete.value())/>
        <ActionForm action=delete attr:class="stacked-form" attr:aria-labelledby="delete-heading">
            <label for="settings-delete-password">"Current password"</label>
            <input id="settings-delete-password" name="password" type="password" autocomplete="current-password" required/>
            <button type="submit" class="button danger">"Delete my account"</button>
        </ActionForm>
    }
}
