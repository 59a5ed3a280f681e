-- Votes are inserted only by the vote writer's batch statement, and only for the voter row that
-- same statement has just updated: the voter always exists, and checking it again cost about a
-- tenth of a vote's database time. (Votes still reference their picture.)
ALTER TABLE votes DROP CONSTRAINT votes_voter_id_fkey;
