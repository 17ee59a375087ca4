-- An uploaded participant list narrows who may sign an event: while
-- has_list is set, only the employees listed in event_participants (and
-- still inside the event's subtree and categories) are eligible.
ALTER TABLE events ADD COLUMN has_list INTEGER NOT NULL DEFAULT 0;

CREATE TABLE event_participants (
    event_id    INTEGER NOT NULL REFERENCES events (id),
    employee_id INTEGER NOT NULL REFERENCES employees (id),
    PRIMARY KEY (event_id, employee_id)
) WITHOUT ROWID;

-- A pledge version is identified by the hash of its text, which every
-- signature records: it is never edited (a new text is a new version), and
-- the foreign keys of events keep a used one from being deleted.
CREATE TRIGGER pledges_immutable BEFORE UPDATE ON pledges
BEGIN
    SELECT RAISE(ABORT, 'pledge versions are immutable');
END;
