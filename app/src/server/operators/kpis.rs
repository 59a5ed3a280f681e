//! The key figures: as they stand now (each a count over a table the site keeps anyway; the
//! largest reads are the tallies, one row per picture, and the voters, one per voter), and over
//! a time range from the KPI sampler's rows (`kpi_samples`), with the live point appended.

use crate::operators::{Funnel, KpiDashboard, KpiRange, KpiStep};
use sqlx::PgPool;

/// The key figures as they stand now, for the dashboard's live point and the sampler.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, sqlx::FromRow)]
pub struct Figures {
    pub counted_votes: i64,
    pub discounted_votes: i64,
    pub voters: i64,
    pub regulars: i64,
    pub members: i64,
    pub uploaders: i64,
    pub uploads: i64,
    /// Reports in the last minute.
    pub reports: i64,
    pub active_voters: i64,
}

pub async fn figures_now(pool: &PgPool) -> Result<Figures, sqlx::Error> {
    sqlx::query_as!(
        Figures,
        r#"SELECT (SELECT coalesce(sum(vote_count), 0) FROM tallies)::int8 AS "counted_votes!",
                  (SELECT count(*) FROM votes WHERE NOT counted) AS "discounted_votes!",
                  v.voters AS "voters!", v.regulars AS "regulars!",
                  (SELECT count(*) FROM users) AS "members!",
                  (SELECT count(DISTINCT submitted_by) FROM submissions
                    WHERE submitted_by IS NOT NULL) AS "uploaders!",
                  (SELECT count(*) FROM submissions WHERE submitted_by IS NOT NULL) AS "uploads!",
                  (SELECT count(*) FROM picture_reports
                    WHERE created_at > now() - interval '1 minute') AS "reports!",
                  v.active AS "active_voters!"
             FROM (SELECT count(*) FILTER (WHERE votes_cast > 0) AS voters,
                          count(*) FILTER (WHERE votes_cast >= 10) AS regulars,
                          count(*) FILTER (WHERE votes_cast > 0
                                             AND revealed_at > now() - interval '5 minutes') AS active
                     FROM voters) v"#
    )
    .fetch_one(pool)
    .await
}

struct BucketRow {
    label: String,
    at_secs: f64,
    /// The totals at the bucket's first sample: the base of the first step.
    first: Totals,
    counted_votes: i64,
    discounted_votes: i64,
    voters: i64,
    members: i64,
    uploads: i64,
    reports: i64,
    active_voters: i64,
}

/// The dashboard for `range`: one step per bucket of the range, the steps' figures being the
/// differences between the totals at their ends, the current step ending now.
pub async fn dashboard(pool: &PgPool, range: KpiRange) -> Result<KpiDashboard, sqlx::Error> {
    let step = f64::from(range.step_seconds());
    let format = match range {
        KpiRange::Hour => "HH24:MI",
        KpiRange::Day => "HH24:MI",
        KpiRange::Week => "MM-DD HH24\"h\"",
        KpiRange::Quarter => "YYYY-MM-DD",
    };
    let rows: Vec<BucketRow> = sqlx::query!(
        r#"SELECT to_char(b.bucket AT TIME ZONE 'UTC', $3) AS "label!",
                  extract(epoch FROM b.bucket)::float8 AS "at_secs!",
                  b.counted_votes AS "counted_votes!", b.discounted_votes AS "discounted_votes!",
                  b.voters AS "voters!", b.members AS "members!", b.uploads AS "uploads!",
                  b.reports AS "reports!", b.active_voters AS "active_voters!",
                  b.first_counted AS "first_counted!", b.first_discounted AS "first_discounted!",
                  b.first_voters AS "first_voters!", b.first_members AS "first_members!",
                  b.first_uploads AS "first_uploads!"
             FROM (SELECT date_bin(make_interval(secs => $1), at, TIMESTAMPTZ '2000-01-01') AS bucket,
                          max(counted_votes) AS counted_votes, max(discounted_votes) AS discounted_votes,
                          max(voters) AS voters, max(members) AS members, max(uploads) AS uploads,
                          sum(reports)::int8 AS reports, max(active_voters) AS active_voters,
                          min(counted_votes) AS first_counted, min(discounted_votes) AS first_discounted,
                          min(voters) AS first_voters, min(members) AS first_members,
                          min(uploads) AS first_uploads
                     FROM kpi_samples
                    WHERE at > now() - make_interval(secs => $2)
                    GROUP BY 1) b
            ORDER BY b.bucket"#,
        step,
        f64::from(range.seconds()),
        format,
    )
    .fetch_all(pool)
    .await?
    .into_iter()
    .map(|row| BucketRow {
        label: row.label,
        at_secs: row.at_secs,
        first: Totals {
            counted_votes: row.first_counted,
            discounted_votes: row.first_discounted,
            voters: row.first_voters,
            members: row.first_members,
            uploads: row.first_uploads,
        },
        counted_votes: row.counted_votes,
        discounted_votes: row.discounted_votes,
        voters: row.voters,
        members: row.members,
        uploads: row.uploads,
        reports: row.reports,
        active_voters: row.active_voters,
    })
    .collect();
    let now = figures_now(pool).await?;
    let clock = sqlx::query!(
        r#"SELECT extract(epoch FROM date_bin(make_interval(secs => $1), now(), TIMESTAMPTZ '2000-01-01'))::float8 AS "bucket!",
                  to_char(date_bin(make_interval(secs => $1), now(), TIMESTAMPTZ '2000-01-01') AT TIME ZONE 'UTC', $2) AS "label!",
                  to_char(now() AT TIME ZONE 'UTC', 'HH24:MI:SS "UTC"') AS "read_at!""#,
        step,
        format,
    )
    .fetch_one(pool)
    .await?;
    Ok(KpiDashboard {
        range,
        steps: steps(rows, &now, clock.bucket, clock.label),
        funnel: Funnel {
            voters: now.voters,
            regulars: now.regulars,
            members: now.members,
            uploaders: now.uploaders,
        },
        active_now: now.active_voters,
        read_at: clock.read_at,
        vote_latency: None,
    })
}

