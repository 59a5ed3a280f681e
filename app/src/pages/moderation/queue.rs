//! `/admin/pictures`: the pictures their reports took out of the rotation, for an admin to
//! approve (back in play) or remove (deleted; the owner is told the reason chosen). A 404 page
//! for everybody else.

use crate::{
    api::{ModeratePicture, load_held_pictures},
    moderation::{HeldPicture, ReportReason},
    pages::{forms::FormProblem, standings::load_failed},
};
use leptos::{form::ActionForm, prelude::*};
use leptos_meta::Title;

#[component]
pub fn HeldPicturesPage() -> impl IntoView {
    let moderate = ServerAction::<ModeratePicture>::new();
    let held = Resource::new(move || moderate.version().get(), |_| load_held_pictures());
    let problem = move || moderate.value().get().and_then(Result::err).map(|error| error.message);
    view! {
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match held.await {
                    Ok(pictures) => view! {
                        <Title text="Reported pictures"/>
                        <section class="board">
                            <h1>"Reported pictures"</h1>
                            <p class="board-blurb">"Enough voters reported these that they left the rotation. Approve puts a picture back and clears its reports; remove deletes it, and its owner is told the reason you choose."</p>
                            <FormProblem problem/>
                            {if pictures.is_empty() {
                                view! { <p role="status">"No reported pictures are waiting."</p> }.into_any()
                            } else {
                                view! {
                                    <ul class="held-pictures">
                                        {pictures.into_iter().map(|picture| view! { <HeldItem picture moderate/> }).collect_view()}
                                    </ul>
                                }.into_any()
                            }}
                        </section>
                    }.into_any(),
                    Err(error) => load_failed(error),
                }
            })}
        </Transition>
    }
}

#[component]
fn HeldItem(picture: HeldPicture, moderate: ServerAction<ModeratePicture>) -> impl IntoView {
    let HeldPicture { id, title, image_src, owner, reports, held_since } = picture;
    let heading = format!("held-{id}");
    let reason_field = format!("remove-reason-{id}");
    let reports = reports
        .into_iter()
        .map(|(reason, count)| format!("{reason} ({count})"))
        .collect::<Vec<_>>()
        .join(", ");
    let owner = owner.map_or_else(|| "a demo picture".to_owned(), |name| format!("by {name}"));
    let approve_label = format!("Approve “{title}”: back in the rotation");
    let remove_label = format!("Remove “{title}”");
    let labelled_by = heading.clone();
    let alt = title.clone();
    view! {
        <li class="held-picture" aria-labelledby=labelled_by>
            <img src=image_src alt=alt width="160" height="160"/>
            <div>
                <h2 id=heading>{title}</h2>
                <p>{format!("#{id}, {owner}; held since {held_since}")}</p>
                <p>{format!("Reports: {reports}")}</p>
                <ActionForm action=moderate attr:class="inline-form">
                    <input type="hidden" name="id" value=id/>
                    <button type="submit" name="decision" value="approve" class="button small"
                        aria-label=approve_label>"Approve"</button>
                </ActionForm>
                <ActionForm action=moderate attr:class="inline-form">
                    <input type="hidden" name="id" value=id/>
                    <label for=reason_field.clone()>"Reason for its owner"</label>
                    <select id=reason_field name="reason" required>
                        {ReportReason::all().map(|reason| view! {
                            <option value=reason.as_str()>{reason.label()}</option>
                        }).collect_view()}
                    </select>
                    <button type="submit" name="decision" value="remove" class="button small danger"
                        aria-label=remove_label>"Remove"</button>
                </ActionForm>
            </div>
        </li>
    }
}
