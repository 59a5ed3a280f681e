//! Group commit for votes.
//!
//! Requests hand their ballots to a dispatcher task, which writes them in batches over a few
//! dedicated connections (`votes.writers`). Each batch takes every ballot that has queued up
//! meanwhile: one statement, one commit, one WAL flush for the lot. The database does a fixed
//! amount of work per batch instead of per vote (about half a millisecond of its time here,
//! whatever the batch's size), and batches grow by themselves as load rises; with little load, a
//! lone ballot is written at once. Every request waits for the commit of its batch before it
//! answers, so an acknowledged vote is a durable vote.
//!
//! While batches are quick, one is written at a time: two side by side only share the CPU, split
//! the queue and pay the fixed cost twice as often (measured at 64 voters: 4-31 % fewer votes/s
//! than one at a time). Another connection takes the queue only once the running batch has
//! taken [`OVERLAP_AFTER`], so that a batch waiting on a slow disk's flush, or on a row another
//! transaction holds (up to the lock timeout), holds up only its own ballots.
//!
//! Batches executing at the same time never share a voter or a picture, so they never wait on
//! each other's rows: they cannot deadlock. A ballot whose voter or picture is busy waits for
//! the next batch (for a voter, that is also what makes a double submit be checked against the
//! state the first vote left behind).

mod batch;
mod health;

use super::{in_flight::InFlight, vote_limits::Network, voter::VoterId};
use crate::votes::{Rating, SubmissionId};
pub use batch::RecordedVote;
use batch::{WriterConnection, write_batch};
use health::Health;
use sqlx::PgPool;
use std::{
    collections::{HashMap, HashSet, VecDeque},
    sync::Arc,
    time::{Duration, Instant},
};
use tokio::{
    sync::{mpsc, oneshot, watch},
    task::{self, JoinHandle, JoinSet},
};

/// One vote, already checked against its ticket.
#[derive(Debug, Clone, Copy)]
pub struct Ballot {
    pub voter: VoterId,
    pub submission: SubmissionId,
    pub rating: Rating,
    /// Random starting point for picking the voter's next picture.
    pub pick_point: i64,
    /// Where the vote came from, kept with it for the anomaly detectors.
    pub network: Network,
    /// How long the picture had been shown, in milliseconds, kept likewise.
    pub look_ms: i32,
}

#[derive(Debug)]
pub enum BallotOutcome {
    /// Committed: the picture's tally and the voter's next picture.
    Recorded(Box<RecordedVote>),
    /// Not written: the ballot's picture is not the one in front of the voter (a replay, a
    /// double submit, or a stale page).
    Refused,
    /// Not queued: the voter already has a ballot waiting to be written, whose outcome decides
    /// this one's (a double click, or one ticket replayed many times at once).
    VoterBusy,
}

#[derive(Debug, Clone, Copy, thiserror::Error)]
pub enum WriteError {
    #[error("the batch holding this vote could not be written")]
    BatchFailed,
    #[error("the vote writer has stopped")]
    Stopped,
}

struct Job {
    ballot: Ballot,
    queued_at: Instant,
    reply: oneshot::Sender<Result<BallotOutcome, WriteError>>,
}

/// A batch or a wait longer than this is logged: it is what a voter feels as a slow vote.
const SLOW: Duration = Duration::from_millis(100);

/// How long the batch started last must have been running before another one starts beside it.
/// Batches here take 1-5 ms at full load; one still running after this is waiting on something.
const OVERLAP_AFTER: Duration = Duration::from_millis(10);

/// Handle to the vote writer; cheap to clone.
#[derive(Clone, Debug)]
pub struct VoteWriter {
    queue: mpsc::Sender<Job>,
    /// Voters with a ballot queued or being written. A voter's ballots go one per batch, so
    /// without this, one ticket replayed thousands of times at once would fill the queue and
    /// every other voter would wait behind it. Holds at most one entry per request in flight.
    queued_voters: Arc<InFlight<VoterId>>,
    health: Arc<Health>,
}

/// The dispatcher task, to be stopped once no more votes can arrive.
#[derive(Debug)]
pub struct VoteWriterTask {
    stop: watch::Sender<bool>,
    task: JoinHandle<()>,
}

impl VoteWriterTask {
    /// Refuses new ballots, writes the ones already queued, and waits until all are committed.
    pub async fn finish(self) {
        let _ = self.stop.send(true);
        if let Err(error) = self.task.await {
            tracing::error!(%error, "the vote writer task failed");
        }
    }
}

impl VoteWriter {
    /// Starts the writer: up to `connections` batches at once, each of at most `max_batch`,
    /// each step bounded by `timeout` on this side as well as by the database's own timeouts.
    pub fn spawn(
        pool: PgPool,
        connections: usize,
        max_batch: usize,
        timeout: Duration,
    ) -> (Self, VoteWriterTask) {
        let limits =
            Limits { connections: connections.max(1), max_batch: max_batch.max(1), timeout };
        let (queue, jobs) = mpsc::channel(limits.max_batch * limits.connections * 4);
        let (stop, stopped) = watch::channel(false);
        let health = Arc::new(Health::new());
        let task = tokio::spawn(dispatch(pool, jobs, limits, stopped, health.clone()));
        let queued_voters = Arc::new(InFlight::new(1));
        (Self { queue, queued_voters, health }, VoteWriterTask { stop, task })
    }

