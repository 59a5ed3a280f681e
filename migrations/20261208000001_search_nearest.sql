-- Search: the titles nearest a query, closest first, for queries too common to sort every match.
-- The GIN index finds all matches of a query, and each must then be re-checked and sorted; for a
-- word in most titles that is most of the table (1.7-2.2 s for "the" at a million pictures). A
-- GiST index hands matches over closest first and stops when enough have come. Both stay: for
-- rare words, GIN finds every match in milliseconds. See `standings::search` in the app.
--
-- Its inner pages summarise their titles' trigrams in a signature of `siglen` bytes: at the
-- default 12 nearly every bit is set, and a search walks most of the tree. With 256, the 961
-- nearest titles at a million pictures took 7-185 ms for the queries tried, against 7-250 ms
-- (and 110 ms to find nothing) at 12; the index is as large (130 MB against 137 MB). Measured
-- in BENCHMARKS.md, "Search at a million pictures".
CREATE INDEX submissions_title_nearest ON submissions
    USING gist (lower(title) gist_trgm_ops(siglen = 256))
    WHERE retired_at IS NULL;
