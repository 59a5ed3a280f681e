//! Pictures pushed by a crowd of throw-away sessions from one network.
//!
//! The attack this answers: a script opens a picture's share link in thousands of fresh
//! sessions (the link puts the picture in front of a new visitor at once) and rates it 10, or
//! 1 for a rival, from a handful of addresses. Each session votes once or twice, at a human
//! pace, with varied-enough timing: the rater detectors see nothing. What gives it away is the
//! crowd: many voters with no history, on one network, all on one picture.
//!
//! A household or an office shares a link too, so a crowd must be large: [`Detectors::
//! crowd_alone`] at any time, or [`Detectors::crowd_in_burst`] while the picture's vote rate is
//! far above its own baseline. The baseline is the picture's counted votes before the window,
//! spread over its age then (at least a day, so a new picture is not "bursting" by being new).

use super::Detectors;
use app::server::{
    voter::VoterId,
    votes::counting::{DiscountReason, Finding, VoteKey},
};
use app::votes::SubmissionId;
use sqlx::PgConnection;

struct Crowd {
    submission_id: i64,
    network: String,
    voters: Vec<i64>,
    mean_rating: f64,
    window_votes: i64,
    usual: f64,
    bursting: bool,
}

/// The crowds of fresh voters from one network on one picture that are too large.
///
/// The statement never joins two of its intermediate sets to each other. PostgreSQL estimates
/// the voters active in the window from statistics that predate the window (there is no index
/// on `revealed_at`, which every vote updates), so it expects about one; an earlier form joined
/// the fresh voters to the window's votes, and the planner, expecting one of each, compared
/// every pair: with 100,000 voters active in the hour (a million votes) it had not finished
/// after 10 minutes, where the job's statements may take two. Now every join is by key into a
/// table, and the per-picture count is a window over the votes: 2.3 s for the same hour.
pub async fn pushed_pictures(
    connection: &mut PgConnection,
    detectors: &Detectors,
) -> Result<Vec<Finding>, sqlx::Error> {
    let crowds = sqlx::query_as!(
        Crowd,
        r#"WITH active AS (
               -- Each voter active in the window, and whether they are fresh, found per voter
               -- (never a join between two of these sets: see the comment above).
               SELECT r.id,
                      r.votes_cast <= $2
                        AND NOT EXISTS (SELECT 1 FROM votes o WHERE o.voter_id = r.id
                                           AND o.created_at <= now() - make_interval(secs => $1))
                        AND NOT EXISTS (SELECT 1 FROM votes x WHERE x.voter_id = r.id
                                           AND x.counted AND x.reviewed_at IS NOT NULL) AS fresh
                 FROM voters r
                WHERE r.revealed_at > now() - make_interval(secs => $1)
           ), recent AS (
               -- Their counted votes in the window, each with its picture's count of them.
               SELECT v.submission_id, v.voter_id, v.rating, v.network, a.fresh,
                      count(*) OVER (PARTITION BY v.submission_id) AS window_votes
                 FROM active a JOIN votes v ON v.voter_id = a.id
                WHERE v.counted AND v.created_at > now() - make_interval(secs => $1)
           ), crowds AS (
               SELECT submission_id, network, array_agg(voter_id ORDER BY voter_id) AS voters,
                      avg(rating)::float8 AS mean_rating, max(window_votes) AS window_votes
                 FROM recent
                WHERE fresh AND network IS NOT NULL
                GROUP BY submission_id, network
                HAVING count(*) >= LEAST($5::int8, $6::int8)
           ), judged AS (
               SELECT c.*,
                      -- Counted votes before the window, per window of the picture's age then.
                      GREATEST(t.vote_count - c.window_votes, 0) * $1
                        / GREATEST(extract(epoch FROM (now() - make_interval(secs => $1))
                                                       - s.created_at)::float8, 86400.0) AS usual
                 FROM crowds c
                 JOIN tallies t ON t.submission_id = c.submission_id
                 JOIN submissions s ON s.id = c.submission_id
           )
           SELECT submission_id AS "submission_id!", abbrev(network) AS "network!",
                  voters AS "voters!", mean_rating AS "mean_rating!",
                  window_votes AS "window_votes!", usual AS "usual!",
                  (window_votes >= $3 AND window_votes >= $4 * GREATEST(usual, 1.0))
                      AS "bursting!"
             FROM judged
            ORDER BY submission_id, network"#,
        detectors.window.as_secs_f64(),
        detectors.fresh_max_votes,
        detectors.burst_min_votes,
        detectors.burst_factor,
        detectors.crowd_in_burst,
        detectors.crowd_alone,
    )
    .fetch_all(&mut *connection)
    .await?;
    let minutes = detectors.window.as_secs() / 60;
    Ok(crowds
        .into_iter()
        .filter(|crowd| {
            let size = i64::try_from(crowd.voters.len()).unwrap_or(i64::MAX);
            size >= if crowd.bursting { detectors.crowd_in_burst } else { detectors.crowd_alone }
        })
        .map(|crowd| {
            let burst = if crowd.bursting {
                format!(
                    "; the picture had {} votes in those {minutes} min, against about {:.1} usually",
                    crowd.window_votes, crowd.usual
                )
            } else {
                String::new()
            };
            Finding {
                reason: DiscountReason::SuspiciousBurst,
                evidence: format!(
                    "Picture {}: {} new voters from {} within {minutes} min, rating it {:.1} on \
                     average{burst}",
                    crowd.submission_id,
                    crowd.voters.len(),
                    crowd.network,
                    crowd.mean_rating,
                ),
                votes: crowd
                    .voters
                    .iter()
                    .map(|voter| VoteKey {
                        voter: VoterId(*voter),
                        picture: SubmissionId(crowd.submission_id),
                    })
                    .collect(),
            }
        })
        .collect())
}
