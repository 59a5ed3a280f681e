-- What the anomaly detectors need to see in a vote, and the cases they open.
--
-- `network`: the voter's network when they voted (an IPv4 address, or an IPv6 /64, as the vote
-- limits count them), for "many fresh voters from one network pushing one picture". It is
-- personal data, kept as long as the vote (clearing it on old votes needs a scan of every vote,
-- or votes partitioned by time: not done yet).
-- `look_ms`: how long the picture had been shown when the vote came (from the ticket), for
-- "votes faster than a person can look". Both are NULL for votes cast before this migration.
ALTER TABLE votes
    ADD COLUMN network inet,
    ADD COLUMN look_ms integer CHECK (look_ms >= 0);

-- One detector finding, or one admin decision, covers many votes: a burst is hundreds of voters.
-- A case is what an admin reviews: its reason, its evidence in words, its votes.
CREATE TABLE flag_cases (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    reason      text NOT NULL
        CHECK (reason IN ('suspicious_rater', 'suspicious_burst', 'quarantined_picture')),
    evidence    text NOT NULL,
    flagged_at  timestamptz NOT NULL DEFAULT now(),
    reviewed_at timestamptz,
    decision    text CHECK (decision IN ('confirmed', 'restored')),
    CONSTRAINT flag_cases_decided_when_reviewed CHECK ((reviewed_at IS NULL) = (decision IS NULL))
);
CREATE INDEX flag_cases_waiting ON flag_cases (flagged_at) WHERE reviewed_at IS NULL;

-- No foreign key: the vote path inserts votes without one (see 20261123000003), and a case is
-- never deleted while votes point at it.
ALTER TABLE votes ADD COLUMN flag_case_id bigint;
CREATE INDEX votes_by_flag_case ON votes (flag_case_id) WHERE flag_case_id IS NOT NULL;

-- Votes flagged before cases existed: one case per voter and reason.
DO $$
DECLARE
    earlier record;
    opened bigint;
BEGIN
    FOR earlier IN
        SELECT voter_id, discount_reason, min(discounted_at) AS flagged_at,
               bool_and(reviewed_at IS NOT NULL) AS reviewed
          FROM votes WHERE NOT counted GROUP BY voter_id, discount_reason
    LOOP
        INSERT INTO flag_cases (reason, evidence, flagged_at, reviewed_at, decision)
        VALUES (earlier.discount_reason, 'Flagged before cases were kept', earlier.flagged_at,
                CASE WHEN earlier.reviewed THEN earlier.flagged_at END,
                CASE WHEN earlier.reviewed THEN 'confirmed' END)
        RETURNING id INTO opened;
        UPDATE votes SET flag_case_id = opened
         WHERE voter_id = earlier.voter_id AND discount_reason = earlier.discount_reason
           AND NOT counted;
    END LOOP;
END $$;
