-- Counters for the live dashboard, kept in the transaction that changes
-- what they count, so the dashboard never groups the roster or the records:
-- its cost follows the number of units, not of employees. Signings are
-- counted once per batch by the group commit (ops.go, countSignings), which
-- costs the signing path far less than a trigger per record; roster
-- changes, transfers and revocations by the triggers below.

-- Employees per organization, unit, category and active flag; an event's
-- eligible count is a sum over the rows its subtree and categories select.
CREATE TABLE ops_roster (
    org_id    INTEGER NOT NULL,
    unit      TEXT    NOT NULL,
    category  TEXT    NOT NULL,
    active    INTEGER NOT NULL,
    employees INTEGER NOT NULL,
    PRIMARY KEY (org_id, unit, category, active)
) WITHOUT ROWID;

-- Standing (not revoked) records of each event per organization and unit
-- of the signer as the roster has them now: a transfer moves the count.
CREATE TABLE ops_signed (
    event_id INTEGER NOT NULL,
    org_id   INTEGER NOT NULL,
    unit     TEXT    NOT NULL,
    signed   INTEGER NOT NULL,
    PRIMARY KEY (event_id, org_id, unit)
) WITHOUT ROWID;

-- Signings of each event per minute (Unix time / 60) and organization of
-- the signer at signing: the pace of signing, so a later revocation does not
-- change it.
CREATE TABLE ops_minutes (
    event_id INTEGER NOT NULL,
    minute   INTEGER NOT NULL,
    org_id   INTEGER NOT NULL,
    signings INTEGER NOT NULL,
    PRIMARY KEY (event_id, minute, org_id)
) WITHOUT ROWID;

-- The latest records of an event, newest first.
CREATE INDEX signatures_event_time ON signatures (event_id, signed_at);

INSERT INTO ops_roster (org_id, unit, category, active, employees)
    SELECT org_id, unit, category, active, COUNT(*) FROM employees GROUP BY org_id, unit, category, active;

INSERT INTO ops_signed (event_id, org_id, unit, signed)
    SELECT s.event_id, e.org_id, e.unit, COUNT(*) FROM signatures s JOIN employees e ON e.id = s.employee_id
    WHERE NOT EXISTS (SELECT 1 FROM revocations r WHERE r.signature_id = s.id)
    GROUP BY s.event_id, e.org_id, e.unit;

INSERT INTO ops_minutes (event_id, minute, org_id, signings)
    SELECT s.event_id, s.signed_at / 60000, e.org_id, COUNT(*) FROM signatures s JOIN employees e ON e.id = s.employee_id
    GROUP BY s.event_id, s.signed_at / 60000, e.org_id;

CREATE TRIGGER ops_employee_added AFTER INSERT ON employees BEGIN
    INSERT INTO ops_roster (org_id, unit, category, active, employees)
        VALUES (NEW.org_id, NEW.unit, NEW.category, NEW.active, 1)
        ON CONFLICT DO UPDATE SET employees = employees + 1;
END;

CREATE TRIGGER ops_employee_removed AFTER DELETE ON employees BEGIN
    UPDATE ops_roster SET employees = employees - 1
        WHERE org_id = OLD.org_id AND unit = OLD.unit AND category = OLD.category AND active = OLD.active;
END;

CREATE TRIGGER ops_employee_changed AFTER UPDATE OF org_id, unit, category, active ON employees
WHEN OLD.org_id IS NOT NEW.org_id OR OLD.unit IS NOT NEW.unit OR OLD.category IS NOT NEW.category OR OLD.active IS NOT NEW.active
BEGIN
    UPDATE ops_roster SET employees = employees - 1
        WHERE org_id = OLD.org_id AND unit = OLD.unit AND category = OLD.category AND active = OLD.active;
    INSERT INTO ops_roster (org_id, unit, category, active, employees)
        VALUES (NEW.org_id, NEW.unit, NEW.category, NEW.active, 1)
        ON CONFLICT DO UPDATE SET employees = employees + 1;
END;

-- A transfer moves the employee's standing records to the new unit. Events
-- are few and (event_id, employee_id) is unique: look the records up per
-- event rather than scan the records.
CREATE TRIGGER ops_employee_moved AFTER UPDATE OF org_id, unit ON employees
WHEN OLD.org_id IS NOT NEW.org_id OR OLD.unit IS NOT NEW.unit
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
