//! The operators' pages, admins only: the KPI dashboard (`/admin`), the system dashboard
//! (`/admin/system`), with charts drawn here as SVG, rendered on the server first and then
//! refreshed every few seconds.

mod charts;
mod kpis;
mod system;

pub use kpis::KpiDashboardPage;
pub use system::SystemDashboardPage;

use leptos::prelude::*;
use std::time::Duration;

/// How often the dashboards read their figures again.
const REFRESH: Duration = Duration::from_secs(3);

/// A signal that counts up every [`REFRESH`] in the browser (never on the server), for resources
/// that should read again.
fn live_ticks() -> RwSignal<u32> {
    let tick = RwSignal::new(0u32);
    Effect::new(move |_| {
        let bump = move || tick.update(|t| *t = t.wrapping_add(1));
        if let Ok(handle) = leptos::prelude::set_interval_with_handle(bump, REFRESH) {
            on_cleanup(move || handle.clear());
        }
    });
    tick
}

/// The admin pages' own navigation.
#[component]
pub fn AdminNav(current: &'static str) -> impl IntoView {
    let pages = [
        ("/admin", "Dashboard"),
        ("/admin/system", "System"),
        ("/admin/votes", "Flagged votes"),
        ("/admin/pictures", "Reported pictures"),
    ];
    view! {
        <nav class="board-tabs" aria-label="Admin">
            {pages.into_iter().map(|(href, label)| view! {
                <a href=href aria-current=(href == current).then_some("page")>{label}</a>
            }).collect_view()}
        </nav>
    }
}
