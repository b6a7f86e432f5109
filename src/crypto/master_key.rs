//! The master key ring: key-encryption keys (KEKs), one per version.
//!
//! Contract: a KEK only wraps 32-byte keys (data keys, the root secret); it never encrypts a
//! cell and is never stored in the database. All loaded versions can unwrap; the highest
//! version is current and wraps everything new. Parse errors name the entry and the problem
//! (length, base64, version) and never quote key text.
//!
//! Accepted text (from `CREDIT_MASTER_KEY` or the key file):
//! - a bare base64 string of 32 bytes, which is version 1 (`openssl rand -base64 32`);
//! - or entries `VERSION:BASE64` separated by newlines or commas; blank lines and lines
//!   starting with `#` are ignored. Versions start at 1 and must be unique.
//!
//! The key file must be private to its owner (no group/other bits), as ssh does for its keys.
//! Rewrites (`append_new_version_to_file`, `retire_version_in_file`) first create
//! `<file>.new` exclusively, which doubles as a lock against a concurrent rotation, then
//! re-read the file, write the new ring there and rename it over the original. Comments in
//! the file are replaced by the standard header on rewrite.

use std::collections::BTreeMap;
use std::fmt;
use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use zeroize::Zeroizing;

use super::{CryptoError, Result, SensitiveString, random_key32};

const FILE_HEADER: &str = "\
# credit-platform master key ring (KEK). Keep it secret and backed up: without it no stored
# personal data can be read. One VERSION:BASE64 entry per line; the highest version is current.
";

/// One version of the key-encryption key.
#[derive(Clone)]
pub struct MasterKey {
    version: u32,
    bytes: Zeroizing<[u8; 32]>,
}

impl MasterKey {
    pub fn version(&self) -> u32 {
        self.version
    }

    pub(crate) fn bytes(&self) -> &[u8; 32] {
        &self.bytes
    }

    fn generate(version: u32) -> Self {
        Self { version, bytes: random_key32() }
    }
}

impl fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MasterKey").field("version", &self.version).field("bytes", &"***").finish()
    }
}

/// All known KEK versions. Never empty: the current (highest) version is held apart so
/// `current()` needs no fallible lookup.
#[derive(Clone)]
pub struct MasterKeyRing {
    current: MasterKey,
    previous: BTreeMap<u32, MasterKey>,
}

impl MasterKeyRing {
    /// An in-memory ring with one fresh version-1 key (tests, demo instances).
    pub fn generate() -> Self {
        Self { current: MasterKey::generate(1), previous: BTreeMap::new() }
    }

    /// Parse the value of `CREDIT_MASTER_KEY` (or the key file's contents).
    pub fn from_env_value(value: &str) -> Result<Self> {
        let entries: Vec<&str> =
            value.split(['\n', ',']).map(str::trim).filter(|e| !e.is_empty() && !e.starts_with('#')).collect();
        match entries.as_slice() {
            [] => Err(invalid("no key found: expected base64 of 32 bytes or VERSION:BASE64 entries")),
            // ':' is not in the base64 alphabet, so a lone entry without it is a bare key.
            [bare] if !bare.contains(':') => {
                Self::from_keys(vec![MasterKey { version: 1, bytes: decode_key(bare, "key")? }])
            }
            _ => {
                let mut keys = Vec::with_capacity(entries.len());
                for (i, entry) in entries.iter().enumerate() {
                    let n = i + 1;
                    let (version, b64) =
                        entry.split_once(':').ok_or_else(|| invalid(format!("entry {n}: expected VERSION:BASE64")))?;
                    let version = match version.trim().parse::<u32>() {
                        Ok(v) if v > 0 => v,
                        _ => {
                            return Err(invalid(format!("entry {n}: version must be a whole number from 1")));
                        }
                    };
                    let bytes = decode_key(b64, &format!("entry {n} (version {version})"))?;
                    keys.push(MasterKey { version, bytes });
                }
                Self::from_keys(keys)
            }
        }
    }

    /// Read and parse a key file; refuses a file that group or others may access.
    pub fn load_file(path: &Path) -> Result<Self> {
        let mode = fs::metadata(path).map_err(|e| CryptoError::io(path, e))?.permissions().mode();
        if mode & 0o077 != 0 {
            return Err(CryptoError::KeyFilePermissions { path: path.to_path_buf(), mode: mode & 0o7777 });
        }
        let text = Zeroizing::new(fs::read_to_string(path).map_err(|e| CryptoError::io(path, e))?);
        Self::from_env_value(&text)
    }

    /// Create a new key file (mode 0600) holding a fresh version-1 key. Refuses to overwrite.
    pub fn create_file(path: &Path) -> Result<Self> {
        let ring = Self::generate();
        let mut file = create_private(path)?;
        if let Err(e) = write_ring(&mut file, &ring) {
            // Leave no empty or partial key file behind: it would block the next attempt.
            let _ = fs::remove_file(path);
            return Err(CryptoError::io(path, e));
        }
        Ok(ring)
    }

    /// Add version max+1 to the key file (for `keys rotate`) and return the new key.
    /// Running servers keep their loaded ring; they need a reload to use the new version.
    pub fn append_new_version_to_file(path: &Path) -> Result<MasterKey> {
        rewrite_file(path, |ring| Ok(ring.add_new_version().clone()))
    }

