//! One batch: the statement that records it, and the connection it runs on.

use super::{BallotOutcome, Job, WriteError};
use crate::server::{
    ErrorChain,
    picks::{pick_sql, point_of},
    voter::VoterId,
};
use sqlx::{
    Connection as _, PgPool,
    postgres::{PgConnectOptions, PgConnection},
};
use std::{
    collections::HashMap,
    sync::LazyLock,
    time::{Duration, Instant},
};

/// A writer's own connection, opened when the writer starts (`warm_up`) and again after a failure.
///
/// It plans the batch statement once: with a custom plan per batch (PostgreSQL's default for
/// the first executions, and whenever array sizes vary), planning costs more than writing a
/// small batch.
///
/// It inherits the pool's server-side statement and lock timeouts; `timeout` also bounds each
/// step on this side, for a database that does not answer at all (frozen, or unreachable).
pub(super) struct WriterConnection {
    options: PgConnectOptions,
    connection: Option<PgConnection>,
    timeout: Duration,
}

impl WriterConnection {
    pub(super) fn new(pool: &PgPool, timeout: Duration) -> Self {
        let options =
            (*pool.connect_options()).clone().options([("plan_cache_mode", "force_generic_plan")]);
        Self { options, connection: None, timeout }
    }

    /// Connects and plans the batch statement by running it on no ballots (it writes nothing).
    ///
    /// Otherwise the first batch after a start pays for both, and so does every ballot queued
    /// behind it: on an idle machine here, a start's first three votes took 17.9 ms to commit
    /// in all before, 5.7 ms after. A failure is only logged; the first batch then tries again.
    pub(super) async fn warm_up(&mut self) {
        if let Err(error) = run(self, BallotColumns::default()).await {
            self.connection = None;
            tracing::warn!(error = %ErrorChain(&error), "could not prepare a vote writer connection");
        }
    }

    async fn get(&mut self) -> Result<&mut PgConnection, sqlx::Error> {
        match &mut self.connection {
            Some(connection) => Ok(connection),
            slot => {
                let connecting = PgConnection::connect_with(&self.options);
                let connection = tokio::time::timeout(self.timeout, connecting)
                    .await
                    .map_err(|_| sqlx::Error::PoolTimedOut)??;
                Ok(slot.insert(connection))
            }
        }
    }
}

/// Whether the database gave up on the statement itself (a lock or statement timeout, or an
/// operator cancelling it): every ballot of the batch would meet the same wait again, so they
/// fail together instead of being tried one by one.
fn timed_out(error: &sqlx::Error) -> bool {
    const LOCK_NOT_AVAILABLE: &str = "55P03";
    const QUERY_CANCELED: &str = "57014";
    matches!(error, sqlx::Error::Database(db)
        if matches!(db.code().as_deref(), Some(LOCK_NOT_AVAILABLE | QUERY_CANCELED)))
}

/// What one committed vote answers with.
#[derive(Debug, sqlx::FromRow)]
pub struct RecordedVote {
    voter_id: VoterId,
    pub votes_cast: i32,
    pub vote_count: i64,
    pub rating_sum: i64,
    pub next_id: Option<i64>,
    pub next_title: Option<String>,
    pub next_image_key: Option<String>,
    pub next_backdrop: Option<i32>,
    pub next_subject: Option<i32>,
}

