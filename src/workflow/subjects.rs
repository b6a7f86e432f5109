//! Finding and creating subjects. A subject is found only through the blind index of its
//! normalized identifier; a new subject gets its own data key, and its identifier and name are
//! sealed under it, bound to the subject row.

use super::bootstrap::new_data_key;
use super::{Platform, WorkflowError};
use crate::crypto::CellCipher;
use crate::domain::SubjectKind;
use crate::domain::identifier::SubjectIdentifier;
use crate::storage::keys::{self as key_rows, DataKeyRow};
use crate::storage::subjects::{self, SubjectRow};
use crate::storage::{AnyConnection, StorageError};
use std::collections::HashMap;

const IDENTIFIER_INDEX: &str = "subject_identifier";

pub fn identifier_index(platform: &Platform, identifier: &SubjectIdentifier) -> [u8; 32] {
    platform.keys.derived.blind_index.index(IDENTIFIER_INDEX, identifier.normalized())
}

/// The subject's id and kind, if the platform knows the identifier.
pub fn find_id(
    conn: &mut AnyConnection,
    platform: &Platform,
    identifier: &SubjectIdentifier,
) -> Result<Option<(String, String)>, WorkflowError> {
    Ok(subjects::id_by_index(conn, &identifier_index(platform, identifier))?)
}

/// A subject an intake chunk refers to.
pub struct SubjectRef<'a> {
    pub kind: SubjectKind,
    pub identifier: &'a SubjectIdentifier,
    pub name: Option<&'a str>,
}

/// Finds the subject or creates it (with a fresh data key) inside the caller's transaction.
/// The kind of an existing subject must match: one identifier is one subject.
pub fn find_or_create(
    conn: &mut AnyConnection,
    platform: &Platform,
    kind: SubjectKind,
    identifier: &SubjectIdentifier,
    name: Option<&str>,
) -> Result<(SubjectRow, CellCipher), WorkflowError> {
    let mut resolved = resolve_many(conn, platform, &[SubjectRef { kind, identifier, name }])?;
    resolved.remove(identifier.normalized()).ok_or_else(|| WorkflowError::internal("subject not resolved"))
}

