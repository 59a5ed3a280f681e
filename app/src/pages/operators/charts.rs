//! Line charts as SVG, readable in light and dark (colours from the theme's variables), each with
//! a title, a description, a legend and its numbers in a table for those who cannot see it.

use leptos::prelude::*;

const WIDTH: f64 = 600.0;
const HEIGHT: f64 = 180.0;
const LEFT: f64 = 48.0;
const BOTTOM: f64 = 22.0;
const TOP: f64 = 8.0;

/// One line: its name in the legend and table, and its values, one per label.
#[derive(Debug, Clone)]
pub struct Series {
    pub name: &'static str,
    /// `series-a`, `series-b`, `series-c`: its colour.
    pub class: &'static str,
    pub values: Vec<f64>,
}

fn number(value: f64) -> String {
    if value.fract().abs() < f64::EPSILON { format!("{value:.0}") } else { format!("{value:.1}") }
}

fn points(values: &[f64], top: f64) -> String {
    let steps = values.len().saturating_sub(1).max(1);
    #[allow(clippy::cast_precision_loss)] // a chart has at most a few hundred points
    let dx = (WIDTH - LEFT - 4.0) / steps as f64;
    values
        .iter()
        .enumerate()
        .map(|(i, value)| {
            #[allow(clippy::cast_precision_loss)]
            let x = LEFT + dx * i as f64;
            let y = HEIGHT - BOTTOM - (value / top) * (HEIGHT - BOTTOM - TOP);
            format!("{x:.1},{y:.1}")
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[component]
pub fn LineChart(
    /// Unique on the page: names the title and description for assistive technology.
    id: &'static str,
    title: String,
    labels: Vec<String>,
    series: Vec<Series>,
) -> impl IntoView {
    let top = series.iter().flat_map(|s| s.values.iter().copied()).fold(1.0_f64, f64::max);
    let latest = series
        .iter()
        .map(|s| format!("{} {}", s.name, number(s.values.last().copied().unwrap_or(0.0))))
        .collect::<Vec<_>>()
        .join(", ");
    let description = match (labels.first(), labels.last()) {
        (Some(first), Some(last)) => {
            format!(
                "From {first} to {last}; the latest step: {latest}; the highest: {}.",
                number(top)
            )
        }
        _ => "No figures yet: the sampler writes one a minute.".to_owned(),
    };
    let (title_id, desc_id) = (format!("{id}-title"), format!("{id}-desc"));
    let labelled = format!("{title_id} {desc_id}");
    let first_label = labels.first().cloned().unwrap_or_default();
    let last_label = labels.last().cloned().unwrap_or_default();
    let lines = series.clone();
    view! {
        <figure class="chart">
            <svg viewBox=format!("0 0 {WIDTH} {HEIGHT}") role="img" aria-labelledby=labelled>
                <title id=title_id>{title.clone()}</title>
                <desc id=desc_id>{description}</desc>
                <line class="axis" x1=LEFT y1=TOP x2=LEFT y2=HEIGHT - BOTTOM/>
                <line class="axis" x1=LEFT y1=HEIGHT - BOTTOM x2=WIDTH y2=HEIGHT - BOTTOM/>
                <text class="tick" x=LEFT - 6.0 y=TOP + 10.0 text-anchor="end">{number(top)}</text>
                <text class="tick" x=LEFT - 6.0 y=HEIGHT - BOTTOM text-anchor="end">"0"</text>
                <text class="tick" x=LEFT y=HEIGHT - 4.0>{first_label}</text>
                <text class="tick" x=WIDTH - 4.0 y=HEIGHT - 4.0 text-anchor="end">{last_label}</text>
                {lines.into_iter().map(|line| view! {
                    <polyline class=format!("line {}", line.class) points=points(&line.values, top)/>
                }).collect_view()}
            </svg>
            <figcaption>
                <span class="chart-title">{title.clone()}</span>
                <ul class="legend">
                    {series.iter().map(|s| view! {
                        <li><span class=format!("swatch {}", s.class) aria-hidden="true"></span>{s.name}</li>
                    }).collect_view()}
                </ul>
            </figcaption>
            <details class="chart-numbers">
                <summary>"The numbers"</summary>
                <div class="table-scroll">
                    <table>
                        <caption class="visually-hidden">{title}</caption>
                        <thead><tr>
                            <th scope="col">"Step"</th>
                            {series.iter().map(|s| view! { <th scope="col">{s.name}</th> }).collect_view()}
                        </tr></thead>
                        <tbody>
                            {labels.iter().enumerate().map(|(i, label)| view! {
                                <tr>
                                    <th scope="row">{label.clone()}</th>
                                    {series.iter().map(|s| view! {
                                        <td>{number(s.values.get(i).copied().unwrap_or(0.0))}</td>
                                    }).collect_view()}
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            </details>
        </figure>
    }
    // Erased: a page holds several, and their full type is too deep for the compiler's limits.
    .into_any()
}
