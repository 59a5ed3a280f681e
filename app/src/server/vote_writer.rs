//! Group commit for votes.
//!
//! Requests hand their ballots to one writer task. While a batch is being written, the ballots
//! that arrive meanwhile queue up, and the next batch takes them all: one statement, one commit,
//! one WAL flush for the lot. So the database does a fixed amount of work per batch instead of
//! per vote, and batches grow by themselves as load rises. Every request waits for the commit of
//! its batch before it answers, so an acknowledged vote is a durable vote.
//!
//! One writer keeps the row locks of successive batches from ever interleaving, which rules out
//! deadlocks between batches; commits still overlap nothing, but a batch of 64 votes costs
//! about what one single-row transaction does.

use super::{picks::pick_sql, views::VIEW_COLUMNS, views::ViewRow, voter::VoterId};
use crate::model::{Rating, SubmissionId};
use sqlx::PgPool;
use std::{
    collections::{HashMap, HashSet},
    sync::{Arc, LazyLock},
};
use tokio::{
    sync::{Notify, mpsc, oneshot},
    task::JoinHandle,
};

/// One vote, already checked against its ticket.
#[derive(Debug, Clone, Copy)]
pub struct Ballot {
    pub voter: VoterId,
    pub submission: SubmissionId,
    pub rating: Rating,
    /// Random starting point for picking the voter's next picture.
    pub pick_point: i64,
}

#[derive(Debug)]
pub enum BallotOutcome {
    /// Committed; the row describes the voter's next picture and the verdict on this one.
    Recorded(Box<ViewRow>),
    /// Not written: the ballot's picture is not the one in front of the voter (a replay, a
    /// double submit, or a stale page).
    Refused,
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
    reply: oneshot::Sender<Result<BallotOutcome, WriteError>>,
}

/// Handle to the writer task; cheap to clone.
#[derive(Clone, Debug)]
pub struct VoteWriter {
    queue: mpsc::Sender<Job>,
}

/// The writer task itself, to be stopped once no more votes can arrive.
#[derive(Debug)]
pub struct VoteWriterTask {
    stop: Arc<Notify>,
    task: JoinHandle<()>,
}

impl VoteWriterTask {
    /// Refuses new ballots, writes the ones already queued, and waits for the task to end.
    pub async fn finish(self) {
        self.stop.notify_one();
        if let Err(error) = self.task.await {
            tracing::error!(%error, "the vote writer task failed");
        }
    }
}

impl VoteWriter {
    pub fn spawn(pool: PgPool, max_batch: usize) -> (Self, VoteWriterTask) {
        let max_batch = max_batch.max(1);
        let (queue, jobs) = mpsc::channel(max_batch * 16);
        let stop = Arc::new(Notify::new());
        let task = tokio::spawn(run(pool, jobs, max_batch, stop.clone()));
        (Self { queue }, VoteWriterTask { stop, task })
    }

    /// Writes `ballot` and returns once it is committed (or refused).
    pub async fn submit(&self, ballot: Ballot) -> Result<BallotOutcome, WriteError> {
        let (reply, outcome) = oneshot::channel();
        self.queue
            .send(Job { ballot, reply })
            .await
            .map_err(|_| WriteError::Stopped)?;
        outcome.await.map_err(|_| WriteError::Stopped)?
    }
}

async fn run(pool: PgPool, mut jobs: mpsc::Receiver<Job>, max_batch: usize, stop: Arc<Notify>) {
    // A voter's second ballot must not share a batch with their first: it is to be checked
    // against the state the first one leaves behind.
    let mut deferred: Vec<Job> = Vec::new();
    loop {
        let mut batch = Vec::with_capacity(max_batch);
        let mut voters = HashSet::with_capacity(max_batch);
        let mut admit = |job: Job, batch: &mut Vec<Job>, deferred: &mut Vec<Job>| {
            if voters.insert(job.ballot.voter) {
                batch.push(job);
            } else {
                deferred.push(job);
            }
        };
        for job in std::mem::take(&mut deferred) {
            admit(job, &mut batch, &mut deferred);
        }
        if batch.is_empty() {
            let next = tokio::select! {
                job = jobs.recv() => job,
                () = stop.notified() => {
                    // Closing lets the queued ballots through, then `recv` reports the end.
                    jobs.close();
                    continue;
                }
            };
            match next {
                Some(job) => admit(job, &mut batch, &mut deferred),
                None => break,
            }
        }
        while batch.len() < max_batch {
            match jobs.try_recv() {
                Ok(job) => admit(job, &mut batch, &mut deferred),
                Err(_) => break,
            }
        }
        write_batch(&pool, batch).await;
    }
    tracing::debug!("vote writer stopped: queue closed and drained");
}

