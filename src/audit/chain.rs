//! The MAC chain of DESIGN §6: `mac_n = AuditMacKey::mac(mac_{n-1}, canonical(entry_n))`, with
//! 32 zero bytes as the previous MAC of entry 1. Each stored row carries its `prev_mac`, so
//! checking one entry needs only that row; the links between rows are checked by comparing
//! `prev_mac` with the MAC of the row before.

use super::canonical::encode_columns;
use super::entry::encode;
use crate::crypto::AuditMacKey;
use crate::storage::audit_log::{AuditEntryRow, EntryColumns};

/// The previous MAC of the first entry.
pub const GENESIS: [u8; 32] = [0; 32];

/// Computes the row's MAC over its canonical encoding and its `prev_mac`. `scratch` is a
/// reusable buffer.
pub fn mac_of(key: &AuditMacKey, row: &AuditEntryRow, scratch: &mut Vec<u8>) -> [u8; 32] {
    scratch.clear();
    encode(row, scratch);
    key.mac(&row.prev_mac, scratch)
}

/// True when the stored `mac` is the MAC of the entry's columns and its `prev_mac` (constant
/// time).
pub fn is_authentic(
    key: &AuditMacKey,
    columns: &EntryColumns<'_>,
    prev_mac: &[u8],
    mac: &[u8],
    scratch: &mut Vec<u8>,
) -> bool {
    scratch.clear();
    encode_columns(columns, scratch);
    key.verify(prev_mac, scratch, mac)
}