/// Finds or creates every subject of a chunk with a handful of statements: one lookup through
/// the blind index, one batch insert of new data keys and one of new subjects. Returns the
/// subjects and their ciphers keyed by normalized identifier.
pub fn resolve_many(
    conn: &mut AnyConnection,
    platform: &Platform,
    wanted: &[SubjectRef<'_>],
) -> Result<HashMap<String, (SubjectRow, CellCipher)>, WorkflowError> {
    let mut resolver = SubjectResolver::new(platform, lookup_many(conn, platform, wanted)?);
    let mut created = NewSubjects::default();
    for want in wanted {
        resolver.resolve(want, &mut created)?;
    }
    insert_new(conn, &created)?;
    Ok(resolver.ready)
}

/// What the database holds about some subjects: their rows and data-key rows by blind index,
/// and the blind index of every identifier asked for, so that it is computed once. Reading it
/// is the only database work of resolving a chunk's subjects.
pub struct FoundSubjects {
    /// Blind index by normalized identifier, for every identifier looked up.
    indexes: HashMap<String, Vec<u8>>,
    rows: HashMap<Vec<u8>, (SubjectRow, DataKeyRow)>,
}

/// Reads the subjects of `wanted` that exist, with two statements.
pub fn lookup_many(
    conn: &mut AnyConnection,
    platform: &Platform,
    wanted: &[SubjectRef<'_>],
) -> Result<FoundSubjects, WorkflowError> {
    let mut indexes: HashMap<String, Vec<u8>> = HashMap::with_capacity(wanted.len());
    for want in wanted {
        indexes
            .entry(want.identifier.normalized().to_owned())
            .or_insert_with(|| identifier_index(platform, want.identifier).to_vec());
    }
    let lookups: Vec<Vec<u8>> = indexes.values().cloned().collect();
    let existing = subjects::find_by_indexes(conn, &lookups)?;
    let key_ids: Vec<String> = existing.iter().map(|s| s.data_key_id.clone()).collect();
    let mut key_rows: HashMap<String, DataKeyRow> =
        key_rows::find_data_keys(conn, &key_ids)?.into_iter().map(|k| (k.id.clone(), k)).collect();
    let mut rows = HashMap::with_capacity(existing.len());
    for row in existing {
        let key = key_rows.remove(&row.data_key_id).ok_or(WorkflowError::NotFound { what: "data key" })?;
        rows.insert(row.identifier_index.clone(), (row, key));
    }
    Ok(FoundSubjects { indexes, rows })
}

/// Rows for subjects a chunk creates, written before the chunk's records that refer to them.
#[derive(Default)]
pub struct NewSubjects {
    pub keys: Vec<DataKeyRow>,
    pub subjects: Vec<SubjectRow>,
}

/// Turns the subjects of a chunk into ciphers without touching the database: unwraps the data
/// key of a found subject, and creates (once per identifier) a subject with a fresh data key,
/// its identifier and name sealed under it. CPU only, so it can run beside the writes.
pub struct SubjectResolver<'p> {
    platform: &'p Platform,
    keyring: crate::crypto::Keyring,
    now: crate::storage::Timestamp,
    found: FoundSubjects,
    ready: HashMap<String, (SubjectRow, CellCipher)>,
}

impl<'p> SubjectResolver<'p> {
    pub fn new(platform: &'p Platform, found: FoundSubjects) -> Self {
        Self {
            platform,
            keyring: platform.keys.keyring(),
            now: platform.clock.now_naive(),
            found,
            ready: HashMap::new(),
        }
    }

    /// The subject `want` names, created into `created` when the platform does not know it.
    /// The kind of an existing subject must match: one identifier is one subject.
    pub fn resolve(
        &mut self,
        want: &SubjectRef<'_>,
        created: &mut NewSubjects,
    ) -> Result<&(SubjectRow, CellCipher), WorkflowError> {
        let normalized = want.identifier.normalized();
        if !self.ready.contains_key(normalized) {
            let index = match self.found.indexes.remove(normalized) {
                Some(index) => index,
                // Not among the identifiers looked up (callers pass the same list, so never in
                // practice): treated as new, and the unique blind index refuses a duplicate.
                None => identifier_index(self.platform, want.identifier).to_vec(),
            };
            let resolved = match self.found.rows.remove(&index) {
                Some((row, key)) => self.unlock(want, row, &key)?,
                None => self.create(want, index, created)?,
            };
            self.ready.insert(normalized.to_owned(), resolved);
        }
        self.ready.get(normalized).ok_or_else(|| WorkflowError::internal("subject not resolved"))
    }

    fn unlock(
        &self,
        want: &SubjectRef<'_>,
        row: SubjectRow,
        key: &DataKeyRow,
    ) -> Result<(SubjectRow, CellCipher), WorkflowError> {
        if row.kind != want.kind.as_str() {
            return Err(WorkflowError::invalid(
                "subject_kind_mismatch",
                Some("subject.kind"),
                "this identifier belongs to a subject of another kind",
            ));
        }
        if key.wrapped.is_none() {
            return Err(shredded());
        }
        let cipher = self.platform.keys.cipher_for(key)?;
        Ok((row, cipher))
    }

    fn create(
        &self,
        want: &SubjectRef<'_>,
        index: Vec<u8>,
        created: &mut NewSubjects,
    ) -> Result<(SubjectRow, CellCipher), WorkflowError> {
        let subject_id = crate::storage::new_row_id();
        let (key_row, cipher) = new_data_key(&self.keyring, &subject_id, self.now)?;
        let row = SubjectRow {
            identifier_index: index,
            identifier_cell: cipher.seal_str("subjects", "identifier", &subject_id, want.identifier.normalized())?,
            name_cell: want.name.map(|n| cipher.seal_str("subjects", "name", &subject_id, n)).transpose()?,
            email_cell: None,
            data_key_id: key_row.id.clone(),
            kind: want.kind.as_str().to_owned(),
            created_at: self.now.into(),
            id: subject_id,
        };
        created.keys.push(key_row);
        created.subjects.push(row.clone());
        Ok((row, cipher))
    }
}

/// Writes created subjects and their data keys.
pub fn insert_new(conn: &mut AnyConnection, created: &NewSubjects) -> Result<(), WorkflowError> {
    key_rows::insert_data_keys(conn, &created.keys)?;
    match subjects::insert_many(conn, &created.subjects) {
        Ok(()) => Ok(()),
        // A concurrent transaction created one of these subjects: this transaction rolls back
        // and can be retried; there are never two subjects for one identifier.
        Err(StorageError::Duplicate) => Err(WorkflowError::Conflict {
            code: "concurrent_update",
            message: "a subject was created concurrently; retry".into(),
        }),
        Err(e) => Err(e.into()),
    }
}

fn shredded() -> WorkflowError {
    WorkflowError::Conflict { code: "subject_shredded", message: "this subject's data was erased".into() }
}

/// The cell cipher of an existing subject. A shredded subject has none: its cells are gone.
pub fn cipher_of(conn: &mut AnyConnection, platform: &Platform, row: &SubjectRow) -> Result<CellCipher, WorkflowError> {
    cipher_by_key_id(conn, platform, &row.data_key_id)
}

pub fn cipher_by_key_id(
    conn: &mut AnyConnection,
    platform: &Platform,
    data_key_id: &str,
) -> Result<CellCipher, WorkflowError> {
    let key_row = key_rows::find_data_key(conn, data_key_id)?.ok_or(WorkflowError::NotFound { what: "data key" })?;
    if key_row.wrapped.is_none() {
        return Err(WorkflowError::Conflict {
            code: "subject_shredded",
            message: "this subject's data was erased".into(),
        });
    }
    Ok(platform.keys.cipher_for(&key_row)?)
}

/// The cell cipher of a subject by id.
pub fn cipher_by_subject(
    conn: &mut AnyConnection,
    platform: &Platform,
    subject_id: &str,
) -> Result<CellCipher, WorkflowError> {
    let subject = subjects::find(conn, subject_id)?.ok_or(WorkflowError::NotFound { what: "subject" })?;
    cipher_of(conn, platform, &subject)
}
