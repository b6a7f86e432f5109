//! Sealing and opening a record version's field values. Each value is its own cell, sealed
//! under the subject's key and bound to (`record_fields`, field name, version id, subject);
//! the cells of a version travel together as one framed set (`storage::cell_set`). Opening
//! takes a filter, so a reader opens exactly the cells it may and leaves the others sealed.

use super::WorkflowError;
use crate::crypto::CellCipher;
use crate::storage::cell_set;
use std::collections::BTreeMap;

const TABLE: &str = "record_fields";

/// The sealed set of `fields` (name, canonical value) for `version_id`.
pub fn seal(cipher: &CellCipher, version_id: &str, fields: &[(String, String)]) -> Result<Vec<u8>, WorkflowError> {
    let cells: Vec<(&str, Vec<u8>)> = fields
        .iter()
        .map(|(name, value)| Ok((name.as_str(), cipher.seal_str(TABLE, name, version_id, value)?)))
        .collect::<Result<_, WorkflowError>>()?;
    Ok(cell_set::encode(cells.iter().map(|(name, cell)| (*name, cell.as_slice())))?)
}

/// The values of the cells whose name `allow` accepts; no other cell is opened.
pub fn open(
    cipher: &CellCipher,
    version_id: &str,
    set: Option<&[u8]>,
    allow: impl Fn(&str) -> bool,
) -> Result<BTreeMap<String, String>, WorkflowError> {
    let mut values = BTreeMap::new();
    let Some(set) = set else { return Ok(values) };
    for (name, cell) in cell_set::decode(set)? {
        if allow(name) {
            let value = cipher.open_string(TABLE, name, version_id, cell)?;
            values.insert(name.to_owned(), value.expose_str().to_owned());
        }
    }
    Ok(values)
}
