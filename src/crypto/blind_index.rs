//! Keyed hashes: the blind index, the audit MAC chain and bearer-token hashes.
//!
//! Contract: all three are HMAC-SHA256 under distinct keys derived from the root secret, so an
//! index value, an audit MAC and a token hash can never be confused or computed one from
//! another. Inputs are length-prefixed so different splits of the same bytes never collide.
//! The caller normalizes identifiers (case, spaces) before indexing; this layer hashes exactly
//! what it is given. MAC checks are constant time.
//!
//! Each key keeps a pre-keyed HMAC state and clones it per call, which saves two SHA-256
//! blocks per operation (the audit verifier hashes hundreds of thousands of entries a second).
//! That state is key-equivalent; it is kept only in these types, whose `Debug` prints `***`.

use std::fmt;

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use zeroize::Zeroizing;

use super::put_field;

type HmacSha256 = Hmac<Sha256>;

/// HMAC keyed with a 32-byte key, without a fallible constructor: HMAC zero-pads a key shorter
/// than the 64-byte block (RFC 2104 §2), so passing the padded block is the same function.
fn keyed(key: &[u8; 32]) -> HmacSha256 {
    let mut block = Zeroizing::new([0u8; 64]);
    block[..32].copy_from_slice(key);
    HmacSha256::new((&*block).into())
}

fn finish(mac: HmacSha256) -> [u8; 32] {
    mac.finalize().into_bytes().into()
}

/// Key of the blind index on encrypted identifier columns.
#[derive(Clone)]
pub struct BlindIndexKey(HmacSha256);

impl BlindIndexKey {
    pub(crate) fn from_key(key: &[u8; 32]) -> Self {
        Self(keyed(key))
    }

    /// `HMAC(key, len(domain) || domain || len(value) || value)`. `domain` names the column
    /// (e.g. `"subject_identifier"`) so equal values in different columns index differently.
    pub fn index(&self, domain: &str, normalized: &str) -> [u8; 32] {
        let mut input = Vec::with_capacity(16 + domain.len() + normalized.len());
        put_field(&mut input, domain.as_bytes());
        put_field(&mut input, normalized.as_bytes());
        let mut mac = self.0.clone();
        mac.update(&input);
        // The input holds the identifier in clear; wipe it.
        drop(Zeroizing::new(input));
        finish(mac)
    }
}

/// Key of the access-log MAC chain.
#[derive(Clone)]
pub struct AuditMacKey(HmacSha256);

impl AuditMacKey {
    pub(crate) fn from_key(key: &[u8; 32]) -> Self {
        Self(keyed(key))
    }

    fn chained(&self, prev: &[u8], canonical_entry: &[u8]) -> HmacSha256 {
        // `HMAC(len(entry) || entry || len(prev) || prev)`: the chain of DESIGN.md §6 with
        // length prefixes, fed piecewise so a large entry is never copied.
        let mut mac = self.0.clone();
        mac.update(&(canonical_entry.len() as u64).to_be_bytes());
        mac.update(canonical_entry);
        mac.update(&(prev.len() as u64).to_be_bytes());
        mac.update(prev);
        mac
    }

    /// MAC of an entry chained to the previous MAC (empty for the first entry).
    pub fn mac(&self, prev: &[u8], canonical_entry: &[u8]) -> [u8; 32] {
        finish(self.chained(prev, canonical_entry))
    }

    /// Constant-time check of a stored MAC.
    pub fn verify(&self, prev: &[u8], canonical_entry: &[u8], expected: &[u8]) -> bool {
        self.chained(prev, canonical_entry).verify_slice(expected).is_ok()
    }
}

/// Key for storing bearer tokens hashed: the database holds `hash(token)`, never the token.
/// A keyed hash (not plain SHA-256) means a stolen table cannot even confirm a guessed token.
#[derive(Clone)]
pub struct TokenHashKey(HmacSha256);

impl TokenHashKey {
    pub(crate) fn from_key(key: &[u8; 32]) -> Self {
        Self(keyed(key))
    }

    pub fn hash(&self, token: &[u8]) -> [u8; 32] {
        let mut mac = self.0.clone();
        mac.update(token);
        finish(mac)
    }
}

macro_rules! redacted_debug {
    ($($t:ty),*) => {$(
        impl fmt::Debug for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}(***)", stringify!($t))
            }
        }
    )*};
}
redacted_debug!(BlindIndexKey, AuditMacKey, TokenHashKey);

#[cfg(test)]
mod tests {
    use super::*;

    const K: [u8; 32] = [5; 32];

    #[test]
    fn padded_key_equals_standard_hmac() {
        let standard = HmacSha256::new_from_slice(&K).map(|m| finish(m.chain_update(b"abc")));
        let mut ours = keyed(&K);
        ours.update(b"abc");
        assert_eq!(standard.ok(), Some(finish(ours)));
    }

    #[test]
    fn blind_index_is_stable_and_domain_separated() {
        let k = BlindIndexKey::from_key(&K);
        let a = k.index("subject_identifier", "320102199001011234");
        assert_eq!(a, BlindIndexKey::from_key(&K).index("subject_identifier", "320102199001011234"));
        assert_ne!(a, k.index("contact_email", "320102199001011234"));
        assert_ne!(a, k.index("subject_identifier", "320102199001011235"));
        assert_ne!(a, BlindIndexKey::from_key(&[6; 32]).index("subject_identifier", "320102199001011234"));
        // Moving bytes between domain and value changes the index.
        assert_ne!(k.index("ab", "c"), k.index("a", "bc"));
    }

    #[test]
    fn audit_mac_chains_and_verifies() {
        let k = AuditMacKey::from_key(&K);
        let m1 = k.mac(b"", b"entry 1");
        let m2 = k.mac(&m1, b"entry 2");
        assert!(k.verify(b"", b"entry 1", &m1));
        assert!(k.verify(&m1, b"entry 2", &m2));
        assert!(!k.verify(&m1, b"entry 2'", &m2));
        assert!(!k.verify(&m2, b"entry 2", &m2));
        assert!(!k.verify(&m1, b"entry 2", &m2[..31]));
        let mut bad = m2;
        bad[31] ^= 0x80;
        assert!(!k.verify(&m1, b"entry 2", &bad));
        assert_ne!(k.mac(b"ab", b"c"), k.mac(b"a", b"bc"));
        assert!(!AuditMacKey::from_key(&[6; 32]).verify(b"", b"entry 1", &m1));
    }

    #[test]
    fn token_hash_is_keyed() {
        let k = TokenHashKey::from_key(&K);
        assert_eq!(k.hash(b"tok"), TokenHashKey::from_key(&K).hash(b"tok"));
        assert_ne!(k.hash(b"tok"), k.hash(b"tok2"));
        assert_ne!(k.hash(b"tok"), TokenHashKey::from_key(&[6; 32]).hash(b"tok"));
        assert_eq!(format!("{k:?}"), "TokenHashKey(***)");
    }
}
