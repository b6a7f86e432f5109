//! The cell cipher: one encrypted database cell.
//!
//! Format: `version(1) = 0x01 | key id(16) | nonce(12) | ciphertext | tag(16)`, AES-256-GCM
//! under the subject's data key. The associated data binds the cell to its place: a label, the
//! format version, the key id, then table, column, row id and subject id, each length-prefixed,
//! so a cell copied to another row, column, table or subject, a flipped bit, a wrong key or
//! a swapped key id all fail with `DecryptionFailed`. The key id is in clear so the caller can
//! find which data key a cell needs (`cell_key_id`) without trying keys.
//!
//! Every `open` attempt bumps a process-wide counter (`decryptions()`), so tests can assert
//! that a request decrypted only the fields it was allowed to see.

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};

use aes_gcm::Aes256Gcm;
use aes_gcm::aead::{AeadInOut, KeyInit};
use zeroize::Zeroizing;

use super::{CryptoError, DataKey, Result, SecretBytes, SensitiveString, put_field, random_nonce, to_hex};

/// The only cell format this build writes and reads.
pub const CELL_FORMAT_V1: u8 = 0x01;
/// Id of the data key a cell was sealed with (e.g. the key row's UUID bytes).
pub type KeyId = [u8; 16];

const AAD_LABEL: &[u8] = b"credit-platform/cell";
const KEY_ID_LEN: usize = 16;
const NONCE_LEN: usize = 12;
const TAG_LEN: usize = 16;
const HEADER_LEN: usize = 1 + KEY_ID_LEN + NONCE_LEN;
const MIN_CELL_LEN: usize = HEADER_LEN + TAG_LEN;

static DECRYPTIONS: AtomicU64 = AtomicU64::new(0);

thread_local! {
    /// Opens on this thread: a test that runs a use case on its own thread counts exactly the
    /// cells that use case decrypted, whatever other tests do meanwhile.
    static THREAD_DECRYPTIONS: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// Number of `open` calls made on the calling thread so far.
pub fn decryptions_on_this_thread() -> u64 {
    THREAD_DECRYPTIONS.with(std::cell::Cell::get)
}

/// Number of `open` calls (successful or not) in this process so far.
pub fn decryptions() -> u64 {
    DECRYPTIONS.load(Ordering::Relaxed)
}

/// Where a cell lives. Row ids are generated before the insert, so they are known at seal time.
#[derive(Clone, Copy, Debug)]
pub struct CellAad<'a> {
    pub table: &'a str,
    pub column: &'a str,
    pub row_id: &'a str,
    pub subject_id: &'a str,
}

fn aad_bytes(version: u8, key_id: &KeyId, aad: &CellAad<'_>) -> Vec<u8> {
    let fields = [aad.table, aad.column, aad.row_id, aad.subject_id];
    let mut out = Vec::with_capacity(64 + fields.iter().map(|f| 8 + f.len()).sum::<usize>());
    put_field(&mut out, AAD_LABEL);
    out.push(version);
    out.extend_from_slice(key_id);
    for field in fields {
        put_field(&mut out, field.as_bytes());
    }
    out
}

/// Encrypt `plaintext` for the place `aad`. Fails only for plaintexts over 64 GiB.
pub fn seal(key: &DataKey, key_id: KeyId, aad: &CellAad<'_>, plaintext: &[u8]) -> Result<Vec<u8>> {
    seal_with(&Aes256Gcm::new(key.bytes().into()), key_id, aad, plaintext)
}

fn seal_with(cipher: &Aes256Gcm, key_id: KeyId, aad: &CellAad<'_>, plaintext: &[u8]) -> Result<Vec<u8>> {
    let nonce = random_nonce();
    // Exact capacity and in-place encryption: no plaintext copy survives in a freed buffer.
    let mut cell = Vec::with_capacity(MIN_CELL_LEN + plaintext.len());
    cell.push(CELL_FORMAT_V1);
    cell.extend_from_slice(&key_id);
    cell.extend_from_slice(&nonce);
    cell.extend_from_slice(plaintext);
    let associated = aad_bytes(CELL_FORMAT_V1, &key_id, aad);
    match cipher.encrypt_inout_detached((&nonce).into(), &associated, (&mut cell[HEADER_LEN..]).into()) {
        Ok(tag) => {
            cell.extend_from_slice(&tag);
            Ok(cell)
        }
        Err(_) => {
            drop(Zeroizing::new(cell));
            Err(CryptoError::EncryptionFailed("plaintext too long"))
        }
    }
}

/// The parts of a cell, borrowed from it.
struct Parts<'a> {
    key_id: &'a KeyId,
    nonce: &'a [u8; NONCE_LEN],
    ciphertext: &'a [u8],
    tag: &'a [u8; TAG_LEN],
}

