//! The platform root secret and the keys derived from it.
//!
//! Contract: the root secret is 32 random bytes generated once and stored only wrapped by the
//! KEK (like a data key, see `Keyring::new_root_secret`), so rotating the KEK changes no derived
//! key: blind indexes stay searchable, the audit chain stays verifiable, sessions and tokens
//! stay valid. Each purpose gets its own key through HKDF-SHA256 with a distinct label, so
//! a leak of one (e.g. the session key) reveals nothing about the others. None of these keys
//! ever encrypts data; their types offer no way to.

use std::fmt;

use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use hkdf::Hkdf;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use zeroize::Zeroizing;

use super::data_key::{WrapKind, unwrap_key32, wrap_key32};
use super::{AuditMacKey, BlindIndexKey, MasterKey, Result, TokenHashKey, WrappedKey, random_key32, to_hex};

/// HKDF salt: fixed and public; it only separates this platform's derivations from any other
/// use of the same input key material.
const HKDF_SALT: &[u8] = b"credit-platform/root-secret/v1";
const LABEL_BLIND_INDEX: &[u8] = b"credit-platform/v1/blind-index";
const LABEL_AUDIT_MAC: &[u8] = b"credit-platform/v1/audit-mac";
const LABEL_CHECKPOINT: &[u8] = b"credit-platform/v1/checkpoint-signing";
const LABEL_TOKEN_HASH: &[u8] = b"credit-platform/v1/token-hash";
const LABEL_SESSION: &[u8] = b"credit-platform/v1/session";
/// Domain of the CSRF tokens computed under the session key.
const CSRF_DOMAIN: &[u8] = b"credit-platform/v1/csrf\0";
/// Wrap context of the root secret (there is exactly one per platform).
const ROOT_CONTEXT: &[u8] = b"platform";

/// The platform root secret. Zeroized on drop; `Debug` prints `***`.
#[derive(Clone)]
pub struct RootSecret(Zeroizing<[u8; 32]>);

impl RootSecret {
    pub fn generate() -> Self {
        Self(random_key32())
    }

    #[cfg(test)]
    pub(crate) fn from_bytes(bytes: [u8; 32]) -> Self {
        Self(Zeroizing::new(bytes))
    }

    pub fn wrap(&self, kek: &MasterKey) -> WrappedKey {
        wrap_key32(kek, WrapKind::RootSecret, &self.0, ROOT_CONTEXT)
    }

    pub fn unwrap(kek: &MasterKey, wrapped: &WrappedKey) -> Result<Self> {
        unwrap_key32(kek, WrapKind::RootSecret, wrapped, ROOT_CONTEXT).map(Self)
    }

    /// HKDF-SHA256(salt, root secret) expanded with `label` into N bytes.
    fn derive<const N: usize>(&self, label: &[u8]) -> Zeroizing<[u8; N]> {
        const { assert!(N <= 255 * 32, "HKDF-SHA256 output is limited to 8160 bytes") };
        let mut out = Zeroizing::new([0u8; N]);
        let hk = Hkdf::<Sha256>::new(Some(HKDF_SALT), &self.0[..]);
        if hk.expand(label, &mut out[..]).is_err() {
            // Only an output longer than 255 hash blocks fails, ruled out by the const assert.
            unreachable!("HKDF output length checked at compile time");
        }
        out
    }

    pub fn blind_index_key(&self) -> BlindIndexKey {
        BlindIndexKey::from_key(&self.derive(LABEL_BLIND_INDEX))
    }

    pub fn audit_mac_key(&self) -> AuditMacKey {
        AuditMacKey::from_key(&self.derive(LABEL_AUDIT_MAC))
    }

    pub fn checkpoint_signing_key(&self) -> CheckpointSigningKey {
        let seed = self.derive::<32>(LABEL_CHECKPOINT);
        CheckpointSigningKey(SigningKey::from_bytes(&seed))
    }

    pub fn token_hash_key(&self) -> TokenHashKey {
        TokenHashKey::from_key(&self.derive(LABEL_TOKEN_HASH))
    }

    pub fn session_key(&self) -> SessionKey {
        SessionKey(self.derive(LABEL_SESSION))
    }

    /// Every derived key at once, e.g. to keep in the application state.
    pub fn derive_all(&self) -> DerivedKeys {
        DerivedKeys {
            blind_index: self.blind_index_key(),
            audit_mac: self.audit_mac_key(),
            checkpoint: self.checkpoint_signing_key(),
            token_hash: self.token_hash_key(),
            session: self.session_key(),
        }
    }
}

impl fmt::Debug for RootSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("RootSecret(***)")
    }
}

/// All keys derived from the root secret.
#[derive(Clone, Debug)]
pub struct DerivedKeys {
    pub blind_index: BlindIndexKey,
    pub audit_mac: AuditMacKey,
    pub checkpoint: CheckpointSigningKey,
    pub token_hash: TokenHashKey,
    pub session: SessionKey,
}

/// Ed25519 key that signs audit checkpoints. The public key can be published; anyone can
/// check a checkpoint with it and `verify_checkpoint_signature`.
#[derive(Clone)]
pub struct CheckpointSigningKey(SigningKey);

impl CheckpointSigningKey {
    pub fn public_key_bytes(&self) -> [u8; 32] {
        self.0.verifying_key().to_bytes()
    }

    pub fn sign(&self, msg: &[u8]) -> [u8; 64] {
        self.0.sign(msg).to_bytes()
    }
}

impl fmt::Debug for CheckpointSigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CheckpointSigningKey")
            .field("public_key", &to_hex(&self.public_key_bytes()))
            .finish_non_exhaustive()
    }
}

/// Check a checkpoint signature with the public key alone. Slices so callers can pass what
/// they decoded from storage or a published file; wrong lengths simply do not verify.
/// Uses strict verification (rejects malleable signatures and weak keys).
pub fn verify_checkpoint_signature(public_key: &[u8], msg: &[u8], signature: &[u8]) -> bool {
    let (Ok(pk), Ok(sig)) = (<&[u8; 32]>::try_from(public_key), <&[u8; 64]>::try_from(signature)) else {
        return false;
    };
    let Ok(vk) = VerifyingKey::from_bytes(pk) else {
        return false;
    };
    vk.verify_strict(msg, &Signature::from_bytes(sig)).is_ok()
}

/// 64-byte key for signing and encrypting session cookies. Zeroized on drop.
#[derive(Clone)]
pub struct SessionKey(Zeroizing<[u8; 64]>);

impl SessionKey {
    /// Raw bytes for the cookie middleware (e.g. `actix_web::cookie::Key::from`): the one
    /// place key bytes leave this layer, because that API takes nothing else.
    pub fn expose_bytes(&self) -> &[u8; 64] {
        &self.0
    }

    /// The CSRF token of a web session: hex HMAC-SHA256(session key, domain || session token).
    /// Stateless: it is recomputed from the session cookie, never stored.
    pub fn csrf_token(&self, session_token: &[u8]) -> String {
        let mut mac = Hmac::<Sha256>::new((&*self.0).into());
        mac.update(CSRF_DOMAIN);
        mac.update(session_token);
        to_hex(&mac.finalize().into_bytes())
    }

    /// Whether `presented` is the CSRF token of `session_token`, compared in constant time.
    pub fn csrf_matches(&self, session_token: &[u8], presented: &str) -> bool {
        use subtle::ConstantTimeEq;
        self.csrf_token(session_token).as_bytes().ct_eq(presented.as_bytes()).into()
    }
}

impl fmt::Debug for SessionKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SessionKey(***)")
    }
}

#[cfg(test)]
mod tests;
