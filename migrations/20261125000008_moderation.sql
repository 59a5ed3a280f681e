-- Moderation: voters report pictures; a picture reported by enough distinct voters is held out
-- of the rotation until an admin approves it (back in play, reports cleared) or removes it
-- (deleted, with its votes and files; its owner is told why).

-- One report per voter and picture; deleted with the picture, or when an admin approves it.
CREATE TABLE picture_reports (
    submission_id bigint NOT NULL REFERENCES submissions (id) ON DELETE CASCADE,
    voter_id      bigint NOT NULL,
    reason        text NOT NULL
        CHECK (reason IN ('not_a_pet', 'offensive', 'personal_info', 'spam')),
    created_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (submission_id, voter_id)
);
-- A voter's reports in the last day, for their limit.
CREATE INDEX picture_reports_by_voter ON picture_reports (voter_id, created_at);

-- When the reports put the picture out of the rotation (NULL: in play).
ALTER TABLE submissions ADD COLUMN held_at timestamptz;
CREATE INDEX submissions_held ON submissions (held_at) WHERE held_at IS NOT NULL;

-- The picking index holds only pictures in play: held ones leave it as retired ones do, so the
-- walk never meets them.
DROP INDEX submissions_pick;
CREATE INDEX submissions_pick ON submissions (pick_key) INCLUDE (id, submitted_by)
    WHERE retired_at IS NULL AND held_at IS NULL;

-- What a removed picture's owner is told; the picture itself is gone.
CREATE TABLE removals (
    submission_id  bigint PRIMARY KEY,
    owner_voter_id bigint NOT NULL,
    title          text NOT NULL,
    reason         text NOT NULL
        CHECK (reason IN ('not_a_pet', 'offensive', 'personal_info', 'spam')),
    reports        integer NOT NULL,
    removed_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX removals_by_owner ON removals (owner_voter_id, removed_at DESC);
