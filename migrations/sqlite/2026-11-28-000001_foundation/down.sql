DROP TABLE login_attempts;
DROP TABLE api_tokens;
DROP TABLE accounts;
DROP TABLE organizations;
DROP TABLE subjects;
DROP TABLE data_keys;
DROP TABLE key_material;
