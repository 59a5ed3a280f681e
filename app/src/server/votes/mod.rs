//! Votes on the server. Casting one (here): check the rating and the ticket, hand the ballot to
//! the writer, answer with the verdict and the next picture. What a voter sees when they open
//! the page is [`view`]; asking for a locked picture to come next is [`next_up`].

pub mod counting;
pub mod next_up;
pub mod review;
pub mod view;

use crate::server::{
    AppState, ErrorChain,
    picks::random_point,
    ticket::{Ticket, TicketError},
    vote_limits::Network,
    vote_writer::{Ballot, BallotOutcome, RecordedVote, WriteError},
    voter::{Voter, VoterId},
};
use crate::{
    error::{AppError, ErrorCode},
    votes::{Rating, RatingError, SubmissionId, Tally, VOTE_NOT_SAVED, VoteOutcome},
};
use std::time::SystemTime;
use view::{PictureColumns, reveal, stored_rating};

#[derive(Debug, thiserror::Error)]
pub enum VoteError {
    #[error(transparent)]
    BadRating(#[from] RatingError),
    #[error("refused ticket: {0}")]
    Ticket(TicketError),
    #[error("the browser sent no voter cookie")]
    CookiesRequired,
    #[error("the voter already rated this picture ({0})")]
    AlreadyRated(Rating),
    #[error("the ticket's picture is not the one in front of the voter")]
    Stale,
    #[error("the voter's previous ballot is still being written")]
    InProgress,
    #[error("voted {shown:?} after the picture was shown")]
    TooFast { shown: std::time::Duration, wait: std::time::Duration },
    #[error("over a vote limit for {wait:?}")]
    TooMany { wait: std::time::Duration },
    #[error(transparent)]
    Write(#[from] WriteError),
    #[error("database error")]
    Database(#[from] sqlx::Error),
}

impl From<VoteError> for AppError {
    fn from(error: VoteError) -> Self {
        match error {
            VoteError::BadRating(e) => AppError::with_message(ErrorCode::BadRating, e.to_string()),
            VoteError::Ticket(TicketError::Forged) => ErrorCode::BadTicket.into(),
            VoteError::Ticket(TicketError::Foreign) => ErrorCode::ForeignTicket.into(),
            VoteError::Ticket(TicketError::Expired) => ErrorCode::ExpiredTicket.into(),
            VoteError::CookiesRequired => ErrorCode::CookiesRequired.into(),
            VoteError::AlreadyRated(rating) => AppError::with_message(
                ErrorCode::AlreadyRated,
                format!("You've already rated that picture (you said {rating}) — it counts once."),
            ),
            VoteError::Stale => ErrorCode::StaleTicket.into(),
            VoteError::InProgress => ErrorCode::VoteInProgress.into(),
            VoteError::TooFast { wait, .. } => {
                retry_after(wait);
                ErrorCode::TooFast.into()
            }
            VoteError::TooMany { wait } => {
                retry_after(wait);
                ErrorCode::TooManyVotes.into()
            }
            VoteError::Write(_) | VoteError::Database(_) => {
                tracing::error!(error = %ErrorChain(&error), "vote not recorded");
                AppError::with_message(ErrorCode::Unavailable, VOTE_NOT_SAVED)
            }
        }
    }
}

/// Tells the client when to try again (`Retry-After`, whole seconds, at least one).
fn retry_after(wait: std::time::Duration) {
    let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    crate::server::set_header(http::header::RETRY_AFTER, &seconds.max(1).to_string());
}

pub async fn cast_vote(
    state: &AppState,
    voter: Voter,
    network: Network,
    ticket: &str,
    rating: &str,
) -> Result<VoteOutcome, VoteError> {
    let rating = Rating::parse(rating)?;
    let now = SystemTime::now();
    // In memory, before anything else: a flood costs no signature check and no database work.
    state
        .vote_limits
        .take(voter.id.0, network, std::time::Instant::now())
        .map_err(|wait| VoteError::TooMany { wait })?;
    let ticket = Ticket::verify(&state.signer, ticket, voter.id, now, state.ticket_max_age)
        .map_err(|error| match error {
            // A ticket for "someone else" from a browser that sent no cookie: it is the cookie
            // that is missing, and saying so is what helps.
            TicketError::Foreign if !voter.cookie_was_sent => VoteError::CookiesRequired,
            other => VoteError::Ticket(other),
        })?;
    let shown = ticket.shown_for(now);
    if shown < state.min_view {
        return Err(VoteError::TooFast { shown, wait: state.min_view - shown });
    }
    let ballot = Ballot {
        voter: voter.id,
        submission: ticket.submission,
        rating,
        pick_point: random_point(),
        network,
        look_ms: i32::try_from(shown.as_millis()).unwrap_or(i32::MAX),
    };
    match state.votes.submit(ballot).await? {
        BallotOutcome::Recorded(vote) => {
            count_views(state, &vote, ticket.submission);
            Ok(outcome(*vote, rating, state, voter.id, now))
        }
        BallotOutcome::VoterBusy => Err(VoteError::InProgress),
        BallotOutcome::Refused => {
            Err(match earlier_rating(state, voter.id, ticket.submission).await? {
                Some(rating) => VoteError::AlreadyRated(rating),
                None => VoteError::Stale,
            })
        }
    }
}

/// A vote reveals the next picture: a view. A voter's first vote also counts the view of the
/// picture they rated, which was shown before they had a row to record it in.
fn count_views(state: &AppState, vote: &RecordedVote, rated: SubmissionId) {
    if let Some(next) = vote.next_id {
        state.views.viewed(SubmissionId(next));
    }
    if vote.votes_cast == 1 {
        state.views.viewed(rated);
    }
}

fn outcome(
    vote: RecordedVote,
    your_rating: Rating,
    state: &AppState,
    voter: VoterId,
    now: SystemTime,
) -> VoteOutcome {
    let next = PictureColumns {
        id: vote.next_id,
        title: vote.next_title,
        image_key: vote.next_image_key,
        backdrop: vote.next_backdrop,
        subject: vote.next_subject,
    }
    .into_picture()
    .map(|picture| reveal(picture, &state.signer, voter, now));
    VoteOutcome {
        your_rating,
        tally: Tally { vote_count: vote.vote_count, rating_sum: vote.rating_sum },
        next,
        votes_cast: vote.votes_cast.into(),
    }
}

async fn earlier_rating(
    state: &AppState,
    voter: VoterId,
    submission: SubmissionId,
) -> Result<Option<Rating>, sqlx::Error> {
    let rating = sqlx::query_scalar!(
        "SELECT rating FROM votes WHERE voter_id = $1 AND submission_id = $2",
        voter.0,
        submission.0,
    )
    .fetch_optional(&state.pool)
    .await?;
    Ok(rating.and_then(stored_rating))
}