/// Records a batch of ballots in one statement. For each ballot whose picture is the one in
/// front of its voter (and still in play), it moves the voter on to their next picture, adds the
/// vote to the picture's tally, inserts the vote, and returns the tally and the next picture.
/// Other ballots change nothing.
///
/// - A picture the voter asked to rate (a locked tile's "Rate it to see it") comes next, in
///   place of the picked one, unless it is the one just rated or is no longer in play (deleted
///   or retired since). The first branch keeps that check off the path of every other vote.
/// - A voter's row is made by their first vote (`created`), not by looking at the page, so
///   crawlers and one-page visitors leave nothing behind. Until then the ticket, which the
///   server signed for the picture it showed, is what says which picture is in front of them.
///   The picture in front of them is the one at their own starting point (`first_point`, see
///   `votes::view::VIEW_SQL`), so only a ballot for that picture counts. Both branches read the
///   statement's snapshot: a row made meanwhile by another statement makes the insert do
///   nothing, and the ballot is refused, never counted twice. Whether the voter has a row is
///   looked up once per ballot (`known`) and tested before the first pick, so that this second
///   pick walk runs only for a first vote: written as a `NOT EXISTS`, the plan ran the walk for
///   every ballot before the anti-join.
///
/// - The vote keeps the voter's network and how long they looked (see the anomaly job), joined
///   from the ballots by voter: a batch holds one ballot per voter.
/// - The voter update checks the primary key first, so the insert never conflicts; the primary
///   key still makes a second vote on a picture impossible.
/// - The vote is inserted from the tally update's rows: updating the tally locks it until
///   commit, and deleting a picture deletes its tally, so a deletion either goes first (no
///   tally row, no vote) or waits for this commit (and then deletes its votes). That keeps
///   votes pointing at pictures without a foreign key check on every insert.
/// - `moved` is materialized. Inlined, it became an append of the scans of `advanced` and
///   `created` under the tally update; when that update met a tally changed by a transaction
///   that committed after this statement began (a discount or a restore of votes, while votes
///   flow), PostgreSQL's recheck of the row ran those data-modifying CTEs again, which it
///   refuses: "ModifyTable should not be called during EvalPlanQual". The batch failed, its
///   ballots were written one by one, and a lone one failed with it. The integrity test
///   `votes_stopping_and_starting_to_count_move_the_tallies_exactly_while_votes_flow` met it
///   2 to 6 times a run (4 runs), and 0 times in 6 runs materialized; the plan is otherwise
///   the same (a nested loop over the batch's rows into the tallies' primary key).
static BATCH_SQL: LazyLock<String> = LazyLock::new(|| {
    let pick = pick_sql("b.voter_id", "b.pick_point", "b.submission_id");
    let first_pick = pick_sql("p.voter_id", "p.first_point", "NULL");
    format!(
        "WITH ballot AS ( \
            SELECT * FROM UNNEST($1::int8[], $2::int8[], $3::int2[], $4::int8[], $5::int8[], \
                                 $6::text[], $7::int4[]) \
                AS b(voter_id, submission_id, rating, pick_point, first_point, network, look_ms) \
         ), picked AS MATERIALIZED ( \
            SELECT b.voter_id, b.submission_id, b.rating, b.first_point, ({pick}) AS next_id, \
                   EXISTS (SELECT 1 FROM voters k WHERE k.id = b.voter_id) AS known \
            FROM ballot b \
         ), advanced AS ( \
            UPDATE voters v \
            SET current_submission_id = CASE \
                    WHEN v.requested_submission_id IS NULL THEN p.next_id \
                    WHEN v.requested_submission_id <> p.submission_id \
                     AND EXISTS (SELECT 1 FROM submissions q \
                                 WHERE q.id = v.requested_submission_id AND q.retired_at IS NULL \
                                   AND q.held_at IS NULL) \
                        THEN v.requested_submission_id ELSE p.next_id END, \
                requested_submission_id = NULL, revealed_at = now(), \
                last_submission_id = p.submission_id, last_rating = p.rating, \
                votes_cast = v.votes_cast + 1 \
            FROM picked p \
            JOIN submissions rated ON rated.id = p.submission_id AND rated.retired_at IS NULL \
            WHERE v.id = p.voter_id AND v.current_submission_id = p.submission_id \
              AND NOT EXISTS (SELECT 1 FROM votes r \
                              WHERE r.voter_id = p.voter_id AND r.submission_id = p.submission_id) \
            RETURNING v.id AS voter_id, p.submission_id, p.rating, \
                      v.current_submission_id AS next_id, v.votes_cast \
         ), created AS ( \
            INSERT INTO voters (id, current_submission_id, revealed_at, last_submission_id, \
                                last_rating, votes_cast) \
            SELECT p.voter_id, p.next_id, now(), p.submission_id, p.rating, 1 \
            FROM picked p \
            JOIN submissions rated ON rated.id = p.submission_id AND rated.retired_at IS NULL \
            WHERE NOT p.known AND p.submission_id = ({first_pick}) \
            ON CONFLICT (id) DO NOTHING \
            RETURNING id AS voter_id, last_submission_id AS submission_id, \
                      last_rating AS rating, current_submission_id AS next_id, votes_cast \
         ), moved AS MATERIALIZED ( \
            SELECT * FROM advanced UNION ALL SELECT * FROM created \
         ), tallied AS ( \
            UPDATE tallies t \
            SET vote_count = t.vote_count + 1, rating_sum = t.rating_sum + a.rating, \
                histogram[a.rating] = t.histogram[a.rating] + 1 \
            FROM moved a \
            WHERE t.submission_id = a.submission_id \
            RETURNING a.voter_id, a.submission_id, a.rating, a.next_id, a.votes_cast, \
                      t.vote_count, t.rating_sum \
         ), recorded AS ( \
            INSERT INTO votes (voter_id, submission_id, rating, network, look_ms) \
            SELECT t.voter_id, t.submission_id, t.rating, b.network::inet, b.look_ms \
            FROM tallied t JOIN ballot b ON b.voter_id = t.voter_id \
         ) \
         SELECT t.voter_id, t.votes_cast, t.vote_count, t.rating_sum, \
                n.id AS next_id, n.title AS next_title, n.image_key AS next_image_key, \
                n.backdrop_rgb AS next_backdrop, n.subject_rgb AS next_subject \
         FROM tallied t LEFT JOIN submissions n ON n.id = t.next_id"
    )
});

