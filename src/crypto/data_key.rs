//! Data keys (DEKs) and key wrapping under the master key ring.
//!
//! Contract: every subject has its own random 32-byte data key; only its wrapped form is
//! stored. A wrapped key is `nonce(12) || ciphertext(32) || tag(16)` under AES-256-GCM with the
//! KEK of `kek_version`; its associated data is a fixed label, the kind of key (data key or
//! root secret), the KEK version and a caller context (the subject id), so a wrapped key moved
//! to another subject, relabelled with another version or swapped with the root secret fails to
//! unwrap. Rotation (`Keyring::rewrap`) changes the wrapping only, never the data key, so no cell
//! needs re-encrypting. Destroying a subject's wrapped key is crypto-shredding.

use std::fmt;

use aes_gcm::Aes256Gcm;
use aes_gcm::aead::{AeadInOut, KeyInit};
use zeroize::Zeroizing;

use super::{CryptoError, MasterKey, MasterKeyRing, Result, RootSecret, put_field, random_key32, random_nonce};

const WRAP_LABEL: &[u8] = b"credit-platform/key-wrap/v1";
const NONCE_LEN: usize = 12;
const TAG_LEN: usize = 16;
/// Length of `WrappedKey::bytes`.
const WRAPPED_LEN: usize = NONCE_LEN + 32 + TAG_LEN;

/// What a wrapped key holds; part of the associated data so the kinds cannot be swapped.
#[derive(Clone, Copy)]
pub(crate) enum WrapKind {
    DataKey,
    RootSecret,
}

/// A subject's data-encryption key. Zeroized on drop; `Debug` prints `***`.
#[derive(Clone)]
pub struct DataKey(Zeroizing<[u8; 32]>);

impl DataKey {
    pub fn generate() -> Self {
        Self(random_key32())
    }

    pub(crate) fn bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// Wrap under `kek`, bound to `context` (the subject id).
    pub fn wrap(&self, kek: &MasterKey, context: &[u8]) -> WrappedKey {
        wrap_key32(kek, WrapKind::DataKey, &self.0, context)
    }

    /// Unwrap with the KEK the wrapped key names; fails on a wrong KEK or context.
    pub fn unwrap(kek: &MasterKey, wrapped: &WrappedKey, context: &[u8]) -> Result<Self> {
        unwrap_key32(kek, WrapKind::DataKey, wrapped, context).map(Self)
    }
}

impl fmt::Debug for DataKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DataKey(***)")
    }
}

/// A key wrapped by a KEK, as stored: the KEK version in one column, `bytes` in a Binary one.
#[derive(Clone, PartialEq, Eq)]
pub struct WrappedKey {
    pub kek_version: u32,
    pub bytes: Vec<u8>,
}

impl fmt::Debug for WrappedKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Ciphertext is not secret, but it is noise in logs; its length is what matters.
        f.debug_struct("WrappedKey")
            .field("kek_version", &self.kek_version)
            .field("bytes", &format_args!("<{} bytes>", self.bytes.len()))
            .finish()
    }
}

fn wrap_aad(kind: WrapKind, kek_version: u32, context: &[u8]) -> Vec<u8> {
    let mut aad = Vec::with_capacity(WRAP_LABEL.len() + 13 + context.len());
    aad.extend_from_slice(WRAP_LABEL);
    aad.push(match kind {
        WrapKind::DataKey => 1,
        WrapKind::RootSecret => 2,
    });
    aad.extend_from_slice(&kek_version.to_be_bytes());
    put_field(&mut aad, context);
    aad
}

pub(crate) fn wrap_key32(kek: &MasterKey, kind: WrapKind, key: &[u8; 32], context: &[u8]) -> WrappedKey {
    let cipher = Aes256Gcm::new(kek.bytes().into());
    let nonce = random_nonce();
    // Exact capacity: the key is encrypted in place and the Vec never reallocates, so no
    // plaintext copy of the key is left behind in a freed buffer.
    let mut bytes = Vec::with_capacity(WRAPPED_LEN);
    bytes.extend_from_slice(&nonce);
    bytes.extend_from_slice(key);
    let aad = wrap_aad(kind, kek.version(), context);
    let tag = match cipher.encrypt_inout_detached((&nonce).into(), &aad, (&mut bytes[NONCE_LEN..]).into()) {
        Ok(tag) => tag,
        // AES-GCM refuses only plaintexts longer than 64 GiB; this one is 32 bytes.
        Err(_) => unreachable!("AES-GCM rejected a 32-byte plaintext"),
    };
    bytes.extend_from_slice(&tag);
    WrappedKey { kek_version: kek.version(), bytes }
}

