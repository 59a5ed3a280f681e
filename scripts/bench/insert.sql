-- pgbench reference: one durable single-row INSERT per transaction.
\set id random(1, 1000000000)
INSERT INTO bench_inserts (voter_id, submission_id, rating) VALUES (:id, :id, 5);
