//! Policy: loads and validates `policies/` (catalogue, purposes, workflow, working-day calendar)
//! once at start-up, and answers the questions the workflow asks of it: may this record be
//! submitted with these fields, may this organization query for this purpose and which fields
//! may it see, when is this objection due.
//!
//! Contract: a `PolicySet` is immutable and fully validated; a bad file stops start-up with a
//! `PolicyError` naming the file, the key and the reason. Its `version` (SHA-256 over every
//! loaded file's relative path and bytes, in sorted order) is recorded in every access-log entry.
//! Must not: read the clock (callers pass `today`), touch storage, keys or the network, or see a
//! subject's data beyond the field values handed to `RecordType::check_fields`, which it never
//! copies into an error.

pub mod calendar;
pub mod catalogue;
pub mod error;
pub mod intake;
pub mod purposes;
pub mod workflow;

#[cfg(test)]
mod tests;

pub use calendar::{Calendar, CalendarYear, DayKind, Deadline, Holiday};
pub use catalogue::{Catalogue, FieldClass, FieldSpec, FieldType, PeriodRule, RecordType};
pub use error::PolicyError;
pub use intake::FieldRefusal;
pub use purposes::{FieldScope, Purpose, PurposeRefusal, Purposes};
pub use workflow::{MissedDeadlineAction, WorkflowPolicy, WorkingDays};

use sha2::{Digest, Sha256};
use std::path::Path;

/// A display name in both languages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Names {
    pub zh: String,
    pub en: String,
}

/// Every policy of the platform, validated, with its version.
#[derive(Debug, Clone)]
pub struct PolicySet {
    pub catalogue: Catalogue,
    pub purposes: Purposes,
    pub workflow: WorkflowPolicy,
    pub calendar: Calendar,
    /// Lowercase hex SHA-256 over the sorted (relative path, bytes) of every loaded file.
    pub version: String,
}

impl PolicySet {
    /// Loads `dir/catalogue.toml`, `dir/purposes.toml`, `dir/workflow.toml` and every
    /// `dir/calendar/cn-YYYY.toml`. Other `.toml` files in `calendar/` are refused (a misnamed
    /// year would otherwise be silently ignored); files of other extensions are ignored.
    pub fn load(dir: &Path) -> Result<PolicySet, PolicyError> {
        let cat_bytes = read(dir, catalogue::FILE)?;
        let catalogue = Catalogue::parse(utf8(catalogue::FILE, &cat_bytes)?)?;
        let pur_bytes = read(dir, purposes::FILE)?;
        let purposes = Purposes::parse(utf8(purposes::FILE, &pur_bytes)?, &catalogue)?;
        let wf_bytes = read(dir, workflow::FILE)?;
        let workflow = WorkflowPolicy::parse(utf8(workflow::FILE, &wf_bytes)?)?;
        let mut files = vec![
            (catalogue::FILE.to_owned(), cat_bytes),
            (purposes::FILE.to_owned(), pur_bytes),
            (workflow::FILE.to_owned(), wf_bytes),
        ];
        let unreadable = |reason: String| PolicyError::Unreadable { file: calendar::DIR.into(), reason };
        let entries = std::fs::read_dir(dir.join(calendar::DIR)).map_err(|e| unreadable(e.to_string()))?;
        let mut years = Vec::new();
        for entry in entries {
            let entry = entry.map_err(|e| unreadable(e.to_string()))?;
            let Some(name) = entry.file_name().to_str().map(str::to_owned) else {
                return Err(unreadable("a file name is not UTF-8".into()));
            };
            if !name.ends_with(".toml") {
                continue;
            }
            let rel = format!("{}/{name}", calendar::DIR);
            let bytes = read(dir, &rel)?;
            years.push(CalendarYear::parse(&rel, &bytes)?);
            files.push((rel, bytes));
        }
        let calendar = Calendar::from_years(years)?;
        files.sort();
        let version = version_of(&files);
        let loaded_years: Vec<i32> = calendar.years().map(|y| y.year).collect();
        tracing::info!(policy_version = %version, calendar_years = ?loaded_years, "policies loaded");
        Ok(PolicySet { catalogue, purposes, workflow, calendar, version })
    }

    /// Warnings to log at start-up and daily (today is the caller's local date).
    pub fn startup_warnings(&self, today: chrono::NaiveDate) -> Vec<String> {
        self.calendar.missing_next_year_warning(today).into_iter().collect()
    }
}

fn utf8<'a>(file: &str, bytes: &'a [u8]) -> Result<&'a str, PolicyError> {
    std::str::from_utf8(bytes)
        .map_err(|_| PolicyError::Unreadable { file: file.to_owned(), reason: "not UTF-8".into() })
}

fn read(dir: &Path, rel: &str) -> Result<Vec<u8>, PolicyError> {
    std::fs::read(dir.join(rel)).map_err(|e| PolicyError::Unreadable { file: rel.to_owned(), reason: e.to_string() })
}

/// SHA-256 over, for each file in sorted order: path, NUL, byte length (u64 LE), bytes.
fn version_of(files: &[(String, Vec<u8>)]) -> String {
    let mut hasher = Sha256::new();
    for (name, bytes) in files {
        hasher.update(name.as_bytes());
        hasher.update([0u8]);
        hasher.update((bytes.len() as u64).to_le_bytes());
        hasher.update(bytes);
    }
    calendar::hex(&hasher.finalize())
}
