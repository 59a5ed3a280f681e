//! The optional export of the key figures to InfluxDB 1.x: one line of line protocol per KPI
//! sample, written over plain HTTP (`POST /write`). Meant for an InfluxDB on this machine or a
//! private network, like the seed's stack; a write that fails or takes longer than
//! [`WRITE_TIMEOUT`] is logged and dropped, and never affects the site.

use app::server::operators::kpis::Figures;
use std::time::Duration;
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpStream,
};

pub const WRITE_TIMEOUT: Duration = Duration::from_secs(5);

#[derive(Debug, thiserror::Error)]
pub enum InfluxError {
    #[error("could not reach InfluxDB at {0}")]
    Connect(String, #[source] std::io::Error),
    #[error("InfluxDB did not answer within {WRITE_TIMEOUT:?}")]
    Timeout,
    #[error("InfluxDB answered {0}")]
    Refused(String),
}

/// Where the figures go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InfluxExport {
    /// `host:port`.
    authority: String,
    /// `/write?db=…&precision=s`.
    path: String,
}

impl InfluxExport {
    /// From `http://host[:port][/]` and a database name (letters, digits, `_` and `-`).
    pub fn new(url: &str, database: &str) -> Result<Self, String> {
        let rest = url.strip_prefix("http://").ok_or_else(|| {
            format!("metrics.influxdb_url must be an http:// address (got {url:?})")
        })?;
        let authority = rest.trim_end_matches('/');
        if authority.is_empty() || authority.contains(['/', '@', '?', '#', ' ']) {
            return Err(format!(
                "metrics.influxdb_url must be http://host or http://host:port (got {url:?})"
            ));
        }
        let authority =
            if authority.contains(':') { authority.to_owned() } else { format!("{authority}:80") };
        if database.is_empty()
            || !database.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        {
            return Err("metrics.influxdb_database may hold letters, digits, _ and - only".into());
        }
        Ok(Self { authority, path: format!("/write?db={database}&precision=s") })
    }

    /// Writes `line` (line protocol); InfluxDB answers 204 when it took it.
    pub async fn write(&self, line: &str) -> Result<(), InfluxError> {
        tokio::time::timeout(WRITE_TIMEOUT, self.post(line))
            .await
            .map_err(|_| InfluxError::Timeout)?
    }

    async fn post(&self, body: &str) -> Result<(), InfluxError> {
        let connect = |error| InfluxError::Connect(self.authority.clone(), error);
        let mut stream = TcpStream::connect(&self.authority).await.map_err(connect)?;
        let request = format!(
            "POST {} HTTP/1.1\r\nHost: {}\r\nContent-Type: text/plain; charset=utf-8\r\n\
             Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
            self.path,
            self.authority,
            body.len()
        );
        stream.write_all(request.as_bytes()).await.map_err(connect)?;
        // The status line is all that matters; an answer is small (a JSON error at most).
        let mut answer = Vec::with_capacity(512);
        stream.take(64 * 1024).read_to_end(&mut answer).await.map_err(connect)?;
        let answer = String::from_utf8_lossy(&answer);
        let status = answer.lines().next().unwrap_or_default();
        if status.split_whitespace().nth(1) == Some("204") {
            Ok(())
        } else {
            Err(InfluxError::Refused(status.to_owned()))
        }
    }
}

/// The figures as one line of line protocol, measurement `kpis`, at `unix_secs`.
pub fn line(figures: &Figures, unix_secs: i64) -> String {
    let Figures {
        counted_votes,
        discounted_votes,
        voters,
        regulars,
        members,
        uploaders,
        uploads,
        reports,
        active_voters,
    } = figures;
    format!(
        "kpis counted_votes={counted_votes}i,discounted_votes={discounted_votes}i,\
         voters={voters}i,regulars={regulars}i,members={members}i,uploaders={uploaders}i,\
         uploads={uploads}i,reports={reports}i,active_voters={active_voters}i {unix_secs}"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_plain_http_hosts_and_the_line_is_line_protocol() {
        let export = InfluxExport::new("http://127.0.0.1:8086/", "ratemyderp").unwrap();
        assert_eq!(export.authority, "127.0.0.1:8086");
        assert_eq!(export.path, "/write?db=ratemyderp&precision=s");
        assert_eq!(InfluxExport::new("http://influx", "k").unwrap().authority, "influx:80");
        assert!(InfluxExport::new("https://influx", "k").is_err());
        assert!(InfluxExport::new("http://user@influx", "k").is_err());
        assert!(InfluxExport::new("http://influx/x", "k").is_err());
        assert!(InfluxExport::new("http://influx", "k&drop=1").is_err());
        let figures = Figures { counted_votes: 3, active_voters: 2, ..Figures::default() };
        assert_eq!(
            line(&figures, 1_800_000_000),
            "kpis counted_votes=3i,discounted_votes=0i,voters=0i,regulars=0i,members=0i,\
             uploaders=0i,uploads=0i,reports=0i,active_voters=2i 1800000000"
        );
    }
}
