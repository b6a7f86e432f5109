ALTER TABLE objections DROP COLUMN review_escalated_at;
