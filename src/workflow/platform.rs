//! The `Platform`: everything a use case needs, cheap to clone (all shared behind `Arc`s).

use super::WorkflowError;
use super::clock::Clock;
use super::keys::PlatformKeys;
use crate::audit::AuditLog;
use crate::config::Settings;
use crate::domain::OrganizationKind;
use crate::policy::PolicySet;
use crate::storage::Database;
use crate::storage::{AnyConnection, organizations};
use std::collections::HashMap;
use std::sync::{Arc, RwLock};

#[derive(Clone)]
pub struct Platform {
    pub settings: Arc<Settings>,
    pub db: Database,
    pub keys: Arc<PlatformKeys>,
    pub clock: Arc<dyn Clock>,
    /// Loaded and validated at start; its `version` is recorded in every access-log entry.
    pub policies: Arc<PolicySet>,
    /// The access log: every read of personal data is recorded here before it is answered.
    pub audit: AuditLog,
    pub organization_kinds: Arc<OrganizationKinds>,
    /// Bearer tokens authenticated in the last two seconds (`token_cache` says why).
    pub tokens: Arc<super::token_cache::TokenCache>,
    /// PostgreSQL only: the API queries' batched reads (`query_reads`).
    pub query_reads: Option<Arc<super::query_reads::QueryReads>>,
}

/// Organization kinds never change once created, so each instance may remember them; this is
/// a cache of the database, never state another instance needs.
#[derive(Default)]
pub struct OrganizationKinds(RwLock<HashMap<String, OrganizationKind>>);

impl Platform {
    /// The kind of an organization (the query path's purpose decision needs it every time).
    pub fn organization_kind(&self, conn: &mut AnyConnection, id: &str) -> Result<OrganizationKind, WorkflowError> {
        if let Some(kind) = self.organization_kinds.0.read().unwrap_or_else(|p| p.into_inner()).get(id) {
            return Ok(*kind);
        }
        let row = organizations::find(conn, id)?.ok_or(WorkflowError::NotFound { what: "organization" })?;
        let kind: OrganizationKind = row.kind.parse()?;
        self.organization_kinds.0.write().unwrap_or_else(|p| p.into_inner()).insert(row.id, kind);
        Ok(kind)
    }
}
