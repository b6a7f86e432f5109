-- Formal credit reports issued to subjects (R-21): two free per calendar year (Asia/Shanghai).
-- One row per issued report, holding only its slot: the subject's pseudonymous row id, the
-- year and the report's number within it. The unique slot is what keeps the limit under
-- concurrency: two requests racing for the last number cannot both insert it, and the CHECK
-- refuses a third number whatever the code does. The report's content is built when it is
-- issued and never stored, so nothing in this table is personal data.
CREATE TABLE formal_reports (
    id TEXT PRIMARY KEY NOT NULL,
    subject_id TEXT NOT NULL REFERENCES subjects (id),
    year INTEGER NOT NULL,
    number INTEGER NOT NULL CHECK (number BETWEEN 1 AND 2),
    issued_at TIMESTAMP NOT NULL,
    CONSTRAINT formal_reports_slot UNIQUE (subject_id, year, number)
);
