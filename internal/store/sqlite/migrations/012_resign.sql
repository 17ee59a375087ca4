-- A revocation can be put right (issue 14 item 1): once someone's record
-- is revoked — someone else signed in her name — she may sign the event
-- again. The rule becomes one *standing* (not revoked) record per employee
-- per event instead of one record: the revoked one stays, revoked, beside
-- the new one.
--
-- A partial unique index cannot look into revocations, so a record carries
-- its own revoked flag, set by the trigger below in the revocation's own
-- transaction (revocations only ever append). The index on it holds the
-- rule under concurrent signings as the constraint did: the second of two
-- phones re-signing at once fails on it and is shown the first's record.
--
-- SQLite cannot drop the table constraint UNIQUE (event_id, employee_id):
-- the table is rebuilt as in 007 (the runner runs migrations with foreign
-- keys off and checks them before committing). Every row keeps its id and
-- every column as it was, so each record's leaf recomputes as logged; the
-- references of revocations, certificate_pdfs and issuances keep pointing
-- at the same ids. legacy_alter_table leaves the triggers of other tables
-- that name signatures (ops_employee_moved, ops_signature_revoked) as they
-- are: they name the table, and work on the new one.
PRAGMA legacy_alter_table = ON;

CREATE TABLE signatures_new (
    id              INTEGER PRIMARY KEY,
    event_id        INTEGER NOT NULL REFERENCES events (id),
    employee_id     INTEGER REFERENCES employees (id),
    code            TEXT    NOT NULL UNIQUE,
    nip             TEXT    NOT NULL,
    name            TEXT    NOT NULL,
    position        TEXT    NOT NULL,
    rank            TEXT    NOT NULL,
    unit            TEXT    NOT NULL,
    org_name        TEXT    NOT NULL,
    category        TEXT    NOT NULL,
    pledge_hash     TEXT    NOT NULL,
    ink_kind        TEXT    NOT NULL,
    ink             BLOB    NOT NULL,
    consent         INTEGER NOT NULL,
    signed_at       INTEGER NOT NULL,
    channel         TEXT    NOT NULL,
    client_ip       TEXT    NOT NULL,
    user_agent      TEXT    NOT NULL,
    identity_salt   BLOB,
    identity_hash   TEXT    NOT NULL DEFAULT '',
    leaf_index      INTEGER NOT NULL DEFAULT -1,
    pdf_hash        TEXT    NOT NULL DEFAULT '',
    erased_at       INTEGER NOT NULL DEFAULT 0,
    claim_token     TEXT    NOT NULL DEFAULT '',
    legacy_pdf_hash TEXT    NOT NULL DEFAULT '',
    leaf_version    INTEGER NOT NULL DEFAULT 1,
    event_title     TEXT    NOT NULL DEFAULT '',
    event_place     TEXT    NOT NULL DEFAULT '',
    event_starts    INTEGER NOT NULL DEFAULT 0,
    event_org       TEXT    NOT NULL DEFAULT '',
    holder_hash     TEXT    NOT NULL DEFAULT '',
    -- 1 once a revocation of this record is stored; never back to 0.
    revoked         INTEGER NOT NULL DEFAULT 0
);
INSERT INTO signatures_new (id, event_id, employee_id, code, nip, name, position, rank, unit, org_name, category,
    pledge_hash, ink_kind, ink, consent, signed_at, channel, client_ip, user_agent, identity_salt, identity_hash,
    leaf_index, pdf_hash, erased_at, claim_token, legacy_pdf_hash, leaf_version, event_title, event_place,
    event_starts, event_org, holder_hash, revoked)
SELECT id, event_id, employee_id, code, nip, name, position, rank, unit, org_name, category,
    pledge_hash, ink_kind, ink, consent, signed_at, channel, client_ip, user_agent, identity_salt, identity_hash,
    leaf_index, pdf_hash, erased_at, claim_token, legacy_pdf_hash, leaf_version, event_title, event_place,
    event_starts, event_org, holder_hash,
    EXISTS (SELECT 1 FROM revocations r WHERE r.signature_id = signatures.id)
FROM signatures;
DROP TABLE signatures;
ALTER TABLE signatures_new RENAME TO signatures;

CREATE INDEX signatures_event_time ON signatures (event_id, signed_at);
CREATE INDEX signatures_leaf ON signatures (leaf_index);
-- An employee's records of an event, the standing one first: what the
-- per-event look-ups of the ops triggers, the imports' merge and
-- SignatureFor walk.
CREATE INDEX signatures_person ON signatures (event_id, employee_id, revoked);
-- One standing record per employee per event. Erased records have no
-- employee (NULL), and NULLs are distinct here, as before.
CREATE UNIQUE INDEX signatures_standing ON signatures (event_id, employee_id) WHERE revoked = 0;

CREATE TRIGGER signatures_revoked AFTER INSERT ON revocations BEGIN
    UPDATE signatures SET revoked = 1 WHERE id = NEW.signature_id;
END;

PRAGMA legacy_alter_table = OFF;
