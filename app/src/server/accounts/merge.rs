//! An anonymous visitor who logs in keeps their votes: they move to the account's voter.

use crate::server::voter::VoterId;
use sqlx::{Postgres, Transaction};

/// Moves the votes of `anonymous` to `account` in the caller's transaction. Where both rated the
/// same picture, or the anonymous vote is on one of the account's own pictures, the anonymous
/// vote is withdrawn from its picture's tally instead. Answers how many votes moved.
pub async fn move_votes(
    tx: &mut Transaction<'_, Postgres>,
    anonymous: VoterId,
    account: VoterId,
) -> Result<i64, sqlx::Error> {
    if anonymous == account {
        return Ok(0);
    }
    // An anonymous voter who never voted has no row yet, and their first vote would make one:
    // a row without a picture stands in for it, so that a ballot sent while this runs is
    // refused rather than counted under the anonymous voter after their votes have moved.
    sqlx::query!("INSERT INTO voters (id) VALUES ($1) ON CONFLICT (id) DO NOTHING", anonymous.0)
        .execute(&mut **tx)
        .await?;
    // Both voter rows, locked in id order: a vote being written for either waits, and two
    // logins at once cannot deadlock.
    let locked = sqlx::query_scalar!(
        r#"SELECT id AS "id: VoterId" FROM voters WHERE id = ANY($1) ORDER BY id FOR UPDATE"#,
        &[anonymous.0, account.0],
    )
    .fetch_all(&mut **tx)
    .await?;
    if !locked.contains(&account) {
        return Ok(0);
    }
    sqlx::query!(
        "WITH withdrawn AS (
             DELETE FROM votes a
             WHERE a.voter_id = $1
               AND (EXISTS (SELECT 1 FROM votes u WHERE u.voter_id = $2 AND u.submission_id = a.submission_id)
                    OR EXISTS (SELECT 1 FROM submissions s WHERE s.id = a.submission_id AND s.submitted_by = $2))
             RETURNING a.submission_id, a.rating, a.counted
         )
         UPDATE tallies t SET vote_count = t.vote_count - 1, rating_sum = t.rating_sum - w.rating,
                              histogram[w.rating] = t.histogram[w.rating] - 1
         FROM withdrawn w
         -- A vote that did not count is not in the tally to take out.
         WHERE t.submission_id = w.submission_id AND w.counted",
        anonymous.0,
        account.0,
    )
    .execute(&mut **tx)
    .await?;
    let moved = sqlx::query_scalar!(
        r#"WITH moved AS (UPDATE votes SET voter_id = $2 WHERE voter_id = $1 RETURNING 1)
           SELECT count(*) AS "moved!" FROM moved"#,
        anonymous.0,
        account.0,
    )
    .fetch_one(&mut **tx)
    .await?;
    // The anonymous voter's picture is taken away: a ballot it sends while this runs waits for
    // the row lock, then finds no picture in front of it and is refused, so it cannot count
    // once for each voter. The account's picture goes too when the moved votes include it:
    // otherwise every vote on it would be refused as already rated and the page would show it
    // forever. A voter without a picture is shown a newly picked one on their next visit.
    sqlx::query!(
        "UPDATE voters SET votes_cast = CASE WHEN id = $2 THEN votes_cast + $3::int ELSE 0 END,
                           last_submission_id = CASE WHEN id = $2 THEN last_submission_id END,
                           last_rating = CASE WHEN id = $2 THEN last_rating END,
                           current_submission_id = CASE
                               WHEN id = $1 THEN NULL
                               WHEN EXISTS (SELECT 1 FROM votes r WHERE r.voter_id = $2
                                              AND r.submission_id = voters.current_submission_id)
                                   THEN NULL
                               ELSE current_submission_id END,
                           requested_submission_id = CASE
                               WHEN id = $1 THEN NULL
                               WHEN EXISTS (SELECT 1 FROM votes r WHERE r.voter_id = $2
                                              AND r.submission_id = voters.requested_submission_id)
                                   THEN NULL
                               ELSE requested_submission_id END
         WHERE id IN ($1, $2)",
        anonymous.0,
        account.0,
        i32::try_from(moved).unwrap_or(i32::MAX),
    )
    .execute(&mut **tx)
    .await?;
    Ok(moved)
}
