//! Sending over SMTP with lettre: a pooled connection, TLS through rustls, retries for
//! temporary failures.

use super::{MailError, Message};
use lettre::{
    AsyncSmtpTransport, AsyncTransport, Tokio1Executor, message::Mailbox,
    message::header::ContentType,
};
use std::{fmt, net::IpAddr, time::Duration};

/// Waits before the second and third attempts of a message the server failed temporarily
/// (a 4xx answer, a dropped connection).
const RETRY_DELAYS: [Duration; 2] = [Duration::from_secs(5), Duration::from_secs(60)];

#[derive(Debug, thiserror::Error)]
pub enum SmtpSetupError {
    #[error(
        "accounts.smtp_url is not an SMTP address lettre understands (smtps://user:password@host, or smtp://host:587?tls=required)"
    )]
    Url(#[source] lettre::transport::smtp::Error),
    #[error(
        "accounts.smtp_url would send links and passwords unencrypted to {host}: use smtps://, or smtp://…?tls=required; plain smtp:// is only for a relay on this machine"
    )]
    Unencrypted { host: String },
    #[error("accounts.mail_from is not a mailbox such as \"RateMyDerp <no-reply@example.com>\"")]
    From(#[source] lettre::address::AddressError),
}

pub struct SmtpMailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl fmt::Debug for SmtpMailer {
    // The transport holds the SMTP credentials.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SmtpMailer").field("from", &self.from.to_string()).finish_non_exhaustive()
    }
}

impl SmtpMailer {
    /// `url` is lettre's connection URL: `smtps://user:password@host[:465]`,
    /// `smtp://user:password@host[:587]?tls=required`, or `smtp://localhost:25` for a local relay.
    pub fn new(url: &str, from: &str) -> Result<Self, SmtpSetupError> {
        if let Some(host) = unencrypted_remote_host(url) {
            return Err(SmtpSetupError::Unencrypted { host });
        }
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(SmtpSetupError::Url)?
            .timeout(Some(Duration::from_secs(20)))
            .build();
        let from = from.parse().map_err(SmtpSetupError::From)?;
        Ok(Self { transport, from })
    }

    pub(super) async fn send(&self, message: &Message) -> Result<(), MailError> {
        let email = lettre::Message::builder()
            .from(self.from.clone())
            .to(message.to.parse().map_err(MailError::Recipient)?)
            .subject(&message.subject)
            .header(ContentType::TEXT_PLAIN)
            .body(message.body.clone())
            .map_err(MailError::Build)?;
        let mut delays = RETRY_DELAYS.iter();
        loop {
            match self.transport.send(email.clone()).await {
                Ok(_) => {
                    tracing::info!(subject = %message.subject, "email sent");
                    return Ok(());
                }
                Err(error)
                    if !error.is_permanent()
                        && let Some(delay) = delays.next() =>
                {
                    tracing::warn!(error = %crate::server::ErrorChain(&error), retry_in = ?delay, "the SMTP server failed; trying again");
                    tokio::time::sleep(*delay).await;
                }
                Err(error) => return Err(MailError::Send(error)),
            }
        }
    }
}

/// The host of a plain `smtp://` URL (no `tls=required`) that is not this machine: mail to it
/// would cross the network in clear.
fn unencrypted_remote_host(url: &str) -> Option<String> {
    // Unparseable URLs are lettre's to refuse, with its own message.
    let url = url::Url::parse(url).ok()?;
    let tls_required = url.query_pairs().any(|(key, value)| key == "tls" && value == "required");
    if url.scheme() != "smtp" || tls_required {
        return None;
    }
    let local = match url.host()? {
        // `smtp:` is not a scheme `url` knows, so it leaves IPv4 addresses as names.
        url::Host::Domain(name) => {
            name.eq_ignore_ascii_case("localhost")
                || name.parse::<IpAddr>().is_ok_and(|address| address.is_loopback())
        }
        url::Host::Ipv4(address) => address.is_loopback(),
        url::Host::Ipv6(address) => address.is_loopback(),
    };
    (!local).then(|| url.host_str().unwrap_or_default().trim_matches(['[', ']']).to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_smtp_only_to_this_machine() {
        assert_eq!(unencrypted_remote_host("smtp://localhost:25"), None);
        assert_eq!(unencrypted_remote_host("smtp://127.0.0.1:2525"), None);
        assert_eq!(unencrypted_remote_host("smtp://[::1]:2525/hello.example"), None);
        assert_eq!(unencrypted_remote_host("smtps://mail.example.com"), None);
        assert_eq!(unencrypted_remote_host("smtp://u:p@mail.example.com:587?tls=required"), None);
        assert_eq!(
            unencrypted_remote_host("smtp://u:p@mail.example.com:587"),
            Some("mail.example.com".to_owned())
        );
        assert_eq!(
            unencrypted_remote_host("smtp://mail.example.com?tls=opportunistic"),
            Some("mail.example.com".to_owned())
        );
        assert_eq!(
            unencrypted_remote_host("smtp://u:p@[2001:db8::1]:25"),
            Some("2001:db8::1".to_owned())
        );
    }

    #[tokio::test]
    async fn bad_settings_are_named() {
        assert!(matches!(
            SmtpMailer::new("smtp://mail.example.com", "a@example.com"),
            Err(SmtpSetupError::Unencrypted { .. })
        ));
        assert!(matches!(
            SmtpMailer::new("imap://mail.example.com", "a@example.com"),
            Err(SmtpSetupError::Url(_))
        ));
        assert!(matches!(
            SmtpMailer::new("smtps://mail.example.com", "RateMyDerp <nobody>"),
            Err(SmtpSetupError::From(_))
        ));
        assert!(
            SmtpMailer::new("smtps://u:p@mail.example.com", "RateMyDerp <no-reply@example.com>")
                .is_ok()
        );
    }
}
