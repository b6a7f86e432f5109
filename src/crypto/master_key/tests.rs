use std::os::unix::fs::PermissionsExt;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;

use super::*;

fn b64(byte: u8, len: usize) -> String {
    BASE64.encode(vec![byte; len])
}

fn err_text(r: Result<MasterKeyRing>) -> String {
    match r {
        Ok(ring) => panic!("expected an error, got {ring:?}"),
        Err(e) => {
            assert_eq!(e.code(), "invalid_master_key");
            e.to_string()
        }
    }
}

#[test]
fn bare_base64_is_version_1() -> Result<()> {
    let ring = MasterKeyRing::from_env_value(&format!("  {}\n", b64(7, 32)))?;
    assert_eq!(ring.versions(), vec![1]);
    assert_eq!(ring.current().version(), 1);
    assert_eq!(ring.current().bytes(), &[7u8; 32]);
    Ok(())
}

#[test]
fn multi_version_with_comments_commas_and_newlines() -> Result<()> {
    let text = format!("# header\n\n1:{}\n 3 : {} , 2:{}\n# trailing\n", b64(1, 32), b64(3, 32), b64(2, 32));
    let ring = MasterKeyRing::from_env_value(&text)?;
    assert_eq!(ring.versions(), vec![1, 2, 3]);
    assert_eq!(ring.current().version(), 3);
    assert_eq!(ring.current().bytes(), &[3u8; 32]);
    assert_eq!(ring.get(2)?.bytes(), &[2u8; 32]);
    assert!(matches!(ring.get(4), Err(CryptoError::UnknownKeyVersion(4))));
    // A single prefixed entry is fine too.
    let one = MasterKeyRing::from_env_value(&format!("5:{}", b64(5, 32)))?;
    assert_eq!(one.versions(), vec![5]);
    Ok(())
}

#[test]
fn env_value_roundtrip() -> Result<()> {
    let mut ring = MasterKeyRing::generate();
    ring.add_new_version();
    let again = MasterKeyRing::from_env_value(ring.to_env_value().expose_str())?;
    assert_eq!(again.versions(), vec![1, 2]);
    assert_eq!(again.get(1)?.bytes(), ring.get(1)?.bytes());
    assert_eq!(again.current().bytes(), ring.current().bytes());
    Ok(())
}

#[test]
fn parse_errors_are_clear_and_never_echo_the_key() {
    let short = b64(9, 16);
    let msg = err_text(MasterKeyRing::from_env_value(&short));
    assert!(msg.contains("32 bytes, got 16"), "{msg}");
    assert!(!msg.contains(&short), "{msg}");

    let long = format!("1:{}", b64(9, 33));
    let msg = err_text(MasterKeyRing::from_env_value(&long));
    assert!(msg.contains("got 33"), "{msg}");

    let bad = "not*base64!AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
    let msg = err_text(MasterKeyRing::from_env_value(bad));
    assert!(msg.contains("not valid base64"), "{msg}");
    assert!(!msg.contains("not*base64"), "{msg}");

    let dup = format!("1:{},2:{},1:{}", b64(1, 32), b64(2, 32), b64(3, 32));
    let msg = err_text(MasterKeyRing::from_env_value(&dup));
    assert!(msg.contains("duplicate version 1"), "{msg}");

    let zero = format!("0:{}", b64(1, 32));
    assert!(err_text(MasterKeyRing::from_env_value(&zero)).contains("version"));
    let word = format!("one:{}", b64(1, 32));
    assert!(err_text(MasterKeyRing::from_env_value(&word)).contains("entry 1"));
    let unprefixed = format!("1:{},{}", b64(1, 32), b64(2, 32));
    assert!(err_text(MasterKeyRing::from_env_value(&unprefixed)).contains("entry 2"));
    assert!(err_text(MasterKeyRing::from_env_value(" \n# only a comment\n")).contains("no key"));
}

#[test]
fn debug_prints_no_key_material() -> Result<()> {
    let ring = MasterKeyRing::from_env_value(&b64(0xab, 32))?;
    for out in [format!("{ring:?}"), format!("{:?}", ring.current()), format!("{:?}", ring.to_env_value())] {
        assert!(!out.contains(&b64(0xab, 32)[..8]), "{out}");
        assert!(!out.to_lowercase().contains("abab"), "{out}");
        assert!(!out.contains("171"), "{out}"); // 0xab as a decimal array element
    }
    Ok(())
}

#[test]
fn create_file_is_0600_loads_back_and_refuses_overwrite() -> Result<()> {
    let dir = tempfile::tempdir().map_err(|e| CryptoError::io(Path::new("tmp"), e))?;
    let path = dir.path().join("master.key");
    let created = MasterKeyRing::create_file(&path)?;
    let mode = fs::metadata(&path).map_err(|e| CryptoError::io(&path, e))?.permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
    let loaded = MasterKeyRing::load_file(&path)?;
    assert_eq!(loaded.versions(), vec![1]);
    assert_eq!(loaded.current().bytes(), created.current().bytes());

    let before = fs::read(&path).map_err(|e| CryptoError::io(&path, e))?;
    assert!(matches!(MasterKeyRing::create_file(&path), Err(CryptoError::KeyFileExists { .. })));
    assert_eq!(fs::read(&path).map_err(|e| CryptoError::io(&path, e))?, before);
    Ok(())
}

#[test]
fn load_refuses_group_readable_file() -> Result<()> {
    let dir = tempfile::tempdir().map_err(|e| CryptoError::io(Path::new("tmp"), e))?;
    let path = dir.path().join("master.key");
    MasterKeyRing::create_file(&path)?;
    fs::set_permissions(&path, fs::Permissions::from_mode(0o640)).map_err(|e| CryptoError::io(&path, e))?;
    let err = MasterKeyRing::load_file(&path).err();
    assert_eq!(err.as_ref().map(CryptoError::code), Some("key_file_permissions"));
    Ok(())
}

#[test]
fn append_and_retire_versions_in_file() -> Result<()> {
    let dir = tempfile::tempdir().map_err(|e| CryptoError::io(Path::new("tmp"), e))?;
    let path = dir.path().join("master.key");
    let v1 = MasterKeyRing::create_file(&path)?;
    let v2 = MasterKeyRing::append_new_version_to_file(&path)?;
    assert_eq!(v2.version(), 2);
    let ring = MasterKeyRing::load_file(&path)?;
    assert_eq!(ring.versions(), vec![1, 2]);
    assert_eq!(ring.get(1)?.bytes(), v1.current().bytes());
    assert_eq!(ring.current().bytes(), v2.bytes());
    let mode = fs::metadata(&path).map_err(|e| CryptoError::io(&path, e))?.permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
    assert!(!sibling(&path, ".new").exists());

    assert_eq!(MasterKeyRing::retire_version_in_file(&path, 2).err().map(|e| e.code()), Some("invalid_master_key"));
    MasterKeyRing::retire_version_in_file(&path, 1)?;
    assert_eq!(MasterKeyRing::load_file(&path)?.versions(), vec![2]);

    // A leftover lock file blocks a rotation instead of racing it.
    File::create(sibling(&path, ".new")).map_err(|e| CryptoError::io(&path, e))?;
    assert!(matches!(MasterKeyRing::append_new_version_to_file(&path), Err(CryptoError::KeyFileExists { .. })));
    Ok(())
}
