//! The admins' moderation queue: the held pictures, and the decisions on them.

use super::pictures;
use crate::{
    moderation::{HeldPicture, ModerationDecision, Removal, ReportReason},
    server::voter::VoterId,
    votes::SubmissionId,
};
use sqlx::PgPool;

/// Held pictures shown at once, the longest waiting first.
const QUEUE: i64 = 50;

struct HeldRow {
    id: i64,
    title: String,
    image_key: String,
    owner: Option<String>,
    reasons: Vec<String>,
    counts: Vec<i64>,
    held_since: String,
}

/// The pictures waiting for a decision.
pub async fn held(pool: &PgPool) -> Result<Vec<HeldPicture>, sqlx::Error> {
    let rows = sqlx::query_as!(
        HeldRow,
        r#"SELECT s.id, s.title, s.image_key, u.username AS "owner?",
                  r.reasons AS "reasons!", r.counts AS "counts!",
                  to_char(s.held_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI "UTC"') AS "held_since!"
             FROM submissions s
             LEFT JOIN users u ON u.voter_id = s.submitted_by
             CROSS JOIN LATERAL (
                 SELECT array_agg(reason ORDER BY n DESC, reason) AS reasons,
                        array_agg(n ORDER BY n DESC, reason) AS counts
                   FROM (SELECT reason, count(*) AS n FROM picture_reports
                          WHERE submission_id = s.id GROUP BY reason) per_reason) r
            WHERE s.held_at IS NOT NULL AND s.retired_at IS NULL
            ORDER BY s.held_at, s.id
            LIMIT $1"#,
        QUEUE
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| HeldPicture {
            id: row.id,
            title: row.title,
            image_src: format!("/media/{}/320.jpg", row.image_key),
            owner: row.owner,
            reports: row
                .reasons
                .iter()
                .zip(row.counts)
                .map(|(reason, n)| {
                    let label = ReportReason::parse(reason).map_or("Reported", ReportReason::label);
                    (label.to_owned(), n)
                })
                .collect(),
            held_since: row.held_since,
        })
        .collect())
}

/// Applies an admin's decision to a held picture; answers whether it was held (a picture
/// decided already, or never held, is left alone).
pub async fn decide(
    pool: &PgPool,
    picture: SubmissionId,
    decision: ModerationDecision,
) -> Result<bool, sqlx::Error> {
    let mut tx = pool.begin().await?;
    let decided = match decision {
        ModerationDecision::Approve => {
            let approved = sqlx::query!(
                "UPDATE submissions SET held_at = NULL WHERE id = $1 AND held_at IS NOT NULL",
                picture.0
            )
            .execute(&mut *tx)
            .await?
            .rows_affected()
                == 1;
            if approved {
                sqlx::query!("DELETE FROM picture_reports WHERE submission_id = $1", picture.0)
                    .execute(&mut *tx)
                    .await?;
            }
            approved
        }
        ModerationDecision::Remove(reason) => {
            let held = sqlx::query_scalar!(
                "SELECT id FROM submissions WHERE id = $1 AND held_at IS NOT NULL FOR UPDATE",
                picture.0
            )
            .fetch_optional(&mut *tx)
            .await?;
            if held.is_some() {
                // Its owner is told (a demo picture has none).
                sqlx::query!(
                    "INSERT INTO removals (submission_id, owner_voter_id, title, reason, reports)
                     SELECT s.id, s.submitted_by, s.title, $2,
                            (SELECT count(*) FROM picture_reports r WHERE r.submission_id = s.id)
                       FROM submissions s WHERE s.id = $1 AND s.submitted_by IS NOT NULL",
                    picture.0,
                    reason.as_str(),
                )
                .execute(&mut *tx)
                .await?;
                pictures::delete(&mut tx, &[picture.0]).await?;
            }
            held.is_some()
        }
    };
    tx.commit().await?;
    if decided {
        tracing::info!(picture = picture.0, ?decision, "moderation decision");
    }
    Ok(decided)
}

/// The owner's pictures a moderator removed, the latest first.
pub async fn removals_of(pool: &PgPool, owner: VoterId) -> Result<Vec<Removal>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT title, reason, to_char(removed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS "removed_on!"
             FROM removals WHERE owner_voter_id = $1 ORDER BY removed_at DESC LIMIT 100"#,
        owner.0
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| Removal {
            title: row.title,
            reason: ReportReason::parse(&row.reason)
                .map_or("It broke the site's rules", ReportReason::label)
                .to_owned(),
            removed_on: row.removed_on,
        })
        .collect())
}
