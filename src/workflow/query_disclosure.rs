//! What a query discloses, decided while everything is still sealed, and opened only once
//! the access-log entry naming it is durable.
//!
//! Deciding needs no key: whether a record is visible depends on its category, disclosure
//! level, type and end of disclosure, and which of its cells may be opened on the field names,
//! which a cell set carries in clear. So the entry can name the records and fields before any
//! cell is opened, and the opening (the data key's unwrap and one AES-GCM open per allowed
//! field) happens on the caller's thread after the commit, not on the access-log writer's.

use super::query_subject::{DisclosedRecord, QueryAnswer, SubjectView};
use super::{Platform, WorkflowError, record_cells, record_statement};
use crate::policy::purposes::Purpose;
use crate::storage::cell_set;
use crate::storage::keys::DataKeyRow;
use crate::storage::records::{ActiveRecord, RecordRow, SubjectDisclosure};

/// A query's answer before any cell is opened.
pub struct SealedAnswer {
    query_id: String,
    subject: SubjectView,
    /// `None` when there is nothing to open (unknown or shredded subject).
    key: Option<DataKeyRow>,
    records: Vec<Visible>,
}

/// A record the purpose may see, with the names of the cells it may open.
struct Visible {
    record: ActiveRecord,
    fields: Vec<String>,
}

impl SealedAnswer {
    /// Keeps the records `purpose` may see, today, and the names of their allowed fields.
    pub fn decide(
        platform: &Platform,
        purpose: &Purpose,
        query_id: String,
        subject: SubjectView,
        found: Option<SubjectDisclosure>,
    ) -> Result<SealedAnswer, WorkflowError> {
        let Some(found) = found.filter(|f| f.key.wrapped.is_some()) else {
            // Unknown, or shredded: nothing left to disclose.
            return Ok(SealedAnswer { query_id, subject, key: None, records: Vec::new() });
        };
        let today = platform.clock.today().to_string();
        let visible = |r: &RecordRow| {
            r.disclose_until.as_deref().is_none_or(|until| until >= today.as_str())
                && r.category.parse().is_ok_and(|c| purpose.allows_category(c))
                && r.disclosure_level.parse().is_ok_and(|l| purpose.allows_disclosure(l))
                && purpose.allows_record_type(&r.record_type)
        };
        let mut records = Vec::new();
        for record in found.records.into_iter().filter(|r| visible(&r.row)) {
            let fields = match record.cells.as_deref() {
                Some(set) => cell_set::decode(set)?
                    .into_iter()
                    .map(|(name, _)| name)
                    .filter(|name| purpose.allows_field(&record.row.record_type, name))
                    .map(str::to_owned)
                    .collect(),
                None => Vec::new(),
            };
            records.push(Visible { record, fields });
        }
        Ok(SealedAnswer { query_id, subject, key: Some(found.key), records })
    }

    pub fn record_ids(&self) -> Vec<String> {
        self.records.iter().map(|v| v.record.row.id.clone()).collect()
    }

    /// `record_type.field` of every field that will be opened, sorted, for the entry.
    pub fn field_names(&self) -> Vec<String> {
        let mut names: Vec<String> = self
            .records
            .iter()
            .flat_map(|v| v.fields.iter().map(|f| format!("{}.{f}", v.record.row.record_type)))
            .collect();
        names.sort();
        names.dedup();
        names
    }

    /// Opens exactly the fields decided (and each record's statement, which goes with it in
    /// every disclosure, R-32). Call only once the entry naming them is durable.
    pub fn open(self, platform: &Platform) -> Result<QueryAnswer, WorkflowError> {
        let SealedAnswer { query_id, subject, key, records } = self;
        let Some(key) = key else {
            return Ok(QueryAnswer { query_id, subject, records: Vec::new() });
        };
        let cipher = platform.keys.cipher_for(&key)?;
        let mut out = Vec::with_capacity(records.len());
        for Visible { record: ActiveRecord { row, cells, statement }, fields } in records {
            let values = record_cells::open(&cipher, &row.current_version_id, cells.as_deref(), |name| {
                fields.iter().any(|f| f == name)
            })?;
            let statement = statement.map(|cell| record_statement::open(&cipher, &row.id, &cell)).transpose()?;
            out.push(DisclosedRecord {
                id: row.id,
                record_type: row.record_type,
                category: row.category,
                version: row.current_version,
                status: row.status,
                disputed: row.disputed,
                fields: values,
                statement,
            });
        }
        Ok(QueryAnswer { query_id, subject, records: out })
    }
}
