-- Leaf version 2 (docs/FORMATS.md §4): a record's leaf commits to what the
-- certificate and the verification page show. Rows made before stay
-- version 1 and verify as they were logged.
--
-- The event as signed: title, place, start (Unix ms, as events.starts_at)
-- and the organizing organization's name. A version 1 record has none
-- (empty, 0): its pages show the event row as it is.
ALTER TABLE signatures ADD COLUMN leaf_version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE signatures ADD COLUMN event_title TEXT NOT NULL DEFAULT '';
ALTER TABLE signatures ADD COLUMN event_place TEXT NOT NULL DEFAULT '';
ALTER TABLE signatures ADD COLUMN event_starts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE signatures ADD COLUMN event_org TEXT NOT NULL DEFAULT '';
-- The salted commitment to position, rank and unit; an erasure keeps it.
ALTER TABLE signatures ADD COLUMN holder_hash TEXT NOT NULL DEFAULT '';

ALTER TABLE revocations ADD COLUMN leaf_version INTEGER NOT NULL DEFAULT 1;

-- A certificate's issuance leaf (Unix ms of its issuance): -1 for one
-- stored before issuances were logged. An erasure empties pdf but keeps
-- the row and the record's pdf_hash, whose leaf stays in the log: a
-- fingerprint and an issuance time are not personal data, and the audit
-- recomputes the leaf from them.
ALTER TABLE certificate_pdfs ADD COLUMN leaf_index INTEGER NOT NULL DEFAULT -1;
ALTER TABLE certificate_pdfs ADD COLUMN issued_at INTEGER NOT NULL DEFAULT 0;
CREATE INDEX certificate_pdfs_leaf ON certificate_pdfs (leaf_index);
