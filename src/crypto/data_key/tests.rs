use super::*;

const SUBJECT: &[u8] = b"7f0c1b2a-0000-4000-8000-000000000001";

#[test]
fn wrap_roundtrip_and_fresh_nonces() -> Result<()> {
    let ring = MasterKeyRing::generate();
    let key = DataKey::generate();
    let w1 = key.wrap(ring.current(), SUBJECT);
    let w2 = key.wrap(ring.current(), SUBJECT);
    assert_eq!(w1.kek_version, 1);
    assert_eq!(w1.bytes.len(), WRAPPED_LEN);
    assert_ne!(w1.bytes, w2.bytes, "each wrap uses a fresh nonce");
    assert!(!w1.bytes.windows(32).any(|w| w == key.bytes()), "key in clear");
    assert_eq!(DataKey::unwrap(ring.current(), &w1, SUBJECT)?.bytes(), key.bytes());
    Ok(())
}

#[test]
fn wrong_kek_context_kind_or_tampering_fails() {
    let ring = MasterKeyRing::generate();
    let other = MasterKeyRing::generate();
    let key = DataKey::generate();
    let w = key.wrap(ring.current(), SUBJECT);
    let code = |r: Result<DataKey>| r.err().map(|e| e.code());

    assert_eq!(code(DataKey::unwrap(other.current(), &w, SUBJECT)), Some("unwrap_failed"));
    assert_eq!(code(DataKey::unwrap(ring.current(), &w, b"another-subject")), Some("unwrap_failed"));
    assert_eq!(code(DataKey::unwrap(ring.current(), &w, b"")), Some("unwrap_failed"));
    // Same bytes presented as the root secret.
    let as_root = unwrap_key32(ring.current(), WrapKind::RootSecret, &w, SUBJECT);
    assert_eq!(as_root.err().map(|e| e.code()), Some("unwrap_failed"));
    // Relabelled version: the KEK does not match the label.
    let relabelled = WrappedKey { kek_version: 2, ..w.clone() };
    assert_eq!(code(DataKey::unwrap(ring.current(), &relabelled, SUBJECT)), Some("unknown_key_version"));
    for i in 0..w.bytes.len() * 8 {
        let mut t = w.clone();
        t.bytes[i / 8] ^= 1 << (i % 8);
        assert!(DataKey::unwrap(ring.current(), &t, SUBJECT).is_err(), "bit {i}");
    }
    for len in [0, 12, 44, 59, 61] {
        let mut t = w.clone();
        t.bytes.resize(len, 0);
        assert_eq!(code(DataKey::unwrap(ring.current(), &t, SUBJECT)), Some("malformed_wrapped_key"));
    }
}

#[test]
fn keyring_picks_version_and_rewrap_keeps_the_data_key() -> Result<()> {
    let mut master = MasterKeyRing::generate();
    let v1 = Keyring::new(master.clone());
    let (key, w1) = v1.wrap_new(SUBJECT);
    assert!(v1.rewrap(&w1, SUBJECT)?.is_none(), "already current");

    master.add_new_version();
    let v2 = Keyring::new(master.clone());
    assert_eq!(v2.current_kek_version(), 2);
    assert!(v2.needs_rewrap(&w1));
    // Old wrapped keys keep working during the rotation.
    assert_eq!(v2.unwrap(&w1, SUBJECT)?.bytes(), key.bytes());
    let w2 = v2.rewrap(&w1, SUBJECT)?.ok_or(CryptoError::UnwrapFailed)?;
    assert_eq!(w2.kek_version, 2);
    assert!(!v2.needs_rewrap(&w2));
    assert_eq!(v2.unwrap(&w2, SUBJECT)?.bytes(), key.bytes());
    assert!(v2.rewrap(&w2, SUBJECT)?.is_none());
    assert!(v2.rewrap(&w1, b"another-subject").is_err());

    // After retiring version 1 only rewrapped keys are readable.
    master.retire_version(1)?;
    let retired = Keyring::new(master);
    assert!(matches!(retired.unwrap(&w1, SUBJECT), Err(CryptoError::UnknownKeyVersion(1))));
    assert_eq!(retired.unwrap(&w2, SUBJECT)?.bytes(), key.bytes());
    // A ring that does not know version 2 yet (not reloaded) says so.
    assert!(matches!(v1.unwrap(&w2, SUBJECT), Err(CryptoError::UnknownKeyVersion(2))));
    Ok(())
}

#[test]
fn debug_prints_no_key_material() {
    let ring = MasterKeyRing::generate();
    let keyring = Keyring::new(ring.clone());
    let (key, wrapped) = keyring.wrap_new(SUBJECT);
    let out = format!("{key:?} {wrapped:?} {keyring:?} {:?}", ring.current());
    assert!(!out.contains(&super::super::to_hex(&key.bytes()[..6])), "{out}");
    assert!(!out.contains(&format!("{:?}", &key.bytes()[..4])), "{out}");
    assert!(!out.contains(&super::super::to_hex(&ring.current().bytes()[..6])), "{out}");
    assert!(out.contains("DataKey(***)"), "{out}");
}
