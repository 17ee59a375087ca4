-- The document looks official (issue 14 item 10). An organization's logo
-- for the letterhead (kop surat) of its certificates and reports, kept
-- apart from organizations so that the cached rows every page reads stay
-- small; the PNG is re-encoded and bounded before it is stored
-- (certificate.NormalizeLogo). An organization without one prints its
-- nearest ancestor's.
CREATE TABLE org_logos (
    org_id     INTEGER PRIMARY KEY REFERENCES organizations (id),
    png        BLOB    NOT NULL,
    updated_at INTEGER NOT NULL
);

-- The NIP of the official named on an event's certificates and Berita
-- Acara; optional, '' when not given. Not part of any leaf.
ALTER TABLE events ADD COLUMN official_nip TEXT NOT NULL DEFAULT '';
