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
        let (state, voter) = request_context()?;
        let network = crate::server::client_address().into();
        Ok(votes::cast_vote(&state, voter, network, &ticket, &rating).await?)
    };
    form_outcome(outcome.await, OnSuccess::StayOnForm, "/")
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
