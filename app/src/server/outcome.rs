//! How a server function's result reaches the browser, in one place.
//!
//! Forms work with and without JavaScript. A hydrated page's action gets the result itself and
//! the error's status; a form posted without JavaScript gets a redirect: on to the next page,
//! or back to the form with the problem named (`?problem=<code>`, which the page reads with
//! `pages::forms::posted_problem`). Data that a page loads while it renders sets the page's
//! status on failure, so that a missing profile is a 404 for crawlers and scripts alike.

use crate::error::{AppError, ErrorCode, PROBLEM_PARAM, respond_with_status};
use http::header::ACCEPT;
use http::request::Parts;
use leptos::prelude::with_context;

/// Where a form's browser goes when the form succeeded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnSuccess<'a> {
    /// On to this page, with or without JavaScript.
    GoTo(&'a str),
    /// Scripts show the answer in place (the vote and its next picture); a form posted without
    /// JavaScript loads the form page again.
    StayOnForm,
}

/// Ends a form's server function: sends the browser where `on_success` says, or, on failure, a
/// plain form post back to `form_page` with the problem named and programs the error's status.
pub fn form_outcome<T>(
    result: Result<T, AppError>,
    on_success: OnSuccess<'_>,
    form_page: &str,
) -> Result<T, AppError> {
    match (&result, on_success) {
        (Ok(_), OnSuccess::GoTo(page)) => leptos_axum::redirect(page),
        (Ok(_), OnSuccess::StayOnForm) if is_plain_form_post() => leptos_axum::redirect(form_page),
        (Ok(_), OnSuccess::StayOnForm) => {}
        (Err(error), _) if is_plain_form_post() => {
            leptos_axum::redirect(&problem_location(form_page, error.code));
        }
        (Err(error), _) => respond_with_status(error.code),
    }
    result
}

/// Ends a server function that loads a page's data: a failure sets the page's status.
pub fn loaded<T>(result: Result<T, AppError>) -> Result<T, AppError> {
    if let Err(error) = &result {
        respond_with_status(error.code);
    }
    result
}

/// The form page, naming the problem for it to explain: `/settings?problem=bad_link`.
pub fn problem_location(form_page: &str, code: ErrorCode) -> String {
    let separator = if form_page.contains('?') { '&' } else { '?' };
    format!("{form_page}{separator}{PROBLEM_PARAM}={}", code.as_str())
}

/// Whether the current request is a plain HTML form post (the browser runs no JavaScript).
fn is_plain_form_post() -> bool {
    with_context::<Parts, _>(|parts| {
        parts
            .headers
            .get(ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("text/html"))
    })
    .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_problem_is_added_to_the_form_page_address() {
        assert_eq!(problem_location("/signup", ErrorCode::Invalid), "/signup?problem=invalid");
        assert_eq!(
            problem_location("/reset-password?token=abc", ErrorCode::BadLink),
            "/reset-password?token=abc&problem=bad_link"
        );
    }
}
