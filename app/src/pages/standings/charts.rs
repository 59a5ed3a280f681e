//! Charts drawn by the app as SVG, on the server as on the client: readable without
//! JavaScript, and accessible — each is an image with a title and a description, and the same
//! numbers follow in a table.
//!
//! The SVG is written as text (`inner_html`) rather than with the view macro: it is a handful
//! of shapes, and the text form keeps SVG's own `<title>` apart from the page's.

use crate::standings::{Histogram, RATINGS, pictures::RankPoint};
use leptos::prelude::*;
use std::fmt::Write as _;

/// Escapes text for SVG markup.
fn escape(text: &str) -> String {
    text.chars().fold(String::with_capacity(text.len()), |mut out, c| {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
        out
    })
}

fn votes(count: i64) -> String {
    format!("{count} vote{}", if count == 1 { "" } else { "s" })
}

/// The histogram's SVG: one bar per rating, its count above it.
#[allow(clippy::cast_precision_loss)] // counts far below 2^52
pub(super) fn histogram_svg(histogram: &Histogram, id: &str) -> String {
    const BASE: f64 = 150.0;
    const TALLEST: f64 = 120.0;
    let most = histogram.0.iter().copied().max().unwrap_or(0).max(1) as f64;
    let summary = (1..=RATINGS)
        .rev()
        .zip(histogram.0.iter().rev())
        .map(|(rating, count)| format!("{rating}: {}", votes(*count)))
        .collect::<Vec<_>>()
        .join(", ");
    let mut svg = format!(
        r#"<svg viewBox="0 0 330 180" role="img" aria-labelledby="{id}-title {id}-desc"><title id="{id}-title">How voters rated it</title><desc id="{id}-desc">{}</desc>"#,
        escape(&summary)
    );
    for (slot, count) in (0u8..).zip(histogram.0) {
        let x = 5.0 + f64::from(slot) * 32.0;
        let height = (count as f64 / most * TALLEST).max(if count > 0 { 2.0 } else { 0.0 });
        let _ = write!(
            svg,
            r#"<rect class="bar bar-{rating}" x="{x}" y="{y:.1}" width="26" height="{height:.1}" rx="3"/><text class="count" x="{cx}" y="{ty:.1}">{count}</text><text class="axis" x="{cx}" y="170">{rating}</text>"#,
            rating = slot + 1,
            y = BASE - height,
            cx = x + 13.0,
            ty = BASE - height - 4.0,
        );
    }
    let _ =
        write!(svg, r#"<line class="baseline" x1="0" x2="330" y1="{BASE}" y2="{BASE}"/></svg>"#);
    svg
}

/// The rank history's SVG: a line over the days, the best rank at the top.
#[allow(clippy::cast_precision_loss)]
pub(super) fn rank_svg(history: &[RankPoint], id: &str) -> String {
    const LEFT: f64 = 44.0;
    const WIDTH: f64 = 280.0;
    const TOP: f64 = 14.0;
    const HEIGHT: f64 = 120.0;
    let best = history.iter().map(|p| p.rank).min().unwrap_or(1);
    let worst = history.iter().map(|p| p.rank).max().unwrap_or(1).max(best + 1);
    let span = (history.len().max(2) - 1) as f64;
    let point = |i: usize, rank: i64| {
        let x = LEFT + i as f64 / span * WIDTH;
        let y = TOP + (rank - best) as f64 / (worst - best) as f64 * HEIGHT;
        (x, y)
    };
    let (first, last) = (history.first(), history.last());
    let summary = match (first, last) {
        (Some(first), Some(last)) => format!(
            "From #{} of {} on {} to #{} of {} on {}; best #{best}.",
            first.rank, first.of, first.day, last.rank, last.of, last.day
        ),
        _ => "No ranks yet.".to_owned(),
    };
    let mut svg = format!(
        r#"<svg viewBox="0 0 340 170" role="img" aria-labelledby="{id}-title {id}-desc"><title id="{id}-title">Rank by day</title><desc id="{id}-desc">{}</desc>"#,
        escape(&summary)
    );
    let line: Vec<String> = history
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let (x, y) = point(i, p.rank);
            format!("{x:.1},{y:.1}")
        })
        .collect();
    let _ = write!(
        svg,
        r#"<text class="axis" x="38" y="{TOP}" text-anchor="end">#{best}</text><text class="axis" x="38" y="{:.1}" text-anchor="end">#{worst}</text><polyline class="rank-line" points="{}"/>"#,
        TOP + HEIGHT,
        line.join(" ")
    );
    for (i, p) in history.iter().enumerate() {
        let (x, y) = point(i, p.rank);
        let _ = write!(svg, r#"<circle class="rank-dot" cx="{x:.1}" cy="{y:.1}" r="3"/>"#);
    }
    if let (Some(first), Some(last)) = (first, last) {
        let _ = write!(
            svg,
            r#"<text class="axis" x="{LEFT}" y="160">{}</text><text class="axis" x="{}" y="160" text-anchor="end">{}</text>"#,
            escape(&first.day),
            LEFT + WIDTH,
            escape(&last.day)
        );
    }
    svg.push_str("</svg>");
    svg
}

