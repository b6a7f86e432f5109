//! Who is acting: the authenticated account with its one role and its binding.

use crate::domain::Role;
use crate::workflow::WorkflowError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub account_id: String,
    pub role: Role,
    pub organization_id: Option<String>,
    pub subject_id: Option<String>,
}

impl Actor {
    /// The actor if its role is one of `roles`, else a 403 naming no more than the fact.
    pub fn require(&self, roles: &[Role]) -> Result<&Actor, WorkflowError> {
        if roles.contains(&self.role) {
            Ok(self)
        } else {
            Err(WorkflowError::forbidden("forbidden_role", "this account's role may not do this"))
        }
    }

    /// The organization of a provider or requester account.
    pub fn organization(&self) -> Result<&str, WorkflowError> {
        self.organization_id
            .as_deref()
            .ok_or_else(|| WorkflowError::forbidden("no_organization", "this account belongs to no organization"))
    }

    /// The subject a subject account is bound to.
    pub fn subject(&self) -> Result<&str, WorkflowError> {
        self.subject_id
            .as_deref()
            .ok_or_else(|| WorkflowError::forbidden("no_subject", "this account is bound to no subject"))
    }
}
