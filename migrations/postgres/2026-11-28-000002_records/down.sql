DROP TABLE record_fields;
DROP TABLE record_versions;
DROP TABLE records;
