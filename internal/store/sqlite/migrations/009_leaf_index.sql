-- The revocation list's accounting (every leaf below a checkpoint claimed
-- by exactly one row) reads leaf indexes only: from these indexes, not
-- from the wide signature rows.
CREATE INDEX signatures_leaf ON signatures (leaf_index);
CREATE INDEX revocations_leaf ON revocations (leaf_index);
