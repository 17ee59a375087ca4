-- An employee is unique per government and NIP, no longer per NIP: the
-- same person may be on a province's roster and a regency's, and a
-- government can no longer block or take over another's NIPs by importing
-- them first. The government of an organization is its nearest
-- ancestor-or-self of kind province, regency or city (the root when there
-- is none); organizations never move, so gov_id is fixed at insert.
--
-- SQLite cannot drop the column constraint UNIQUE (nip): the table is
-- rebuilt (https://sqlite.org/lang_altertable.html, "making other kinds of
-- table schema changes"). The runner runs this file with foreign keys off
-- (the marker on the first line) and checks them before committing, so the
-- references of signatures, link_generations and event_participants to
-- employees(id) keep pointing at the same ids. The triggers on employees
-- go with the old table and are created again below; the revocation
-- trigger names employees and would make the rename fail, so it is
-- dropped first and recreated too.

DROP TRIGGER ops_signature_revoked;

CREATE TABLE employees_new (
    id          INTEGER PRIMARY KEY,
    org_id      INTEGER NOT NULL REFERENCES organizations (id),
    gov_id      INTEGER NOT NULL REFERENCES organizations (id),
    nip         TEXT    NOT NULL,
    name        TEXT    NOT NULL,
    front_title TEXT    NOT NULL DEFAULT '',
    back_title  TEXT    NOT NULL DEFAULT '',
    position    TEXT    NOT NULL DEFAULT '',
    rank        TEXT    NOT NULL DEFAULT '',
    unit        TEXT    NOT NULL DEFAULT '',
    category    TEXT    NOT NULL,
    active      INTEGER NOT NULL DEFAULT 1,
    updated_at  INTEGER NOT NULL,
    UNIQUE (gov_id, nip)
);

INSERT INTO employees_new (id, org_id, gov_id, nip, name, front_title, back_title, position, rank, unit, category, active, updated_at)
    SELECT e.id, e.org_id,
        COALESCE(
            (SELECT g.id FROM organizations g
                WHERE g.kind IN ('province', 'regency', 'city') AND substr(o.path, 1, length(g.path)) = g.path
                ORDER BY length(g.path) DESC LIMIT 1),
            CAST(substr(o.path, 2, instr(substr(o.path, 2), '/') - 1) AS INTEGER)),
        e.nip, e.name, e.front_title, e.back_title, e.position, e.rank, e.unit, e.category, e.active, e.updated_at
    FROM employees e JOIN organizations o ON o.id = e.org_id;

DROP TABLE employees;
ALTER TABLE employees_new RENAME TO employees;
CREATE INDEX employees_org ON employees (org_id);
-- Identification by NIP and participant lists look an NIP up across the
-- governments of an event's subtree.
CREATE INDEX employees_nip ON employees (nip);

-- While ops_bulk holds its row — only inside a roster import's merge
-- transaction — the triggers that count roster changes stand aside: the
-- merge counts its thousands of rows with a few grouped statements, which
-- costs a quarter of counting them one by one (employee_import.go).
CREATE TABLE ops_bulk (id INTEGER PRIMARY KEY CHECK (id = 1));

-- The triggers of 003_ops.sql, but for ops_bulk.
CREATE TRIGGER ops_employee_added AFTER INSERT ON employees WHEN NOT EXISTS (SELECT 1 FROM ops_bulk) BEGIN
    INSERT INTO ops_roster (org_id, unit, category, active, employees)
        VALUES (NEW.org_id, NEW.unit, NEW.category, NEW.active, 1)
        ON CONFLICT DO UPDATE SET employees = employees + 1;
END;

CREATE TRIGGER ops_employee_removed AFTER DELETE ON employees BEGIN
    UPDATE ops_roster SET employees = employees - 1
        WHERE org_id = OLD.org_id AND unit = OLD.unit AND category = OLD.category AND active = OLD.active;
END;

CREATE TRIGGER ops_employee_changed AFTER UPDATE OF org_id, unit, category, active ON employees
WHEN (OLD.org_id IS NOT NEW.org_id OR OLD.unit IS NOT NEW.unit OR OLD.category IS NOT NEW.category OR OLD.active IS NOT NEW.active)
    AND NOT EXISTS (SELECT 1 FROM ops_bulk)
BEGIN
    UPDATE ops_roster SET employees = employees - 1
        WHERE org_id = OLD.org_id AND unit = OLD.unit AND category = OLD.category AND active = OLD.active;
    INSERT INTO ops_roster (org_id, unit, category, active, employees)
        VALUES (NEW.org_id, NEW.unit, NEW.category, NEW.active, 1)
        ON CONFLICT DO UPDATE SET employees = employees + 1;
END;

CREATE TRIGGER ops_employee_moved AFTER UPDATE OF org_id, unit ON employees
WHEN (OLD.org_id IS NOT NEW.org_id OR OLD.unit IS NOT NEW.unit) AND NOT EXISTS (SELECT 1 FROM ops_bulk)
BEGIN
    UPDATE ops_signed SET signed = signed - 1
        WHERE org_id = OLD.org_id AND unit = OLD.unit AND event_id IN (
            SELECT s.event_id FROM events ev CROSS JOIN signatures s ON s.event_id = ev.id AND s.employee_id = OLD.id
            WHERE NOT EXISTS (SELECT 1 FROM revocations r WHERE r.signature_id = s.id));
    INSERT INTO ops_signed (event_id, org_id, unit, signed)
        SELECT s.event_id, NEW.org_id, NEW.unit, 1
        FROM events ev CROSS JOIN signatures s ON s.event_id = ev.id AND s.employee_id = NEW.id
        WHERE NOT EXISTS (SELECT 1 FROM revocations r WHERE r.signature_id = s.id)
        ON CONFLICT DO UPDATE SET signed = signed + 1;
END;

CREATE TRIGGER ops_signature_revoked AFTER INSERT ON revocations BEGIN
    UPDATE ops_signed SET signed = signed - 1
        WHERE (event_id, org_id, unit) = (
            SELECT s.event_id, e.org_id, e.unit FROM signatures s JOIN employees e ON e.id = s.employee_id
            WHERE s.id = NEW.signature_id);
END;

-- A roster import stages its rows here in short transactions, so signings
-- pass between them, then merges them into employees in one short
-- transaction (employee.go). op is 'I' (insert) or 'U' (update employee_id).
-- Rows left by an import that died with the process are removed at start.
CREATE TABLE roster_staging (
    import_id   INTEGER NOT NULL,
    seq         INTEGER NOT NULL,
    op          TEXT    NOT NULL,
    employee_id INTEGER NOT NULL DEFAULT 0,
    org_id      INTEGER NOT NULL,
    gov_id      INTEGER NOT NULL,
    nip         TEXT    NOT NULL,
    name        TEXT    NOT NULL,
    front_title TEXT    NOT NULL,
    back_title  TEXT    NOT NULL,
    position    TEXT    NOT NULL,
    rank        TEXT    NOT NULL,
    unit        TEXT    NOT NULL,
    category    TEXT    NOT NULL,
    active      INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    PRIMARY KEY (import_id, seq)
) WITHOUT ROWID;
