//! Accepting connections and serving HTTP/1 on them, with the limits `axum::serve` lacks.
//!
//! `axum::serve` sets no deadline for a request's headers and takes every connection offered:
//! a few thousand clients trickling header bytes (slowloris) hold a file descriptor and a task
//! each, forever. Here every connection must send its headers within `header_read_timeout`
//! (also while it waits, idle, for its next request), at most `max_connections` are open at
//! once (more wait in the kernel's backlog until one closes), and shutdown is bounded: requests
//! in flight get `drain` to finish, then their connections are dropped.

use axum::{Router, body::Body, extract::ConnectInfo};
use hyper::{body::Incoming, server::conn::http1};
use hyper_util::{
    rt::{TokioIo, TokioTimer},
    service::TowerToHyperService,
};
use std::{future::Future, io, pin::pin, sync::Arc, time::Duration};
use tokio::{
    net::TcpListener,
    sync::{Semaphore, watch},
    task::JoinSet,
};
use tower::ServiceExt as _;

/// How connections are limited.
#[derive(Debug, Clone, Copy)]
pub struct ConnectionLimits {
    pub max_connections: usize,
    pub header_read_timeout: Duration,
    /// After the shutdown signal, how long requests in flight may take to finish.
    pub drain: Duration,
}

/// Serves `router` on `listener` until `shutdown` completes, then drains the connections.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: ConnectionLimits,
    shutdown: impl Future<Output = ()>,
) -> io::Result<()> {
    let slots = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let mut http = http1::Builder::new();
    http.timer(TokioTimer::new()).header_read_timeout(limits.header_read_timeout);
    let (closing, closed) = watch::channel(false);
    let mut connections = JoinSet::new();
    let mut shutdown = pin!(shutdown);
    loop {
        // Wait for a free slot before accepting: beyond the cap, clients wait in the backlog.
        let slot = tokio::select! {
            slot = slots.clone().acquire_owned() => match slot {
                Ok(slot) => slot,
                Err(_) => break,
            },
            () = &mut shutdown => break,
        };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    // Out of file descriptors, or the peer gave up before we accepted: neither
                    // is a reason to stop serving.
                    tracing::warn!(%error, "could not accept a connection");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        let service = router.clone().map_request(move |request: axum::http::Request<Incoming>| {
            let mut request = request.map(Body::new);
            // The peer address is what failed logins are counted against.
            request.extensions_mut().insert(ConnectInfo(peer));
            request
        });
        let connection =
            http.serve_connection(TokioIo::new(stream), TowerToHyperService::new(service));
        let mut closed = closed.clone();
        connections.spawn(async move {
            let mut connection = pin!(connection.with_upgrades());
            tokio::select! {
                result = connection.as_mut() => log_end(result),
                _ = async { closed.wait_for(|closing| *closing).await.map(|_| ()) } => {
                    // Idle connections close now; busy ones after their response.
                    connection.as_mut().graceful_shutdown();
                    log_end(connection.await);
                }
            }
            drop(slot);
        });
        // Reap finished connections so that the set holds only open ones.
        while connections.try_join_next().is_some() {}
    }
    drop(listener);
    let _ = closing.send(true);
    let drained = tokio::time::timeout(limits.drain, async {
        while connections.join_next().await.is_some() {}
    })
    .await;
    if drained.is_err() {
        tracing::warn!(
            open = connections.len(),
            "requests still running after {:?}; closing their connections",
            limits.drain
        );
        connections.shutdown().await;
    }
    Ok(())
}

fn log_end(result: Result<(), hyper::Error>) {
    if let Err(error) = result {
        // Timeouts, resets and malformed requests: the client's business, not an operator's.
        tracing::debug!(%error, "connection ended with an error");
    }
}
