DROP TABLE record_statements;
DROP TABLE record_annotations;
DROP TABLE objection_evidence;
DROP TABLE objection_events;
DROP TABLE objections;
