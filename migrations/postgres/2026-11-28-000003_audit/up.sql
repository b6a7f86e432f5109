-- The tamper-evident access log (DESIGN §6). Append-only; every entry is chained to the one
-- before it by an HMAC (audit/chain.rs). No foreign keys: the log must outlive and never block
-- changes to the rows it mentions, and it names subjects only by their pseudonymous row id.
CREATE TABLE audit_entries (
    sequence BIGINT PRIMARY KEY NOT NULL,
    at TIMESTAMP NOT NULL,
    request_id TEXT NOT NULL,
    actor_account_id TEXT,
    organization_id TEXT,
    role TEXT NOT NULL,
    action TEXT NOT NULL,
    purpose TEXT,
    authorization_id TEXT,
    subject_id TEXT,
    record_ids TEXT NOT NULL,
    fields TEXT NOT NULL,
    decision TEXT NOT NULL,
    reason_code TEXT,
    policy_version TEXT NOT NULL,
    visible_to_subject_from TIMESTAMP,
    prev_mac BYTEA NOT NULL,
    mac BYTEA NOT NULL
);
CREATE INDEX audit_entries_subject ON audit_entries (subject_id, sequence);
CREATE INDEX audit_entries_organization ON audit_entries (organization_id, sequence);
CREATE INDEX audit_entries_actor ON audit_entries (actor_account_id, sequence);
CREATE INDEX audit_entries_at ON audit_entries (at);

-- The chain head: exactly one row. Appenders UPDATE it first; the row lock serializes them
-- across every server instance on this database.
CREATE TABLE audit_head (
    id INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
    sequence BIGINT NOT NULL,
    mac BYTEA NOT NULL
);
INSERT INTO audit_head (id, sequence, mac) VALUES (1, 0, decode(repeat('00', 32), 'hex'));

-- Signed statements of (size, head MAC, time), checkable with the public key alone.
CREATE TABLE audit_checkpoints (
    size BIGINT PRIMARY KEY NOT NULL,
    head_mac BYTEA NOT NULL,
    at TIMESTAMP NOT NULL,
    signature BYTEA NOT NULL,
    public_key_id TEXT NOT NULL
);
