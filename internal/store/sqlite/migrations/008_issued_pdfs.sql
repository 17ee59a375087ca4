-- Issued certificates are records, not a cache (DESIGN §4.1): a
-- certificate's PDF is rendered once and its bytes kept here for good;
-- signatures.pdf_hash is the SHA-256 of these bytes. A table rather than
-- files: the bytes and their fingerprint commit in one transaction,
-- `ikrar backup` (VACUUM INTO) carries them, and an erasure's DELETE is
-- zeroed by secure_delete and the WAL scrub like every other column.
CREATE TABLE certificate_pdfs (
    signature_id INTEGER PRIMARY KEY REFERENCES signatures (id),
    pdf          BLOB    NOT NULL
);

-- The QR claim's token, signed once when the record is made (or, for a
-- record made before this migration, when its certificate is first
-- stored) and never again: a key rotation must not change an issued
-- certificate.
ALTER TABLE signatures ADD COLUMN claim_token TEXT NOT NULL DEFAULT '';

-- A fingerprint recorded before this migration that today's rendering
-- does not reproduce (another toolchain, or a claim signed by a key
-- rotated out since). The record is rendered and stored afresh at its
-- next download; a copy with this fingerprint is then an earlier issue of
-- the certificate, whose bytes the registry never kept.
ALTER TABLE signatures ADD COLUMN legacy_pdf_hash TEXT NOT NULL DEFAULT '';
