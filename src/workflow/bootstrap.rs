//! Start-up: data folder, master key, database and migrations, root secret, platform data key,
//! first admin. Idempotent and safe when several instances start on one database at once
//! (losing an insert race means re-reading what the winner wrote).
//!
//! Errors here stop the process, so they are `anyhow` with context rather than `WorkflowError`.

use super::clock::Clock;
use super::keys::{KeySource, PlatformKeys, data_key_context};
use super::query_reads::QueryReads;
use super::{Platform, manage_accounts};
use crate::audit::{AuditLog, AuditOptions};
use crate::config::Settings;
use crate::crypto::{CellCipher, Keyring, MasterKeyRing, WrappedKey};
use crate::domain::Role;
use crate::policy::PolicySet;
use crate::storage::keys::{self as key_rows, DataKeyRow, KeyMaterialRow};
use crate::storage::{Backend, Database, StorageError, accounts};
use anyhow::Context;
use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

const ROOT_SECRET: &str = "root_secret";
pub const PLATFORM_KEY_OWNER: &str = "platform";

pub fn prepare(settings: Settings, clock: Arc<dyn Clock>) -> anyhow::Result<Platform> {
    create_private_dir(&settings.data_dir)?;
    let policies = load_policies(&settings, clock.as_ref())?;
    let (ring, source) = load_master_key(&settings)?;
    let db = open_database(&settings)?;
    let keyring = Keyring::new(ring);
    let now = clock.now_naive();
    let derived = root_secret(&db, &keyring, now)?.derive_all();
    let audit = start_audit_log(&settings, &db, &derived, clock.clone())?;
    let platform_cipher = platform_cipher(&db, &keyring, now)?;
    let keys = PlatformKeys::new(keyring, source, derived, platform_cipher);
    let query_reads = match db.backend() {
        Backend::Postgres => Some(Arc::new(QueryReads::start(&db).context("cannot start the query reads")?)),
        Backend::Sqlite => None,
    };
    let platform = Platform {
        settings: Arc::new(settings),
        db,
        keys: Arc::new(keys),
        clock,
        policies: Arc::new(policies),
        audit,
        organization_kinds: Default::default(),
        tokens: Default::default(),
        query_reads,
    };
    ensure_first_admin(&platform)?;
    Ok(platform)
}

/// Starts the access log's group-commit writer and checkpoint threads (stopped by
/// `AuditLog::shutdown`, which `Application::run_until_stopped` calls).
fn start_audit_log(
    settings: &Settings,
    db: &Database,
    derived: &crate::crypto::DerivedKeys,
    clock: Arc<dyn Clock>,
) -> anyhow::Result<AuditLog> {
    let options = AuditOptions {
        batch_max: settings.audit.batch_max,
        checkpoint_every_entries: settings.audit.checkpoint_every_entries,
        checkpoint_interval: Duration::from_secs(settings.audit.checkpoint_interval_seconds.max(1)),
        ..AuditOptions::default()
    };
    let now = Arc::new(move || clock.now_naive());
    AuditLog::start(db.clone(), derived.audit_mac.clone(), derived.checkpoint.clone(), options, now)
        .context("cannot start the access log")
}

/// The data folder, readable by the platform's user only (it may hold the development key).
fn create_private_dir(dir: &Path) -> anyhow::Result<()> {
    use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
    if !dir.exists() {
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
            .with_context(|| format!("cannot create the data folder {}", dir.display()))?;
    }
    let mode = std::fs::metadata(dir)?.permissions().mode();
    if mode & 0o077 != 0 {
        tracing::warn!(path = %dir.display(), mode = format!("{:o}", mode & 0o777), "the data folder is readable by other users");
    }
    Ok(())
}

/// Loads and validates policies/; a bad file stops start-up naming the file, key and reason.
pub fn load_policies(settings: &Settings, clock: &dyn Clock) -> anyhow::Result<PolicySet> {
    let policies = PolicySet::load(&settings.policies_dir)
        .with_context(|| format!("invalid policies in {}", settings.policies_dir.display()))?;
    let today = clock.today();
    for warning in policies.startup_warnings(today) {
        tracing::warn!(%warning, "policy");
    }
    tracing::info!(version = %policies.version, "policies loaded");
    Ok(policies)
}

/// Connects and migrates; used by `serve` and by `credit-platform migrate`.
pub fn open_database(settings: &Settings) -> anyhow::Result<Database> {
    let timeout = Duration::from_secs(settings.database.connect_timeout_seconds.max(1));
    let db = Database::connect(&settings.database_url(), settings.database.pool_size, timeout)
        .context("cannot open the database")?;
    let applied = db.migrate().context("cannot migrate the database")?;
    if applied > 0 {
        tracing::info!(applied, backend = db.backend().as_str(), "migrations applied");
    }
    Ok(db)
}

