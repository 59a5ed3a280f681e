//! Server functions for accounts. Forms post to them with or without JavaScript; on success the
//! browser is sent on to the next page, on failure back to the form with the problem named.

use crate::{
    accounts::{AccountSettings, Profile, SignedIn},
    error::AppError,
};
use leptos::prelude::*;

/// Who is logged in, if anybody.
// Server functions are async whether or not they wait for anything.
#[allow(clippy::unused_async)]
#[server(endpoint = "me")]
pub async fn who_is_signed_in() -> Result<Option<SignedIn>, AppError> {
    Ok(crate::server::signed_in_user().map(|user| SignedIn {
        username: user.username,
        display_name: user.display_name,
        email_verified: user.email_verified,
        is_admin: user.is_admin,
    }))
}

#[server(endpoint = "sign-up")]
pub async fn sign_up(username: String, email: String, password: String) -> Result<(), AppError> {
    use crate::server::{
        accounts::register,
        client_address,
        outcome::{OnSuccess, form_outcome},
        state,
    };
    let result = async {
        let form = register::Registration::parse(&username, &email, &password)?;
        register::register(&state()?, form, client_address()).await?;
        Ok(())
    };
    form_outcome(result.await, OnSuccess::GoTo("/signup/check-your-inbox"), "/signup")
}

#[server(endpoint = "log-in")]
pub async fn log_in(identifier: String, password: String) -> Result<(), AppError> {
    use crate::server::{
        accounts::login::{LoginAttempt, login},
        client_address,
        outcome::{OnSuccess, form_outcome},
        request_context, set_cookie, signed_in_user,
    };
    let result = async {
        let (state, voter) = request_context()?;
        let previous = signed_in_user();
        let attempt = LoginAttempt {
            identifier: &identifier,
            password: &password,
            address: client_address(),
            anonymous_voter: (previous.is_none() && voter.cookie_was_sent).then_some(voter.id),
            previous_session: previous.map(|user| user.session),
        };
        let token = login(&state, attempt).await?;
        set_cookie(&state.cookies.session_set_cookie(&token, state.accounts.session_lifetime));
        Ok(())
    };
    form_outcome(result.await, OnSuccess::GoTo("/"), "/login")
}

#[server(endpoint = "log-out")]
pub async fn log_out() -> Result<(), AppError> {
    use crate::server::{
        accounts::login::logout,
        outcome::{OnSuccess, form_outcome},
        state,
    };
    let result = async {
        let state = state()?;
        if let Some(user) = crate::server::signed_in_user() {
            logout(&state, &user.session).await?;
        }
        forget_browser(&state);
        Ok(())
    };
    form_outcome(result.await, OnSuccess::GoTo("/"), "/")
}

/// After logging out or deleting the account, the browser starts over as a new anonymous
/// voter, so that the next person at a shared computer sees nothing of the last one.
#[cfg(feature = "ssr")]
fn forget_browser(state: &crate::server::AppState) {
    use crate::server::{
        set_cookie,
        voter::{VoterId, seal_voter_cookie},
    };
    set_cookie(&state.cookies.session_clear_cookie());
    set_cookie(
        &state.cookies.voter_set_cookie(&seal_voter_cookie(&state.signer, VoterId::random())),
    );
}

#[server(endpoint = "confirm-email")]
pub async fn confirm_email(token: String) -> Result<(), AppError> {
    use crate::server::{
        accounts::recovery,
        outcome::{OnSuccess, form_outcome},
        state,
    };
    let result = async { Ok(recovery::verify_email(&state()?, &token).await?) };
    form_outcome(result.await, OnSuccess::GoTo("/verify-email?confirmed"), "/verify-email")
}

#[server(endpoint = "forgot-password")]
pub async fn forgot_password(email: String) -> Result<(), AppError> {
    use crate::{
        accounts::Email,
        server::{
            accounts::{AccountError, recovery},
            client_address,
            outcome::{OnSuccess, form_outcome},
            state,
        },
    };
    let result = async {
        let email = Email::parse(&email).map_err(AccountError::from)?;
        recovery::request_reset(&state()?, email, client_address()).await?;
        Ok(())
    };
    form_outcome(result.await, OnSuccess::GoTo("/forgot-password?sent"), "/forgot-password")
}

#[server(endpoint = "reset-password")]
pub async fn reset_password(token: String, password: String) -> Result<(), AppError> {
    use crate::server::{
        accounts::recovery,
        outcome::{OnSuccess, form_outcome},
        state,
    };
    let result = async { Ok(recovery::reset_password(&state()?, &token, &password).await?) };
    let form_page = format!("/reset-password?token={}", urlencode(&token));
    form_outcome(result.await, OnSuccess::GoTo("/login?reset"), &form_page)
}

