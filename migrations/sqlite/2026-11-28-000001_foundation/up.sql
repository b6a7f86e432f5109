-- Foundation: key material, subjects, organizations, accounts, tokens.
-- Every cell naming or describing a person is a BLOB cell (crypto/cell.rs format);
-- lookups go through blind indexes, never through clear values.

CREATE TABLE key_material (
    purpose TEXT PRIMARY KEY NOT NULL,
    kek_version INTEGER NOT NULL,
    wrapped BLOB NOT NULL,
    created_at TIMESTAMP NOT NULL,
    rewrapped_at TIMESTAMP
);

CREATE TABLE data_keys (
    id TEXT PRIMARY KEY NOT NULL,
    owner TEXT NOT NULL UNIQUE,
    kek_version INTEGER NOT NULL,
    wrapped BLOB,
    created_at TIMESTAMP NOT NULL,
    destroyed_at TIMESTAMP
);
CREATE INDEX data_keys_kek_version ON data_keys (kek_version);

CREATE TABLE subjects (
    id TEXT PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL,
    identifier_index BLOB NOT NULL UNIQUE,
    identifier_cell BLOB NOT NULL,
    name_cell BLOB,
    email_cell BLOB,
    data_key_id TEXT NOT NULL REFERENCES data_keys (id),
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE organizations (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE accounts (
    id TEXT PRIMARY KEY NOT NULL,
    email_index BLOB NOT NULL UNIQUE,
    email_cell BLOB NOT NULL,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL,
    organization_id TEXT REFERENCES organizations (id),
    subject_id TEXT REFERENCES subjects (id),
    disabled BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX accounts_organization ON accounts (organization_id);

CREATE TABLE api_tokens (
    token_hash BLOB PRIMARY KEY NOT NULL,
    account_id TEXT NOT NULL REFERENCES accounts (id),
    kind TEXT NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    created_at TIMESTAMP NOT NULL,
    revoked_at TIMESTAMP
);
CREATE INDEX api_tokens_account ON api_tokens (account_id);

CREATE TABLE login_attempts (
    email_index BLOB NOT NULL,
    attempted_at TIMESTAMP NOT NULL
);
CREATE INDEX login_attempts_email ON login_attempts (email_index, attempted_at);
