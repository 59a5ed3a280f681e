-- Retired pictures, few among many: the ranking job finds the ones still in the standings
-- through this index instead of comparing every stored standing with the computed ones.
CREATE INDEX submissions_retired ON submissions (id) WHERE retired_at IS NOT NULL;
