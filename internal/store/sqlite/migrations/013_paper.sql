-- Paper and witnessed signatures (issue 14 item 8): an officer records a
-- pakta signed on paper with a scan of the sheet and the name of who
-- witnessed it. The record is a signature like any other (channel
-- 'paper'); its leaf commits to the scan's SHA-256 (docs/FORMATS.md §4),
-- kept in scan_hash, which an erasure keeps as it keeps the leaf.
ALTER TABLE signatures ADD COLUMN scan_hash TEXT NOT NULL DEFAULT '';
-- The witness's name is personal data: an erasure blanks it.
ALTER TABLE signatures ADD COLUMN witness TEXT NOT NULL DEFAULT '';

-- The scan itself, bounded by the upload (PDF, PNG or JPEG), served to
-- officers only and never public; a table, like certificate_pdfs, so the
-- bytes and their hash commit in one transaction, backups carry them and
-- an erasure's DELETE is zeroed by secure_delete.
CREATE TABLE paper_scans (
    signature_id INTEGER PRIMARY KEY REFERENCES signatures (id),
    content_type TEXT    NOT NULL,
    scan         BLOB    NOT NULL
);
