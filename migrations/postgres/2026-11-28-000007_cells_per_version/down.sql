CREATE TABLE record_fields (
    version_id TEXT NOT NULL REFERENCES record_versions (id),
    name TEXT NOT NULL,
    cell BYTEA NOT NULL,
    PRIMARY KEY (version_id, name)
);
ALTER TABLE record_versions DROP COLUMN cells;
