-- A picture a voter asked to rate ("Rate it to see it" on a locked tile). It becomes their next
-- picture when they rate the one in front of them: asking never skips the current picture,
-- since a picture is seen only by voting.
ALTER TABLE voters ADD COLUMN requested_submission_id bigint;
