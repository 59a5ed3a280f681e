//! Configuration: built-in defaults, then a TOML file, then environment variables.
//!
//! Environment variables are named `RMD_<SECTION>__<KEY>`, for example `RMD_SERVER__PORT=8080`;
//! `DATABASE_URL` is also read, as is conventional.

use app::server::accounts::password;
use figment::{
    Figment,
    providers::{Env, Format, Serialized, Toml},
};
use secrecy::SecretString;
use serde::{Deserialize, Serialize};
use std::{net::IpAddr, path::PathBuf, time::Duration};

mod metrics;
mod standings;
mod votes;
pub use metrics::MetricsSettings;
pub use standings::StandingsSettings;
pub use votes::VoteSettings;

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    pub server: ServerSettings,
    pub database: DatabaseSettings,
    pub votes: VoteSettings,
    pub standings: StandingsSettings,
    pub accounts: AccountSettings,
    pub site: SiteSettings,
    pub metrics: MetricsSettings,
    /// Signs voter cookies and vote tickets. At least 32 bytes. When unset, a random key is
    /// generated once and kept in `<data_dir>/secret.key`; set it explicitly when several
    /// instances serve the same site.
    #[serde(skip_serializing)]
    pub secret_key: Option<SecretString>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServerSettings {
    pub host: IpAddr,
    /// 0 picks a free port (used by the tests).
    pub port: u16,
    /// Public address of the site, such as `https://ratemyderp.example`. When it is https,
    /// cookies are marked `Secure`.
    pub public_url: Option<String>,
    pub request_timeout_secs: u64,
    /// Connections open at once; more wait until one closes.
    pub max_connections: usize,
    /// A client must send a request's headers within this many seconds, or is disconnected
    /// (slow clients holding connections open).
    pub header_read_timeout_secs: u64,
    /// Reverse proxies in front of the site (addresses or CIDR blocks, such as `10.0.0.0/8`).
    /// Only for connections from these is the client taken from `X-Forwarded-For` or
    /// `Forwarded`; anybody else's such headers are ignored.
    pub trusted_proxies: Vec<String>,
    /// MiB of picture files kept in memory, so that a picture shown again is neither read from
    /// the database nor drawn again (0: none kept).
    pub picture_cache_mib: usize,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DatabaseSettings {
    /// A PostgreSQL server to use. When unset, the server runs its own cluster in `data_dir`.
    #[serde(skip_serializing)]
    pub url: Option<SecretString>,
    /// Where the embedded cluster, the generated secret key and other local state live.
    pub data_dir: PathBuf,
    /// Folder holding PostgreSQL's `initdb` and `postgres`; found automatically when unset.
    pub pg_bin_dir: Option<PathBuf>,
    pub max_connections: u32,
    /// How many demo pictures to create on first start, when there are none.
    pub demo_pictures: u32,
    /// Longest a statement may run before the database cancels it (0: no limit). A stuck
    /// database then answers "unavailable" quickly instead of holding every request until its
    /// timeout. The `migrate` and `seed` commands run without it.
    pub statement_timeout_secs: u64,
    /// Longest a statement waits for a lock held by another (0: no limit).
    pub lock_timeout_secs: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccountSettings {
    /// How long a login lasts.
    pub session_days: u32,
    /// Argon2id memory per hash, in KiB; never below [`password::MIN_MEMORY_KIB`] (OWASP's
    /// minimum, 19456).
    pub password_memory_kib: u32,
    /// Argon2id passes; never below [`password::MIN_ITERATIONS`] (2).
    pub password_iterations: u32,
    /// Passwords hashed at the same time; more wait their turn.
    pub password_hashing_concurrency: usize,
    /// Where emails are written when no SMTP server is configured (default `<data_dir>/outbox`).
    pub outbox_dir: Option<PathBuf>,
    /// The SMTP server to send email through, as `smtps://user:password@host` (port 465) or
    /// `smtp://user:password@host:587?tls=required` (STARTTLS); plain `smtp://` only for a relay
    /// on this machine. Unset: email goes to the outbox folder.
    #[serde(skip_serializing)]
    pub smtp_url: Option<SecretString>,
    /// The sender of every email, such as `RateMyDerp <no-reply@ratemyderp.example>`; needed
    /// with `smtp_url`.
    pub mail_from: Option<String>,
    /// Emails of any kind to one address per hour (resets, sign-ups).
    pub emails_per_recipient_per_hour: i32,
    /// Password resets one client (address, or IPv6 /64) may ask for per hour.
    pub resets_per_client_per_hour: i32,
    /// Sign-ups from one client per hour (each costs a password hash and an email).
    pub sign_ups_per_client_per_hour: i32,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SiteSettings {
    /// Where cargo-leptos put the built site (`pkg/`, assets).
    pub root: PathBuf,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            server: ServerSettings {
                host: IpAddr::from([127, 0, 0, 1]),
                port: 3000,
                public_url: None,
                request_timeout_secs: 15,
                max_connections: 4096,
                header_read_timeout_secs: 10,
                trusted_proxies: Vec::new(),
                picture_cache_mib: 64,
            },
            database: DatabaseSettings {
                url: None,
                data_dir: PathBuf::from(".data"),
                pg_bin_dir: None,
                max_connections: 16,
                demo_pictures: 36,
                statement_timeout_secs: 5,
                lock_timeout_secs: 2,
            },
            votes: VoteSettings::default(),
            standings: StandingsSettings::default(),
            accounts: AccountSettings {
                session_days: 30,
                password_memory_kib: password::MIN_MEMORY_KIB,
                password_iterations: password::MIN_ITERATIONS,
                password_hashing_concurrency: 2,
                outbox_dir: None,
                smtp_url: None,
                mail_from: None,
                emails_per_recipient_per_hour: 3,
                resets_per_client_per_hour: 10,
                sign_ups_per_client_per_hour: 10,
            },
            site: SiteSettings { root: PathBuf::from("target/site") },
            metrics: MetricsSettings::default(),
            secret_key: None,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("configuration: {}", describe(.0))]
    Invalid(Box<figment::Error>),
    #[error("configuration: {0}")]
    Rule(String),
}

/// Each problem with the setting it concerns and where its value came from, such as
/// "server.port: invalid type: found string "lots", expected u16 (from RMD_SERVER__PORT)".
fn describe(error: &figment::Error) -> String {
    error
        .clone()
        .into_iter()
        .map(|problem| {
            let key = problem.path.join(".");
            let origin = match &problem.metadata {
                Some(meta) if meta.name.contains("`RMD_`") => {
                    let parts: Vec<String> =
                        problem.path.iter().map(|p| p.to_uppercase()).collect();
                    format!("RMD_{}", parts.join("__"))
                }
                Some(meta) => {
                    meta.source.as_ref().map_or_else(|| meta.name.to_string(), ToString::to_string)
                }
                None => "the defaults".to_owned(),
            };
            if key.is_empty() {
                format!("{} (from {origin})", problem.kind)
            } else {
                format!("{key}: {} (from {origin})", problem.kind)
            }
        })
        .collect::<Vec<_>>()
        .join("; ")
}

impl Settings {
    /// Reads the settings: defaults < `file` (when it exists) < environment.
    pub fn load(file: Option<&std::path::Path>) -> Result<Self, ConfigError> {
        let mut figment = Figment::from(Serialized::defaults(Settings::default()));
        if let Some(file) = file {
            if !file.exists() {
                return Err(ConfigError::Rule(format!(
                    "the configuration file {} does not exist",
                    file.display()
                )));
            }
            figment = figment.merge(Toml::file_exact(file));
        }
        let settings: Settings = figment
            // RMD_CONFIG names the file itself and is read by the command line.
            .merge(Env::prefixed("RMD_").filter(|key| key != "config").split("__"))
            .merge(Env::raw().only(&["DATABASE_URL"]).map(|_| "database.url".into()))
            .merge(Env::raw().only(&["LEPTOS_SITE_ROOT"]).map(|_| "site.root".into()))
            .extract()
            .map_err(|error| ConfigError::Invalid(Box::new(error)))?;
        settings.validate()?;
        Ok(settings)
    }

    fn validate(&self) -> Result<(), ConfigError> {
        if let Some(url) = &self.server.public_url
            && !(url.starts_with("http://") || url.starts_with("https://"))
        {
            return Err(ConfigError::Rule(format!(
                "server.public_url must start with http:// or https:// (it is {url:?})"
            )));
        }
        self.votes.validate().map_err(ConfigError::Rule)?;
        self.metrics.validate().map_err(ConfigError::Rule)?;
        if u32::try_from(self.votes.writers).unwrap_or(u32::MAX) >= self.database.max_connections {
            return Err(ConfigError::Rule(
                "database.max_connections must exceed votes.writers, or pages could not load under load".into(),
            ));
        }
        if !(1..=400).contains(&self.accounts.session_days) {
            return Err(ConfigError::Rule("accounts.session_days must be from 1 to 400".into()));
        }
        if !(1..=64).contains(&self.accounts.password_hashing_concurrency) {
            return Err(ConfigError::Rule(
                "accounts.password_hashing_concurrency must be from 1 to 64".into(),
            ));
        }
        if self.accounts.smtp_url.is_some() && self.accounts.mail_from.is_none() {
            return Err(ConfigError::Rule(
                "accounts.mail_from (such as \"RateMyDerp <no-reply@ratemyderp.example>\") is needed with accounts.smtp_url".into(),
            ));
        }
        self.trusted_proxies()?;
        let accounts = &self.accounts;
        if [
            accounts.emails_per_recipient_per_hour,
            accounts.resets_per_client_per_hour,
            accounts.sign_ups_per_client_per_hour,
        ]
        .iter()
        .any(|limit| *limit < 1)
        {
            return Err(ConfigError::Rule(
                "accounts.emails_per_recipient_per_hour, resets_per_client_per_hour and \
                 sign_ups_per_client_per_hour must be at least 1"
                    .into(),
            ));
        }
        if self.database.max_connections < 2 {
            return Err(ConfigError::Rule("database.max_connections must be at least 2".into()));
        }
        self.standings.validate().map_err(ConfigError::Rule)
    }

    pub fn serves_https(&self) -> bool {
        self.server.public_url.as_deref().is_some_and(|url| url.starts_with("https://"))
    }

    pub fn session_lifetime(&self) -> Duration {
        Duration::from_secs(u64::from(self.accounts.session_days) * 86_400)
    }

    pub fn outbox_dir(&self) -> PathBuf {
        self.accounts.outbox_dir.clone().unwrap_or_else(|| self.database.data_dir.join("outbox"))
    }

    /// `server.trusted_proxies`, read: each an address (one host) or a CIDR block.
    pub fn trusted_proxies(&self) -> Result<Vec<ipnet::IpNet>, ConfigError> {
        self.server
            .trusted_proxies
            .iter()
            .map(|entry| {
                let entry = entry.trim();
                entry
                    .parse::<ipnet::IpNet>()
                    .or_else(|_| entry.parse::<IpAddr>().map(ipnet::IpNet::from))
                    .map_err(|_| {
                        ConfigError::Rule(format!(
                            "server.trusted_proxies: {entry:?} is not an address or a CIDR block \
                             (such as 10.0.0.1 or 10.0.0.0/8)"
                        ))
                    })
            })
            .collect()
    }

    /// How long the vote writer waits on the database for one step, on its own side: a little
    /// longer than the database's own statement timeout, which should fire first.
    pub fn vote_batch_timeout(&self) -> Duration {
        match self.database.statement_timeout_secs {
            0 => Duration::from_secs(30),
            secs => Duration::from_secs(secs + 1),
        }
    }

    pub fn ticket_max_age(&self) -> Duration {
        Duration::from_secs(self.votes.ticket_max_age_hours * 3600)
    }
}

#[cfg(test)]
// figment's `Jail` closures return its (large) error type.
#[allow(clippy::result_large_err)]
mod tests {
    use super::*;
    use figment::Jail;
    use secrecy::ExposeSecret;

    #[test]
    fn defaults_then_file_then_environment() {
        Jail::expect_with(|jail| {
            jail.create_file("rmd.toml", "[server]\nport = 4000\nhost = \"0.0.0.0\"")?;
            jail.set_env("RMD_SERVER__PORT", "5000");
            jail.set_env("DATABASE_URL", "postgres://db/rmd");
            let settings = Settings::load(Some("rmd.toml".as_ref())).map_err(|e| e.to_string())?;
            assert_eq!(settings.server.port, 5000);
            assert_eq!(settings.server.host.to_string(), "0.0.0.0");
            assert_eq!(
                settings.database.url.as_ref().map(ExposeSecret::expose_secret),
                Some("postgres://db/rmd")
            );
            assert_eq!(settings.votes.max_batch, 256);
            Ok(())
        });
    }

    #[test]
    fn a_bad_value_names_the_setting_and_where_it_came_from() {
        Jail::expect_with(|jail| {
            jail.set_env("RMD_SERVER__PORT", "lots");
            let error = Settings::load(None).map(|_| ()).unwrap_err().to_string();
            assert!(error.contains("port"), "{error}");
            assert!(error.contains("RMD_SERVER__PORT"), "{error}");
            Ok(())
        });
        Jail::expect_with(|jail| {
            jail.set_env("RMD_SERVER__PUBLIC_URL", "ratemyderp.example");
            let error = Settings::load(None).map(|_| ()).unwrap_err().to_string();
            assert!(error.contains("public_url"), "{error}");
            Ok(())
        });
        Jail::expect_with(|jail| {
            jail.set_env("RMD_SERVER__PROT", "1");
            assert!(Settings::load(None).is_err());
            Ok(())
        });
    }

    #[test]
    fn a_missing_config_file_is_an_error() {
        let error = Settings::load(Some("/nonexistent/rmd.toml".as_ref())).map(|_| ()).unwrap_err();
        assert!(error.to_string().contains("does not exist"));
    }

    #[test]
    fn secrets_never_print() {
        Jail::expect_with(|jail| {
            jail.set_env("RMD_SECRET_KEY", "super-secret-value-that-is-long-enough!!");
            jail.set_env("DATABASE_URL", "postgres://user:hunter2@db/rmd");
            jail.set_env("RMD_ACCOUNTS__SMTP_URL", "smtps://mailer:swordfish@mail.example");
            jail.set_env("RMD_ACCOUNTS__MAIL_FROM", "RateMyDerp <no-reply@ratemyderp.example>");
            let settings = Settings::load(None).map_err(|e| e.to_string())?;
            let printed = format!("{settings:?}");
            assert!(!printed.contains("super-secret"), "{printed}");
            assert!(!printed.contains("hunter2"), "{printed}");
            assert!(!printed.contains("swordfish"), "{printed}");
            Ok(())
        });
    }

    #[test]
    fn smtp_needs_a_sender() {
        Jail::expect_with(|jail| {
            jail.set_env("RMD_ACCOUNTS__SMTP_URL", "smtps://mailer:swordfish@mail.example");
            let error = Settings::load(None).map(|_| ()).unwrap_err().to_string();
            assert!(error.contains("accounts.mail_from"), "{error}");
            Ok(())
        });
    }
}
