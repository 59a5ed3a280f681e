//! `/admin`: the key figures over a chosen range, live.

use super::{
    AdminNav,
    charts::{LineChart, Series},
    live_ticks,
};
use crate::{
    api::load_kpis,
    operators::{Funnel, KpiDashboard, KpiRange, KpiStep},
    pages::standings::load_failed,
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn KpiDashboardPage() -> impl IntoView {
    let query = use_query_map();
    let range = move || KpiRange::from_key(&query.with(|q| q.get("range").unwrap_or_default()));
    let tick = live_ticks();
    let figures = Resource::new(
        move || (range(), tick.get()),
        |(range, _)| load_kpis(range.key().to_owned()),
    );
    view! {
        <Title text="Dashboard"/>
        <section class="board operators">
            <AdminNav current="/admin"/>
            <h1>"Dashboard"</h1>
            <nav class="board-tabs" aria-label="Time range">
                {KpiRange::ALL.into_iter().map(|option| view! {
                    <a href=format!("/admin?range={}", option.key())
                        aria-current=move || (range() == option).then_some("page")>{option.label()}</a>
                }).collect_view()}
            </nav>
            <Transition fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match figures.await {
                        Ok(dashboard) => view! { <Kpis dashboard/> }.into_any(),
                        Err(error) => load_failed(error),
                    }
                })}
            </Transition>
        </section>
    }
}

fn column(steps: &[KpiStep], value: impl Fn(&KpiStep) -> i64) -> Vec<f64> {
    #[allow(clippy::cast_precision_loss)] // counts far below 2^52
    steps.iter().map(|step| value(step) as f64).collect()
}

#[component]
fn Kpis(dashboard: KpiDashboard) -> impl IntoView {
    let KpiDashboard { range, steps, funnel, active_now, read_at, vote_latency } = dashboard;
    let labels: Vec<String> = steps.iter().map(|step| step.label.clone()).collect();
    let per = range.per_step();
    let counted_total: i64 = steps.iter().map(|s| s.counted_votes).sum();
    let discounted_total: i64 = steps.iter().map(|s| s.discounted_votes).sum();
    view! {
        <p class="board-blurb" role="status">
            {format!("{active_now} voters active in the last 5 minutes. Read at {read_at}; updates every few seconds.")}
        </p>
        <div class="chart-grid">
            <LineChart id="votes-chart" title=format!("Votes {per}") labels=labels.clone() series=vec![
                Series { name: "Counted", class: "series-a", values: column(&steps, |s| s.counted_votes) },
                Series { name: "Discounted", class: "series-b", values: column(&steps, |s| s.discounted_votes) },
            ]/>
            <LineChart id="active-chart" title="Active voters (voted in the 5 minutes before)".to_owned() labels=labels.clone() series=vec![
                Series { name: "Active voters", class: "series-a", values: column(&steps, |s| s.active_voters) },
            ]/>
            <LineChart id="growth-chart" title=format!("New voters, sign-ups, uploads and reports {per}") labels series=vec![
                Series { name: "New voters", class: "series-a", values: column(&steps, |s| s.new_voters) },
                Series { name: "Sign-ups", class: "series-b", values: column(&steps, |s| s.sign_ups) },
                Series { name: "Uploads", class: "series-c", values: column(&steps, |s| s.uploads) },
                Series { name: "Reports", class: "series-d", values: column(&steps, |s| s.reports) },
            ]/>
        </div>
        <p>{format!("In this range: {counted_total} votes counted, {discounted_total} discounted.")}</p>
        <p>{format!(
            "Vote latency on this server, last minute or two (bucket bounds): {}.",
            vote_latency.unwrap_or_else(|| "no votes yet".to_owned())
        )}</p>
        <FunnelView funnel/>
    }
    .into_any()
}

fn percent(part: i64, whole: i64) -> String {
    if whole == 0 {
        "–".to_owned()
    } else {
        #[allow(clippy::cast_precision_loss)]
        let share = part as f64 * 100.0 / whole as f64;
        format!("{share:.1} %")
    }
}

#[component]
fn FunnelView(funnel: Funnel) -> impl IntoView {
    let Funnel { voters, regulars, members, uploaders } = funnel;
    let steps = [
        ("Voted once", voters, voters),
        ("Voted ten times", regulars, voters),
        ("Signed up", members, regulars),
        ("Uploaded a picture", uploaders, members),
    ];
    view! {
        <section aria-labelledby="funnel-heading">
            <h2 id="funnel-heading">"The funnel, so far"</h2>
            <p class="hint">"Visitors who never vote leave nothing behind (no row until the first vote), so the funnel starts at the first vote."</p>
            <table class="my-pictures">
                <caption class="visually-hidden">"How far voters go"</caption>
                <thead><tr>
                    <th scope="col">"Step"</th><th scope="col">"People"</th><th scope="col">"Of the step before"</th>
                </tr></thead>
                <tbody>
                    {steps.into_iter().map(|(label, count, before)| view! {
                        <tr><th scope="row">{label}</th><td>{count}</td><td>{percent(count, before)}</td></tr>
                    }).collect_view()}
                </tbody>
            </table>
            <p>{format!("Anonymous to registered: {} of voters have an account.", percent(members, voters))}</p>
        </section>
    }
    .into_any()
}
