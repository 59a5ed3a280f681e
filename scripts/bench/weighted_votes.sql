-- Voters and votes for timing the ranking job with trust weighting (`make bench`), which reads
-- every counted vote of the voters with few votes, where the unweighted job reads only the
-- tallies. Run once on the benchmark's cluster, after the unweighted runs.
--
-- A million voters: seven in ten newcomers with 1 to 9 votes, the rest regulars with 10 to 34,
-- about ten million votes in all, a third of them from newcomers (deterministic: hashes of the
-- voter's number). Each voter rates distinct pictures in play, spread over all of them; the
-- rating leans on the picture, so scores spread. Their ids are negative, out of the way of the
-- server's random ones (a clash is skipped). The tallies are then recounted from the counted
-- votes, as the vote path keeps them.
\set ON_ERROR_STOP on
SET statement_timeout = 0;
SET synchronous_commit = off;
SET work_mem = '256MB';

INSERT INTO voters (id, votes_cast)
SELECT -i, CASE WHEN i % 10 < 7 THEN 1 + get_byte(decode(md5(i::text), 'hex'), 0) % 9
                ELSE 10 + get_byte(decode(md5(i::text), 'hex'), 0) % 25 END
  FROM generate_series(1, 1000000) i
    ON CONFLICT DO NOTHING;

CREATE TEMPORARY TABLE in_play AS
SELECT id, (row_number() OVER (ORDER BY id) - 1)::int8 AS n
  FROM submissions WHERE retired_at IS NULL;
CREATE UNIQUE INDEX ON in_play (n);
ANALYZE in_play;

INSERT INTO votes (voter_id, submission_id, rating)
SELECT u.id, p.id, 1 + (p.id % 7 + get_byte(decode(md5(u.id || ':' || j), 'hex'), 0) % 4)
  FROM voters u
 CROSS JOIN generate_series(0, u.votes_cast - 1) j
  JOIN in_play p ON p.n = (-u.id * 7919 + j * 104729) % (SELECT count(*) FROM in_play)
 WHERE u.id BETWEEN -1000000 AND -1
    ON CONFLICT DO NOTHING;

UPDATE tallies t
   SET vote_count = coalesce(c.n, 0), rating_sum = coalesce(c.s, 0),
       histogram = coalesce(c.h, '{0,0,0,0,0,0,0,0,0,0}')
  FROM tallies t2 LEFT JOIN (
         SELECT submission_id, count(*) AS n, sum(rating) AS s,
                ARRAY[count(*) FILTER (WHERE rating = 1), count(*) FILTER (WHERE rating = 2),
                      count(*) FILTER (WHERE rating = 3), count(*) FILTER (WHERE rating = 4),
                      count(*) FILTER (WHERE rating = 5), count(*) FILTER (WHERE rating = 6),
                      count(*) FILTER (WHERE rating = 7), count(*) FILTER (WHERE rating = 8),
                      count(*) FILTER (WHERE rating = 9), count(*) FILTER (WHERE rating = 10)
                     ]::int[] AS h
           FROM votes WHERE counted GROUP BY submission_id) c
         ON c.submission_id = t2.submission_id
 WHERE t.submission_id = t2.submission_id;

VACUUM ANALYZE voters;
VACUUM ANALYZE votes;
VACUUM ANALYZE tallies;
