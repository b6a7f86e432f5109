-- Query authorizations a subject grants an organization for one purpose until a date
-- (R-16). The optional evidence reference is personal data: a cell under the subject's key.
CREATE TABLE authorizations (
    id TEXT PRIMARY KEY NOT NULL,
    subject_id TEXT NOT NULL REFERENCES subjects (id),
    organization_id TEXT NOT NULL REFERENCES organizations (id),
    purpose TEXT NOT NULL,
    valid_until TEXT NOT NULL,
    evidence_cell BLOB,
    created_at TIMESTAMP NOT NULL,
    revoked_at TIMESTAMP
);
CREATE INDEX authorizations_subject ON authorizations (subject_id, created_at);
