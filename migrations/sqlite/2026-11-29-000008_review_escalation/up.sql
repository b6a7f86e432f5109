-- When the officers were told that a re-review passed its due date undecided (set once, by the
-- sweeper instance that claims it; NULL while not escalated).
ALTER TABLE objections ADD COLUMN review_escalated_at TIMESTAMP;
