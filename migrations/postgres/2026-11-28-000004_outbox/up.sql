-- The e-mail outbox: written in the same transaction as the event it announces, drained by
-- the sender job. Recipient, subject line and body are cells sealed under the data key named
-- by data_key_id (the subject's own key, or the platform key), bound to the row id: the
-- database never holds an address or a rendered text in clear.
-- A row is "due" while sent_at IS NULL, next_attempt_at <= now and its claim (if any) expired.

CREATE TABLE outbox (
    id TEXT PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL,
    locale TEXT NOT NULL,
    recipient_cell BYTEA NOT NULL,
    subject_cell BYTEA NOT NULL,
    body_cell BYTEA NOT NULL,
    data_key_id TEXT NOT NULL REFERENCES data_keys (id),
    created_at TIMESTAMP NOT NULL,
    next_attempt_at TIMESTAMP NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error_code TEXT,
    claimed_by TEXT,
    claimed_until TIMESTAMP,
    sent_at TIMESTAMP,
    dedupe_key TEXT UNIQUE
);
-- The sender's scan: unsent rows by due time.
CREATE INDEX outbox_due ON outbox (sent_at, next_attempt_at);
