//! What providers, past recipients and officers hear: a new objection to answer, the reminder
//! one working day before the deadline, the breach, a corrected or withdrawn record they
//! received, and a new signed checkpoint of the access log.

use super::{Locale, email};
use crate::domain::objection::ObjectionGround;
use chrono::NaiveDate;

/// To the provider: an objection against one of its records, to decide by `due_on`.
#[derive(Debug, Clone)]
pub struct NewObjectionForProvider {
    pub objection_id: String,
    pub record_id: String,
    pub record_type: String,
    pub ground: ObjectionGround,
    /// Names of the disputed fields (never their values).
    pub fields: Vec<String>,
    pub due_on: NaiveDate,
}

/// To the provider: the decision is due at the end of `due_on`.
#[derive(Debug, Clone)]
pub struct DeadlineReminder {
    pub objection_id: String,
    pub record_id: String,
    pub due_on: NaiveDate,
}

/// To the officers: a re-review they must decide is due at the end of `due_on`.
#[derive(Debug, Clone)]
pub struct ReviewReminder {
    pub objection_id: String,
    pub record_id: String,
    pub due_on: NaiveDate,
}

/// To the officers and the subject: a re-review passed its due date undecided.
#[derive(Debug, Clone)]
pub struct ReviewOverdue {
    pub objection_id: String,
    pub record_id: String,
    pub due_on: NaiveDate,
}

/// To the provider and the officers: the deadline passed without a decision.
#[derive(Debug, Clone)]
pub struct DeadlineBreached {
    pub objection_id: String,
    pub record_id: String,
    /// The provider organization's name (organizations are not personal data).
    pub provider: String,
    pub due_on: NaiveDate,
    /// Whether the record is now withheld from queries until decided (workflow.toml).
    pub suppressed: bool,
}

/// What happened to a record a requester received earlier.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordChange {
    Corrected {
        new_version: i32,
    },
    Withdrawn,
    /// Found unverifiable after an objection; `withheld` when no longer disclosed.
    Unverifiable {
        withheld: bool,
    },
}

/// To every requester that received the record: it was corrected, withdrawn or found
/// unverifiable.
#[derive(Debug, Clone)]
pub struct RecordCorrectedForRecipient {
    pub record_id: String,
    pub record_type: String,
    pub change: RecordChange,
    pub changed_on: NaiveDate,
    /// When this recipient's organization last received the record.
    pub received_on: NaiveDate,
}

/// To the officers: a signed checkpoint of the access log, checkable with the public key.
#[derive(Debug, Clone)]
pub struct CheckpointCreated {
    pub size: u64,
    pub head_mac_hex: String,
    pub signature_hex: String,
    pub public_key_hex: String,
    /// RFC 3339 UTC.
    pub created_at: String,
}

/// To the officers: one organization queried more than the hourly threshold in a clock
/// hour. Names the organization and counts, never whom it queried.
#[derive(Debug, Clone)]
pub struct QueryVolumeAlert {
    pub organization: String,
    pub organization_id: String,
    pub queries: i64,
    pub threshold: i64,
    /// RFC 3339 UTC, the hour's start and end.
    pub from: String,
    pub to: String,
}

impl NewObjectionForProvider {
    pub fn ground_zh(&self) -> &'static str {
        ground_label(self.ground, Locale::ZhCn)
    }
    pub fn ground_en(&self) -> &'static str {
        ground_label(self.ground, Locale::En)
    }
    pub fn field_list(&self) -> String {
        self.fields.join(", ")
    }
}

impl RecordCorrectedForRecipient {
    /// The new version, when the record was corrected; None when withdrawn.
    pub fn new_version(&self) -> Option<i32> {
        match self.change {
            RecordChange::Corrected { new_version } => Some(new_version),
            RecordChange::Withdrawn | RecordChange::Unverifiable { .. } => None,
        }
    }

