//! Finding and creating subjects. A subject is found only through the blind index of its
//! normalized identifier; a new subject gets its own data key, and its identifier and name are
//! sealed under it, bound to the subject row.

use super::bootstrap::new_data_key_row;
use super::{Platform, WorkflowError};
use crate::crypto::CellCipher;
use crate::domain::SubjectKind;
use crate::domain::identifier::SubjectIdentifier;
use crate::storage::keys as key_rows;
use crate::storage::subjects::{self, SubjectRow};
use crate::storage::{AnyConnection, StorageError};

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

/// Finds the subject or creates it (with a fresh data key) inside the caller's transaction.
/// The kind of an existing subject must match: one identifier is one subject.
pub fn find_or_create(
    conn: &mut AnyConnection,
    platform: &Platform,
    kind: SubjectKind,
    identifier: &SubjectIdentifier,
    name: Option<&str>,
) -> Result<(SubjectRow, CellCipher), WorkflowError> {
    let index = identifier_index(platform, identifier);
    if let Some(row) = subjects::find_by_index(conn, &index)? {
        if row.kind != kind.as_str() {
            return Err(WorkflowError::invalid(
                "subject_kind_mismatch",
                Some("subject.kind"),
                "this identifier belongs to a subject of another kind",
            ));
        }
        let cipher = cipher_of(conn, platform, &row)?;
        return Ok((row, cipher));
    }
    let now = platform.clock.now_naive();
    let subject_id = uuid::Uuid::new_v4().to_string();
    let key_row = new_data_key_row(&platform.keys.keyring(), &subject_id, now)?;
    let cipher = platform.keys.cipher_for(&key_row)?;
    let row = SubjectRow {
        identifier_index: index.to_vec(),
        identifier_cell: cipher.seal_str("subjects", "identifier", &subject_id, identifier.normalized())?,
        name_cell: name.map(|n| cipher.seal_str("subjects", "name", &subject_id, n)).transpose()?,
        email_cell: None,
        data_key_id: key_row.id.clone(),
        kind: kind.as_str().to_owned(),
        created_at: now,
        id: subject_id,
    };
    key_rows::insert_data_key(conn, &key_row)?;
    match subjects::insert(conn, &row) {
        Ok(()) => Ok((row, cipher)),
        // A concurrent transaction created the same subject: the caller's transaction rolls
        // back and the request can be retried; never two subjects for one identifier.
        Err(StorageError::Duplicate) => Err(WorkflowError::Conflict {
            code: "concurrent_update",
            message: "the subject was created concurrently; retry".into(),
        }),
        Err(e) => Err(e.into()),
    }
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
