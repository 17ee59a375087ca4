-- As SQLite's 018: an audit entry's detail keeps, beside its Indonesian
-- text, its catalog format and its arguments (a JSON array of texts and
-- integers, stored as text as SQLite stores it, so a copy moves it as it
-- is). Entries written before have an empty format and are shown as
-- stored.
ALTER TABLE audit ADD COLUMN detail_format text NOT NULL DEFAULT '';
ALTER TABLE audit ADD COLUMN detail_args   text NOT NULL DEFAULT '';
