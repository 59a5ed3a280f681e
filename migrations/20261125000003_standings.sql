-- Standings: each picture's rating histogram, the scores the ranking job computes from it, and a
-- record of every periodic job's runs.

-- The histogram lives in the tally row the vote batch already updates: one more counter moves
-- per vote, in the same statement and commit. It is not indexed, so the update stays HOT.
-- histogram[r] counts the votes of rating r (1-10).
ALTER TABLE tallies
    ADD COLUMN histogram integer[] NOT NULL DEFAULT '{0,0,0,0,0,0,0,0,0,0}'
        CHECK (cardinality(histogram) = 10);

UPDATE tallies t
   SET histogram = h.counts
  FROM (SELECT submission_id,
               array_agg(coalesce(n, 0)::integer ORDER BY r) AS counts
          FROM (SELECT s.submission_id, r.r, c.n
                  FROM (SELECT DISTINCT submission_id FROM votes) s
                 CROSS JOIN generate_series(1, 10) AS r(r)
                  LEFT JOIN (SELECT submission_id, rating, count(*) AS n
                               FROM votes GROUP BY 1, 2) c
                         ON c.submission_id = s.submission_id AND c.rating = r.r) grid
         GROUP BY submission_id) h
 WHERE t.submission_id = h.submission_id;

-- What the ranking job computed for each picture in play, written only by that job (never on
-- the vote path). Rank 1 is the best Bayesian score; ties share a rank.
CREATE TABLE picture_standings (
    submission_id bigint PRIMARY KEY REFERENCES submissions (id) ON DELETE CASCADE,
    score         double precision NOT NULL,
    lower_bound   double precision NOT NULL,
    rank          integer NOT NULL,
    percentile    double precision NOT NULL,
    computed_at   timestamptz NOT NULL
);
CREATE INDEX picture_standings_by_rank ON picture_standings (rank, submission_id);

-- The site-wide numbers the scores were last computed with (one row): the mean rating C and the
-- prior's weight m (about the median number of votes).
CREATE TABLE site_standings (
    id          boolean PRIMARY KEY DEFAULT true CHECK (id),
    computed_at timestamptz NOT NULL,
    site_mean   double precision NOT NULL,
    prior_votes double precision NOT NULL,
    pictures    bigint NOT NULL,
    votes       bigint NOT NULL
);

-- Every run of a periodic job, for operators: when, how long, how much it did, how it ended.
-- Housekeeping deletes runs older than a month.
CREATE TABLE job_runs (
    id          bigserial PRIMARY KEY,
    job         text NOT NULL,
    started_at  timestamptz NOT NULL,
    duration_ms bigint NOT NULL,
    rows        bigint NOT NULL DEFAULT 0,
    outcome     text NOT NULL CHECK (outcome IN ('done', 'failed')),
    error       text
);
CREATE INDEX job_runs_by_job ON job_runs (job, started_at DESC);