#[derive(sqlx::FromRow)]
struct RecordedRow {
    voter_id: VoterId,
    #[sqlx(flatten)]
    view: ViewRow,
}

/// Records a batch of ballots in one statement. For each ballot whose picture is the one in
/// front of its voter, it moves the voter on to their next picture, inserts the vote (the
/// primary key on voter and picture makes a second vote impossible), adds it to the picture's
/// tally, and returns the voter's new view. Other ballots change nothing.
static BATCH_SQL: LazyLock<String> = LazyLock::new(|| {
    let pick = pick_sql("b.voter_id", "b.pick_point", "b.submission_id");
    format!(
        "WITH ballot AS ( \
            SELECT * FROM UNNEST($1::int8[], $2::int8[], $3::int2[], $4::int8[]) \
                AS b(voter_id, submission_id, rating, pick_point) \
         ), picked AS ( \
            SELECT b.voter_id, b.submission_id, b.rating, ({pick}) AS next_id FROM ballot b \
         ), advanced AS ( \
            UPDATE voters v \
            SET current_submission_id = p.next_id, revealed_at = now(), \
                last_submission_id = p.submission_id, last_rating = p.rating, \
                votes_cast = v.votes_cast + 1 \
            FROM picked p \
            WHERE v.id = p.voter_id AND v.current_submission_id = p.submission_id \
            RETURNING v.id AS voter_id, p.submission_id, p.rating, p.next_id, v.votes_cast \
         ), recorded AS ( \
            INSERT INTO votes (voter_id, submission_id, rating) \
            SELECT voter_id, submission_id, rating FROM advanced \
            ON CONFLICT DO NOTHING \
            RETURNING voter_id, submission_id, rating \
         ), tallied AS ( \
            UPDATE submissions s \
            SET vote_count = s.vote_count + t.votes, rating_sum = s.rating_sum + t.points \
            FROM (SELECT submission_id, count(*) AS votes, sum(rating) AS points \
                  FROM recorded GROUP BY submission_id) t \
            WHERE s.id = t.submission_id \
            RETURNING s.id, s.title, s.image_key, s.backdrop_rgb, s.subject_rgb, \
                      s.vote_count, s.rating_sum \
         ) \
         SELECT a.voter_id, a.votes_cast, a.rating AS last_rating, {VIEW_COLUMNS} \
         FROM advanced a \
         JOIN recorded r ON r.voter_id = a.voter_id \
         JOIN tallied l ON l.id = a.submission_id \
         LEFT JOIN submissions c ON c.id = a.next_id"
    )
});

async fn write_batch(pool: &PgPool, batch: Vec<Job>) {
    let size = batch.len();
    let mut voters = Vec::with_capacity(size);
    let mut submissions = Vec::with_capacity(size);
    let mut ratings = Vec::with_capacity(size);
    let mut points = Vec::with_capacity(size);
    for Job { ballot, .. } in &batch {
        voters.push(ballot.voter.0);
        submissions.push(ballot.submission.0);
        ratings.push(i16::from(ballot.rating.get()));
        points.push(ballot.pick_point);
    }
    let result = sqlx::query_as::<_, RecordedRow>(BATCH_SQL.as_str())
        .bind(voters)
        .bind(submissions)
        .bind(ratings)
        .bind(points)
        .fetch_all(pool)
        .await;
    match result {
        Ok(rows) => {
            tracing::trace!(size, recorded = rows.len(), "vote batch committed");
            let mut recorded: HashMap<VoterId, ViewRow> = rows
                .into_iter()
                .map(|row| (row.voter_id, row.view))
                .collect();
            for job in batch {
                let outcome = match recorded.remove(&job.ballot.voter) {
                    Some(view) => BallotOutcome::Recorded(Box::new(view)),
                    None => BallotOutcome::Refused,
                };
                // The requester may have gone away; its vote stands regardless.
                let _ = job.reply.send(Ok(outcome));
            }
        }
        Err(error) => {
            tracing::error!(
                size,
                error = %super::ErrorChain(&error),
                "vote batch failed; none of its votes were written"
            );
            for job in batch {
                let _ = job.reply.send(Err(WriteError::BatchFailed));
            }
        }
    }
}
