-- Hot/cold split. Every vote updated its picture's row to count it, and pages filled by COPY
-- had no room for the new row version, so a third of those updates were not HOT: each wrote a
-- new entry into all four indexes of submissions (including the pick index), and the picture
-- rows never stayed all-visible for index-only scans. The counters now live in a narrow table
-- of their own, with free space on every page for in-place (HOT) updates; pictures do not
-- change once inserted.
CREATE TABLE tallies (
    submission_id bigint PRIMARY KEY REFERENCES submissions (id) ON DELETE CASCADE,
    vote_count    bigint NOT NULL DEFAULT 0,
    rating_sum    bigint NOT NULL DEFAULT 0
) WITH (fillfactor = 50);

INSERT INTO tallies (submission_id, vote_count, rating_sum)
SELECT id, vote_count, rating_sum FROM submissions;

ALTER TABLE submissions DROP COLUMN vote_count, DROP COLUMN rating_sum;

-- Every picture gets its tally when it is inserted, however it is inserted (COPY included).
CREATE FUNCTION create_tallies() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO tallies (submission_id) SELECT id FROM new_submissions;
    RETURN NULL;
END
$$;

CREATE TRIGGER submissions_create_tallies
    AFTER INSERT ON submissions
    REFERENCING NEW TABLE AS new_submissions
    FOR EACH STATEMENT EXECUTE FUNCTION create_tallies();

-- A voter's row is updated on every vote: leave room on its page for the new version.
ALTER TABLE voters SET (fillfactor = 50);