    /// Whether the record was found unverifiable, and then whether it is withheld.
    pub fn unverifiable(&self) -> Option<bool> {
        match self.change {
            RecordChange::Unverifiable { withheld } => Some(withheld),
            _ => None,
        }
    }
}

fn ground_label(ground: ObjectionGround, locale: Locale) -> &'static str {
    use ObjectionGround as G;
    match (ground, locale) {
        (G::ErrorOrOmission, Locale::ZhCn) => "信息存在错误或遗漏",
        (G::InfringesRights, Locale::ZhCn) => "侵犯商业秘密、个人隐私或其他合法权益",
        (G::PastDisclosurePeriod, Locale::ZhCn) => "超过公开期限仍在公开",
        (G::WronglyListed, Locale::ZhCn) => "不符合列入或移出严重失信主体名单的条件",
        (G::OtherBreachOfLaw, Locale::ZhCn) => "其他违反法律法规的情形",
        (G::ErrorOrOmission, Locale::En) => "error or omission in the entry",
        (G::InfringesRights, Locale::En) => "infringes business secrets, privacy or other rights",
        (G::PastDisclosurePeriod, Locale::En) => "still disclosed after its disclosure period",
        (G::WronglyListed, Locale::En) => "wrongly listed on, or not removed from, the serious-dishonesty list",
        (G::OtherBreachOfLaw, Locale::En) => "other breach of laws or regulations",
    }
}

email!(
    NewObjectionForProvider,
    "new_objection_for_provider",
    NewObjectionForProviderText,
    "email/new_objection_for_provider/subject.zh.txt",
    "email/new_objection_for_provider/subject.en.txt",
    "email/new_objection_for_provider/body.zh.txt",
    "email/new_objection_for_provider/body.en.txt"
);
email!(
    DeadlineReminder,
    "deadline_reminder",
    DeadlineReminderText,
    "email/deadline_reminder/subject.zh.txt",
    "email/deadline_reminder/subject.en.txt",
    "email/deadline_reminder/body.zh.txt",
    "email/deadline_reminder/body.en.txt"
);
email!(
    ReviewReminder,
    "review_reminder",
    ReviewReminderText,
    "email/review_reminder/subject.zh.txt",
    "email/review_reminder/subject.en.txt",
    "email/review_reminder/body.zh.txt",
    "email/review_reminder/body.en.txt"
);
email!(
    ReviewOverdue,
    "review_overdue",
    ReviewOverdueText,
    "email/review_overdue/subject.zh.txt",
    "email/review_overdue/subject.en.txt",
    "email/review_overdue/body.zh.txt",
    "email/review_overdue/body.en.txt"
);
email!(
    DeadlineBreached,
    "deadline_breached",
    DeadlineBreachedText,
    "email/deadline_breached/subject.zh.txt",
    "email/deadline_breached/subject.en.txt",
    "email/deadline_breached/body.zh.txt",
    "email/deadline_breached/body.en.txt"
);
email!(
    RecordCorrectedForRecipient,
    "record_corrected_for_recipient",
    RecordCorrectedForRecipientText,
    "email/record_corrected_for_recipient/subject.zh.txt",
    "email/record_corrected_for_recipient/subject.en.txt",
    "email/record_corrected_for_recipient/body.zh.txt",
    "email/record_corrected_for_recipient/body.en.txt"
);
email!(
    CheckpointCreated,
    "checkpoint_created",
    CheckpointCreatedText,
    "email/checkpoint_created/subject.zh.txt",
    "email/checkpoint_created/subject.en.txt",
    "email/checkpoint_created/body.zh.txt",
    "email/checkpoint_created/body.en.txt"
);
email!(
    QueryVolumeAlert,
    "query_volume_alert",
    QueryVolumeAlertText,
    "email/query_volume_alert/subject.zh.txt",
    "email/query_volume_alert/subject.en.txt",
    "email/query_volume_alert/body.zh.txt",
    "email/query_volume_alert/body.en.txt"
);
