-- An audit entry's detail was stored only formatted in Indonesian, and the
-- English audit trail had to recognise the catalog format back from the
-- text. The detail's catalog format and its arguments (a JSON array of
-- texts and integers) are now stored beside it. Entries written before
-- keep their formatted text with an empty format and are shown as stored.
ALTER TABLE audit ADD COLUMN detail_format TEXT NOT NULL DEFAULT '';
ALTER TABLE audit ADD COLUMN detail_args   TEXT NOT NULL DEFAULT '';
