-- Witnesses and the signed Berita Acara (issue 14 item 9).
--
-- An event's witnesses (saksi: KPU, Bawaslu, Forkopimda …) sign the
-- Berita Acara beside the officials; the officer enters them on the
-- event's page and they are printed with a signature block each.
CREATE TABLE event_witnesses (
    id          INTEGER PRIMARY KEY,
    event_id    INTEGER NOT NULL REFERENCES events (id),
    name        TEXT    NOT NULL,
    position    TEXT    NOT NULL,
    institution TEXT    NOT NULL
);
CREATE INDEX event_witnesses_event ON event_witnesses (event_id, id);

-- A document kept with an event: the Berita Acara as signed by a
-- certified signing service and uploaded back. Its bytes are kept here
-- (like certificate_pdfs: they commit with their fingerprint and travel
-- with ikrar backup); its SHA-256 is logged as a "document" leaf
-- (docs/FORMATS.md §4), so a later copy can be checked against it. A
-- replacement is a new row and a new leaf; the earlier stays.
CREATE TABLE event_documents (
    id            INTEGER PRIMARY KEY,
    event_id      INTEGER NOT NULL REFERENCES events (id),
    purpose       TEXT    NOT NULL,
    sha256        TEXT    NOT NULL,
    pdf           BLOB    NOT NULL,
    -- 1 when the PDF holds a signature dictionary (/ByteRange).
    has_signature INTEGER NOT NULL,
    uploaded_by   INTEGER NOT NULL,
    uploader_name TEXT    NOT NULL,
    uploaded_at   INTEGER NOT NULL,
    leaf_index    INTEGER NOT NULL UNIQUE
);
CREATE INDEX event_documents_event ON event_documents (event_id, id);
