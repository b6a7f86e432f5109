DROP TABLE audit_export_approvals;