    /// Drop an old version from the key file once no wrapped key uses it any more.
    /// Refuses the current version.
    pub fn retire_version_in_file(path: &Path, version: u32) -> Result<()> {
        rewrite_file(path, |ring| ring.retire_version(version))
    }

    /// Add a fresh key as version max+1 in memory and make it current.
    pub fn add_new_version(&mut self) -> &MasterKey {
        let next = MasterKey::generate(self.current.version.saturating_add(1));
        let old = std::mem::replace(&mut self.current, next);
        self.previous.insert(old.version, old);
        &self.current
    }

    /// Remove a non-current version in memory.
    pub fn retire_version(&mut self, version: u32) -> Result<()> {
        if version == self.current.version {
            return Err(invalid(format!("version {version} is current and cannot be retired")));
        }
        self.previous.remove(&version).map(drop).ok_or(CryptoError::UnknownKeyVersion(version))
    }

    /// The ring as `VERSION:BASE64` entries joined by commas, e.g. to set `CREDIT_MASTER_KEY`.
    pub fn to_env_value(&self) -> SensitiveString {
        let mut out = Zeroizing::new(String::new());
        for (i, key) in self.keys().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push_str(&key.version.to_string());
            out.push(':');
            BASE64.encode_string(&key.bytes[..], &mut out);
        }
        SensitiveString::new(std::mem::take(&mut *out))
    }

    /// The KEK that wraps everything new.
    pub fn current(&self) -> &MasterKey {
        &self.current
    }

    pub fn get(&self, version: u32) -> Result<&MasterKey> {
        if version == self.current.version {
            return Ok(&self.current);
        }
        self.previous.get(&version).ok_or(CryptoError::UnknownKeyVersion(version))
    }

    /// All versions, ascending; the last one is current.
    pub fn versions(&self) -> Vec<u32> {
        self.keys().map(MasterKey::version).collect()
    }

    fn keys(&self) -> impl Iterator<Item = &MasterKey> {
        self.previous.values().chain(std::iter::once(&self.current))
    }

    fn from_keys(keys: Vec<MasterKey>) -> Result<Self> {
        let mut map = BTreeMap::new();
        for key in keys {
            let version = key.version;
            if map.insert(version, key).is_some() {
                return Err(invalid(format!("duplicate version {version}")));
            }
        }
        let (_, current) = map.pop_last().ok_or_else(|| invalid("no key found"))?;
        Ok(Self { current, previous: map })
    }
}

impl fmt::Debug for MasterKeyRing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MasterKeyRing")
            .field("versions", &self.versions())
            .field("current", &self.current.version)
            .finish()
    }
}

fn invalid(reason: impl Into<String>) -> CryptoError {
    CryptoError::InvalidMasterKey(reason.into())
}

/// Decode one base64 key. The base64 crate's own error names the offending character and
/// offset, so it is replaced by a generic reason that quotes nothing.
fn decode_key(b64: &str, what: &str) -> Result<Zeroizing<[u8; 32]>> {
    let raw = Zeroizing::new(BASE64.decode(b64.trim()).map_err(|_| invalid(format!("{what}: not valid base64")))?);
    if raw.len() != 32 {
        return Err(invalid(format!("{what}: key must be 32 bytes, got {}", raw.len())));
    }
    let mut key = Zeroizing::new([0u8; 32]);
    key.copy_from_slice(&raw);
    Ok(key)
}

/// Create a file that did not exist, mode 0600 from the start (no chmod window).
fn create_private(path: &Path) -> Result<File> {
    OpenOptions::new().write(true).create_new(true).mode(0o600).open(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::AlreadyExists => CryptoError::KeyFileExists { path: path.to_path_buf() },
        _ => CryptoError::io(path, e),
    })
}

fn write_ring(file: &mut File, ring: &MasterKeyRing) -> std::io::Result<()> {
    let mut text = Zeroizing::new(String::from(FILE_HEADER));
    for key in ring.keys() {
        text.push_str(&key.version.to_string());
        text.push(':');
        BASE64.encode_string(&key.bytes[..], &mut text);
        text.push('\n');
    }
    file.write_all(text.as_bytes())?;
    file.sync_all()
}

/// Lock (exclusive `<file>.new`), re-read, change, write, rename. See the module docs.
fn rewrite_file<T>(path: &Path, change: impl FnOnce(&mut MasterKeyRing) -> Result<T>) -> Result<T> {
    let tmp = sibling(path, ".new");
    let mut file = create_private(&tmp)?;
    let result = (|| {
        let mut ring = MasterKeyRing::load_file(path)?;
        let out = change(&mut ring)?;
        write_ring(&mut file, &ring).map_err(|e| CryptoError::io(&tmp, e))?;
        fs::rename(&tmp, path).map_err(|e| CryptoError::io(path, e))?;
        Ok(out)
    })();
    match result {
        Ok(out) => {
            // Make the rename durable; some filesystems cannot sync a directory, and the
            // data itself is already synced, so a failure here is not worth failing over.
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                let _ = File::open(dir).and_then(|d| d.sync_all());
            }
            Ok(out)
        }
        Err(e) => {
            let _ = fs::remove_file(&tmp);
            Err(e)
        }
    }
}

fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(suffix);
    path.with_file_name(name)
}

#[cfg(test)]
mod tests;
