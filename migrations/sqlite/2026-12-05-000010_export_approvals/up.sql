-- Four-eyes approval of bulk access-log exports (R-20). One officer asks for an export of
-- many subjects' entries; a second officer approves it; the asker may then take the file once,
-- within a day of the approval. The filter holds ids and codes only (a subject filter is not
-- bulk and never stored here), so nothing in this table is personal data.
CREATE TABLE audit_export_approvals (
    id TEXT PRIMARY KEY NOT NULL,
    requested_by TEXT NOT NULL REFERENCES accounts (id),
    filter TEXT NOT NULL,
    requested_at TIMESTAMP NOT NULL,
    approved_by TEXT REFERENCES accounts (id),
    approved_at TIMESTAMP,
    taken_at TIMESTAMP
);
CREATE INDEX audit_export_approvals_requested ON audit_export_approvals (requested_at);
