//! Choosing the next picture a voter sees.
//!
//! Every submission gets a random `pick_key` when it is created, and a partial B-tree index
//! (`submissions_pick`) holds the keys of the pictures still in play (not retired, not held for
//! moderation). To pick, we draw a random
//! point and walk that index upwards from it to the first picture this voter may see — not their
//! own, not the one already in front of them, not one they rated (a probe of the votes primary
//! key) — wrapping around to the lowest key if we fall off the end.
//!
//! The walk's length does not depend on the table's size: a voter who has rated k of N pictures
//! skips k/N of the entries it meets, so with 10,000 of 1,000,000 rated a pick reads about 1.01
//! index entries and one primary-key probe each. `ORDER BY random()` would read and sort every
//! row on every vote. The cost grows only for a voter who has rated nearly everything, and that
//! walk ends at the "all rated" page.
//!
//! Keys are uniform, so every picture is equally likely to be picked in expectation; a picture
//! after a wide gap between keys is picked more often than one after a narrow gap.

use super::voter::VoterId;
use crate::votes::SubmissionId;
use rand::Rng;
use sqlx::PgPool;
use std::sync::LazyLock;

/// SQL returning the id of the next picture for `voter` (or no row), given SQL expressions for
/// the voter's id, the random starting point, and a picture to leave out (may be NULL).
pub(crate) fn pick_sql(voter: &str, point: &str, exclude: &str) -> String {
    let walk = |from: &str| {
        format!(
            "(SELECT s.id FROM submissions s \
              WHERE s.retired_at IS NULL AND s.held_at IS NULL AND s.pick_key {from} {point} \
                AND s.id IS DISTINCT FROM {exclude} \
                AND s.submitted_by IS DISTINCT FROM {voter} \
                AND NOT EXISTS (SELECT 1 FROM votes v \
                                WHERE v.voter_id = {voter} AND v.submission_id = s.id) \
              ORDER BY s.pick_key LIMIT 1)"
        )
    };
    format!(
        "SELECT candidate.id FROM ({} UNION ALL {}) AS candidate LIMIT 1",
        walk(">="),
        walk("<")
    )
}

// Composed, so run-time SQL: the vote batch embeds the same walk in its own statement.
static PICK_SQL: LazyLock<String> = LazyLock::new(|| pick_sql("$1", "$2", "$3"));

/// A random starting point for [`pick_sql`].
pub fn random_point() -> i64 {
    rand::rng().random()
}

/// The starting point that belongs to `voter`: the same on every visit, spread over the whole
/// range of keys (voter ids are random, but below 2^62).
pub fn point_of(voter: VoterId) -> i64 {
    voter.0.cast_unsigned().wrapping_mul(0x9E37_79B9_7F4A_7C15).cast_signed()
}

/// The first picture for `voter` from `point`; `None` when they have rated everything.
pub async fn pick_from(
    pool: &PgPool,
    voter: VoterId,
    point: i64,
) -> Result<Option<SubmissionId>, sqlx::Error> {
    sqlx::query_scalar(PICK_SQL.as_str())
        .bind(voter)
        .bind(point)
        .bind(None::<SubmissionId>)
        .fetch_optional(pool)
        .await
}

/// The next picture for `voter`, other than `exclude`; `None` when they have rated everything.
pub async fn pick_next(
    pool: &PgPool,
    voter: VoterId,
    exclude: Option<SubmissionId>,
) -> Result<Option<SubmissionId>, sqlx::Error> {
    sqlx::query_scalar(PICK_SQL.as_str())
        .bind(voter)
        .bind(random_point())
        .bind(exclude)
        .fetch_optional(pool)
        .await
}
