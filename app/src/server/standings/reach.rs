//! Views: how many times pictures were put in front of voters. Counted in memory on the vote
//! path and written every few seconds in one statement, so a vote costs no extra write. A crash
//! loses the last few seconds of views, never a vote: views are a statistic, not a ballot.
//!
//! The map is bounded: past [`MAX_PENDING`] distinct pictures between two writes, further
//! pictures' views are dropped (and logged at the next write) rather than growing without end.

use crate::{server::ErrorChain, votes::SubmissionId};
use sqlx::PgPool;
use std::{
    collections::HashMap,
    sync::{
        Mutex,
        atomic::{AtomicU64, Ordering},
    },
    time::Duration,
};
use tokio::sync::watch;

/// Distinct pictures counted between two writes at most.
pub const MAX_PENDING: usize = 100_000;

#[derive(Debug, Default)]
pub struct ViewCounts {
    pending: Mutex<HashMap<i64, i64>>,
    dropped: AtomicU64,
}

impl ViewCounts {
    /// Counts one view of `picture`.
    pub fn viewed(&self, picture: SubmissionId) {
        let Ok(mut pending) = self.pending.lock() else { return };
        let full = pending.len() >= MAX_PENDING;
        match pending.get_mut(&picture.0) {
            Some(count) => *count += 1,
            None if full => {
                self.dropped.fetch_add(1, Ordering::Relaxed);
            }
            None => {
                pending.insert(picture.0, 1);
            }
        }
    }

    /// Takes the views counted so far, in id order (so concurrent writers lock rows in one
    /// order and never deadlock).
    fn take(&self) -> (Vec<i64>, Vec<i64>) {
        let taken = self.pending.lock().map(|mut pending| std::mem::take(&mut *pending));
        let mut taken: Vec<(i64, i64)> = taken.unwrap_or_default().into_iter().collect();
        taken.sort_unstable();
        taken.into_iter().unzip()
    }

    /// Writes the views counted so far; answers how many pictures' counters moved.
    pub async fn write(&self, pool: &PgPool) -> Result<u64, sqlx::Error> {
        let dropped = self.dropped.swap(0, Ordering::Relaxed);
        if dropped > 0 {
            tracing::warn!(dropped, "views were not counted: too many pictures between writes");
        }
        let (pictures, views) = self.take();
        if pictures.is_empty() {
            return Ok(0);
        }
        // Pictures deleted meanwhile are left out by the join.
        let written = sqlx::query!(
            "INSERT INTO picture_reach (submission_id, views)
             SELECT u.id, u.views
               FROM unnest($1::int8[], $2::int8[]) AS u(id, views)
               JOIN submissions s ON s.id = u.id
              ORDER BY u.id
             ON CONFLICT (submission_id)
             DO UPDATE SET views = picture_reach.views + excluded.views",
            &pictures,
            &views,
        )
        .execute(pool)
        .await?;
        Ok(written.rows_affected())
    }

    /// Writes the views every `every` until `stopping` says stop, then once more.
    pub async fn write_every(
        &self,
        pool: PgPool,
        every: Duration,
        mut stopping: watch::Receiver<bool>,
    ) {
        let mut ticks = tokio::time::interval(every);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            let stop = tokio::select! {
                _ = ticks.tick() => false,
                _ = stopping.wait_for(|stop| *stop) => true,
            };
            if let Err(error) = self.write(&pool).await {
                tracing::warn!(error = %ErrorChain(&error), "could not write the views counted");
            }
            if stop {
                return;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn views_add_up_per_picture_in_id_order() {
        let counts = ViewCounts::default();
        for id in [9, 3, 9, 9, 3, 5] {
            counts.viewed(SubmissionId(id));
        }
        assert_eq!(counts.take(), (vec![3, 5, 9], vec![2, 1, 3]));
        assert_eq!(counts.take(), (vec![], vec![]));
    }

    #[test]
    fn past_the_bound_new_pictures_are_dropped_and_known_ones_still_count() {
        let counts = ViewCounts::default();
        for id in 0..i64::try_from(MAX_PENDING).unwrap() {
            counts.viewed(SubmissionId(id));
        }
        counts.viewed(SubmissionId(-1));
        counts.viewed(SubmissionId(0));
        assert_eq!(counts.dropped.load(Ordering::Relaxed), 1);
        let (pictures, views) = counts.take();
        assert_eq!(pictures.len(), MAX_PENDING);
        assert_eq!(views.first(), Some(&2));
    }
}
