//! Outgoing email: over SMTP when a server is configured; otherwise each message is written to
//! the outbox folder and its link logged, so a developer (or an end-to-end test) can follow it.

mod smtp;

pub use smtp::{SmtpMailer, SmtpSetupError};

use std::{
    path::{Path, PathBuf},
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
    },
    time::{SystemTime, UNIX_EPOCH},
};
use tokio::io::AsyncWriteExt as _;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub to: String,
    pub subject: String,
    pub body: String,
    /// The link the message is about, logged when the message goes to the outbox.
    pub link: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("could not write to the outbox")]
    Outbox(#[source] std::io::Error),
    #[error("the recipient is not an address the SMTP server can take")]
    Recipient(#[source] lettre::address::AddressError),
    #[error("could not put the message together")]
    Build(#[source] lettre::error::Error),
    #[error("the SMTP server did not take the message")]
    Send(#[source] lettre::transport::smtp::Error),
}

#[derive(Debug)]
pub enum Mailer {
    /// Writes `<unix-millis>-<n>.eml` files into this folder.
    Outbox(PathBuf),
    Smtp(SmtpMailer),
}

impl Mailer {
    /// Sends in the background: the request that causes a message answers at once, and in the
    /// same time whether or not a message was due (account enumeration by timing).
    pub fn send(self: &Arc<Self>, message: Message) {
        let mailer = self.clone();
        tokio::spawn(async move {
            let delivered = match &*mailer {
                Self::Outbox(dir) => {
                    write_to_outbox(dir, &message).await.map_err(MailError::Outbox)
                }
                Self::Smtp(smtp) => smtp.send(&message).await,
            };
            if let Err(error) = delivered {
                tracing::error!(error = %crate::server::ErrorChain(&error), subject = %message.subject, "could not send an email");
            }
        });
    }
}

async fn write_to_outbox(dir: &Path, message: &Message) -> std::io::Result<()> {
    static SEQUENCE: AtomicU64 = AtomicU64::new(0);
    tokio::fs::create_dir_all(dir).await?;
    let millis = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis());
    let n = SEQUENCE.fetch_add(1, Ordering::Relaxed);
    let path = dir.join(format!("{millis}-{n}.eml"));
    let text = format!(
        "To: {}\r\nSubject: {}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{}\r\n",
        message.to, message.subject, message.body
    );
    // Emails carry sign-in and reset links: readable by this user only.
    let mut file =
        tokio::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(&path).await?;
    file.write_all(text.as_bytes()).await?;
    file.flush().await?;
    tracing::info!(path = %path.display(), subject = %message.subject, "email written to the outbox");
    // The link lets whoever reads it into an account: only at debug level, which production
    // logging does not keep, for a developer following links from the terminal.
    tracing::debug!(link = message.link.as_deref().unwrap_or(""), "the email's link");
    Ok(())
}