    /// False while the latest batches failed, none has committed since, and the latest failure
    /// is recent.
    pub fn is_healthy(&self) -> bool {
        self.health.is_healthy()
    }

    /// Writes `ballot` and returns once it is committed (or refused). A voter who already has
    /// a ballot in the queue is answered [`BallotOutcome::VoterBusy`] at once.
    pub async fn submit(&self, ballot: Ballot) -> Result<BallotOutcome, WriteError> {
        let Some(_queued) = self.queued_voters.enter(ballot.voter) else {
            return Ok(BallotOutcome::VoterBusy);
        };
        let (reply, outcome) = oneshot::channel();
        let job = Job { ballot, queued_at: Instant::now(), reply };
        self.queue.send(job).await.map_err(|_| WriteError::Stopped)?;
        outcome.await.map_err(|_| WriteError::Stopped)?
    }
}

#[derive(Debug, Clone, Copy)]
struct Limits {
    connections: usize,
    max_batch: usize,
    timeout: Duration,
}

/// The voters and pictures of the batches being written.
#[derive(Debug, Default)]
struct Claims {
    voters: HashSet<VoterId>,
    pictures: HashSet<SubmissionId>,
}

impl Claims {
    fn clash(&self, ballot: &Ballot) -> bool {
        self.voters.contains(&ballot.voter) || self.pictures.contains(&ballot.submission)
    }

    fn claim(&mut self, ballot: &Ballot) {
        self.voters.insert(ballot.voter);
        self.pictures.insert(ballot.submission);
    }

    fn release(&mut self, ballots: &[Ballot]) {
        for ballot in ballots {
            self.voters.remove(&ballot.voter);
            self.pictures.remove(&ballot.submission);
        }
    }
}

/// Takes the next batch from `pending`, in arrival order: ballots whose voter or picture is
/// already claimed (by a running batch, or earlier in this one) stay queued.
fn take_batch(pending: &mut VecDeque<Job>, claims: &mut Claims, max_batch: usize) -> Vec<Job> {
    let mut batch = Vec::new();
    let mut waiting = VecDeque::with_capacity(pending.len());
    while let Some(job) = pending.pop_front() {
        if batch.len() < max_batch && !claims.clash(&job.ballot) {
            claims.claim(&job.ballot);
            batch.push(job);
        } else {
            waiting.push_back(job);
        }
    }
    *pending = waiting;
    batch
}

async fn dispatch(
    pool: PgPool,
    mut jobs: mpsc::Receiver<Job>,
    limits: Limits,
    mut stop: watch::Receiver<bool>,
    health: Arc<Health>,
) {
    let new_connection = || WriterConnection::new(&pool, limits.timeout);
    // Ballots that arrive meanwhile wait in the channel, as they would for the first batch.
    let mut idle = warmed_up((0..limits.connections).map(|_| new_connection()).collect()).await;
    idle.resize_with(limits.connections, new_connection);
    let mut running: JoinSet<(WriterConnection, bool)> = JoinSet::new();
    let mut running_batches: HashMap<task::Id, RunningBatch> = HashMap::new();
    let mut claims = Claims::default();
    let mut pending: VecDeque<Job> = VecDeque::new();
    // Beyond this, ballots wait in the channel, which makes their senders wait.
    let max_pending = limits.max_batch * limits.connections * 2;
    // Whether the pending ballots all wait for running batches' voters or pictures: then only a
    // batch finishing (or a new ballot) can make a batch, and the overlap timer must not spin.
    let mut all_claimed = false;
    let (mut closing, mut open) = (false, true);
    loop {
        while !pending.is_empty()
            && !all_claimed
            && next_start(running_batches.values()) <= Instant::now()
        {
            let Some(mut connection) = idle.pop() else { break };
            let batch = take_batch(&mut pending, &mut claims, limits.max_batch);
            if batch.is_empty() {
                idle.push(connection);
                all_claimed = true;
                break;
            }
            let ballots: Vec<Ballot> = batch.iter().map(|job| job.ballot).collect();
            if let Some(waited) = batch.iter().map(|job| job.queued_at.elapsed()).max()
                && waited > SLOW
            {
                tracing::warn!(?waited, size = batch.len(), "ballots waited long for a writer");
            }
            let handle = running.spawn(async move {
                let committed = write_batch(&mut connection, batch).await;
                (connection, committed)
            });
            running_batches.insert(handle.id(), RunningBatch { ballots, started: Instant::now() });
        }
        let overlap_due = !pending.is_empty() && !all_claimed && !idle.is_empty();
        if !open && pending.is_empty() && running.is_empty() {
            break;
        }
        tokio::select! {
            () = tokio::time::sleep_until(next_start(running_batches.values()).into()), if overlap_due => {},
            job = jobs.recv(), if open && pending.len() < max_pending => match job {
                Some(job) => {
                    all_claimed = false;
                    pending.push_back(job);
                    while pending.len() < max_pending {
                        let Ok(job) = jobs.try_recv() else { break };
                        pending.push_back(job);
                    }
                }
                None => open = false,
            },
            Some(finished) = running.join_next_with_id() => {
                let (id, connection, committed) = match finished {
                    Ok((id, (connection, committed))) => (id, connection, committed),
                    Err(error) => {
                        // Its ballots' senders saw their replies dropped: "try again".
                        tracing::error!(%error, "a vote batch task failed");
                        (error.id(), new_connection(), false)
                    }
                };
                health.record(committed);
                if let Some(finished) = running_batches.remove(&id) {
                    claims.release(&finished.ballots);
                }
                all_claimed = false;
                idle.push(connection);
            },
            _ = stop.wait_for(|stopping| *stopping), if !closing => {
                // Closing lets the queued ballots through, then `recv` reports the end.
                jobs.close();
                closing = true;
            },
        }
    }
    tracing::debug!("vote writer stopped: every queued ballot is written");
}

