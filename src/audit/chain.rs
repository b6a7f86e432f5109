//! The MAC chain of DESIGN §6: `mac_n = AuditMacKey::mac(mac_{n-1}, canonical(entry_n))`, with
//! 32 zero bytes as the previous MAC of entry 1. Each stored row carries its `prev_mac`, so
//! checking one entry needs only that row; the links between rows are checked by comparing
//! `prev_mac` with the MAC of the row before.

use super::entry::encode;
use crate::crypto::AuditMacKey;
use crate::storage::audit_log::AuditEntryRow;

/// The previous MAC of the first entry.
pub const GENESIS: [u8; 32] = [0; 32];

/// Computes the row's MAC over its canonical encoding and its `prev_mac`. `scratch` is a
/// reusable buffer.
pub fn mac_of(key: &AuditMacKey, row: &AuditEntryRow, scratch: &mut Vec<u8>) -> [u8; 32] {
    scratch.clear();
    encode(row, scratch);
    key.mac(&row.prev_mac, scratch)
}

/// True when the row's stored MAC is the MAC of its contents and `prev_mac` (constant time).
pub fn row_is_authentic(key: &AuditMacKey, row: &AuditEntryRow, scratch: &mut Vec<u8>) -> bool {
    scratch.clear();
    encode(row, scratch);
    key.verify(&row.prev_mac, scratch, &row.mac)
}
