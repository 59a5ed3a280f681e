//! What every form page shares: the problem above the form (from its action, or from the
//! address after a post without JavaScript), flags in the address, and the notices.

use crate::error::{AppError, ErrorCode, PROBLEM_PARAM};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// The problem to show above a form: the last answer of its action or, after a form posted
/// without JavaScript, the code the server put in the address.
pub fn form_problem(
    value: impl Get<Value = Option<Result<(), AppError>>> + Send + Sync + 'static,
) -> impl Fn() -> Option<String> + Send + Sync + 'static {
    let posted = untrack(posted_problem());
    move || match value.get() {
        Some(Err(error)) => Some(error.message),
        Some(Ok(_)) => None,
        None => posted.map(|code| code.default_message().to_owned()),
    }
}

/// The problem a form posted without JavaScript was sent back with, as `?problem=<code>`.
pub fn posted_problem() -> impl Fn() -> Option<ErrorCode> + Copy + Send + Sync + 'static {
    let query = use_query_map();
    move || {
        query.with(|query| query.get(PROBLEM_PARAM).and_then(|code| ErrorCode::from_code(&code)))
    }
}

/// Whether the address carries `flag` (as in `/login?reset`). Reactive: a form that sends the
/// browser back to its own page with a flag does not re-create the page.
pub fn has_flag(flag: &'static str) -> impl Fn() -> bool + Copy + Send + Sync + 'static {
    let query = use_query_map();
    move || query.with(|query| query.get(flag).is_some())
}

/// An error above a form, announced to screen readers.
#[component]
pub fn FormProblem(problem: impl Fn() -> Option<String> + Send + Sync + 'static) -> impl IntoView {
    view! {
        {move || problem().map(|message| view! { <p class="notice" role="alert">{message}</p> })}
    }
}

/// A confirmation above a form.
#[component]
pub fn FormSuccess(children: Children) -> impl IntoView {
    view! { <p class="notice success" role="status">{children()}</p> }
}
