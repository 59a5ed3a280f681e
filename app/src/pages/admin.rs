//! `/admin/votes`: the flagged votes, in the cases the detectors opened, with the evidence, for
//! an admin to confirm (they stay out) or restore (they count again). A 404 page for everybody
//! else.

use crate::{
    api::{ReviewFlaggedVotes, load_flagged_votes},
    integrity::FlaggedCase,
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
                    Ok(cases) => view! {
                        <Title text="Flagged votes"/>
                        <section class="board">
                            <h1>"Flagged votes"</h1>
                            <p class="board-blurb">"These votes stopped counting. Confirm keeps them out; restore counts them again."</p>
                            <FormProblem problem/>
                            {if cases.is_empty() {
                                view! { <p role="status">"Nothing waiting for review."</p> }.into_any()
                            } else {
                                view! { <CasesTable cases review/> }.into_any()
                            }}
                        </section>
                    }.into_any(),
                    Err(error) => load_failed(error),
                }
            })}
        </Transition>
    }
}

fn ratings_given(case: &FlaggedCase) -> String {
    (1..=RATINGS)
        .zip(case.ratings.0)
        .filter(|(_, count)| *count > 0)
        .map(|(rating, count)| format!("{count}× {rating}"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[component]
fn CasesTable(cases: Vec<FlaggedCase>, review: ServerAction<ReviewFlaggedVotes>) -> impl IntoView {
    view! {
        <div class="table-scroll">
            <table class="my-pictures">
                <caption class="visually-hidden">"Cases of votes that stopped counting"</caption>
                <thead><tr>
                    <th scope="col">"Case"</th>
                    <th scope="col">"Why"</th>
                    <th scope="col">"Evidence"</th>
                    <th scope="col">"Voters"</th>
                    <th scope="col">"Votes"</th>
                    <th scope="col">"Ratings given"</th>
                    <th scope="col">"Since"</th>
                    <th scope="col">"Decision"</th>
                </tr></thead>
                <tbody>
                    {cases.into_iter().map(|case| {
                        let ratings = ratings_given(&case);
                        let id = case.case.clone();
                        view! {
                            <tr>
                                <th scope="row">{format!("#{id}")}</th>
                                <td>{case.reason.clone()}</td>
                                <td>{case.evidence.clone()}</td>
                                <td>{case.voters}</td>
                                <td>{case.votes}</td>
                                <td>{ratings}</td>
                                <td>{case.flagged_at.clone()}</td>
                                <td>
                                    <ActionForm action=review attr:class="inline-form">
                                        <input type="hidden" name="case" value=id.clone()/>
                                        <button type="submit" name="decision" value="confirm" class="button small"
                                            aria-label=format!("Confirm case {id}: its votes stay out")>"Confirm"</button>
                                        " "
                                        <button type="submit" name="decision" value="restore" class="button small secondary"
                                            aria-label=format!("Restore case {id}: its votes count again")>"Restore"</button>
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
