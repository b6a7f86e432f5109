//! The purpose-bound query (DESIGN §5), the platform's hot path:
//! 1. one statement finds the subject through the blind index, with its data key and its
//!    active, unsuppressed records, all still sealed;
//! 2. the purpose is on the closed list and allowed for the requester's organization kind, and
//!    a purpose that needs the subject's authorization has a live, matching one — otherwise 403
//!    with a reason code, and nothing loaded is opened;
//! 3. only records of the allowed categories, levels and types are disclosed, and of those only
//!    the fields the purpose allows are decrypted: a version's cells are one framed row, read
//!    together, but no other cell is opened (a test counts decryptions);
//! 4. the access-log entry (allowed or denied) is durable before anything is returned; if it
//!    cannot be written the answer is 503 and nothing is disclosed.
//!
//! A subject the platform does not know answers the same shape with no records.

use super::access_log::{self, Access};
use super::{Actor, Platform, WorkflowError, authorizations, subjects};
use crate::crypto::CellCipher;
use crate::domain::identifier::{ResidentIdNumber, SubjectIdentifier, UnifiedSocialCreditCode};
use crate::domain::{Role, SubjectKind};
use crate::policy::purposes::Purpose;
use crate::storage::records::{ActiveRecord, RecordRow};
use crate::storage::{AnyConnection, authorizations as grants, records};
use serde::Serialize;
use std::collections::BTreeMap;

pub struct QueryRequest {
    pub subject_identifier: String,
    pub purpose: String,
    pub authorization_id: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct QueryAnswer {
    pub query_id: String,
    pub subject: SubjectView,
    pub records: Vec<DisclosedRecord>,
}

#[derive(Debug, Serialize)]
pub struct SubjectView {
    /// The pseudonymous subject id, or null when the platform does not know the identifier.
    pub id: Option<String>,
    pub kind: SubjectKind,
}

#[derive(Debug, Serialize)]
pub struct DisclosedRecord {
    pub id: String,
    pub record_type: String,
    pub category: String,
    pub version: i32,
    pub status: String,
    pub disputed: bool,
    pub fields: BTreeMap<String, String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub statement: Option<String>,
}

/// A resident identity number or a unified social credit code; the query names no kind.
fn parse_any(raw: &str) -> Result<SubjectIdentifier, WorkflowError> {
    ResidentIdNumber::parse(raw)
        .map(SubjectIdentifier::Resident)
        .or_else(|_| UnifiedSocialCreditCode::parse(raw).map(SubjectIdentifier::CreditCode))
        .map_err(|e| WorkflowError::from_domain(e, "subject_identifier"))
}

struct Denial {
    /// What the requester is told.
    code: &'static str,
    /// What the access log records (more precise for authorization failures).
    logged: &'static str,
    message: &'static str,
}

impl Denial {
    fn new(code: &'static str, message: &'static str) -> Denial {
        Denial { code, logged: code, message }
    }
}

pub fn query(platform: &Platform, actor: &Actor, request: QueryRequest) -> Result<QueryAnswer, WorkflowError> {
    actor.require(&[Role::Requester])?;
    let organization_id = actor.organization()?.to_owned();
    let query_id = crate::storage::new_row_id();
    let mut access = Access::query(platform, actor, &query_id, &request.purpose, request.authorization_id.as_deref());
    let identifier = match parse_any(&request.subject_identifier) {
        Ok(identifier) => identifier,
        Err(error) => {
            access_log::record(platform, access.denied("invalid_identifier"))?;
            return Err(error);
        }
    };
    let mut conn = platform.db.get()?;
    let index = subjects::identifier_index(platform, &identifier);
    let found = records::disclosable_by_index(&mut conn, &index)?;
    let subject_id = found.as_ref().map(|f| f.subject_id.clone());
    access.subject_id = subject_id.clone();
    let decided = decide(&mut conn, platform, &organization_id, &request, subject_id.as_deref());
    drop(conn);
    let purpose = match decided {
        Ok(purpose) => purpose,
        Err(denial) => {
            access_log::record(platform, access.denied(denial.logged))?;
            return Err(WorkflowError::forbidden(denial.code, denial.message));
        }
    };
    access.hide_from_subject_for_days(purpose.subject_view_delay_days);
    let kind = found.as_ref().and_then(|f| f.kind.parse().ok()).unwrap_or(identifier.kind_hint());
    let records = match found {
        Some(found) if found.key.wrapped.is_some() => {
            let cipher = platform.keys.cipher_for(&found.key)?;
            disclose(platform, purpose, &cipher, found.records)?
        }
        // A shredded subject has nothing left to disclose.
        _ => Vec::new(),
    };
    access.record_ids = records.iter().map(|r| r.id.clone()).collect();
    access.fields = disclosed_fields(&records);
    // Durable before the answer leaves: an error here is a 503 and the records are dropped.
    access_log::record(platform, access.allowed())?;
    Ok(QueryAnswer { query_id, subject: SubjectView { id: subject_id, kind }, records })
}

/// A purpose the requester's organization may declare, as a query form offers it.
pub struct PurposeChoice {
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    pub requires_authorization: bool,
}

/// The purposes on the closed list that organizations of the requester's kind may declare
/// (requesters only). Reading the list discloses nothing, so it is not an access-log entry.
pub fn purposes_for(platform: &Platform, actor: &Actor) -> Result<Vec<PurposeChoice>, WorkflowError> {
    actor.require(&[Role::Requester])?;
    let kind = platform.organization_kind(&mut *platform.db.get()?, actor.organization()?)?;
    Ok(platform
        .policies
        .purposes
        .iter()
        .filter(|p| p.allows_organization(kind))
        .map(|p| PurposeChoice {
            code: p.code.clone(),
            name_zh: p.names.zh.clone(),
            name_en: p.names.en.clone(),
            requires_authorization: p.requires_authorization,
        })
        .collect())
}

fn decide<'p>(
    conn: &mut AnyConnection,
    platform: &'p Platform,
    organization_id: &str,
    request: &QueryRequest,
    subject_id: Option<&str>,
) -> Result<&'p Purpose, Denial> {
    let kind = platform
        .organization_kind(conn, organization_id)
        .map_err(|_| Denial::new("internal_error", "the query could not be decided"))?;
    let purpose = platform.policies.purposes.decide(&request.purpose, kind).map_err(|refusal| match refusal.code {
        "unknown_purpose" => Denial::new("unknown_purpose", "this purpose is not on the closed list"),
        _ => Denial::new("purpose_not_allowed", "organizations of this kind may not query for this purpose"),
    })?;
    if !purpose.requires_authorization {
        return Ok(purpose);
    }
    let Some(authorization_id) = request.authorization_id.as_deref() else {
        return Err(Denial::new("authorization_required", "this purpose needs the subject's authorization"));
    };
    // Expired, revoked, another grantee's, another purpose's or another subject's: one code,
    // so the answer does not tell a requester which of its guesses was close.
    let invalid = || Denial::new("authorization_invalid", "the authorization does not cover this query");
    let grant = grants::find(conn, authorization_id)
        .ok()
        .flatten()
        .ok_or(Denial { logged: "authorization_unknown", ..invalid() })?;
    let today = platform.clock.today().to_string();
    let subject_id = subject_id.ok_or(Denial { logged: "authorization_unknown_subject", ..invalid() })?;
    match authorizations::invalid_reason(&grant, subject_id, organization_id, &purpose.code, &today) {
        None => Ok(purpose),
        Some(reason) => Err(Denial { logged: reason, ..invalid() }),
    }
}

