//! The vote page: one picture, ten buttons, and the next picture as the reward for a vote.

mod picture;
mod rating_form;
mod states;

use crate::{
    api::{CastVote, CurrentView, current_view},
    error::{AppError, ErrorCode},
    pages::{forms::posted_problem, moderation::ReportForm},
    votes::{VOTE_NOT_SAVED, VoteView},
};
use leptos::prelude::*;
use leptos_meta::Title;
use picture::{PictureFrame, VerdictCard};
use rating_form::RatingForm;
use states::{AllRated, LoadFailed};

#[component]
pub fn VotePage() -> impl IntoView {
    let initial = Resource::new(|| (), |_| current_view());
    // Set by the server when a vote posted without JavaScript was refused.
    let posted_problem = untrack(posted_problem());
    view! {
        <Title text="Rate the derp"/>
        <Transition fallback=|| view! { <div class="picture-frame loading" aria-hidden="true"></div> }>
            {move || Suspend::new(async move {
                match initial.await {
                    Ok(view) => view! { <VoteLoop initial=view posted_problem/> }.into_any(),
                    Err(error) => view! { <LoadFailed error/> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// Errors after which the page no longer matches the server: fetch the voter's current view.
fn needs_resync(code: ErrorCode) -> bool {
    matches!(
        code,
        ErrorCode::AlreadyRated
            | ErrorCode::StaleTicket
            | ErrorCode::VoteInProgress
            | ErrorCode::ExpiredTicket
            | ErrorCode::ForeignTicket
            | ErrorCode::BadTicket
    )
}

#[component]
fn VoteLoop(initial: VoteView, posted_problem: Option<ErrorCode>) -> impl IntoView {
    let state = RwSignal::new(initial);
    let problem = RwSignal::new(posted_problem.map(|code| match code {
        ErrorCode::Unavailable => AppError::with_message(code, VOTE_NOT_SAVED),
        code => AppError::new(code),
    }));
    let cast = ServerAction::<CastVote>::new();
    let resync = ServerAction::<CurrentView>::new();

    Effect::new(move || match cast.value().get() {
        Some(Ok(outcome)) => {
            state.update(|view| *view = view.after(outcome));
            problem.set(None);
        }
        Some(Err(error)) => {
            if needs_resync(error.code) {
                resync.dispatch(CurrentView {});
            }
            problem.set(Some(error));
        }
        None => {}
    });
    Effect::new(move || {
        if let Some(Ok(view)) = resync.value().get() {
            state.set(view);
        }
    });

    let current = Memo::new(move |_| state.with(|s| s.current.clone()));
    let last = Memo::new(move |_| state.with(|s| s.last.clone()));
    view! {
        <div class="vote-loop">
            {move || {
                problem
                    .get()
                    .map(|error| {
                        view! {
                            <p class="notice" role="alert">
                                {error.message}
                            </p>
                        }
                    })
            }}
            {move || {
                state
                    .with(|view| view.next_up.clone())
                    .map(|title| {
                        view! {
                            <p class="notice next-up" role="status">
                                {format!("Next up: “{title}”. Rate this one to get to it.")}
                            </p>
                        }
                    })
            }}
            {move || match current.get() {
                Some(reveal) => {
                    view! {
                        <PictureFrame picture=reveal.picture>
                            <div class="verdict-slot" aria-live="polite">
                                {move || last.get().map(|verdict| view! { <VerdictCard verdict/> })}
                            </div>
                        </PictureFrame>
                    }
                        .into_any()
                }
                None => {
                    view! {
                        <div class="verdict-slot static" aria-live="polite">
                            {move || last.get().map(|verdict| view! { <VerdictCard verdict/> })}
                        </div>
                        <AllRated votes_cast=state.with_untracked(|s| s.votes_cast)/>
                    }
                        .into_any()
                }
            }}
            <Show when=move || current.with(Option::is_some)>
                <RatingForm state cast/>
            </Show>
            {move || current.get().map(|reveal| view! { <ReportForm id=reveal.picture.id.0 from="vote"/> })}
        </div>
    }
}