#[component]
pub fn HistogramChart(histogram: Histogram) -> impl IntoView {
    view! {
        <figure class="chart">
            <div class="chart-art" inner_html=histogram_svg(&histogram, "ratings-chart")></div>
            <figcaption>"Ratings from 1 (meh) to 10 (peak derp)"</figcaption>
            <table class="chart-table">
                <caption>"Votes per rating"</caption>
                <thead><tr><th scope="row">"Rating"</th>
                    {(1..=RATINGS).map(|rating| view! { <th scope="col">{rating}</th> }).collect_view()}
                </tr></thead>
                <tbody><tr><th scope="row">"Votes"</th>
                    {histogram.0.iter().map(|count| view! { <td>{*count}</td> }).collect_view()}
                </tr></tbody>
            </table>
        </figure>
    }
}

#[component]
pub fn RankChart(history: Vec<RankPoint>) -> impl IntoView {
    if history.len() < 2 {
        return view! {
            <p class="chart-empty">"The rank chart starts once the picture has been ranked on two days."</p>
        }
        .into_any();
    }
    view! {
        <figure class="chart">
            <div class="chart-art" inner_html=rank_svg(&history, "rank-chart")></div>
            <figcaption>"Rank by day (higher is better)"</figcaption>
            <details>
                <summary>"Ranks by day, as a table"</summary>
                <table class="chart-table">
                    <thead><tr><th scope="col">"Day"</th><th scope="col">"Rank"</th></tr></thead>
                    <tbody>
                        {history.into_iter().map(|p| view! {
                            <tr><td>{p.day}</td><td>{format!("#{} of {}", p.rank, p.of)}</td></tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </details>
        </figure>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_histogram_chart_describes_every_rating_and_escapes_nothing_it_should_not() {
        let svg = histogram_svg(&Histogram([1, 0, 0, 0, 0, 0, 0, 0, 2, 5]), "h");
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(svg.contains("10: 5 votes, 9: 2 votes") && svg.contains("1: 1 vote<"));
        assert_eq!(svg.matches("<rect").count(), 10);
        assert!(svg.contains(r#"aria-labelledby="h-title h-desc""#));
        assert_eq!(escape(r#"<a href="x">&'"#), "&lt;a href=&quot;x&quot;&gt;&amp;&#39;");
    }

    #[test]
    fn the_rank_chart_puts_the_best_rank_on_top() {
        let day = |day: &str, rank| RankPoint { day: day.into(), rank, of: 10 };
        let svg = rank_svg(&[day("2026-11-01", 8), day("2026-11-02", 3)], "r");
        assert!(svg.contains("From #8 of 10 on 2026-11-01 to #3 of 10 on 2026-11-02"));
        // #3 (the best) at the top (y = 14), #8 at the bottom (y = 134).
        assert!(svg.contains(r#"points="44.0,134.0 324.0,14.0""#), "{svg}");
    }
}
