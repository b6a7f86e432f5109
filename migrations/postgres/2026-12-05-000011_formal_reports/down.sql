DROP TABLE formal_reports;