/// `connections`, each connected and with the batch statement planned (see
/// [`WriterConnection::warm_up`]), side by side. Fewer if a warm-up task failed.
async fn warmed_up(connections: Vec<WriterConnection>) -> Vec<WriterConnection> {
    let mut warming = JoinSet::new();
    for mut connection in connections {
        warming.spawn(async move {
            connection.warm_up().await;
            connection
        });
    }
    let mut warmed = Vec::with_capacity(warming.len());
    while let Some(done) = warming.join_next().await {
        match done {
            Ok(connection) => warmed.push(connection),
            Err(error) => tracing::error!(%error, "a vote writer's warm-up task failed"),
        }
    }
    warmed
}

/// A batch being written: its ballots' claims are released when it ends.
struct RunningBatch {
    ballots: Vec<Ballot>,
    started: Instant,
}

/// When the next batch may start: at once when none is running, else once the batch started
/// last has been running for [`OVERLAP_AFTER`].
fn next_start<'a>(running: impl IntoIterator<Item = &'a RunningBatch>) -> Instant {
    running
        .into_iter()
        .map(|batch| batch.started + OVERLAP_AFTER)
        .max()
        .unwrap_or_else(Instant::now)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job(voter: i64, submission: i64) -> Job {
        let (reply, _) = oneshot::channel();
        let ballot = Ballot {
            voter: VoterId(voter),
            submission: SubmissionId(submission),
            rating: Rating::new(5).unwrap(),
            pick_point: 0,
            network: Network::from(std::net::IpAddr::from([192, 0, 2, 1])),
            look_ms: 1_000,
        };
        Job { ballot, queued_at: Instant::now(), reply }
    }

    fn ids(jobs: &[Job]) -> Vec<(i64, i64)> {
        jobs.iter().map(|j| (j.ballot.voter.0, j.ballot.submission.0)).collect()
    }

    #[test]
    fn a_batch_holds_one_ballot_per_voter_and_per_picture_in_arrival_order() {
        let mut pending: VecDeque<Job> = [job(1, 10), job(2, 10), job(1, 11), job(3, 12)].into();
        let mut claims = Claims::default();
        let batch = take_batch(&mut pending, &mut claims, 10);
        assert_eq!(ids(&batch), [(1, 10), (3, 12)]);
        assert_eq!(ids(pending.make_contiguous()), [(2, 10), (1, 11)]);
    }

    #[test]
    fn ballots_of_running_batches_wait_until_those_finish() {
        let mut pending: VecDeque<Job> = [job(1, 10), job(2, 20)].into();
        let mut claims = Claims::default();
        let first = take_batch(&mut pending, &mut claims, 10);
        pending.extend([job(1, 11), job(4, 20), job(5, 50)]);
        assert_eq!(ids(&take_batch(&mut pending, &mut claims, 10)), [(5, 50)]);
        let first: Vec<Ballot> = first.iter().map(|j| j.ballot).collect();
        claims.release(&first);
        assert_eq!(ids(&take_batch(&mut pending, &mut claims, 10)), [(1, 11), (4, 20)]);
    }

    #[test]
    fn another_batch_starts_at_once_alone_or_once_the_latest_has_run_a_while() {
        let batch = |started| RunningBatch { ballots: Vec::new(), started };
        let before = Instant::now();
        let alone = next_start([]);
        assert!(alone >= before && alone <= Instant::now(), "nothing running: at once");
        let earlier = before - Duration::from_millis(50);
        let latest = before - Duration::from_millis(3);
        assert_eq!(next_start(&[batch(earlier), batch(latest)]), latest + OVERLAP_AFTER);
    }

    #[test]
    fn batches_are_capped() {
        let mut pending: VecDeque<Job> = (0..5).map(|i| job(i, i)).collect();
        let mut claims = Claims::default();
        assert_eq!(take_batch(&mut pending, &mut claims, 3).len(), 3);
        assert_eq!(pending.len(), 2);
    }
}
