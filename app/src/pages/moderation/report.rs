//! "Report this picture": a disclosure with the reasons, sent to `report_picture`.

use crate::{
    api::ReportPicture,
    moderation::ReportReason,
    pages::forms::{FormProblem, FormSuccess, has_flag},
};
use leptos::{form::ActionForm, prelude::*};

/// The report form for picture `id`, on the page named by `from` (`"vote"` or `"picture"`),
/// which the browser comes back to.
#[component]
pub fn ReportForm(id: i64, from: &'static str) -> impl IntoView {
    let report = ServerAction::<ReportPicture>::new();
    let reported = has_flag("reported");
    // Only this form's own answer: a problem posted without JavaScript is shown by the page.
    let problem = move || report.value().get().and_then(Result::err).map(|error| error.message);
    view! {
        {move || reported().then(|| view! {
            <FormSuccess>"Thanks for telling us. A moderator will take a look."</FormSuccess>
        })}
        <details class="report">
            <summary>"Report this picture"</summary>
            <ActionForm action=report attr:class="stacked-form report-form">
                <input type="hidden" name="id" value=id/>
                <input type="hidden" name="from" value=from/>
                <fieldset>
                    <legend>"What's wrong with it?"</legend>
                    {ReportReason::all().map(|reason| view! {
                        <label class="checkbox">
                            <input type="radio" name="reason" value=reason.as_str() required/>
                            {reason.label()}
                        </label>
                    }).collect_view()}
                </fieldset>
                <FormProblem problem/>
                <button type="submit" class="button small secondary">"Send report"</button>
            </ActionForm>
        </details>
    }
}
