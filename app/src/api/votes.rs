//! Server functions of the vote page: the picture in front of the voter, casting a vote, and
//! "Rate it to see it" from a locked tile.

use crate::{
    error::AppError,
    votes::{VoteOutcome, VoteView},
};
use leptos::prelude::*;

/// The picture in front of the voter (revealing one if there is none yet) and their last verdict.
#[server(endpoint = "view")]
pub async fn current_view() -> Result<VoteView, AppError> {
    use crate::{
        error::ErrorCode,
        server::{ErrorChain, outcome::loaded, request_context, votes::view},
    };
    let result = async {
        let (state, voter) = request_context()?;
        view::current_view(&state.pool, &state.signer, voter.id).await.map_err(|error| {
            tracing::error!(error = %ErrorChain(&error), "could not load the voter's view");
            AppError::with_message(
                ErrorCode::Unavailable,
                "Our database isn't answering right now. Please try again in a moment.",
            )
        })
    };
    // Also runs while the page itself is rendered, so a failure sets the page's status.
    loaded(result.await)
}

/// Rates the picture named by `ticket`: answers with the crowd's tally and reveals the next one.
///
/// `rating` is taken as text so that a bad value gets a message saying what is wrong with it.
#[server(endpoint = "vote")]
pub async fn cast_vote(ticket: String, rating: String) -> Result<VoteOutcome, AppError> {
    use crate::server::{
        outcome::{OnSuccess, form_outcome},
        request_context, votes,
    };
    let outcome = async {
        let started = std::time::Instant::now();
        let (state, voter) = request_context()?;
        let network = crate::server::client_address().into();
        let outcome = votes::cast_vote(&state, voter, network, &ticket, &rating).await;
        state.vote_latency.record(started.elapsed());
        Ok(outcome?)
    };
    let outcome: Result<VoteOutcome, AppError> = outcome.await;
    // Recorded, or refused and why (`too_fast`, `already_rated`, …): a fixed set of codes.
    let counted_as = outcome.as_ref().map_or_else(|error| error.code.as_str(), |_| "recorded");
    metrics::counter!("votes_total", "outcome" => counted_as).increment(1);
    form_outcome(outcome, OnSuccess::StayOnForm, "/")
}

/// "Rate it to see it" on a locked tile: the picture becomes the voter's next one (at once when
/// nothing is in front of them), and the browser goes to the vote page.
#[server(endpoint = "rate-picture")]
pub async fn rate_picture(id: i64) -> Result<(), AppError> {
    use crate::{
        error::ErrorCode,
        server::{
            ErrorChain,
            outcome::{OnSuccess, form_outcome},
            request_context,
            votes::next_up::{self, NextUpError},
        },
        votes::SubmissionId,
    };
    let result = async {
        let (state, voter) = request_context()?;
        next_up::request(&state.pool, voter.id, SubmissionId(id)).await.map_err(|error| match error
        {
            NextUpError::NoSuchPicture => AppError::with_message(
                ErrorCode::NotFound,
                "That picture isn't in play any more. Here's another one to rate.",
            ),
            NextUpError::Database(error) => {
                tracing::error!(error = %ErrorChain(&error), "could not queue a picture");
                AppError::new(ErrorCode::Unavailable)
            }
        })
    };
    form_outcome(result.await, OnSuccess::GoTo("/"), "/")
}

/// The flagged votes awaiting review. Anybody but an admin gets "not found": the page does not
/// exist for them.
#[server(endpoint = "admin/flagged")]
pub async fn load_flagged_votes() -> Result<Vec<crate::integrity::FlaggedCase>, AppError> {
    use crate::server::{outcome::loaded, votes::review};
    let result = async {
        let state = admin_context()?;
        review::waiting(&state.pool).await.map_err(|error| unavailable(&error))
    };
    loaded(result.await)
}

/// An admin's decision on a case of flagged votes (`confirm` or `restore`).
#[server(endpoint = "admin/review")]
pub async fn review_flagged_votes(case: String, decision: String) -> Result<u64, AppError> {
    use crate::{
        error::ErrorCode,
        integrity::ReviewDecision,
        server::{
            outcome::{OnSuccess, form_outcome},
            votes::{counting::CaseId, review},
        },
    };
    let result = async {
        let state = admin_context()?;
        let decision = match decision.as_str() {
            "confirm" => ReviewDecision::Confirm,
            "restore" => ReviewDecision::Restore,
            _ => {
                return Err(AppError::with_message(
                    ErrorCode::Invalid,
                    "Choose confirm or restore.",
                ));
            }
        };
        let case = case.parse().map(CaseId).map_err(|_| {
            AppError::with_message(ErrorCode::Invalid, "That is not a case from the list.")
        })?;
        let changed = review::decide(&state.pool, case, decision)
            .await
            .map_err(|error| unavailable(&error))?;
        tracing::info!(case = case.0, ?decision, votes = changed, "flagged votes reviewed");
        Ok(changed)
    };
    form_outcome(result.await, OnSuccess::GoTo("/admin/votes"), "/admin/votes")
}

/// The state, if the request comes from a signed-in admin; "not found" for anybody else.
#[cfg(feature = "ssr")]
pub(super) fn admin_context() -> Result<crate::server::AppState, AppError> {
    use crate::error::ErrorCode;
    let state = crate::server::state()?;
    match crate::server::signed_in_user() {
        Some(user) if user.is_admin => Ok(state),
        _ => Err(ErrorCode::NotFound.into()),
    }
}

#[cfg(feature = "ssr")]
fn unavailable(error: &sqlx::Error) -> AppError {
    tracing::error!(error = %crate::server::ErrorChain(error), "could not load or change flagged votes");
    AppError::new(crate::error::ErrorCode::Unavailable)
}