/// CREDIT_MASTER_KEY if set, else the key file; on a fresh machine a development key file is
/// generated (0600) with a loud warning.
pub fn load_master_key(settings: &Settings) -> anyhow::Result<(MasterKeyRing, KeySource)> {
    if std::env::var_os("CREDIT_MASTER_KEY").is_some() {
        let ring = KeySource::Environment.load().context("CREDIT_MASTER_KEY is not a valid master key")?;
        return Ok((ring, KeySource::Environment));
    }
    let path = settings.master_key_file();
    if path.exists() {
        let ring = MasterKeyRing::load_file(&path)
            .with_context(|| format!("cannot read the master key file {}", path.display()))?;
        return Ok((ring, KeySource::File(path)));
    }
    let ring = MasterKeyRing::create_file(&path)
        .with_context(|| format!("cannot create the master key file {}", path.display()))?;
    tracing::warn!(
        path = %path.display(),
        "GENERATED A DEVELOPMENT MASTER KEY. Production must supply its own key (CREDIT_MASTER_KEY \
         or a key file kept off this machine's backups); whoever holds this file can read every record."
    );
    Ok((ring, KeySource::File(path)))
}

fn root_secret(
    db: &Database,
    keyring: &Keyring,
    now: crate::storage::Timestamp,
) -> anyhow::Result<crate::crypto::RootSecret> {
    let mut conn = db.get()?;
    if key_rows::find_key_material(&mut conn, ROOT_SECRET)?.is_none() {
        let (_, wrapped) = keyring.new_root_secret();
        let row = KeyMaterialRow {
            purpose: ROOT_SECRET.into(),
            kek_version: i32::try_from(wrapped.kek_version)?,
            wrapped: wrapped.bytes,
            created_at: now,
            rewrapped_at: None,
        };
        match key_rows::insert_key_material(&mut conn, &row) {
            Ok(()) | Err(StorageError::Duplicate) => {}
            Err(e) => return Err(e.into()),
        }
    }
    // Always read back: another instance may have won the race to create it.
    let row = key_rows::find_key_material(&mut conn, ROOT_SECRET)?.context("root secret missing after insert")?;
    let wrapped = WrappedKey { kek_version: u32::try_from(row.kek_version)?, bytes: row.wrapped };
    keyring
        .unwrap_root_secret(&wrapped)
        .map_err(|e| anyhow::anyhow!("the master key does not match this database ({})", e.code()))
}

fn platform_cipher(db: &Database, keyring: &Keyring, now: crate::storage::Timestamp) -> anyhow::Result<CellCipher> {
    let mut conn = db.get()?;
    let row = match key_rows::find_data_key_by_owner(&mut conn, PLATFORM_KEY_OWNER)? {
        Some(row) => row,
        None => {
            let (row, _) = new_data_key(keyring, PLATFORM_KEY_OWNER, now)?;
            match key_rows::insert_data_key(&mut conn, &row) {
                Ok(()) => row,
                Err(StorageError::Duplicate) => key_rows::find_data_key_by_owner(&mut conn, PLATFORM_KEY_OWNER)?
                    .context("platform key missing after insert")?,
                Err(e) => return Err(e.into()),
            }
        }
    };
    let context = data_key_context(&row.id, &row.owner);
    let wrapped = WrappedKey {
        kek_version: u32::try_from(row.kek_version)?,
        bytes: row.wrapped.clone().context("the platform data key was destroyed")?,
    };
    let key = keyring.unwrap(&wrapped, &context).map_err(|e| anyhow::anyhow!("platform key: {}", e.code()))?;
    Ok(CellCipher::new(key, super::keys::key_id_of(&row.id)?, row.owner))
}

/// A new data key for `owner`: the row to store (wrapped under the current master key) and
/// the cell cipher to seal with right away, without unwrapping what was just wrapped.
pub fn new_data_key(
    keyring: &Keyring,
    owner: &str,
    now: crate::storage::Timestamp,
) -> Result<(DataKeyRow, CellCipher), crate::crypto::CryptoError> {
    let id = crate::storage::new_row_id();
    let (key, wrapped) = keyring.wrap_new(&data_key_context(&id, owner));
    let cipher = CellCipher::new(key, super::keys::key_id_of(&id)?, owner);
    let row = DataKeyRow {
        id,
        owner: owner.to_owned(),
        kek_version: i32::try_from(wrapped.kek_version)
            .map_err(|_| crate::crypto::CryptoError::UnknownKeyVersion(wrapped.kek_version))?,
        wrapped: Some(wrapped.bytes),
        created_at: now.into(),
        destroyed_at: None,
    };
    Ok((row, cipher))
}

/// On an empty database: an admin with a one-time password written to
/// DATA_DIR/initial-admin-password (0600). The log says where, never what.
fn ensure_first_admin(platform: &Platform) -> anyhow::Result<()> {
    if accounts::count(&mut *platform.db.get()?)? > 0 {
        return Ok(());
    }
    let password = super::login::random_token();
    let email = platform.settings.bootstrap.admin_email.clone();
    let path = platform.settings.data_dir.join("initial-admin-password");
    match manage_accounts::insert_account(platform, &email, &password, Role::Admin, None, None) {
        Ok(_) => {}
        // Another instance created it first; its password file is the one that counts.
        Err(super::WorkflowError::Conflict { .. }) => return Ok(()),
        Err(e) => return Err(anyhow::anyhow!("cannot create the first admin: {e} ({})", e.code())),
    }
    write_secret_file(&path, &password).with_context(|| format!("cannot write {}", path.display()))?;
    tracing::warn!(email = %email, path = %path.display(), "created the first admin account; its one-time password is in the file");
    Ok(())
}

fn write_secret_file(path: &Path, contents: &str) -> std::io::Result<()> {
    let _ = std::fs::remove_file(path);
    let mut file = std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(path)?;
    writeln!(file, "{contents}")
}
