//! Typed messages. Each message is a struct holding exactly what its text needs; it renders a
//! subject line and a plain-text body in zh-CN or English from its four templates in
//! `templates/email/<kind>/{subject,body}.{zh,en}.txt` (askama, checked at compile time: a
//! template naming a missing field does not build).
//!
//! What a message may carry: reference ids, dates, record type names, the reasons a provider
//! or officer gave, field *names*. Never a record's field values or a subject's identifier:
//! e-mail crosses networks we do not control, so it says what happened and where to look.

mod oversight;
mod subject;

pub use oversight::{
    CheckpointCreated, DeadlineBreached, DeadlineReminder, NewObjectionForProvider, QueryVolumeAlert, RecordChange,
    RecordCorrectedForRecipient, ReviewOverdue, ReviewReminder,
};
pub use subject::{
    ClockPaused, ObjectionAccepted, ObjectionDecided, ObjectionExtended, ObjectionIncomplete, ObjectionReceived,
    ReviewDecided, ReviewRequested,
};

use super::NotifyError;

/// The language a message is rendered in; zh-CN is the platform's default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Locale {
    #[default]
    ZhCn,
    En,
}

impl Locale {
    pub fn as_str(self) -> &'static str {
        match self {
            Locale::ZhCn => "zh-CN",
            Locale::En => "en",
        }
    }

    /// Reads a stored or requested locale; anything not English is the default, zh-CN.
    pub fn parse_or_default(value: &str) -> Locale {
        if value.trim().to_ascii_lowercase().starts_with("en") { Locale::En } else { Locale::ZhCn }
    }
}

/// A rendered message: a one-line subject and a plain-text body.
#[derive(Clone, PartialEq, Eq)]
pub struct Rendered {
    pub subject: String,
    pub body: String,
}

impl Rendered {
    /// The subject is folded onto one line: a template's line break must not become a second
    /// header line.
    pub fn new(subject: &str, body: String) -> Rendered {
        Rendered { subject: subject.split_whitespace().collect::<Vec<_>>().join(" "), body }
    }
}

/// Debug shows sizes only: a rendered body is personal data.
impl std::fmt::Debug for Rendered {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Rendered {{ subject: {} bytes, body: {} bytes }}", self.subject.len(), self.body.len())
    }
}

/// What every typed message can do.
pub trait Email {
    /// Stable snake_case name: the template folder and the outbox row's `kind`.
    fn kind(&self) -> &'static str;
    fn render(&self, locale: Locale) -> Result<Rendered, NotifyError>;
}

/// Declares a message's templates: an askama enum with one variant per (part, language), each
/// holding the message as `m`, and the `Email` impl choosing between them. The four paths are
/// spelled out (askama needs literal paths) so each template file can be found by grep.
macro_rules! email {
    ($msg:ident, $kind:literal, $texts:ident, $subject_zh:tt, $subject_en:tt, $body_zh:tt, $body_en:tt) => {
        #[derive(askama::Template)]
        enum $texts<'a> {
            #[template(path = $subject_zh)]
            SubjectZh { m: &'a $msg },
            #[template(path = $subject_en)]
            SubjectEn { m: &'a $msg },
            #[template(path = $body_zh)]
            BodyZh { m: &'a $msg },
            #[template(path = $body_en)]
            BodyEn { m: &'a $msg },
        }

        impl $crate::notify::message::Email for $msg {
            fn kind(&self) -> &'static str {
                $kind
            }

            fn render(
                &self,
                locale: $crate::notify::message::Locale,
            ) -> Result<$crate::notify::message::Rendered, $crate::notify::NotifyError> {
                use askama::Template as _;
                let (subject, body) = match locale {
                    $crate::notify::message::Locale::ZhCn => {
                        ($texts::SubjectZh { m: self }, $texts::BodyZh { m: self })
                    }
                    $crate::notify::message::Locale::En => ($texts::SubjectEn { m: self }, $texts::BodyEn { m: self }),
                };
                Ok($crate::notify::message::Rendered::new(&subject.render()?, body.render()?))
            }
        }
    };
}
pub(crate) use email;

/// The provider's decision in words, for the templates.
pub(crate) fn outcome_label(outcome: crate::domain::objection::Outcome, locale: Locale) -> &'static str {
    use crate::domain::objection::Outcome as O;
    match (outcome, locale) {
        (O::Upheld, Locale::ZhCn) => "维持原信息（异议不成立）",
        (O::Corrected, Locale::ZhCn) => "更正信息",
        (O::WithdrawnEntry, Locale::ZhCn) => "撤销该条信息",
        (O::Unverifiable, Locale::ZhCn) => "无法核实（信息附加永久标注）",
        (O::Upheld, Locale::En) => "the entry stands (objection not granted)",
        (O::Corrected, Locale::En) => "the entry is corrected",
        (O::WithdrawnEntry, Locale::En) => "the entry is withdrawn",
        (O::Unverifiable, Locale::En) => "unverifiable (the entry carries a permanent annotation)",
    }
}

#[cfg(test)]
mod tests;
