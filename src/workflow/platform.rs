//! The `Platform`: everything a use case needs, cheap to clone (all shared behind `Arc`s).

use super::clock::Clock;
use super::keys::PlatformKeys;
use crate::audit::AuditLog;
use crate::config::Settings;
use crate::policy::PolicySet;
use crate::storage::Database;
use std::sync::Arc;

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
}
