-- Times are INTEGER milliseconds since the Unix epoch (0: not set).

CREATE TABLE organizations (
    id          INTEGER PRIMARY KEY,
    parent_id   INTEGER REFERENCES organizations (id),
    name        TEXT    NOT NULL,
    kind        TEXT    NOT NULL,
    region_code TEXT    NOT NULL DEFAULT '',
    timezone    TEXT    NOT NULL,
    path        TEXT    NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL
);
CREATE INDEX organizations_path ON organizations (path);

CREATE TABLE employees (
    id          INTEGER PRIMARY KEY,
    org_id      INTEGER NOT NULL REFERENCES organizations (id),
    nip         TEXT    NOT NULL UNIQUE,
    name        TEXT    NOT NULL,
    front_title TEXT    NOT NULL DEFAULT '',
    back_title  TEXT    NOT NULL DEFAULT '',
    position    TEXT    NOT NULL DEFAULT '',
    rank        TEXT    NOT NULL DEFAULT '',
    unit        TEXT    NOT NULL DEFAULT '',
    category    TEXT    NOT NULL,
    active      INTEGER NOT NULL DEFAULT 1,
    updated_at  INTEGER NOT NULL
);
CREATE INDEX employees_org ON employees (org_id);

CREATE TABLE pledges (
    id         INTEGER PRIMARY KEY,
    title      TEXT    NOT NULL,
    language   TEXT    NOT NULL,
    opening    TEXT    NOT NULL,
    points     TEXT    NOT NULL, -- JSON array of strings
    closing    TEXT    NOT NULL,
    hash       TEXT    NOT NULL UNIQUE,
    created_at INTEGER NOT NULL
);

CREATE TABLE events (
    id                 INTEGER PRIMARY KEY,
    org_id             INTEGER NOT NULL REFERENCES organizations (id),
    slug               TEXT    NOT NULL UNIQUE,
    code               TEXT    NOT NULL,
    title              TEXT    NOT NULL,
    place              TEXT    NOT NULL DEFAULT '',
    mode               TEXT    NOT NULL,
    meeting_url        TEXT    NOT NULL DEFAULT '',
    starts_at          INTEGER NOT NULL,
    signing_opens_at   INTEGER NOT NULL DEFAULT 0,
    signing_closes_at  INTEGER NOT NULL DEFAULT 0,
    pledge_id          INTEGER NOT NULL REFERENCES pledges (id),
    categories         TEXT    NOT NULL DEFAULT '', -- comma-separated; empty: all
    official_name      TEXT    NOT NULL,
    official_position  TEXT    NOT NULL,
    official_signature BLOB,
    status             TEXT    NOT NULL,
    created_at         INTEGER NOT NULL,
    opened_at          INTEGER NOT NULL DEFAULT 0,
    closed_at          INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX events_org ON events (org_id);

CREATE TABLE link_generations (
    event_id    INTEGER NOT NULL REFERENCES events (id),
    employee_id INTEGER NOT NULL REFERENCES employees (id),
    generation  INTEGER NOT NULL,
    PRIMARY KEY (event_id, employee_id)
);

CREATE TABLE signatures (
    id            INTEGER PRIMARY KEY,
    event_id      INTEGER NOT NULL REFERENCES events (id),
    employee_id   INTEGER NOT NULL REFERENCES employees (id),
    code          TEXT    NOT NULL UNIQUE,
    nip           TEXT    NOT NULL,
    name          TEXT    NOT NULL,
    position      TEXT    NOT NULL,
    rank          TEXT    NOT NULL,
    unit          TEXT    NOT NULL,
    org_name      TEXT    NOT NULL,
    category      TEXT    NOT NULL,
    pledge_hash   TEXT    NOT NULL,
    ink_kind      TEXT    NOT NULL,
    ink           BLOB    NOT NULL,
    consent       INTEGER NOT NULL,
    signed_at     INTEGER NOT NULL,
    channel       TEXT    NOT NULL,
    client_ip     TEXT    NOT NULL,
    user_agent    TEXT    NOT NULL,
    identity_salt BLOB,
    identity_hash TEXT    NOT NULL DEFAULT '',
    leaf_index    INTEGER NOT NULL DEFAULT -1,
    pdf_hash      TEXT    NOT NULL DEFAULT '',
    erased_at     INTEGER NOT NULL DEFAULT 0,
    UNIQUE (event_id, employee_id)
);

CREATE TABLE revocations (
    id           INTEGER PRIMARY KEY,
    signature_id INTEGER NOT NULL UNIQUE REFERENCES signatures (id),
    reason       TEXT    NOT NULL,
    user_id      INTEGER NOT NULL,
    user_name    TEXT    NOT NULL,
    revoked_at   INTEGER NOT NULL,
    leaf_index   INTEGER NOT NULL DEFAULT -1
);

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    email         TEXT    NOT NULL UNIQUE,
    name          TEXT    NOT NULL,
    password_hash TEXT    NOT NULL,
    role          TEXT    NOT NULL,
    org_id        INTEGER REFERENCES organizations (id),
    active        INTEGER NOT NULL DEFAULT 1,
    created_at    INTEGER NOT NULL
);

CREATE TABLE sessions (
    token_hash TEXT    PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id),
    expires_at INTEGER NOT NULL
);

CREATE TABLE api_tokens (
    token_hash TEXT    PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id),
    created_at INTEGER NOT NULL
);

CREATE TABLE audit (
    id        INTEGER PRIMARY KEY,
    at        INTEGER NOT NULL,
    user_id   INTEGER NOT NULL,
    user_name TEXT    NOT NULL,
    action    TEXT    NOT NULL,
    org_id    INTEGER NOT NULL DEFAULT 0,
    target    TEXT    NOT NULL DEFAULT '',
    detail    TEXT    NOT NULL DEFAULT '',
    ip        TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX audit_org ON audit (org_id, at);

-- The transparency log: tlog's stored hashes by storage index, the leaves
-- (one per signature or revocation) and the signed checkpoints.
CREATE TABLE log_hashes (
    idx  INTEGER PRIMARY KEY,
    hash BLOB NOT NULL
);

CREATE TABLE log_state (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    size INTEGER NOT NULL
);
INSERT INTO log_state (id, size) VALUES (1, 0);

CREATE TABLE checkpoints (
    size       INTEGER PRIMARY KEY,
    root       BLOB    NOT NULL,
    note       TEXT    NOT NULL,
    created_at INTEGER NOT NULL
);
