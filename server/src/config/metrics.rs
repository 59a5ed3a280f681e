//! The metrics' settings: where `/metrics` is open to anybody, and the optional export of the
//! key figures to InfluxDB.

use serde::{Deserialize, Serialize};
use std::net::SocketAddr;

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MetricsSettings {
    /// Where `/metrics` is also served, to anybody who can connect (such as `127.0.0.1:9464`,
    /// for a Prometheus on this machine); unset: only admins get it, on the site.
    pub listen: Option<SocketAddr>,
    /// An InfluxDB 1.x to send each minute's key figures to, as line protocol (such as
    /// `http://127.0.0.1:8086`); unset: none. A failed write is logged and never affects the site.
    pub influxdb_url: Option<String>,
    /// The InfluxDB database written to.
    pub influxdb_database: Option<String>,
}

impl MetricsSettings {
    pub(super) fn validate(&self) -> Result<(), String> {
        if let Some(url) = &self.influxdb_url {
            crate::influx::InfluxExport::new(url, self.database())?;
        }
        Ok(())
    }

    pub fn database(&self) -> &str {
        self.influxdb_database.as_deref().unwrap_or("ratemyderp")
    }
}