/// Puts text into a URL's query safely. Our tokens are 43 characters: anything past 128 is not
/// one of them, and is cut so that a pasted essay does not become the redirect's address.
#[cfg(feature = "ssr")]
fn urlencode(text: &str) -> String {
    let text: String = text.chars().take(128).collect();
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

#[server(endpoint = "profile")]
pub async fn load_profile(username: String) -> Result<Profile, AppError> {
    use crate::server::{accounts::profile, outcome::loaded, request_context};
    let result = async {
        let (state, viewer) = request_context()?;
        Ok(profile::load(&state.pool, &username, viewer.id).await?)
    };
    // Also runs while the page renders: a missing profile makes the page a 404.
    loaded(result.await)
}

#[server(endpoint = "settings")]
pub async fn load_account_settings() -> Result<AccountSettings, AppError> {
    use crate::server::{accounts::settings, outcome::loaded};
    let result = async {
        let (state, user) = signed_in_context()?;
        Ok(settings::load(&state, user.user_id).await?)
    };
    loaded(result.await)
}

/// The shared state and the signed-in user, or "please log in".
#[cfg(feature = "ssr")]
fn signed_in_context()
-> Result<(crate::server::AppState, crate::server::accounts::sessions::SignedInUser), AppError> {
    use crate::server::accounts::AccountError;
    let state = crate::server::state()?;
    let user = crate::server::signed_in_user().ok_or(AccountError::SignInRequired)?;
    Ok((state, user))
}

#[server(endpoint = "settings/profile")]
pub async fn save_profile(
    display_name: String,
    bio: String,
    // A checkbox: sent ("on") only when ticked.
    #[server(default)] hide_ratings_count: Option<String>,
) -> Result<(), AppError> {
    use crate::server::{
        accounts::settings,
        outcome::{OnSuccess, form_outcome},
    };
    let result = async {
        let (state, user) = signed_in_context()?;
        settings::update_profile(
            &state,
            user.user_id,
            &display_name,
            &bio,
            hide_ratings_count.is_some(),
        )
        .await?;
        Ok(())
    };
    form_outcome(result.await, OnSuccess::GoTo("/settings?saved=profile"), "/settings")
}

#[server(endpoint = "settings/password")]
pub async fn change_password(
    current_password: String,
    new_password: String,
) -> Result<(), AppError> {
    use crate::server::{
        accounts::settings,
        outcome::{OnSuccess, form_outcome},
    };
    let result = async {
        let (state, user) = signed_in_context()?;
        Ok(settings::change_password(&state, &user, &current_password, &new_password).await?)
    };
    form_outcome(result.await, OnSuccess::GoTo("/settings?saved=password"), "/settings")
}

#[server(endpoint = "settings/email")]
pub async fn change_email(email: String, password: String) -> Result<(), AppError> {
    use crate::server::{
        accounts::settings,
        outcome::{OnSuccess, form_outcome},
    };
    let result = async {
        let (state, user) = signed_in_context()?;
        Ok(settings::change_email(&state, &user, &email, &password).await?)
    };
    form_outcome(result.await, OnSuccess::GoTo("/settings?saved=email"), "/settings")
}

/// Emails the confirmation link again. `page` is where a form posted without JavaScript came
/// from, and returns to: the settings or the upload page.
#[server(endpoint = "settings/resend-confirmation")]
pub async fn resend_confirmation(page: String) -> Result<(), AppError> {
    use crate::server::{
        accounts::settings,
        outcome::{OnSuccess, form_outcome},
    };
    let page = if page == "/upload" { "/upload" } else { "/settings" };
    let result = async {
        let (state, user) = signed_in_context()?;
        Ok(settings::resend_confirmation(&state, &user).await?)
    };
    form_outcome(result.await, OnSuccess::GoTo(&format!("{page}?sent-confirmation")), page)
}

#[server(endpoint = "settings/delete")]
pub async fn delete_account(password: String) -> Result<(), AppError> {
    use crate::server::{
        accounts::settings,
        outcome::{OnSuccess, form_outcome},
    };
    let result = async {
        let (state, user) = signed_in_context()?;
        settings::delete_account(&state, &user, &password).await?;
        forget_browser(&state);
        Ok(())
    };
    form_outcome(result.await, OnSuccess::GoTo("/?account-deleted"), "/settings")
}
