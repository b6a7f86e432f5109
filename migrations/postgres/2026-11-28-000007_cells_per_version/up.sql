-- One row per record version instead of one row per field: the version carries its field
-- cells as a framed set (storage/cell_set.rs), each cell still sealed on its own and bound to
-- (record_fields, field name, version id, subject), so a query still opens only the cells its
-- purpose allows. Seven rows per record became one: intake writes, and queries read, less.
-- Pre-release: no deployment holds field rows yet, so they are not carried over.
ALTER TABLE record_versions ADD COLUMN cells BYTEA;
DROP TABLE record_fields;
