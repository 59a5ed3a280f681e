-- Every vote is kept; whether it counts is the vote's own property. Only counted votes are in
-- the tallies, and so in every statistic. A vote stops counting when it is found suspicious
-- (the anomaly job, or an admin) and counts again if an admin restores it; both move the
-- tallies in the same statement. New votes count: the vote path writes neither column.
ALTER TABLE votes
    ADD COLUMN counted boolean NOT NULL DEFAULT true,
    ADD COLUMN discount_reason text
        CHECK (discount_reason IN ('suspicious_rater', 'suspicious_burst', 'quarantined_picture')),
    ADD COLUMN discounted_at timestamptz,
    -- When an admin decided: confirmed (still not counted) or restored (counted again, and its
    -- voter is left alone by the detectors from then on).
    ADD COLUMN reviewed_at timestamptz,
    ADD CONSTRAINT votes_discounted_with_a_reason
        CHECK (counted = (discount_reason IS NULL));
-- The few votes that do not count, for the review page and the detectors.
CREATE INDEX votes_not_counted ON votes (discounted_at) WHERE NOT counted;

-- Who may review flagged votes (`ratemyderp admin grant USERNAME`).
ALTER TABLE users ADD COLUMN is_admin boolean NOT NULL DEFAULT false;
