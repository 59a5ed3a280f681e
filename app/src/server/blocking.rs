//! CPU-heavy work (password hashes, image decoding, drawing) on the blocking pool, a few at a time.

use std::sync::Arc;
use tokio::{
    sync::Semaphore,
    task::{JoinError, spawn_blocking},
};

/// Runs `work` on the blocking pool once `permits` has room, and answers its result.
///
/// The permit is moved into the blocking closure, so it is released when the work ends, not
/// when the request that asked for it does: a client that hangs up (or a timeout) drops the
/// waiting future, but the work it started goes on, and it keeps its place in the limit.
/// Otherwise a loop of requests that hang up at once would start unlimited work.
pub async fn run_with_permit<T: Send + 'static>(
    permits: &Arc<Semaphore>,
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, JoinError> {
    // The semaphores given here are never closed, so acquiring only waits; should one be, the
    // work still runs, unlimited, rather than failing the request.
    let permit = permits.clone().acquire_owned().await.ok();
    spawn_blocking(move || {
        let result = work();
        drop(permit);
        result
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[tokio::test]
    async fn an_abandoned_request_keeps_its_permit_until_the_work_ends() {
        let permits = Arc::new(Semaphore::new(1));
        let (started_tx, started) = std::sync::mpsc::channel();
        let (finish, finish_rx) = std::sync::mpsc::channel::<()>();
        let request = tokio::spawn({
            let permits = permits.clone();
            async move {
                run_with_permit(&permits, move || {
                    let _ = started_tx.send(());
                    let _ = finish_rx.recv();
                })
                .await
            }
        });
        tokio::task::spawn_blocking(move || started.recv()).await.unwrap().unwrap();
        // The client hangs up: the request's future is dropped while the work runs.
        request.abort();
        let _ = request.await;
        assert_eq!(permits.available_permits(), 0, "the work still holds its permit");
        finish.send(()).unwrap();
        tokio::time::timeout(Duration::from_secs(5), async {
            while permits.available_permits() == 0 {
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
        })
        .await
        .expect("the permit comes back when the work ends");
    }
}
