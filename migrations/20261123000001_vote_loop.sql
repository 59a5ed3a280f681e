-- Voters, pictures and votes: the vote-to-reveal loop.

-- Everyone who rates, anonymous or not. The id is random (it lives in a signed cookie).
-- The row also holds the voter's place in the loop: the picture in front of them, which is
-- the only one they may rate, and the last one they rated.
CREATE TABLE voters (
    id                    bigint PRIMARY KEY,
    current_submission_id bigint,
    revealed_at           timestamptz,
    last_submission_id    bigint,
    last_rating           smallint CHECK (last_rating BETWEEN 1 AND 10),
    votes_cast            integer NOT NULL DEFAULT 0,
    created_at            timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE submissions (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    title         text NOT NULL CHECK (char_length(title) BETWEEN 1 AND 120),
    -- Unguessable name of the image files: pictures cannot be fetched before being revealed.
    image_key     text NOT NULL UNIQUE,
    -- Demo pictures are drawn from this seed number on request; NULL for uploads.
    art_seed      bigint UNIQUE,
    -- Placeholder colours (0xRRGGBB) shown until the image arrives.
    backdrop_rgb  integer NOT NULL CHECK (backdrop_rgb BETWEEN 0 AND 16777215),
    subject_rgb   integer NOT NULL CHECK (subject_rgb BETWEEN 0 AND 16777215),
    submitted_by  bigint REFERENCES voters (id),
    -- Random position used to pick the next picture (see app/src/server/picks.rs).
    pick_key      bigint NOT NULL,
    vote_count    bigint NOT NULL DEFAULT 0,
    rating_sum    bigint NOT NULL DEFAULT 0,
    created_at    timestamptz NOT NULL DEFAULT now(),
    retired_at    timestamptz
);

-- The walk that picks the next picture reads only this index for pictures still in play.
CREATE INDEX submissions_pick ON submissions (pick_key) INCLUDE (id, submitted_by)
    WHERE retired_at IS NULL;

-- One vote per voter and picture: the primary key makes a second one impossible.
CREATE TABLE votes (
    voter_id      bigint NOT NULL REFERENCES voters (id),
    submission_id bigint NOT NULL REFERENCES submissions (id),
    rating        smallint NOT NULL CHECK (rating BETWEEN 1 AND 10),
    created_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (voter_id, submission_id)
);

CREATE INDEX votes_by_submission ON votes (submission_id);
