//! Crypto layer: master key ring (KEK), per-subject data keys (DEK) and their rotation, the
//! cell cipher, keys derived from the platform root secret (blind index, audit MAC, checkpoint
//! signing, token hashing, session cookies). The spec is DESIGN.md §3 "Data at rest".
//!
//! Contract:
//! - Only this layer touches key bytes. Keys live in zeroizing types and never leave the layer
//!   except `SessionKey::expose_bytes`, which the cookie middleware needs as raw bytes.
//! - No I/O here except reading and writing the master key file (`MasterKeyRing::*_file`).
//!   Wrapped keys and cells are plain byte vectors; storing them is the caller's job.
//! - No plaintext, key byte or ciphertext appears in any error message or `Debug` output:
//!   decrypted values come back as `SecretBytes` / `SensitiveString`, which print `***`.
//! - Derived keys are never used for encryption, and the KEK only ever encrypts 32-byte keys.
//! - Must not depend on anything outside `crate::crypto` (no storage, config, web, tracing).

mod blind_index;
mod cell;
mod data_key;
mod derived;
mod error;
mod master_key;
pub mod password;
mod secret;

pub use blind_index::{AuditMacKey, BlindIndexKey, TokenHashKey};
pub use cell::{
    CELL_FORMAT_V1, CellAad, CellCipher, KeyId, cell_key_id, decryptions, decryptions_on_this_thread, open, seal,
};
pub use data_key::{DataKey, Keyring, WrappedKey};
pub use derived::{CheckpointSigningKey, DerivedKeys, RootSecret, SessionKey, verify_checkpoint_signature};
pub use error::CryptoError;
pub use master_key::{MasterKey, MasterKeyRing};
pub use password::{dummy_verify, hash_password, verify_password};
pub use secret::{SecretBytes, SensitiveString};

/// Result alias of the layer.
pub type Result<T, E = CryptoError> = std::result::Result<T, E>;

/// A fresh random 32-byte key in a zeroizing buffer. `rand::fill` uses the thread-local
/// ChaCha generator seeded from the OS, a CSPRNG; the bytes are written in place, so no
/// un-zeroized copy is left on the stack.
fn random_key32() -> zeroize::Zeroizing<[u8; 32]> {
    let mut key = zeroize::Zeroizing::new([0u8; 32]);
    rand::fill(&mut key[..]);
    key
}

/// A fresh random 96-bit AES-GCM nonce. Random nonces are safe here because each key
/// encrypts far fewer than 2^32 messages (one subject's cells, or one key per wrap).
fn random_nonce() -> [u8; 12] {
    let mut nonce = [0u8; 12];
    rand::fill(&mut nonce[..]);
    nonce
}

/// Lower-case hex, for `Debug` of non-secret identifiers (key ids, public keys).
fn to_hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// Length-prefixed field for associated data and MAC inputs: `u64 BE length || bytes`.
/// Prefixing every variable-length field makes the encoding injective, so ("ab","c") and
/// ("a","bc") can never produce the same bytes.
fn put_field(out: &mut Vec<u8>, field: &[u8]) {
    out.extend_from_slice(&(field.len() as u64).to_be_bytes());
    out.extend_from_slice(field);
}
