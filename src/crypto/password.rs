//! Password hashing: argon2id with the crate's default (OWASP-recommended) parameters, stored as
//! a PHC string. Verification is constant-time inside argon2. A password never leaves this
//! module in any form but its hash.

use argon2::Argon2;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};

/// A PHC-format argon2id hash of `password`.
pub fn hash_password(password: &str) -> Result<String, super::CryptoError> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|hash| hash.to_string())
        .map_err(|_| super::CryptoError::PasswordHash)
}

/// True only when `password` matches `phc_hash`; a malformed stored hash is a mismatch.
pub fn verify_password(password: &str, phc_hash: &str) -> bool {
    Argon2::default().verify_password(password.as_bytes(), phc_hash).is_ok()
}

/// A hash of a random password, verified against when the e-mail is unknown so that an unknown
/// account costs the same time as a wrong password (no account enumeration by timing).
pub fn dummy_verify(password: &str) {
    static DUMMY: std::sync::OnceLock<Option<String>> = std::sync::OnceLock::new();
    if let Some(hash) = DUMMY.get_or_init(|| hash_password("not-a-real-password-for-timing").ok()) {
        let _ = verify_password(password, hash);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn right_password_verifies_and_wrong_or_garbage_does_not() -> Result<(), super::super::CryptoError> {
        let hash = hash_password("correct horse")?;
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("correct horse", &hash));
        assert!(!verify_password("Correct horse", &hash));
        assert!(!verify_password("correct horse", "not a phc string"));
        Ok(())
    }
}
