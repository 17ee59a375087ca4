-- API tokens with an ID to list and revoke them by, a name, an expiry and
-- the time of their last use. Tokens issued before have no expiry: they
-- get the default lifetime from now on rather than die at once.
CREATE TABLE api_tokens_new (
    id           INTEGER PRIMARY KEY,
    token_hash   TEXT    NOT NULL UNIQUE,
    user_id      INTEGER NOT NULL REFERENCES users (id),
    name         TEXT    NOT NULL DEFAULT '',
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,
    last_used_at INTEGER NOT NULL DEFAULT 0
);
INSERT INTO api_tokens_new (token_hash, user_id, name, created_at, expires_at)
    SELECT token_hash, user_id, 'token lama', created_at,
           CAST(strftime('%s', 'now') AS INTEGER) * 1000 + 90 * 86400000
    FROM api_tokens;
DROP TABLE api_tokens;
ALTER TABLE api_tokens_new RENAME TO api_tokens;
CREATE INDEX api_tokens_user ON api_tokens (user_id);
