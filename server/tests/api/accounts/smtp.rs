//! Email over SMTP: with a server configured, messages go to it rather than to the outbox.

use super::*;
use tokio::{
    io::{AsyncBufReadExt, AsyncWriteExt, BufReader},
    net::{TcpListener, TcpStream},
    sync::mpsc,
};

/// One message as an SMTP server received it.
#[derive(Debug, Default)]
struct Received {
    mail_from: String,
    rcpt_to: Vec<String>,
    data: String,
}

/// An SMTP server on loopback that takes every message, except to recipients in `refuse`,
/// whom it answers with a permanent 550.
async fn smtp_sink(refuse: &'static [&'static str]) -> (u16, mpsc::UnboundedReceiver<Received>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let (received, inbox) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            tokio::spawn(converse(stream, refuse, received.clone()));
        }
    });
    (port, inbox)
}

async fn converse(
    stream: TcpStream,
    refuse: &'static [&'static str],
    received: mpsc::UnboundedSender<Received>,
) -> std::io::Result<()> {
    let (reader, mut writer) = stream.into_split();
    let mut lines = BufReader::new(reader).lines();
    writer.write_all(b"220 sink.test ESMTP\r\n").await?;
    let mut message = Received::default();
    while let Some(line) = lines.next_line().await? {
        let verb = line.get(..4).unwrap_or("").to_ascii_uppercase();
        let answer: &[u8] = match verb.as_str() {
            "EHLO" => b"250-sink.test\r\n250 8BITMIME\r\n",
            "MAIL" => {
                message.mail_from = address_in(&line);
                b"250 sender ok\r\n"
            }
            "RCPT" if refuse.contains(&address_in(&line).as_str()) => b"550 no such mailbox\r\n",
            "RCPT" => {
                message.rcpt_to.push(address_in(&line));
                b"250 recipient ok\r\n"
            }
            "DATA" => {
                writer.write_all(b"354 go on\r\n").await?;
                while let Some(data) = lines.next_line().await? {
                    if data == "." {
                        break;
                    }
                    let unstuffed = data.strip_prefix('.').unwrap_or(&data);
                    message.data.push_str(unstuffed);
                    message.data.push('\n');
                }
                let _ = received.send(std::mem::take(&mut message));
                b"250 queued\r\n"
            }
            "RSET" | "NOOP" => b"250 ok\r\n",
            "QUIT" => {
                writer.write_all(b"221 bye\r\n").await?;
                return Ok(());
            }
            _ => b"502 not here\r\n",
        };
        writer.write_all(answer).await?;
    }
    Ok(())
}

fn address_in(line: &str) -> String {
    line.split_once('<')
        .and_then(|(_, rest)| rest.split_once('>'))
        .map_or("", |(a, _)| a)
        .to_owned()
}

async fn spawn_with_smtp(port: u16) -> TestApp {
    spawn_app_with(1, move |settings| {
        settings.accounts.smtp_url = Some(format!("smtp://127.0.0.1:{port}").into());
        settings.accounts.mail_from = Some("RateMyDerp <no-reply@ratemyderp.test>".to_owned());
    })
    .await
}

#[tokio::test]
async fn a_confirmation_link_goes_out_over_smtp_and_works() {
    let (port, mut inbox) = smtp_sink(&[]).await;
    let app = spawn_with_smtp(port).await;
    let mut visitor = Visitor::new();
    assert_eq!(
        app.sign_up(&mut visitor, "Smtp_Fan", "smtp-fan@example.com").await.status(),
        StatusCode::OK
    );

    let mail = tokio::time::timeout(Duration::from_secs(10), inbox.recv()).await.unwrap().unwrap();
    assert_eq!(mail.mail_from, "no-reply@ratemyderp.test");
    assert_eq!(mail.rcpt_to, ["smtp-fan@example.com"]);
    assert!(mail.data.contains("Subject: Confirm your email address for RateMyDerp"), "{mail:?}");
    assert!(mail.data.contains("From: RateMyDerp <no-reply@ratemyderp.test>"), "{mail:?}");
    // Undo quoted-printable soft breaks and `=`, in case the body was encoded so.
    let body = mail.data.replace("=\n", "").replace("=3D", "=");
    let token = token_in(&link_in(&body));
    assert_eq!(
        app.post(&mut visitor, "/api/confirm-email", &[("token", &token)]).await.status(),
        StatusCode::OK
    );
    assert!(!app.outbox.exists(), "nothing goes to the outbox when SMTP is configured");
}

#[tokio::test]
async fn a_refused_recipient_changes_nothing_for_the_visitor() {
    let (port, mut inbox) = smtp_sink(&["nobody@example.com"]).await;
    let app = spawn_with_smtp(port).await;
    let mut refused = Visitor::new();
    let response = app.sign_up(&mut refused, "Nobody_Home", "nobody@example.com").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()[header::LOCATION], "/signup/check-your-inbox");

    // The next message still goes through the same server.
    app.sign_up(&mut Visitor::new(), "Somebody", "somebody@example.com").await;
    let mail = tokio::time::timeout(Duration::from_secs(10), inbox.recv()).await.unwrap().unwrap();
    assert_eq!(mail.rcpt_to, ["somebody@example.com"]);
}
