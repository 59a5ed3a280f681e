-- Uploaded pictures: one JPEG per served width, kept in the database so that every server
-- instance can serve them and a backup holds them together with their votes.
CREATE TABLE picture_files (
    submission_id bigint NOT NULL REFERENCES submissions (id) ON DELETE CASCADE,
    width         integer NOT NULL CHECK (width > 0),
    jpeg          bytea NOT NULL,
    PRIMARY KEY (submission_id, width)
);

-- JPEG does not compress further: store it out of line without trying.
ALTER TABLE picture_files ALTER COLUMN jpeg SET STORAGE EXTERNAL;

-- The daily upload allowance counts an account's recent submissions.
CREATE INDEX submissions_by_submitter_recent ON submissions (submitted_by, created_at)
    WHERE submitted_by IS NOT NULL;
DROP INDEX submissions_by_submitter;
