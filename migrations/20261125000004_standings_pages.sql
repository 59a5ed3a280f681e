-- Standings, second part: how often each picture is seen and shared, the leaderboards' orders,
-- ranks over time, share links, search, and the retirement cycle.

-- Views (each time a picture is put in front of a voter) and shares (visits through a share
-- link, once per visitor). A table of their own, written in batches off the vote path: its
-- updates never wait on a tally row the vote writer holds.
CREATE TABLE picture_reach (
    submission_id bigint PRIMARY KEY REFERENCES submissions (id) ON DELETE CASCADE,
    views         bigint NOT NULL DEFAULT 0 CHECK (views >= 0),
    shares        bigint NOT NULL DEFAULT 0 CHECK (shares >= 0)
);

-- The leaderboards' other orders, computed by the ranking job with the scores:
-- `hot` rises with a picture's points and with how recently it arrived (see app::standings),
-- and never changes for a picture nobody votes on, so the job rewrites only pictures that got
-- votes; `spread` is the standard deviation of its ratings, NULL below five votes (two votes of
-- 1 and 10 are not a controversy).
ALTER TABLE picture_standings
    ADD COLUMN hot    double precision NOT NULL DEFAULT 0,
    ADD COLUMN spread double precision;
-- Read backwards (highest first, ties by the newest id) by the keyset-paginated leaderboards.
CREATE INDEX picture_standings_by_hot ON picture_standings (hot, submission_id);
CREATE INDEX picture_standings_by_spread ON picture_standings (spread, submission_id)
    WHERE spread IS NOT NULL;

-- A picture's rank once a day (the first ranking after midnight, UTC), for its chart.
-- Housekeeping keeps a year.
CREATE TABLE rank_history (
    submission_id bigint NOT NULL REFERENCES submissions (id) ON DELETE CASCADE,
    day           date NOT NULL,
    rank          integer NOT NULL,
    pictures      integer NOT NULL,
    score         double precision NOT NULL,
    PRIMARY KEY (submission_id, day)
);

-- A share link: one per picture and sharer (sharing again copies the same link), named by a
-- random code. `shared_by` is the sharer's voter, member or not.
CREATE TABLE share_links (
    code          text PRIMARY KEY CHECK (code ~ '^[A-Za-z0-9_-]{16}$'),
    submission_id bigint NOT NULL REFERENCES submissions (id) ON DELETE CASCADE,
    shared_by     bigint NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    UNIQUE (submission_id, shared_by)
);

-- Visits through share links: a picture's share counts each visitor once, whichever link they
-- followed, and the visit belongs to the first link that brought them.
CREATE TABLE share_visits (
    submission_id bigint NOT NULL REFERENCES submissions (id) ON DELETE CASCADE,
    visitor_id    bigint NOT NULL,
    code          text NOT NULL REFERENCES share_links (code) ON DELETE CASCADE,
    visited_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (submission_id, visitor_id)
);
CREATE INDEX share_visits_by_code ON share_visits (code);

-- Search: titles and members by trigram similarity, which forgives typos. pg_trgm is a trusted
-- extension: the database's owner may create it.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX submissions_title_trigrams ON submissions USING gin (lower(title) gin_trgm_ops)
    WHERE retired_at IS NULL;
CREATE INDEX users_name_trigrams ON users
    USING gin (lower(username || ' ' || display_name) gin_trgm_ops);

-- Every retirement, with the numbers that decided it, for its owner and for operators.
CREATE TABLE retirements (
    submission_id bigint PRIMARY KEY REFERENCES submissions (id) ON DELETE CASCADE,
    retired_at    timestamptz NOT NULL,
    delete_after  timestamptz NOT NULL,
    lower_bound   double precision NOT NULL,
    percentile    double precision NOT NULL,
    views         bigint NOT NULL,
    votes         bigint NOT NULL
);
CREATE INDEX retirements_by_deletion ON retirements (delete_after);

-- The last day whose ranks went into rank_history, so that the ranking job checks one row, not
-- every picture, to know whether today's are in.
ALTER TABLE site_standings ADD COLUMN history_day date;
