//! What the operators' dashboards read: the key figures ([`kpis`]) and the system's ([`system`]).

pub mod kpis;
pub mod system;
