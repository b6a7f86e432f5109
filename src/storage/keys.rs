//! Wrapped key material: the platform root secret (one row per purpose) and the data keys
//! (one per subject, plus one for platform-owned personal data such as login e-mails).
//! Only wrapped bytes are stored; the master key never is.

use super::schema::{data_keys, key_material};
use super::{AnyConnection, StorageError, StoredTime, Timestamp};
use diesel::prelude::*;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = key_material)]
pub struct KeyMaterialRow {
    pub purpose: String,
    pub kek_version: i32,
    pub wrapped: Vec<u8>,
    pub created_at: Timestamp,
    pub rewrapped_at: Option<Timestamp>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = data_keys)]
// NULL rather than DEFAULT for None, so the insert is cached (see `insert_batch!`).
#[diesel(treat_none_as_default_value = false)]
pub struct DataKeyRow {
    pub id: String,
    pub owner: String,
    pub kek_version: i32,
    /// None once the key was destroyed (crypto-shredding).
    pub wrapped: Option<Vec<u8>>,
    pub created_at: StoredTime,
    pub destroyed_at: Option<StoredTime>,
}

pub fn find_key_material(conn: &mut AnyConnection, purpose: &str) -> Result<Option<KeyMaterialRow>, StorageError> {
    Ok(key_material::table.find(purpose).select(KeyMaterialRow::as_select()).first(conn).optional()?)
}

pub fn insert_key_material(conn: &mut AnyConnection, row: &KeyMaterialRow) -> Result<(), StorageError> {
    diesel::insert_into(key_material::table).values(row).execute(conn)?;
    Ok(())
}

pub fn rewrap_key_material(
    conn: &mut AnyConnection,
    purpose: &str,
    kek_version: i32,
    wrapped: &[u8],
    now: Timestamp,
) -> Result<(), StorageError> {
    diesel::update(key_material::table.find(purpose))
        .set((
            key_material::kek_version.eq(kek_version),
            key_material::wrapped.eq(wrapped),
            key_material::rewrapped_at.eq(Some(now)),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn insert_data_key(conn: &mut AnyConnection, row: &DataKeyRow) -> Result<(), StorageError> {
    diesel::insert_into(data_keys::table).values(row).execute(conn)?;
    Ok(())
}

pub fn find_data_key(conn: &mut AnyConnection, id: &str) -> Result<Option<DataKeyRow>, StorageError> {
    Ok(data_keys::table.find(id).select(DataKeyRow::as_select()).first(conn).optional()?)
}

pub fn find_data_key_by_owner(conn: &mut AnyConnection, owner: &str) -> Result<Option<DataKeyRow>, StorageError> {
    Ok(data_keys::table.filter(data_keys::owner.eq(owner)).select(DataKeyRow::as_select()).first(conn).optional()?)
}

/// A batch of live data keys still wrapped under an older master-key version, for rotation.
pub fn data_keys_below_version(
    conn: &mut AnyConnection,
    kek_version: i32,
    limit: i64,
) -> Result<Vec<DataKeyRow>, StorageError> {
    Ok(data_keys::table
        .filter(data_keys::kek_version.lt(kek_version))
        .filter(data_keys::wrapped.is_not_null())
        .order(data_keys::id)
        .limit(limit)
        .select(DataKeyRow::as_select())
        .load(conn)?)
}

pub fn count_data_keys_below_version(conn: &mut AnyConnection, kek_version: i32) -> Result<i64, StorageError> {
    Ok(data_keys::table
        .filter(data_keys::kek_version.lt(kek_version))
        .filter(data_keys::wrapped.is_not_null())
        .count()
        .get_result(conn)?)
}

/// Versions still in use by some live wrapped key (a version is retired only when unused).
pub fn kek_versions_in_use(conn: &mut AnyConnection) -> Result<Vec<i32>, StorageError> {
    let mut versions: Vec<i32> = data_keys::table
        .filter(data_keys::wrapped.is_not_null())
        .select(data_keys::kek_version)
        .distinct()
        .load(conn)?;
    versions.extend(key_material::table.select(key_material::kek_version).load::<i32>(conn)?);
    versions.sort_unstable();
    versions.dedup();
    Ok(versions)
}

/// Replaces one wrapped key only if it is still at `old_version` (safe to race with another
/// rotating process: the loser updates nothing).
pub fn rewrap_data_key(
    conn: &mut AnyConnection,
    id: &str,
    old_version: i32,
    new_version: i32,
    wrapped: &[u8],
) -> Result<bool, StorageError> {
    let n = diesel::update(
        data_keys::table
            .filter(data_keys::id.eq(id))
            .filter(data_keys::kek_version.eq(old_version))
            .filter(data_keys::wrapped.is_not_null()),
    )
    .set((data_keys::kek_version.eq(new_version), data_keys::wrapped.eq(Some(wrapped))))
    .execute(conn)?;
    Ok(n == 1)
}

/// Crypto-shredding: the wrapped key bytes are gone, so every cell under it is unreadable.
pub fn destroy_data_key(conn: &mut AnyConnection, id: &str, now: Timestamp) -> Result<bool, StorageError> {
    let n = diesel::update(data_keys::table.find(id))
        .set((data_keys::wrapped.eq(None::<Vec<u8>>), data_keys::destroyed_at.eq(Some(now))))
        .execute(conn)?;
    Ok(n == 1)
}

pub fn find_data_keys(conn: &mut AnyConnection, ids: &[String]) -> Result<Vec<DataKeyRow>, StorageError> {
    let mut found = Vec::new();
    for chunk in ids.chunks(500) {
        found.extend(data_keys::table.filter(data_keys::id.eq_any(chunk)).select(DataKeyRow::as_select()).load(conn)?);
    }
    Ok(found)
}

pub fn insert_data_keys(conn: &mut AnyConnection, rows: &[DataKeyRow]) -> Result<(), StorageError> {
    for chunk in rows.chunks(500) {
        insert_batch!(conn, data_keys::table, chunk)?;
    }
    Ok(())
}
