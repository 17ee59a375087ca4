-- The logs this registry witnesses for others (docs/TRUST.md §14): per
-- origin, the size and root of the latest checkpoint it cosigned. A
-- witness refuses any later checkpoint that is not a consistent extension
-- of this one, so a row only ever grows.
CREATE TABLE witnessed_logs (
	origin     TEXT PRIMARY KEY,
	size       INTEGER NOT NULL CHECK (size >= 0),
	root       BLOB NOT NULL CHECK (length(root) = 32),
	updated_at INTEGER NOT NULL
);
