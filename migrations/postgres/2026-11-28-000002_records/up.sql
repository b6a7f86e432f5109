-- Credit records: append-only versions, one encrypted cell per field value so that a query
-- loads and decrypts only the fields its purpose allows. Dates are ISO 'YYYY-MM-DD' text
-- (portable and ordered); clear columns hold only ids, codes, statuses, dates and flags.

CREATE TABLE records (
    id TEXT PRIMARY KEY NOT NULL,
    subject_id TEXT NOT NULL REFERENCES subjects (id),
    provider_organization_id TEXT NOT NULL REFERENCES organizations (id),
    record_type TEXT NOT NULL,
    category TEXT NOT NULL,
    disclosure_level TEXT NOT NULL,
    status TEXT NOT NULL,
    current_version INTEGER NOT NULL,
    current_version_id TEXT NOT NULL,
    conduct_started_on TEXT,
    conduct_ended_on TEXT,
    disclose_until TEXT,
    disputed BOOLEAN NOT NULL DEFAULT FALSE,
    suppressed BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX records_subject ON records (subject_id, status);
CREATE INDEX records_provider ON records (provider_organization_id, id);
CREATE INDEX records_expiry ON records (status, disclose_until);

CREATE TABLE record_versions (
    id TEXT PRIMARY KEY NOT NULL,
    record_id TEXT NOT NULL REFERENCES records (id),
    version INTEGER NOT NULL,
    change_kind TEXT NOT NULL,
    actor_account_id TEXT,
    reason_cell BYTEA,
    source_cell BYTEA NOT NULL,
    consent_cell BYTEA,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (record_id, version)
);

CREATE TABLE record_fields (
    version_id TEXT NOT NULL REFERENCES record_versions (id),
    name TEXT NOT NULL,
    cell BYTEA NOT NULL,
    PRIMARY KEY (version_id, name)
);
