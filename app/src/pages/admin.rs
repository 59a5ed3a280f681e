//! `/admin/votes`: the flagged votes, grouped by voter with the evidence, for an admin to
//! confirm (they stay out) or restore (they count again). A 404 page for everybody else.

use crate::{
    api::{ReviewFlaggedVotes, load_flagged_votes},
    integrity::FlaggedVoter,
    pages::{forms::FormProblem, standings::load_failed},
    standings::RATINGS,
};
use leptos::{form::ActionForm, prelude::*};
use leptos_meta::Title;

#[component]
pub fn FlaggedVotesPage() -> impl IntoView {
    let review = ServerAction::<ReviewFlaggedVotes>::new();
    let flagged = Resource::new(move || review.version().get(), |_| load_flagged_votes());
    let problem = move || review.value().get().and_then(Result::err).map(|error| error.message);
    view! {
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match flagged.await {
                    Ok(voters) => view! {
                        <Title text="Flagged votes"/>
                        <section class="board">
                            <h1>"Flagged votes"</h1>
                            <p class="board-blurb">"These votes stopped counting. Confirm keeps them out; restore counts them again."</p>
                            <FormProblem problem/>
                            {if voters.is_empty() {
                                view! { <p role="status">"Nothing waiting for review."</p> }.into_any()
                            } else {
                                view! { <FlaggedTable voters review/> }.into_any()
                            }}
                        </section>
                    }.into_any(),
                    Err(error) => load_failed(error),
                }
            })}
        </Transition>
    }
}

fn evidence(voter: &FlaggedVoter) -> String {
    (1..=RATINGS)
        .zip(voter.ratings.0)
        .filter(|(_, count)| *count > 0)
        .map(|(rating, count)| format!("{count}× {rating}"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[component]
fn FlaggedTable(
    voters: Vec<FlaggedVoter>,
    review: ServerAction<ReviewFlaggedVotes>,
) -> impl IntoView {
    view! {
        <div class="table-scroll">
            <table class="my-pictures">
                <caption class="visually-hidden">"Voters whose votes stopped counting"</caption>
                <thead><tr>
                    <th scope="col">"Voter"</th>
                    <th scope="col">"Why"</th>
                    <th scope="col">"Flagged votes"</th>
                    <th scope="col">"Their ratings"</th>
                    <th scope="col">"Still counting"</th>
                    <th scope="col">"Since"</th>
                    <th scope="col">"Decision"</th>
                </tr></thead>
                <tbody>
                    {voters.into_iter().map(|voter| {
                        let ratings = evidence(&voter);
                        let id = voter.voter.clone();
                        view! {
                            <tr>
                                <th scope="row">{voter.voter.clone()}</th>
                                <td>{voter.reason.clone()}</td>
                                <td>{voter.votes}</td>
                                <td>{ratings}</td>
                                <td>{voter.counted_votes}</td>
                                <td>{voter.flagged_at.clone()}</td>
                                <td>
                                    <ActionForm action=review attr:class="inline-form">
                                        <input type="hidden" name="voter" value=id.clone()/>
                                        <button type="submit" name="decision" value="confirm" class="button small"
                                            aria-label=format!("Confirm: voter {id}'s votes stay out")>"Confirm"</button>
                                        " "
                                        <button type="submit" name="decision" value="restore" class="button small secondary"
                                            aria-label=format!("Restore: voter {id}'s votes count again")>"Restore"</button>
                                    </ActionForm>
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}
