//! Master-key rotation, online and resumable: every data key (and the root secret) still
//! wrapped under an older version is re-wrapped under the current one in small batches, each
//! its own transaction, with a conditional update so that two rotating processes or a crash
//! halfway never lose a key. The data keys themselves never change, so every cell stays
//! readable throughout. Afterwards, versions no live key uses can be retired.

use super::{Platform, WorkflowError};
use crate::crypto::WrappedKey;
use crate::storage::keys as key_rows;

const BATCH: i64 = 500;

pub struct RotationProgress {
    pub done: u64,
    pub remaining: u64,
}

/// How many wrapped keys still wait for the current master-key version.
pub fn pending(platform: &Platform) -> Result<u64, WorkflowError> {
    let current = current_version(platform)?;
    let n = key_rows::count_data_keys_below_version(&mut *platform.db.get()?, current)?;
    Ok(u64::try_from(n).unwrap_or(0))
}

fn current_version(platform: &Platform) -> Result<i32, WorkflowError> {
    i32::try_from(platform.keys.keyring().current_kek_version()).map_err(WorkflowError::internal)
}

/// Re-wraps everything below the current version; `progress` is called after every batch.
pub fn rewrap_all(platform: &Platform, mut progress: impl FnMut(RotationProgress)) -> Result<u64, WorkflowError> {
    let keyring = platform.keys.keyring();
    let current = current_version(platform)?;
    rewrap_root_secret(platform)?;
    let mut done = 0u64;
    loop {
        let batch = key_rows::data_keys_below_version(&mut *platform.db.get()?, current, BATCH)?;
        if batch.is_empty() {
            break;
        }
        platform.db.transaction::<_, WorkflowError>(|conn| {
            for row in &batch {
                let key = platform.keys.unwrap_data_key(row)?;
                let wrapped = key.wrap(keyring.master().current(), &super::keys::data_key_context(&row.id, &row.owner));
                if key_rows::rewrap_data_key(conn, &row.id, row.kek_version, current, &wrapped.bytes)? {
                    done += 1;
                }
            }
            Ok(())
        })?;
        progress(RotationProgress { done, remaining: pending(platform)? });
    }
    let entry = super::access_log::system_change(platform, crate::audit::Action::KeyChange, None)
        .reason("master_key_rewrapped");
    super::access_log::record(platform, entry)?;
    Ok(done)
}

fn rewrap_root_secret(platform: &Platform) -> Result<(), WorkflowError> {
    let keyring = platform.keys.keyring();
    let now = platform.clock.now_naive();
    let mut conn = platform.db.get()?;
    let Some(row) = key_rows::find_key_material(&mut conn, "root_secret")? else {
        return Ok(());
    };
    let version = u32::try_from(row.kek_version).map_err(WorkflowError::internal)?;
    let wrapped = WrappedKey { kek_version: version, bytes: row.wrapped };
    if let Some(new) = keyring.rewrap_root_secret(&wrapped)? {
        let new_version = i32::try_from(new.kek_version).map_err(WorkflowError::internal)?;
        key_rows::rewrap_key_material(&mut conn, "root_secret", new_version, &new.bytes, now)?;
    }
    Ok(())
}

/// Master-key versions no live wrapped key uses any more (safe to retire).
pub fn unused_versions(platform: &Platform) -> Result<Vec<u32>, WorkflowError> {
    let in_use = key_rows::kek_versions_in_use(&mut *platform.db.get()?)?;
    let keyring = platform.keys.keyring();
    let current = keyring.current_kek_version();
    Ok(keyring
        .master()
        .versions()
        .into_iter()
        .filter(|v| *v != current && !in_use.iter().any(|u| i64::from(*u) == i64::from(*v)))
        .collect())
}
