//! The integration suite: one binary, every test against a freshly built application on port 0
//! with its own data folder and database (SQLite, or PostgreSQL when CREDIT_TEST_DATABASE_URL is
//! set). Files per capability.
// A failing expectation is exactly how a test reports; panicking is the point here.
#![allow(clippy::expect_used, clippy::unwrap_used)]

mod helpers;

mod accounts;
mod audit;
mod audit_exports;
mod audit_jobs;
mod audit_officer;
mod audit_tamper;
mod backup;
mod formal_reports;
mod foundation;
mod keys;
mod notify;
mod objections;
mod portal;
mod privacy;
mod queries;
mod query_batches;
mod records;
mod smtp_sink;
