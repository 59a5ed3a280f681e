//! `/admin/system`: the database, the process, the machine and the jobs, live. Rates (CPU,
//! transactions, network) come from the last two readings; the charts hold the readings since
//! the page opened.

use super::{
    AdminNav,
    charts::{LineChart, Series},
    live_ticks,
};
use crate::{api::load_system, operators::SystemFigures, pages::standings::load_failed};
use leptos::prelude::*;
use leptos_meta::Title;

/// Readings kept for the charts.
const HISTORY: usize = 60;

#[allow(clippy::cast_precision_loss)] // bytes and counts, shown rounded
fn mib(bytes: u64) -> String {
    format!("{:.0} MiB", bytes as f64 / 1_048_576.0)
}

/// Rates per second between two readings.
#[derive(Debug, Clone, Copy, Default)]
struct Rates {
    cpu_percent: f64,
    transactions: f64,
    received: f64,
    sent: f64,
}

#[allow(clippy::cast_precision_loss)]
fn rates(before: &SystemFigures, now: &SystemFigures) -> Rates {
    let seconds = (now.clock_secs - before.clock_secs).max(0.001);
    Rates {
        cpu_percent: (now.process_cpu_secs - before.process_cpu_secs).max(0.0) / seconds * 100.0,
        transactions: (now.db_transactions - before.db_transactions).max(0) as f64 / seconds,
        received: now.network_received_bytes.saturating_sub(before.network_received_bytes) as f64
            / seconds,
        sent: now.network_sent_bytes.saturating_sub(before.network_sent_bytes) as f64 / seconds,
    }
}

#[component]
pub fn SystemDashboardPage() -> impl IntoView {
    let tick = live_ticks();
    let figures = Resource::new(move || tick.get(), |_| load_system());
    let history = RwSignal::new(Vec::<SystemFigures>::new());
    view! {
        <Title text="System"/>
        <section class="board operators">
            <AdminNav current="/admin/system"/>
            <h1>"System"</h1>
            <Transition fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match figures.await {
                        Ok(now) => {
                            history.update(|readings| {
                                if readings.last().is_none_or(|last| last.clock_secs < now.clock_secs) {
                                    readings.push(now.clone());
                                }
                                if readings.len() > HISTORY {
                                    readings.remove(0);
                                }
                            });
                            let readings = history.get_untracked();
                            view! { <SystemView now readings/> }.into_any()
                        }
                        Err(error) => load_failed(error),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn SystemView(now: SystemFigures, readings: Vec<SystemFigures>) -> impl IntoView {
    let rate = match readings.as_slice() {
        [.., before, last] => rates(before, last),
        _ => Rates::default(),
    };
    let pairs: Vec<Rates> = readings
        .windows(2)
        .filter_map(|pair| match pair {
            [before, after] => Some(rates(before, after)),
            _ => None,
        })
        .collect();
    let labels: Vec<String> = readings.iter().skip(1).map(|r| r.read_at.clone()).collect();
    #[allow(clippy::cast_precision_loss)]
    let memory: Vec<f64> =
        readings.iter().skip(1).map(|r| r.process_memory_bytes as f64 / 1_048_576.0).collect();
    let figures = [
        ("Database connections", now.db_connections.to_string()),
        ("Transactions per second", format!("{:.1}", rate.transactions)),
        ("Cache hit ratio", format!("{:.2} %", now.db_cache_hit_ratio * 100.0)),
        ("Database size", mib(u64::try_from(now.db_size_bytes).unwrap_or(0))),
        ("Longest running query", format!("{:.1} s", now.db_longest_query_secs)),
        ("Server memory", mib(now.process_memory_bytes)),
        ("Server CPU", format!("{:.1} % of one core", rate.cpu_percent)),
        ("Server open files and connections", now.process_open_files.to_string()),
        (
            "Machine memory available",
            format!(
                "{} of {}",
                mib(now.machine_memory_available_bytes),
                mib(now.machine_memory_total_bytes)
            ),
        ),
        (
            "Machine load (1 minute)",
            format!("{:.2} on {} cores", now.machine_load_1m, now.machine_cpus),
        ),
        (
            "Data folder's disk free",
            format!("{} of {}", mib(now.disk_free_bytes), mib(now.disk_total_bytes)),
        ),
        (
            "Network in / out",
            format!("{:.1} / {:.1} KiB/s", rate.received / 1024.0, rate.sent / 1024.0),
        ),
    ];
    view! {
        <p class="board-blurb" role="status">{format!("Read at {}; updates every few seconds.", now.read_at)}</p>
        <dl class="system-figures">
            {figures.into_iter().map(|(label, value)| view! {
                <div><dt>{label}</dt><dd>{value}</dd></div>
            }).collect_view()}
        </dl>
        <div class="chart-grid">
            <LineChart id="cpu-chart" title="Server CPU, % of one core".to_owned() labels=labels.clone() series=vec![
                Series { name: "CPU", class: "series-a", values: pairs.iter().map(|r| r.cpu_percent).collect() },
            ]/>
            <LineChart id="memory-chart" title="Server memory, MiB".to_owned() labels=labels.clone() series=vec![
                Series { name: "Memory", class: "series-b", values: memory },
            ]/>
            <LineChart id="transactions-chart" title="Database transactions per second".to_owned() labels series=vec![
                Series { name: "Transactions", class: "series-c", values: pairs.iter().map(|r| r.transactions).collect() },
            ]/>
        </div>
        <section aria-labelledby="jobs-heading">
            <h2 id="jobs-heading">"Jobs"</h2>
            <div class="table-scroll">
                <table class="my-pictures">
                    <caption class="visually-hidden">"The periodic jobs' last runs"</caption>
                    <thead><tr>
                        <th scope="col">"Job"</th><th scope="col">"Last run"</th><th scope="col">"Outcome"</th>
                        <th scope="col">"Took"</th><th scope="col">"Failures, 24 h"</th>
                    </tr></thead>
                    <tbody>
                        {now.jobs.into_iter().map(|job| view! {
                            <tr>
                                <th scope="row">{job.job}</th><td>{job.last_run}</td><td>{job.last_outcome}</td>
                                <td>{format!("{} ms", job.last_duration_ms)}</td><td>{job.failures_24h}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </section>
    }
    .into_any()
}
