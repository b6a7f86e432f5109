//! Redacting holders for decrypted values.
//!
//! Contract: a decrypted cell is a `SecretBytes` or `SensitiveString`. Their `Debug` and
//! `Display` print `***`, so a stray `{:?}` in a log line or an error cannot leak a name or an
//! identifier; the buffer is zeroized on drop. Reading the value takes an explicit `expose*()`
//! call, which is easy to grep for in review.

use std::fmt;

use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

use super::CryptoError;

const REDACTED: &str = "***";

/// Decrypted bytes. Zeroized on drop, redacted in `Debug`/`Display`.
#[derive(Clone, Default)]
pub struct SecretBytes(Zeroizing<Vec<u8>>);

impl SecretBytes {
    pub fn new(bytes: Vec<u8>) -> Self {
        Self(Zeroizing::new(bytes))
    }

    /// The plaintext. Call only where the value must leave as plaintext (a response, a compare).
    pub fn expose(&self) -> &[u8] {
        &self.0
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl From<Vec<u8>> for SecretBytes {
    fn from(bytes: Vec<u8>) -> Self {
        Self::new(bytes)
    }
}

impl From<Zeroizing<Vec<u8>>> for SecretBytes {
    fn from(bytes: Zeroizing<Vec<u8>>) -> Self {
        Self(bytes)
    }
}

/// Constant-time, so comparing a secret never leaks a matching prefix length through timing.
impl PartialEq for SecretBytes {
    fn eq(&self, other: &Self) -> bool {
        self.0.as_slice().ct_eq(other.0.as_slice()).into()
    }
}
impl Eq for SecretBytes {}

impl fmt::Debug for SecretBytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

impl fmt::Display for SecretBytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

/// Decrypted text (a name, an identifier, a field value). Zeroized on drop, redacted in
/// `Debug`/`Display`.
#[derive(Clone, Default)]
pub struct SensitiveString(Zeroizing<String>);

impl SensitiveString {
    pub fn new(value: String) -> Self {
        Self(Zeroizing::new(value))
    }

    /// The plaintext. Call only where the value must leave as plaintext.
    pub fn expose_str(&self) -> &str {
        &self.0
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl From<String> for SensitiveString {
    fn from(value: String) -> Self {
        Self::new(value)
    }
}

impl From<&str> for SensitiveString {
    fn from(value: &str) -> Self {
        Self::new(value.to_owned())
    }
}

impl TryFrom<SecretBytes> for SensitiveString {
    type Error = CryptoError;

    fn try_from(mut bytes: SecretBytes) -> Result<Self, CryptoError> {
        // Move the Vec out (no copy), so the only copy of the plaintext changes owner.
        let raw = std::mem::take(&mut *bytes.0);
        match String::from_utf8(raw) {
            Ok(s) => Ok(Self::new(s)),
            Err(e) => {
                // The rejected bytes are still plaintext: wipe them before dropping.
                drop(Zeroizing::new(e.into_bytes()));
                Err(CryptoError::InvalidUtf8)
            }
        }
    }
}

impl PartialEq for SensitiveString {
    fn eq(&self, other: &Self) -> bool {
        self.0.as_bytes().ct_eq(other.0.as_bytes()).into()
    }
}
impl Eq for SensitiveString {}

impl fmt::Debug for SensitiveString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

impl fmt::Display for SensitiveString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_display_are_redacted() {
        let b = SecretBytes::new(b"320102199001011234".to_vec());
        let s = SensitiveString::from("张三");
        for out in [format!("{b:?}"), format!("{b}"), format!("{s:?}"), format!("{s}"), format!("{:?}", Some(&s))] {
            assert!(!out.contains("3201"), "{out}");
            assert!(!out.contains("张三"), "{out}");
            assert!(out.contains("***"), "{out}");
        }
        assert_eq!(b.expose(), b"320102199001011234");
        assert_eq!(s.expose_str(), "张三");
    }

    #[test]
    fn utf8_conversion() {
        let ok = SensitiveString::try_from(SecretBytes::new("李四".as_bytes().to_vec()));
        assert_eq!(ok.map(|s| s.expose_str().to_owned()).ok().as_deref(), Some("李四"));
        let bad = SensitiveString::try_from(SecretBytes::new(vec![0xff, 0xfe]));
        assert!(matches!(bad, Err(CryptoError::InvalidUtf8)));
    }

    #[test]
    fn equality() {
        assert_eq!(SecretBytes::new(vec![1, 2]), SecretBytes::new(vec![1, 2]));
        assert_ne!(SecretBytes::new(vec![1, 2]), SecretBytes::new(vec![1, 3]));
        assert_ne!(SecretBytes::new(vec![1]), SecretBytes::new(vec![1, 0]));
        assert_eq!(SensitiveString::from("a"), SensitiveString::from("a"));
        assert_ne!(SensitiveString::from("a"), SensitiveString::from("b"));
    }
}
