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

-- A certificate's issuance leaf: its index and the time (Unix ms) the
-- certificate was first stored. A table of its own rather than columns of
-- certificate_pdfs: a column stored after a PDF's bytes is read by walking
-- the blob's overflow pages, which would make every look-up of a record,
-- and the audit of every issued certificate, read the PDF. An erasure
-- deletes the PDF but keeps this row and the record's pdf_hash: a
-- fingerprint and an issuance time are not personal data, and the audit
-- recomputes the leaf from them. A certificate stored before issuances
-- were logged has no row until its leaf is appended.
CREATE TABLE issuances (
    signature_id INTEGER PRIMARY KEY REFERENCES signatures (id),
    leaf_index   INTEGER NOT NULL,
    issued_at    INTEGER NOT NULL
);
CREATE INDEX issuances_leaf ON issuances (leaf_index);
