//! Outgoing email. Without an SMTP server configured, each message is written to the outbox
//! folder and its link logged, so a developer (or an end-to-end test) can follow it.

use std::{
    path::PathBuf,
    sync::atomic::{AtomicU64, Ordering},
    time::{SystemTime, UNIX_EPOCH},
};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub to: String,
    pub subject: String,
    pub body: String,
    /// The link the message is about, logged when the message goes to the outbox.
    pub link: Option<String>,
}

#[derive(Debug)]
pub enum Mailer {
    /// Writes `<unix-millis>-<n>.eml` files into this folder.
    Outbox(PathBuf),
}

impl Mailer {
    /// Sends in the background: the request that causes a message answers at once, and in the
    /// same time whether or not a message was due (account enumeration by timing).
    pub fn send(self: &std::sync::Arc<Self>, message: Message) {
        let mailer = self.clone();
        tokio::spawn(async move {
            if let Err(error) = mailer.deliver(&message).await {
                tracing::error!(error = %crate::server::ErrorChain(&error), subject = %message.subject, "could not send an email");
            }
        });
    }

    async fn deliver(&self, message: &Message) -> std::io::Result<()> {
        match self {
            Self::Outbox(dir) => {
                static SEQUENCE: AtomicU64 = AtomicU64::new(0);
                tokio::fs::create_dir_all(dir).await?;
                let millis =
                    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis());
                let n = SEQUENCE.fetch_add(1, Ordering::Relaxed);
                let path = dir.join(format!("{millis}-{n}.eml"));
                let text = format!(
                    "To: {}\r\nSubject: {}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{}\r\n",
                    message.to, message.subject, message.body
                );
                tokio::fs::write(&path, text).await?;
                tracing::info!(path = %path.display(), link = message.link.as_deref().unwrap_or(""), subject = %message.subject, "email written to the outbox");
                Ok(())
            }
        }
    }
}
