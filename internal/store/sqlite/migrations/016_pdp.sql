-- Personal data by UU PDP (Law 27/2022, issue 14 item 13).
--
-- org_privacy holds what the privacy notice of an organization's events
-- says that the organization decides: whom signers contact about their
-- data, and whether the per-point timing of drawn strokes, behavioural
-- biometric data under the law, is kept (off unless the organization turns
-- it on; off, times are dropped before a record is stored). An
-- organization without a row has no contact and keeps no timing.
CREATE TABLE org_privacy (
    org_id        INTEGER PRIMARY KEY REFERENCES organizations (id),
    contact       TEXT    NOT NULL DEFAULT '',
    stroke_timing INTEGER NOT NULL DEFAULT 0,
    updated_at    INTEGER NOT NULL
);

-- event_retention is an event's retention date: after it, the personal
-- data of the event's records is erased in bulk (erased_at set when done).
CREATE TABLE event_retention (
    event_id  INTEGER PRIMARY KEY REFERENCES events (id),
    until     INTEGER NOT NULL,
    erased_at INTEGER NOT NULL DEFAULT 0
);
