-- Working days the provider declared its clock stopped (R-28: inspection, testing, quarantine,
-- appraisal or expert review are not counted); bounded by workflow.toml.
ALTER TABLE objections ADD COLUMN paused_working_days INTEGER NOT NULL DEFAULT 0;