/// Split a cell into its parts after checking version and length.
fn parse(cell: &[u8]) -> Result<Parts<'_>> {
    let Some((&version, rest)) = cell.split_first() else {
        return Err(CryptoError::MalformedCell("empty"));
    };
    if version != CELL_FORMAT_V1 {
        return Err(CryptoError::UnsupportedCellVersion(version));
    }
    let too_short = CryptoError::MalformedCell("too short");
    let Some((key_id, rest)) = rest.split_first_chunk::<KEY_ID_LEN>() else {
        return Err(too_short);
    };
    let Some((nonce, rest)) = rest.split_first_chunk::<NONCE_LEN>() else {
        return Err(too_short);
    };
    let Some((ciphertext, tag)) = rest.split_last_chunk::<TAG_LEN>() else {
        return Err(too_short);
    };
    Ok(Parts { key_id, nonce, ciphertext, tag })
}

/// Decrypt a cell sealed for the place `aad`. Counts towards `decryptions()`.
pub fn open(key: &DataKey, aad: &CellAad<'_>, cell: &[u8]) -> Result<SecretBytes> {
    open_with(&Aes256Gcm::new(key.bytes().into()), aad, cell)
}

fn open_with(cipher: &Aes256Gcm, aad: &CellAad<'_>, cell: &[u8]) -> Result<SecretBytes> {
    DECRYPTIONS.fetch_add(1, Ordering::Relaxed);
    THREAD_DECRYPTIONS.with(|n| n.set(n.get() + 1));
    let Parts { key_id, nonce, ciphertext, tag } = parse(cell)?;
    let mut plaintext = Zeroizing::new(ciphertext.to_vec());
    let associated = aad_bytes(CELL_FORMAT_V1, key_id, aad);
    cipher
        .decrypt_inout_detached(nonce.into(), &associated, (&mut plaintext[..]).into(), tag.into())
        .map_err(|_| CryptoError::DecryptionFailed)?;
    Ok(SecretBytes::from(plaintext))
}

/// The id of the data key a cell needs. Does not decrypt and does not count.
pub fn cell_key_id(cell: &[u8]) -> Result<KeyId> {
    parse(cell).map(|parts| *parts.key_id)
}

/// One subject's data key bound to its id and subject, for sealing and opening their cells.
#[derive(Clone)]
pub struct CellCipher {
    /// The expanded AES key and GHASH key, computed once per subject rather than once per
    /// cell (it was 1.5 % of intake); the `zeroize` feature of aes-gcm wipes both on drop.
    aead: Aes256Gcm,
    key_id: KeyId,
    subject_id: String,
}

impl CellCipher {
    pub fn new(key: DataKey, key_id: KeyId, subject_id: impl Into<String>) -> Self {
        Self { aead: Aes256Gcm::new(key.bytes().into()), key_id, subject_id: subject_id.into() }
    }

    pub fn key_id(&self) -> KeyId {
        self.key_id
    }

    pub fn subject_id(&self) -> &str {
        &self.subject_id
    }

    fn aad<'a>(&'a self, table: &'a str, column: &'a str, row_id: &'a str) -> CellAad<'a> {
        CellAad { table, column, row_id, subject_id: &self.subject_id }
    }

    pub fn seal(&self, table: &str, column: &str, row_id: &str, plaintext: &[u8]) -> Result<Vec<u8>> {
        seal_with(&self.aead, self.key_id, &self.aad(table, column, row_id), plaintext)
    }

    pub fn seal_str(&self, table: &str, column: &str, row_id: &str, value: &str) -> Result<Vec<u8>> {
        self.seal(table, column, row_id, value.as_bytes())
    }

    /// Open one of this subject's cells. A cell sealed under another data key is refused with
    /// `KeyIdMismatch` before any decryption is attempted (and is not counted).
    pub fn open(&self, table: &str, column: &str, row_id: &str, cell: &[u8]) -> Result<SecretBytes> {
        if cell_key_id(cell)? != self.key_id {
            return Err(CryptoError::KeyIdMismatch);
        }
        open_with(&self.aead, &self.aad(table, column, row_id), cell)
    }

    pub fn open_string(&self, table: &str, column: &str, row_id: &str, cell: &[u8]) -> Result<SensitiveString> {
        SensitiveString::try_from(self.open(table, column, row_id, cell)?)
    }
}

impl fmt::Debug for CellCipher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CellCipher")
            .field("key_id", &to_hex(&self.key_id))
            .field("subject_id", &self.subject_id)
            .field("key", &"***")
            .finish()
    }
}

#[cfg(test)]
mod tests;
