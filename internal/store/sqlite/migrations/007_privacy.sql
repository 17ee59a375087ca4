-- Privacy: an erased record keeps no link to the roster, and pledge
-- versions belong to an organization.
--
-- signatures.employee_id becomes nullable (SQLite cannot drop a NOT NULL,
-- so the table is rebuilt; the migration runs with foreign keys off and
-- checks them before it commits). An erased record has employee_id NULL:
-- several erased records of one event do not collide on
-- UNIQUE (event_id, employee_id), since NULLs are distinct there.

-- legacy_alter_table leaves the triggers of other tables that name
-- signatures (ops_employee_moved, ops_signature_revoked) as they are: they
-- refer to the table by name and work on the new one. Without it, the
-- rename refuses them while no table of that name exists.
PRAGMA legacy_alter_table = ON;

CREATE TABLE signatures_new (
    id            INTEGER PRIMARY KEY,
    event_id      INTEGER NOT NULL REFERENCES events (id),
    employee_id   INTEGER REFERENCES employees (id),
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
INSERT INTO signatures_new (id, event_id, employee_id, code, nip, name, position, rank, unit, org_name, category,
    pledge_hash, ink_kind, ink, consent, signed_at, channel, client_ip, user_agent, identity_salt, identity_hash,
    leaf_index, pdf_hash, erased_at)
SELECT id, event_id, CASE WHEN erased_at = 0 THEN employee_id END, code, nip, name,
    CASE WHEN erased_at = 0 THEN position ELSE '' END, CASE WHEN erased_at = 0 THEN rank ELSE '' END,
    CASE WHEN erased_at = 0 THEN unit ELSE '' END, org_name, category,
    pledge_hash, ink_kind, ink, consent, signed_at, channel, client_ip, user_agent, identity_salt, identity_hash,
    leaf_index, CASE WHEN erased_at = 0 THEN pdf_hash ELSE '' END, erased_at
FROM signatures;
DROP TABLE signatures;
ALTER TABLE signatures_new RENAME TO signatures;
CREATE INDEX signatures_event_time ON signatures (event_id, signed_at);

-- The triggers of 003 stay: an erased record (employee_id NULL) matches
-- no employee, so neither a transfer nor a revocation counts it.

-- Records erased before this migration no longer count for their signer.
DELETE FROM ops_signed;
INSERT INTO ops_signed (event_id, org_id, unit, signed)
    SELECT s.event_id, e.org_id, e.unit, COUNT(*) FROM signatures s JOIN employees e ON e.id = s.employee_id
    WHERE NOT EXISTS (SELECT 1 FROM revocations r WHERE r.signature_id = s.id)
    GROUP BY s.event_id, e.org_id, e.unit;

-- A pledge version's owner: NULL is the system default, which every
-- government sees; otherwise only the owner's subtree sees and uses it.
-- The text's hash is unique per owner, not globally: a government that
-- types the same text as another gets its own version instead of learning
-- that the other's exists. Versions made before this migration belong to
-- the organization their creation was audited under (none: a superadmin's,
-- the system's).
DROP TRIGGER pledges_immutable;
CREATE TABLE pledges_new (
    id         INTEGER PRIMARY KEY,
    title      TEXT    NOT NULL,
    language   TEXT    NOT NULL,
    opening    TEXT    NOT NULL,
    points     TEXT    NOT NULL, -- JSON array of strings
    closing    TEXT    NOT NULL,
    hash       TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    org_id     INTEGER REFERENCES organizations (id)
);
INSERT INTO pledges_new (id, title, language, opening, points, closing, hash, created_at, org_id)
SELECT id, title, language, opening, points, closing, hash, created_at,
    (SELECT a.org_id FROM audit a JOIN organizations o ON o.id = a.org_id
     WHERE a.action = 'pledge.create' AND a.target = 'pledge:' || p.id AND a.org_id <> 0)
FROM pledges p;
DROP TABLE pledges;
ALTER TABLE pledges_new RENAME TO pledges;
CREATE UNIQUE INDEX pledges_owner_hash ON pledges (COALESCE(org_id, 0), hash);
CREATE TRIGGER pledges_immutable BEFORE UPDATE ON pledges
BEGIN
    SELECT RAISE(ABORT, 'pledge versions are immutable');
END;

PRAGMA legacy_alter_table = OFF;