/// Cumulative totals, as a bucket's first sample had them.
#[derive(Debug, Clone, Copy)]
struct Totals {
    counted_votes: i64,
    discounted_votes: i64,
    voters: i64,
    members: i64,
    uploads: i64,
}

impl BucketRow {
    fn totals(&self) -> Totals {
        Totals {
            counted_votes: self.counted_votes,
            discounted_votes: self.discounted_votes,
            voters: self.voters,
            members: self.members,
            uploads: self.uploads,
        }
    }
}

/// The steps from the buckets' totals, the figures as they stand now ending the current one.
/// A step is what its totals grew by since the step before (for the first, since its own first
/// sample, or since nothing when there is no sample yet).
fn steps(mut rows: Vec<BucketRow>, now: &Figures, bucket: f64, label: String) -> Vec<KpiStep> {
    let live = BucketRow {
        label,
        at_secs: bucket,
        first: Totals {
            counted_votes: now.counted_votes,
            discounted_votes: now.discounted_votes,
            voters: now.voters,
            members: now.members,
            uploads: now.uploads,
        },
        counted_votes: now.counted_votes,
        discounted_votes: now.discounted_votes,
        voters: now.voters,
        members: now.members,
        uploads: now.uploads,
        reports: now.reports,
        active_voters: now.active_voters,
    };
    // Before the first step: its own first sample; with no sample at all yet (the sampler first
    // runs a minute after start), nothing, so that the live step shows what the site has done.
    let none = Totals { counted_votes: 0, discounted_votes: 0, voters: 0, members: 0, uploads: 0 };
    let mut before = rows.first().map_or(none, |row| row.first);
    match rows.last_mut() {
        Some(last) if (last.at_secs - bucket).abs() < 0.5 => {
            last.reports += live.reports;
            last.active_voters = last.active_voters.max(live.active_voters);
            last.counted_votes = live.counted_votes;
            last.discounted_votes = live.discounted_votes;
            last.voters = live.voters;
            last.members = live.members;
            last.uploads = live.uploads;
        }
        _ => rows.push(live),
    }
    rows.iter()
        .map(|row| {
            let before = std::mem::replace(&mut before, row.totals());
            // Totals fall when things are deleted; a step never shows less than nothing.
            let grown = |after: i64, earlier: i64| (after - earlier).max(0);
            KpiStep {
                label: row.label.clone(),
                counted_votes: grown(row.counted_votes, before.counted_votes),
                discounted_votes: grown(row.discounted_votes, before.discounted_votes),
                active_voters: row.active_voters,
                sign_ups: grown(row.members, before.members),
                uploads: grown(row.uploads, before.uploads),
                reports: row.reports,
                new_voters: grown(row.voters, before.voters),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(at_secs: f64, first_counted: i64, counted: i64) -> BucketRow {
        let totals = Totals {
            counted_votes: first_counted,
            discounted_votes: 0,
            voters: 0,
            members: 0,
            uploads: 0,
        };
        BucketRow {
            label: format!("{at_secs}"),
            at_secs,
            first: totals,
            counted_votes: counted,
            discounted_votes: 0,
            voters: 0,
            members: 0,
            uploads: 0,
            reports: 0,
            active_voters: 0,
        }
    }

    fn now(counted: i64) -> Figures {
        Figures { counted_votes: counted, ..Figures::default() }
    }

    fn counted(steps: &[KpiStep]) -> Vec<i64> {
        steps.iter().map(|step| step.counted_votes).collect()
    }

    #[test]
    fn steps_are_growth_and_the_live_one_ends_now() {
        // No sample yet: the live step is everything so far.
        assert_eq!(counted(&steps(vec![], &now(5), 120.0, "now".into())), [5]);
        // A sample earlier in the current bucket: the growth since it.
        assert_eq!(counted(&steps(vec![row(120.0, 3, 3)], &now(5), 120.0, "now".into())), [2]);
        // Earlier buckets, then a new one for now; totals that fell show nothing, not less.
        let rows = vec![row(0.0, 1, 4), row(60.0, 5, 9), row(90.0, 8, 8)];
        assert_eq!(counted(&steps(rows, &now(12), 120.0, "now".into())), [3, 5, 0, 4]);
    }
}