pub(crate) fn unwrap_key32(
    kek: &MasterKey,
    kind: WrapKind,
    wrapped: &WrappedKey,
    context: &[u8],
) -> Result<Zeroizing<[u8; 32]>> {
    if wrapped.kek_version != kek.version() {
        return Err(CryptoError::UnknownKeyVersion(wrapped.kek_version));
    }
    let malformed = CryptoError::MalformedWrappedKey("expected 60 bytes");
    let Some((nonce, rest)) = wrapped.bytes.split_first_chunk::<NONCE_LEN>() else {
        return Err(malformed);
    };
    let Some((ct, tag)) = rest.split_first_chunk::<32>() else {
        return Err(malformed);
    };
    let Ok(tag) = <&[u8; TAG_LEN]>::try_from(tag) else {
        return Err(malformed);
    };
    let mut key = Zeroizing::new(*ct);
    let cipher = Aes256Gcm::new(kek.bytes().into());
    let aad = wrap_aad(kind, kek.version(), context);
    cipher
        .decrypt_inout_detached(nonce.into(), &aad, (&mut key[..]).into(), tag.into())
        .map_err(|_| CryptoError::UnwrapFailed)?;
    Ok(key)
}

/// The master key ring plus the wrapping operations the rest of the platform needs.
#[derive(Clone, Debug)]
pub struct Keyring {
    master: MasterKeyRing,
}

impl Keyring {
    pub fn new(master: MasterKeyRing) -> Self {
        Self { master }
    }

    pub fn master(&self) -> &MasterKeyRing {
        &self.master
    }

    pub fn current_kek_version(&self) -> u32 {
        self.master.current().version()
    }

    /// A fresh data key for a new subject, and its wrapped form to store.
    pub fn wrap_new(&self, context: &[u8]) -> (DataKey, WrappedKey) {
        let key = DataKey::generate();
        let wrapped = key.wrap(self.master.current(), context);
        (key, wrapped)
    }

    pub fn unwrap(&self, wrapped: &WrappedKey, context: &[u8]) -> Result<DataKey> {
        DataKey::unwrap(self.master.get(wrapped.kek_version)?, wrapped, context)
    }

    /// True if `wrapped` is not under the current KEK version.
    pub fn needs_rewrap(&self, wrapped: &WrappedKey) -> bool {
        wrapped.kek_version != self.current_kek_version()
    }

    /// Re-wrap under the current KEK (online rotation). `None` if already current. The data
    /// key itself is unchanged, so the subject's cells stay readable throughout.
    pub fn rewrap(&self, wrapped: &WrappedKey, context: &[u8]) -> Result<Option<WrappedKey>> {
        if !self.needs_rewrap(wrapped) {
            return Ok(None);
        }
        let key = self.unwrap(wrapped, context)?;
        Ok(Some(key.wrap(self.master.current(), context)))
    }

    /// Generate the platform root secret once (first start) and its wrapped form to store.
    pub fn new_root_secret(&self) -> (RootSecret, WrappedKey) {
        let secret = RootSecret::generate();
        let wrapped = secret.wrap(self.master.current());
        (secret, wrapped)
    }

    pub fn unwrap_root_secret(&self, wrapped: &WrappedKey) -> Result<RootSecret> {
        RootSecret::unwrap(self.master.get(wrapped.kek_version)?, wrapped)
    }

    /// Like `rewrap`, for the root secret. Derived keys do not change.
    pub fn rewrap_root_secret(&self, wrapped: &WrappedKey) -> Result<Option<WrappedKey>> {
        if !self.needs_rewrap(wrapped) {
            return Ok(None);
        }
        let secret = self.unwrap_root_secret(wrapped)?;
        Ok(Some(secret.wrap(self.master.current())))
    }
}

#[cfg(test)]
mod tests;