/// Decrypts exactly the fields the purpose allows of the records it may see: the other cells
/// were loaded with them but are never opened.
fn disclose(
    platform: &Platform,
    purpose: &Purpose,
    cipher: &CellCipher,
    loaded: Vec<ActiveRecord>,
) -> Result<Vec<DisclosedRecord>, WorkflowError> {
    let today = platform.clock.today().to_string();
    let visible = |r: &RecordRow| {
        r.disclose_until.as_deref().is_none_or(|until| until >= today.as_str())
            && r.category.parse().is_ok_and(|c| purpose.allows_category(c))
            && r.disclosure_level.parse().is_ok_and(|l| purpose.allows_disclosure(l))
            && purpose.allows_record_type(&r.record_type)
    };
    let mut out: Vec<DisclosedRecord> = Vec::new();
    for ActiveRecord { row, cells, statement } in loaded {
        if !visible(&row) {
            continue;
        }
        let fields = super::record_cells::open(cipher, &row.current_version_id, cells.as_deref(), |name| {
            purpose.allows_field(&row.record_type, name)
        })?;
        // The subject's statement goes with the record in every disclosure.
        let statement = statement.map(|cell| super::record_statement::open(cipher, &row.id, &cell)).transpose()?;
        out.push(DisclosedRecord {
            id: row.id,
            record_type: row.record_type,
            category: row.category,
            version: row.current_version,
            status: row.status,
            disputed: row.disputed,
            fields,
            statement,
        });
    }
    Ok(out)
}

fn disclosed_fields(records: &[DisclosedRecord]) -> Vec<String> {
    let mut names: Vec<String> =
        records.iter().flat_map(|r| r.fields.keys().map(|k| format!("{}.{k}", r.record_type))).collect();
    names.sort();
    names.dedup();
    names
}
