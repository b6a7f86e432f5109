//! The platform's keys at run time: the master key ring (reloadable, so a rotation started by
//! another process never stops this one), the keys derived from the root secret, and the
//! platform data key that protects account e-mails.
//!
//! Rotation protocol: a new master-key version is made known to every instance first (it is
//! appended to the key file, or added to CREDIT_MASTER_KEY before the instances restart), then
//! `keys rotate` re-wraps. An instance that meets a data key wrapped under a version it does
//! not know re-reads its key source once and retries.

use crate::crypto::{CellCipher, CryptoError, DataKey, DerivedKeys, KeyId, Keyring, MasterKeyRing, WrappedKey};
use crate::storage::keys::DataKeyRow;
use std::path::PathBuf;
use std::sync::RwLock;

/// Where the master key ring comes from.
#[derive(Debug, Clone)]
pub enum KeySource {
    /// `CREDIT_MASTER_KEY`: reloading re-reads the variable.
    Environment,
    File(PathBuf),
}

impl KeySource {
    pub fn load(&self) -> Result<MasterKeyRing, CryptoError> {
        match self {
            KeySource::Environment => {
                let value = std::env::var("CREDIT_MASTER_KEY")
                    .map_err(|_| CryptoError::InvalidMasterKey("CREDIT_MASTER_KEY is not set".into()))?;
                MasterKeyRing::from_env_value(&value)
            }
            KeySource::File(path) => MasterKeyRing::load_file(path),
        }
    }
}

pub struct PlatformKeys {
    keyring: RwLock<Keyring>,
    source: KeySource,
    pub derived: DerivedKeys,
    /// Seals platform-owned personal data (login e-mails) under the "platform" data key.
    pub platform_cipher: CellCipher,
}

/// The associated context a data key is wrapped under: it cannot be moved to another owner.
pub fn data_key_context(id: &str, owner: &str) -> Vec<u8> {
    format!("data_keys/{id}/{owner}").into_bytes()
}

/// A data key id (UUID text) as the 16-byte key id written into every cell.
pub fn key_id_of(id: &str) -> Result<KeyId, CryptoError> {
    uuid::Uuid::parse_str(id).map(|u| *u.as_bytes()).map_err(|_| CryptoError::MalformedWrappedKey("data key id"))
}

impl PlatformKeys {
    pub fn new(keyring: Keyring, source: KeySource, derived: DerivedKeys, platform_cipher: CellCipher) -> Self {
        Self { keyring: RwLock::new(keyring), source, derived, platform_cipher }
    }

    pub fn keyring(&self) -> Keyring {
        self.keyring.read().unwrap_or_else(|p| p.into_inner()).clone()
    }

    pub fn source(&self) -> &KeySource {
        &self.source
    }

    /// Re-reads the key source (after another process added a master-key version).
    pub fn reload(&self) -> Result<(), CryptoError> {
        let ring = self.source.load()?;
        *self.keyring.write().unwrap_or_else(|p| p.into_inner()) = Keyring::new(ring);
        Ok(())
    }

    /// Unwraps a stored data key, reloading the key ring once if its version is new to us.
    pub fn unwrap_data_key(&self, row: &DataKeyRow) -> Result<DataKey, CryptoError> {
        let bytes = row.wrapped.clone().ok_or(CryptoError::UnwrapFailed)?;
        let version = u32::try_from(row.kek_version).map_err(|_| CryptoError::UnknownKeyVersion(0))?;
        let wrapped = WrappedKey { kek_version: version, bytes };
        let context = data_key_context(&row.id, &row.owner);
        match self.keyring().unwrap(&wrapped, &context) {
            Err(CryptoError::UnknownKeyVersion(_)) => {
                self.reload()?;
                self.keyring().unwrap(&wrapped, &context)
            }
            other => other,
        }
    }

    /// The cell cipher of a data key row (a subject's, or the platform's).
    pub fn cipher_for(&self, row: &DataKeyRow) -> Result<CellCipher, CryptoError> {
        let key = self.unwrap_data_key(row)?;
        Ok(CellCipher::new(key, key_id_of(&row.id)?, row.owner.clone()))
    }
}
