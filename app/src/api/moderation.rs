//! Reports, the moderation queue, and owners renaming or deleting their pictures.

use crate::{
    error::AppError,
    moderation::{HeldPicture, Removal},
};
use leptos::prelude::*;

/// The pages a report can be sent from, which it goes back to.
#[cfg(feature = "ssr")]
fn report_page(from: &str, id: i64) -> String {
    if from == "picture" { format!("/p/{id}") } else { "/".to_owned() }
}

/// Reports picture `id` (which the voter has in front of them or has rated) for `reason`.
#[server(endpoint = "report")]
pub async fn report_picture(id: i64, reason: String, from: String) -> Result<(), AppError> {
    use crate::{
        error::ErrorCode,
        moderation::ReportReason,
        server::{
            moderation::{self, Reported},
            outcome::{OnSuccess, form_outcome},
            request_context,
        },
        votes::SubmissionId,
    };
    let page = report_page(&from, id);
    let result = async {
        let (state, voter) = request_context()?;
        let reason = ReportReason::parse(&reason).ok_or_else(|| {
            AppError::with_message(ErrorCode::Invalid, "Choose what is wrong with the picture.")
        })?;
        match moderation::report(&state.pool, voter.id, SubmissionId(id), reason).await? {
            Reported::New { .. } | Reported::Again => Ok(()),
        }
    };
    let thanked = format!("{page}{}reported", if page.contains('?') { '&' } else { '?' });
    match result.await {
        Ok(()) => form_outcome(Ok(()), OnSuccess::GoTo(&thanked), &page),
        Err(error) => form_outcome(Err(error), OnSuccess::StayOnForm, &page),
    }
}

/// The pictures held by their reports. Anybody but an admin gets "not found".
#[server(endpoint = "admin/held")]
pub async fn load_held_pictures() -> Result<Vec<HeldPicture>, AppError> {
    use crate::server::{moderation::queue, outcome::loaded};
    let result = async {
        let state = super::votes::admin_context()?;
        queue::held(&state.pool).await.map_err(|error| unavailable(&error))
    };
    loaded(result.await)
}

/// An admin's decision on a held picture: `approve`, or `remove` for `reason`.
#[server(endpoint = "admin/moderate")]
pub async fn moderate_picture(
    id: i64,
    decision: String,
    reason: Option<String>,
) -> Result<(), AppError> {
    use crate::{
        error::ErrorCode,
        moderation::{ModerationDecision, ReportReason},
        server::{
            moderation::queue,
            outcome::{OnSuccess, form_outcome},
        },
        votes::SubmissionId,
    };
    const PAGE: &str = "/admin/pictures";
    let result = async {
        let state = super::votes::admin_context()?;
        let decision = match (decision.as_str(), reason.as_deref().and_then(ReportReason::parse)) {
            ("approve", _) => ModerationDecision::Approve,
            ("remove", Some(reason)) => ModerationDecision::Remove(reason),
            ("remove", None) => {
                return Err(AppError::with_message(
                    ErrorCode::Invalid,
                    "Choose the reason its owner will be told.",
                ));
            }
            _ => {
                return Err(AppError::with_message(
                    ErrorCode::Invalid,
                    "Choose approve or remove.",
                ));
            }
        };
        let decided = queue::decide(&state.pool, SubmissionId(id), decision)
            .await
            .map_err(|error| unavailable(&error))?;
        if decided {
            Ok(())
        } else {
            Err(AppError::with_message(
                ErrorCode::NotFound,
                "That picture is no longer waiting: another admin may have decided.",
            ))
        }
    };
    form_outcome(result.await, OnSuccess::GoTo(PAGE), PAGE)
}

/// The signed-in member's pictures that a moderator removed.
#[server(endpoint = "my-removals")]
pub async fn load_my_removals() -> Result<Vec<Removal>, AppError> {
    use crate::{
        error::ErrorCode,
        server::{moderation::queue, outcome::loaded, signed_in_user, state},
    };
    let result = async {
        let state = state()?;
        let user = signed_in_user().ok_or(ErrorCode::SignInRequired)?;
        queue::removals_of(&state.pool, user.voter_id).await.map_err(|error| unavailable(&error))
    };
    loaded(result.await)
}

/// The owner renames picture `id`.
#[server(endpoint = "rename")]
pub async fn rename_picture(id: i64, title: String) -> Result<(), AppError> {
    use crate::{
        error::ErrorCode,
        server::{
            moderation::pictures,
            outcome::{OnSuccess, form_outcome},
            signed_in_user, state,
        },
        uploads::PictureTitle,
        votes::SubmissionId,
    };
    let page = format!("/p/{id}");
    let result = async {
        let state = state()?;
        let user = signed_in_user().ok_or(ErrorCode::SignInRequired)?;
        let title = PictureTitle::parse(&title).ok_or(ErrorCode::BadTitle)?;
        let renamed = pictures::rename(&state.pool, user.voter_id, SubmissionId(id), &title)
            .await
            .map_err(|error| unavailable(&error))?;
        if renamed { Ok(()) } else { Err(ErrorCode::NotFound.into()) }
    };
    form_outcome(result.await, OnSuccess::GoTo(&page), &page)
}

/// The owner deletes picture `id`, with its votes; `confirm` must be ticked.
#[server(endpoint = "delete-picture")]
pub async fn delete_picture(id: i64, confirm: Option<String>) -> Result<(), AppError> {
    use crate::{
        error::ErrorCode,
        server::{
            moderation::pictures,
            outcome::{OnSuccess, form_outcome},
            signed_in_user, state,
        },
        votes::SubmissionId,
    };
    let page = format!("/p/{id}");
    let result = async {
        let state = state()?;
        let user = signed_in_user().ok_or(ErrorCode::SignInRequired)?;
        if confirm.as_deref() != Some("yes") {
            return Err(AppError::with_message(
                ErrorCode::Invalid,
                "Tick the box to confirm: the picture and its votes cannot be brought back.",
            ));
        }
        let deleted = pictures::delete_own(&state.pool, user.voter_id, SubmissionId(id))
            .await
            .map_err(|error| unavailable(&error))?;
        if deleted { Ok(()) } else { Err(ErrorCode::NotFound.into()) }
    };
    form_outcome(result.await, OnSuccess::GoTo("/my-pictures?deleted"), &page)
}

#[cfg(feature = "ssr")]
fn unavailable(error: &sqlx::Error) -> AppError {
    tracing::error!(error = %crate::server::ErrorChain(error), "could not load or change pictures under moderation");
    AppError::new(crate::error::ErrorCode::Unavailable)
}
