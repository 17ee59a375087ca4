-- Per-point stroke timing is behavioural biometric data (UU 27/2022):
-- migration 016 stopped storing it unless an organization keeps it, but
-- records stored before then still hold it. This migration is a Go step
-- (stripStrokeTiming, run by applyMigration in the same transaction as
-- this file): SQL cannot decode the stored strokes. It rewrites the drawn
-- ink of every record of an organization that does not keep timing with
-- every time zeroed. No log leaf commits to ink.
SELECT 1;
