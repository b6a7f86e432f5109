ALTER TABLE objections DROP COLUMN paused_working_days;
