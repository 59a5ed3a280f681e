-- The operators' key figures, one row per minute, written by the KPI sampler job (once per
-- minute across instances). Totals are stored as they stood (cumulative), so a coarser row is
-- simply the last of its finer ones; figures per period (reports) are summed; the active voters
-- are the most seen. Per-minute rows are rolled into hours after 7 days, hours into days after
-- 90 days: the table stays at about 10,080 + 1,992 + one row a day.
CREATE TABLE kpi_samples (
    resolution       text NOT NULL CHECK (resolution IN ('minute', 'hour', 'day')),
    at               timestamptz NOT NULL,
    counted_votes    bigint NOT NULL,
    discounted_votes bigint NOT NULL,
    -- Voters who voted at least once, and at least ten times.
    voters           bigint NOT NULL,
    regulars         bigint NOT NULL,
    members          bigint NOT NULL,
    -- Members who uploaded at least one picture still here, and those pictures.
    uploaders        bigint NOT NULL,
    uploads          bigint NOT NULL,
    -- Reports made in the period.
    reports          bigint NOT NULL,
    -- Voters who voted in the five minutes before the sample.
    active_voters    bigint NOT NULL,
    PRIMARY KEY (resolution, at)
);
