//! The purpose-bound query (DESIGN §5), the platform's hot path:
//! 1. one statement finds the subject through the blind index, with its data key and its
//!    active, unsuppressed records, all still sealed;
//! 2. the purpose is on the closed list and allowed for the requester's organization kind, and
//!    a purpose that needs the subject's authorization has a live, matching one — otherwise 403
//!    with a reason code, and nothing loaded is opened;
//! 3. only records of the allowed categories, levels and types are disclosed, and of those only
//!    the fields the purpose allows are decrypted: a version's cells are one framed row, read
//!    together, but no other cell is opened (a test counts decryptions). What is disclosed is
//!    decided while everything is sealed, and opened after step 4 (`query_disclosure`);
//! 4. the access-log entry (allowed or denied) is durable before anything is returned; if it
//!    cannot be written the answer is 503 and nothing is disclosed.
//!
//! On SQLite, steps 1 and 2 and the decision of step 3 run on the access-log writer's own
//! thread and connection (`AuditLog::read_then_record`), and the answer waits there for the
//! batch that commits its entry: a pooled read paid two extra thread hand-offs and a page
//! cache emptied by every log commit, while the writer's connection stays warm. On
//! PostgreSQL the API's queries are read a batch per statement (`query_reads`), the portal's
//! on a pooled connection (`BENCHMARKS.md`, eighth session).
//!
//! A subject the platform does not know answers the same shape with no records.

use super::access_log::Access;
use super::query_disclosure::SealedAnswer;
use super::{Actor, Platform, WorkflowError, authorizations, login, subjects};
use crate::audit::NewEntry;
use crate::domain::identifier::{ResidentIdNumber, SubjectIdentifier, UnifiedSocialCreditCode};
use crate::domain::{Role, SubjectKind};
use crate::policy::purposes::Purpose;
use crate::storage::records::SubjectDisclosure;
use crate::storage::{AnyConnection, Backend, authorizations as grants, records};
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

/// The query for a signed-in requester (the portal; blocking: call it off the async workers).
pub fn query(platform: &Platform, actor: &Actor, request: QueryRequest) -> Result<QueryAnswer, WorkflowError> {
    let (job_platform, actor) = (platform.clone(), actor.clone());
    let work = move |conn: &mut AnyConnection| answer(&job_platform, conn, &actor, request);
    match platform.db.backend() {
        Backend::Sqlite => platform.audit.read_then_record(work).wait()??.open(platform),
        Backend::Postgres => {
            let (entry, answer) = work(&mut *platform.db.get()?);
            if let Some(entry) = entry {
                platform.audit.record(entry)?;
            }
            answer?.open(platform)
        }
    }
}

/// The query for a bearer token (the API's hot path); the caller awaits the answer without
/// holding a thread while the entry is committed.
///
/// Where the read runs depends on the backend. SQLite: authentication, the read and the
/// decision run on the access-log writer's thread, whose connection keeps its page cache
/// across the log's commits (a pooled one loses it on each) and which needs no thread of its
/// own per request. PostgreSQL: a read is a round trip, so a batch of queries is read with one
/// statement on the query-reads thread (`query_reads`), and the entries go to the writer.
pub async fn query_by_token(
    platform: &Platform,
    token: String,
    request: QueryRequest,
) -> Result<QueryAnswer, WorkflowError> {
    if let Some(reads) = &platform.query_reads {
        let (entry, answer) = reads.read(platform, token, request).await;
        if let Some(entry) = entry {
            platform.audit.record_async(entry).outcome().await?;
        }
        return answer?.open(platform);
    }
    let job_platform = platform.clone();
    let work = move |conn: &mut AnyConnection| match login::authenticate(&job_platform, &token) {
        Ok(actor) => answer(&job_platform, conn, &actor, request),
        // Nothing was read: no entry.
        Err(error) => (None, Err(error)),
    };
    platform.audit.read_then_record(work).outcome().await??.open(platform)
}

/// What a query answers before anything is opened: the entry that records it (none when
/// nothing was read) and the sealed answer, which the caller opens only once that entry is
/// durable.
pub(super) type Answered = (Option<NewEntry>, Result<SealedAnswer, WorkflowError>);

/// A query before its read: who asks, the entry being built, the subject's blind index.
pub(super) struct Started {
    request: QueryRequest,
    organization_id: String,
    query_id: String,
    access: Access,
    identifier: SubjectIdentifier,
    pub index: Vec<u8>,
}

/// The whole query on `conn`.
fn answer(platform: &Platform, conn: &mut AnyConnection, actor: &Actor, request: QueryRequest) -> Answered {
    let started = match start(platform, actor, request) {
        Ok(started) => started,
        Err(answered) => return *answered,
    };
    match records::disclosable_by_index(conn, &started.index) {
        Ok(found) => finish(platform, conn, started, found),
        Err(error) => (None, Err(error.into())),
    }
}

/// Checks who asks and parses the identifier; an `Err` is already the query's answer.
pub(super) fn start(platform: &Platform, actor: &Actor, request: QueryRequest) -> Result<Started, Box<Answered>> {
    let refused = |error| Box::new((None, Err(error)));
    actor.require(&[Role::Requester]).map_err(refused)?;
    let organization_id = actor.organization().map_err(refused)?.to_owned();
    let query_id = crate::storage::new_row_id();
    let access = Access::query(platform, actor, &query_id, &request.purpose, request.authorization_id.as_deref());
    match parse_any(&request.subject_identifier) {
        Ok(identifier) => {
            let index = subjects::identifier_index(platform, &identifier);
            Ok(Started { request, organization_id, query_id, access, identifier, index: index.to_vec() })
        }
        Err(error) => Err(Box::new((Some(access.denied("invalid_identifier")), Err(error)))),
    }
}

/// The rest of the query once its subject has been read (`found`; `None` when unknown).
pub(super) fn finish(
    platform: &Platform,
    conn: &mut AnyConnection,
    started: Started,
    found: Option<SubjectDisclosure>,
) -> Answered {
    let Started { request, organization_id, query_id, mut access, identifier, .. } = started;
    let subject_id = found.as_ref().map(|f| f.subject_id.clone());
    access.subject_id = subject_id.clone();
    let purpose = match decide(conn, platform, &organization_id, &request, subject_id.as_deref()) {
        Ok(purpose) => purpose,
        Err(denial) => {
            return (Some(access.denied(denial.logged)), Err(WorkflowError::forbidden(denial.code, denial.message)));
        }
    };
    access.hide_from_subject_for_days(purpose.subject_view_delay_days);
    let kind = found.as_ref().and_then(|f| f.kind.parse().ok()).unwrap_or(identifier.kind_hint());
    let subject = SubjectView { id: subject_id, kind };
    let sealed = match SealedAnswer::decide(platform, purpose, query_id, subject, found) {
        Ok(sealed) => sealed,
        Err(error) => return (None, Err(error)),
    };
    access.record_ids = sealed.record_ids();
    access.fields = sealed.field_names();
    // The caller opens it only once the entry is durable (fail closed: 503 otherwise).
    (Some(access.allowed()), Ok(sealed))
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
