-- Login attempts are no longer the only thing counted per key in a window: emails asked for
-- (password resets, sign-ups) are too, per client address and per recipient. One table, named
-- for what it holds.
ALTER TABLE login_failures RENAME TO rate_counts;
ALTER TABLE rate_counts RENAME COLUMN failures TO count;
ALTER TABLE rate_counts RENAME CONSTRAINT login_failures_pkey TO rate_counts_pkey;
