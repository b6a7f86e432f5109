//! Finding and creating subjects. A subject is found only through the blind index of its
//! normalized identifier; a new subject gets its own data key, and its identifier and name are
//! sealed under it, bound to the subject row.

use super::bootstrap::new_data_key;
use super::{Platform, WorkflowError};
use crate::crypto::CellCipher;
use crate::domain::SubjectKind;
use crate::domain::identifier::SubjectIdentifier;
use crate::storage::keys as key_rows;
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
    let mut unique: HashMap<&str, &SubjectRef<'_>> = HashMap::new();
    for want in wanted {
        unique.entry(want.identifier.normalized()).or_insert(want);
    }
    let indexes: HashMap<Vec<u8>, &SubjectRef<'_>> =
        unique.values().map(|w| (identifier_index(platform, w.identifier).to_vec(), *w)).collect();
    let keys: Vec<Vec<u8>> = indexes.keys().cloned().collect();
    let existing = subjects::find_by_indexes(conn, &keys)?;
    let key_ids: Vec<String> = existing.iter().map(|s| s.data_key_id.clone()).collect();
    let key_rows: HashMap<String, _> =
        key_rows::find_data_keys(conn, &key_ids)?.into_iter().map(|k| (k.id.clone(), k)).collect();
    let mut resolved = HashMap::with_capacity(unique.len());
    for row in existing {
        let want = indexes.get(&row.identifier_index).ok_or_else(|| WorkflowError::internal("unexpected subject"))?;
        if row.kind != want.kind.as_str() {
            return Err(WorkflowError::invalid(
                "subject_kind_mismatch",
                Some("subject.kind"),
                "this identifier belongs to a subject of another kind",
            ));
        }
        let key = key_rows.get(&row.data_key_id).ok_or(WorkflowError::NotFound { what: "data key" })?;
        if key.wrapped.is_none() {
            return Err(shredded());
        }
        let cipher = platform.keys.cipher_for(key)?;
        resolved.insert(want.identifier.normalized().to_owned(), (row, cipher));
    }
    let now = platform.clock.now_naive();
    let keyring = platform.keys.keyring();
    let (mut new_keys, mut new_subjects) = (Vec::new(), Vec::new());
    for (index, want) in &indexes {
        if resolved.contains_key(want.identifier.normalized()) {
            continue;
        }
        let subject_id = crate::storage::new_row_id();
        let (key_row, cipher) = new_data_key(&keyring, &subject_id, now)?;
        let row = SubjectRow {
            identifier_index: index.clone(),
            identifier_cell: cipher.seal_str("subjects", "identifier", &subject_id, want.identifier.normalized())?,
            name_cell: want.name.map(|n| cipher.seal_str("subjects", "name", &subject_id, n)).transpose()?,
            email_cell: None,
            data_key_id: key_row.id.clone(),
            kind: want.kind.as_str().to_owned(),
            created_at: now,
            id: subject_id,
        };
        new_keys.push(key_row);
        new_subjects.push(row.clone());
        resolved.insert(want.identifier.normalized().to_owned(), (row, cipher));
    }
    key_rows::insert_data_keys(conn, &new_keys)?;
    match subjects::insert_many(conn, &new_subjects) {
        Ok(()) => Ok(resolved),
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
