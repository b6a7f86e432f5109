use super::*;

fn root(b: u8) -> RootSecret {
    RootSecret::from_bytes([b; 32])
}

#[test]
fn labels_give_distinct_keys_and_derivation_is_stable() {
    let r = root(1);
    let labels = [LABEL_BLIND_INDEX, LABEL_AUDIT_MAC, LABEL_CHECKPOINT, LABEL_TOKEN_HASH, LABEL_SESSION];
    let keys: Vec<[u8; 32]> = labels.iter().map(|l| *r.derive::<32>(l)).collect();
    for (i, a) in keys.iter().enumerate() {
        assert_ne!(a, &*r.0, "derived key equals the root secret");
        for b in &keys[i + 1..] {
            assert_ne!(a, b);
        }
    }
    // Same root secret, same keys; another root secret, other keys.
    assert_eq!(*root(1).derive::<32>(LABEL_AUDIT_MAC), keys[1]);
    assert_ne!(*root(2).derive::<32>(LABEL_AUDIT_MAC), keys[1]);
    assert_eq!(root(1).session_key().expose_bytes(), r.session_key().expose_bytes());
    assert_ne!(root(1).session_key().expose_bytes(), root(2).session_key().expose_bytes());
    // The typed keys see different key material for the same input.
    let d = r.derive_all();
    assert_ne!(d.blind_index.index("x", "y"), d.token_hash.hash(b"\0\0\0\0\0\0\0\x01x\0\0\0\0\0\0\0\x01y"));
    assert_eq!(r.blind_index_key().index("d", "v"), root(1).blind_index_key().index("d", "v"));
    assert_eq!(r.checkpoint_signing_key().public_key_bytes(), root(1).checkpoint_signing_key().public_key_bytes());
    assert_ne!(r.checkpoint_signing_key().public_key_bytes(), root(2).checkpoint_signing_key().public_key_bytes());
}

#[test]
fn signatures_verify_and_modified_messages_do_not() {
    let key = root(3).checkpoint_signing_key();
    let pk = key.public_key_bytes();
    let msg = b"checkpoint size=1000 head=abcd";
    let sig = key.sign(msg);
    assert!(verify_checkpoint_signature(&pk, msg, &sig));
    assert!(!verify_checkpoint_signature(&pk, b"checkpoint size=1001 head=abcd", &sig));
    let mut bad = sig;
    bad[10] ^= 1;
    assert!(!verify_checkpoint_signature(&pk, msg, &bad));
    let other = root(4).checkpoint_signing_key().public_key_bytes();
    assert!(!verify_checkpoint_signature(&other, msg, &sig));
    assert!(!verify_checkpoint_signature(&pk[..31], msg, &sig));
    assert!(!verify_checkpoint_signature(&pk, msg, &sig[..63]));
}

#[test]
fn root_secret_survives_kek_rotation_with_same_derived_keys() -> Result<()> {
    let mut ring = super::super::MasterKeyRing::generate();
    let keyring = super::super::Keyring::new(ring.clone());
    let (secret, wrapped) = keyring.new_root_secret();
    ring.add_new_version();
    let rotated = super::super::Keyring::new(ring);
    let rewrapped = rotated.rewrap_root_secret(&wrapped)?.ok_or(super::super::CryptoError::UnwrapFailed)?;
    assert_eq!(rewrapped.kek_version, 2);
    assert!(rotated.rewrap_root_secret(&rewrapped)?.is_none());
    let back = rotated.unwrap_root_secret(&rewrapped)?;
    assert_eq!(back.blind_index_key().index("d", "v"), secret.blind_index_key().index("d", "v"));
    assert_eq!(back.audit_mac_key().mac(b"", b"e"), secret.audit_mac_key().mac(b"", b"e"));
    // A root secret cannot be unwrapped as a data key, nor the reverse.
    assert!(rotated.unwrap(&rewrapped, ROOT_CONTEXT).is_err());
    let (_, dek) = rotated.wrap_new(ROOT_CONTEXT);
    assert!(rotated.unwrap_root_secret(&dek).is_err());
    Ok(())
}

#[test]
fn debug_prints_no_key_material() {
    let r = root(0xab);
    let d = r.derive_all();
    let out = format!("{r:?} {d:?}");
    assert!(!out.contains("abab"), "{out}");
    assert!(!out.contains(&to_hex(&r.derive::<32>(LABEL_BLIND_INDEX)[..8])), "{out}");
    assert!(!out.contains(&to_hex(&r.derive::<64>(LABEL_SESSION)[..8])), "{out}");
    assert!(!out.contains(&to_hex(&r.derive::<32>(LABEL_CHECKPOINT)[..8])), "{out}");
    assert!(out.contains("***"));
}

#[test]
fn csrf_tokens_are_bound_to_the_session_and_the_key() {
    let k = root(1).session_key();
    let t = k.csrf_token(b"session-a");
    assert_eq!(t.len(), 64);
    assert!(k.csrf_matches(b"session-a", &t));
    assert!(!k.csrf_matches(b"session-b", &t));
    assert!(!k.csrf_matches(b"session-a", ""));
    assert!(!k.csrf_matches(b"session-a", &t[..63]));
    assert!(!root(2).session_key().csrf_matches(b"session-a", &t));
}
