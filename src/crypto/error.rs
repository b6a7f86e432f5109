//! The one error type of the crypto layer.
//!
//! Contract: no variant carries key bytes, plaintext or ciphertext. Reasons are static text or
//! text this layer composed itself (lengths, versions, entry numbers, file paths), so an error
//! can be logged or shown to an operator as it is. `code()` is stable and snake_case so the web
//! layer can map it without matching on messages.

use std::path::PathBuf;

/// Every failure of the crypto layer.
#[derive(Debug, thiserror::Error)]
pub enum CryptoError {
    /// Authentication tag mismatch: wrong key, cell moved to another place, or tampered bytes.
    /// Deliberately one variant for all three: telling them apart would need the key anyway,
    /// and a finer message would help an attacker probing cells.
    #[error("decryption failed: wrong key, wrong place or tampered data")]
    DecryptionFailed,

    /// The cell is too short or otherwise not in the cell format.
    #[error("malformed encrypted cell: {0}")]
    MalformedCell(&'static str),

    /// The cell's first byte names a format this build does not know.
    #[error("unsupported encrypted cell format version {0}")]
    UnsupportedCellVersion(u8),

    /// A cell was handed to a cipher bound to a different data key.
    #[error("encrypted cell belongs to another data key")]
    KeyIdMismatch,

    /// A wrapped key names a master key version that is not loaded.
    #[error("unknown master key version {0}")]
    UnknownKeyVersion(u32),

    /// The master key configuration is unusable; the reason never quotes the key.
    #[error("invalid master key: {0}")]
    InvalidMasterKey(String),

    /// A stored wrapped key has the wrong length.
    #[error("malformed wrapped key: {0}")]
    MalformedWrappedKey(&'static str),

    /// A wrapped key did not authenticate under the master key and context it was given.
    #[error("key unwrap failed: wrong master key or wrong context")]
    UnwrapFailed,

    /// Encryption refused the input (only possible for absurdly large plaintexts).
    #[error("encryption failed: {0}")]
    EncryptionFailed(&'static str),

    /// Hashing a password failed (argon2 refused its parameters or input).
    #[error("password hashing failed")]
    PasswordHash,

    /// A decrypted value expected to be text is not UTF-8.
    #[error("decrypted value is not valid UTF-8")]
    InvalidUtf8,

    /// `create_file` found a file already in place.
    #[error("master key file {} already exists; refusing to overwrite it", path.display())]
    KeyFileExists { path: PathBuf },

    /// The master key file is readable or writable by group or others.
    #[error(
        "master key file {} has mode {mode:04o}; it must be private to its owner (chmod 600)",
        path.display()
    )]
    KeyFilePermissions { path: PathBuf, mode: u32 },

    /// Reading or writing the master key file failed.
    #[error("master key file {}: {source}", path.display())]
    KeyFileIo {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

impl CryptoError {
    /// Stable snake_case reason code, e.g. for `{"error": {"code": ...}}` or metrics labels.
    pub fn code(&self) -> &'static str {
        match self {
            Self::DecryptionFailed => "decryption_failed",
            Self::MalformedCell(_) => "malformed_cell",
            Self::UnsupportedCellVersion(_) => "unsupported_cell_version",
            Self::KeyIdMismatch => "key_id_mismatch",
            Self::UnknownKeyVersion(_) => "unknown_key_version",
            Self::InvalidMasterKey(_) => "invalid_master_key",
            Self::MalformedWrappedKey(_) => "malformed_wrapped_key",
            Self::UnwrapFailed => "unwrap_failed",
            Self::EncryptionFailed(_) => "encryption_failed",
            Self::PasswordHash => "password_hash_failed",
            Self::InvalidUtf8 => "invalid_utf8",
            Self::KeyFileExists { .. } => "key_file_exists",
            Self::KeyFilePermissions { .. } => "key_file_permissions",
            Self::KeyFileIo { .. } => "key_file_io",
        }
    }

    pub(crate) fn io(path: &std::path::Path, source: std::io::Error) -> Self {
        Self::KeyFileIo { path: path.to_path_buf(), source }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_snake_case_and_distinct() {
        let all = [
            CryptoError::DecryptionFailed,
            CryptoError::MalformedCell("x"),
            CryptoError::UnsupportedCellVersion(9),
            CryptoError::KeyIdMismatch,
            CryptoError::UnknownKeyVersion(3),
            CryptoError::InvalidMasterKey("x".into()),
            CryptoError::MalformedWrappedKey("x"),
            CryptoError::UnwrapFailed,
            CryptoError::EncryptionFailed("x"),
            CryptoError::PasswordHash,
            CryptoError::InvalidUtf8,
            CryptoError::KeyFileExists { path: "k".into() },
            CryptoError::KeyFilePermissions { path: "k".into(), mode: 0o644 },
            CryptoError::io(std::path::Path::new("k"), std::io::ErrorKind::NotFound.into()),
        ];
        let mut codes: Vec<_> = all.iter().map(CryptoError::code).collect();
        for c in &codes {
            assert!(c.chars().all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '_'), "{c}");
        }
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), all.len());
    }
}