/// Writes `batch` and answers each ballot's sender.
///
/// When the database refuses the statement itself (rather than the connection failing), one
/// ballot may be the cause; the ballots are then written one by one, so that it cannot keep
/// failing the ballots that happen to share its batches.
pub(super) async fn write_batch(writer: &mut WriterConnection, batch: Vec<Job>) -> bool {
    match execute(writer, &batch).await {
        Ok(rows) => {
            answer(batch, rows);
            true
        }
        Err(error @ sqlx::Error::Database(_)) if batch.len() > 1 && !timed_out(&error) => {
            tracing::error!(
                size = batch.len(),
                error = %ErrorChain(&error),
                "the database refused a vote batch; writing its ballots one by one"
            );
            let mut written = false;
            for job in batch {
                let single = [job];
                match execute(writer, &single).await {
                    Ok(rows) => {
                        answer(single.into(), rows);
                        written = true;
                    }
                    Err(error) => fail(writer, single.into(), &error),
                }
            }
            written
        }
        Err(error) => {
            fail(writer, batch, &error);
            false
        }
    }
}

async fn execute(
    writer: &mut WriterConnection,
    batch: &[Job],
) -> Result<Vec<RecordedVote>, sqlx::Error> {
    let queue_wait = metrics::histogram!("vote_queue_wait_seconds");
    for job in batch {
        queue_wait.record(job.queued_at.elapsed().as_secs_f64());
    }
    let size = batch.len();
    let started = Instant::now();
    let rows = run(writer, BallotColumns::of(batch)).await?;
    let elapsed = started.elapsed();
    metrics::histogram!("vote_commit_seconds").record(elapsed.as_secs_f64());
    #[allow(clippy::cast_precision_loss)] // a batch holds at most a few thousand ballots
    metrics::histogram!("vote_batch_size").record(size as f64);
    if elapsed > super::SLOW {
        tracing::warn!(size, ?elapsed, "slow vote batch");
    }
    tracing::trace!(size, recorded = rows.len(), ?elapsed, "vote batch committed");
    Ok(rows)
}

/// The batch statement's parameters: one array per column, one element per ballot.
#[derive(Debug, Default)]
struct BallotColumns {
    voters: Vec<i64>,
    submissions: Vec<i64>,
    ratings: Vec<i16>,
    points: Vec<i64>,
    first_points: Vec<i64>,
    networks: Vec<String>,
    looks: Vec<i32>,
}

impl BallotColumns {
    fn of(batch: &[Job]) -> Self {
        let size = batch.len();
        let mut columns = Self {
            voters: Vec::with_capacity(size),
            submissions: Vec::with_capacity(size),
            ratings: Vec::with_capacity(size),
            points: Vec::with_capacity(size),
            first_points: Vec::with_capacity(size),
            networks: Vec::with_capacity(size),
            looks: Vec::with_capacity(size),
        };
        for Job { ballot, .. } in batch {
            columns.voters.push(ballot.voter.0);
            columns.submissions.push(ballot.submission.0);
            columns.ratings.push(i16::from(ballot.rating.get()));
            columns.points.push(ballot.pick_point);
            columns.first_points.push(point_of(ballot.voter));
            columns.networks.push(ballot.network.to_string());
            columns.looks.push(ballot.look_ms);
        }
        columns
    }
}

/// Runs the batch statement, connecting first if needed.
async fn run(
    writer: &mut WriterConnection,
    columns: BallotColumns,
) -> Result<Vec<RecordedVote>, sqlx::Error> {
    let timeout = writer.timeout;
    let statement = sqlx::query_as::<_, RecordedVote>(BATCH_SQL.as_str())
        .bind(columns.voters)
        .bind(columns.submissions)
        .bind(columns.ratings)
        .bind(columns.points)
        .bind(columns.first_points)
        .bind(columns.networks)
        .bind(columns.looks)
        .fetch_all(writer.get().await?);
    // On this side's timeout the outcome is unknown: nobody is told the vote counted, and a
    // retry of one that did commit is answered "already rated".
    tokio::time::timeout(timeout, statement).await.map_err(|_| sqlx::Error::PoolTimedOut)?
}

fn answer(batch: Vec<Job>, rows: Vec<RecordedVote>) {
    let mut recorded: HashMap<VoterId, RecordedVote> =
        rows.into_iter().map(|row| (row.voter_id, row)).collect();
    for job in batch {
        let outcome = match recorded.remove(&job.ballot.voter) {
            Some(vote) => BallotOutcome::Recorded(Box::new(vote)),
            None => BallotOutcome::Refused,
        };
        // The requester may have gone away; its vote stands regardless.
        let _ = job.reply.send(Ok(outcome));
    }
}

fn fail(writer: &mut WriterConnection, batch: Vec<Job>, error: &sqlx::Error) {
    // The connection may be broken: the next batch gets a new one.
    writer.connection = None;
    // Nothing is acknowledged; a retry of a vote that did commit (the connection failing
    // after the commit) is answered "already rated", so no vote is lost or counted twice.
    tracing::error!(
        size = batch.len(),
        error = %ErrorChain(error),
        "vote batch failed; its voters were asked to try again"
    );
    for job in batch {
        let _ = job.reply.send(Err(WriteError::BatchFailed));
    }
}
