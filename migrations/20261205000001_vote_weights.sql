-- Optional trust weighting (`standings.trust_weighting`): the ranking run says what its scores
-- were worked out with, so that the pages showing them say the same. NULL: every counted vote
-- weighed the same; n: a voter's votes weighed (votes cast ÷ n) each until they had cast n.
ALTER TABLE site_standings ADD COLUMN trust_full_after integer CHECK (trust_full_after > 1);
