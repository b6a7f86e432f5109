-- Objections (DESIGN §7, legal-requirements §3 and R-25..R-33): the case, its timeline, its
-- evidence files, the permanent annotations an "unverifiable" decision leaves on a record,
-- and the subject's statement shown with a record in every disclosure.
-- Clear columns hold ids, codes, statuses, local dates ('YYYY-MM-DD' text) and flags only;
-- the statement, evidence (names and bytes) and every timeline note are cells sealed under
-- the subject's data key and bound to their row. Deadlines are pinned: due_on is computed
-- once, when the clock starts, and stored with the calendar versions it was computed on, so
-- editing a calendar file never moves an open deadline. `version` makes every transition a
-- conditional UPDATE, so two instances (or a late decision racing the sweeper) cannot both
-- apply a transition.

CREATE TABLE objections (
    id TEXT PRIMARY KEY NOT NULL,
    record_id TEXT NOT NULL REFERENCES records (id),
    subject_id TEXT NOT NULL REFERENCES subjects (id),
    provider_organization_id TEXT NOT NULL REFERENCES organizations (id),
    record_version INTEGER NOT NULL,
    ground TEXT NOT NULL,
    fields TEXT NOT NULL,
    statement_cell BLOB NOT NULL,
    status TEXT NOT NULL,
    version INTEGER NOT NULL,
    filed_on TEXT NOT NULL,
    accepted_on TEXT,
    due_on TEXT,
    due_calendar_version TEXT,
    due_estimated BOOLEAN NOT NULL DEFAULT FALSE,
    remind_on TEXT,
    reminded_at TIMESTAMP,
    extension_used BOOLEAN NOT NULL DEFAULT FALSE,
    complex BOOLEAN NOT NULL DEFAULT FALSE,
    outcome TEXT,
    decided_on TEXT,
    review_until TEXT,
    review_due_on TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX objections_subject ON objections (subject_id, id);
CREATE INDEX objections_provider ON objections (provider_organization_id, id);
CREATE INDEX objections_record ON objections (record_id, status);
-- The sweeper's scans: open provider deadlines by due date, pending reminders by date.
CREATE INDEX objections_due ON objections (status, due_on);
CREATE INDEX objections_remind ON objections (status, remind_on);

CREATE TABLE objection_events (
    id TEXT PRIMARY KEY NOT NULL,
    objection_id TEXT NOT NULL REFERENCES objections (id),
    seq INTEGER NOT NULL,
    at TIMESTAMP NOT NULL,
    kind TEXT NOT NULL,
    actor_role TEXT NOT NULL,
    actor_account_id TEXT,
    status_after TEXT NOT NULL,
    note_cell BLOB,
    UNIQUE (objection_id, seq)
);

CREATE TABLE objection_evidence (
    id TEXT PRIMARY KEY NOT NULL,
    objection_id TEXT NOT NULL REFERENCES objections (id),
    media_type TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    name_cell BLOB NOT NULL,
    content_cell BLOB NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX objection_evidence_objection ON objection_evidence (objection_id);

CREATE TABLE record_annotations (
    id TEXT PRIMARY KEY NOT NULL,
    record_id TEXT NOT NULL REFERENCES records (id),
    objection_id TEXT NOT NULL REFERENCES objections (id),
    kind TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX record_annotations_record ON record_annotations (record_id);

CREATE TABLE record_statements (
    record_id TEXT PRIMARY KEY NOT NULL REFERENCES records (id),
    subject_id TEXT NOT NULL REFERENCES subjects (id),
    statement_cell BLOB NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
