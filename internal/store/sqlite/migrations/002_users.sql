-- User administration: ending a user's sessions and tokens, and reading
-- the audit trail newest first or by user.
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX api_tokens_user ON api_tokens (user_id);
CREATE INDEX audit_at ON audit (at);
CREATE INDEX audit_user ON audit (user_id, at);
