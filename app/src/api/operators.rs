//! The operators' dashboards: key figures over a range, and the system's figures. Admins only:
//! anybody else gets "not found".

use crate::{
    error::AppError,
    operators::{KpiDashboard, SystemFigures},
};
use leptos::prelude::*;

/// The KPI dashboard for the range named `range` (`1h`, `24h`, `7d`, `90d`).
#[server(endpoint = "admin/kpis")]
pub async fn load_kpis(range: String) -> Result<KpiDashboard, AppError> {
    use crate::{
        operators::KpiRange,
        server::{operators::kpis, outcome::loaded},
    };
    let result = async {
        let state = super::votes::admin_context()?;
        let dashboard = kpis::dashboard(&state.pool, KpiRange::from_key(&range))
            .await
            .map_err(|e| unavailable(&e))?;
        let vote_latency = state.vote_latency.quantiles().map(|q| {
            let votes = if q.votes == 1 { "vote" } else { "votes" };
            format!("p50 {} ms, p95 {} ms, over {} {votes}", q.p50_ms, q.p95_ms, q.votes)
        });
        Ok(KpiDashboard { vote_latency, ..dashboard })
    };
    loaded(result.await)
}

/// The system's figures, read now.
#[server(endpoint = "admin/system")]
pub async fn load_system() -> Result<SystemFigures, AppError> {
    use crate::server::{operators::system, outcome::loaded};
    let result = async {
        let state = super::votes::admin_context()?;
        system::read(&state.pool, &state.data_dir).await.map_err(|e| unavailable(&e))
    };
    loaded(result.await)
}

#[cfg(feature = "ssr")]
fn unavailable(error: &sqlx::Error) -> AppError {
    tracing::error!(error = %crate::server::ErrorChain(error), "could not read the dashboards' figures");
    AppError::new(crate::error::ErrorCode::Unavailable)
}
