//! Words for the platform's codes on the portal's pages: organization kinds, record categories
//! and statuses, version changes, objection statuses and events. The JSON API keeps the codes;
//! a person reading a page gets words in the page language.
//!
//! One table serves every vocabulary: where two vocabularies share a code (`corrected`,
//! `withdrawn`, `active`, ...) they mean the same thing to the reader. A code missing from the
//! table is shown as it is, so a new code is never hidden.

use super::text::Lang;

/// (code, zh-CN, en)
const LABELS: &[(&str, &str, &str)] = &[
    // Organization kinds
    ("administrative_organ", "行政机关", "administrative organ"),
    ("judicial_organ", "司法机关", "judicial organ"),
    ("public_service_organization", "公共服务机构", "public service organization"),
    ("financial_institution", "金融机构", "financial institution"),
    ("credit_service_institution", "信用服务机构", "credit service institution"),
    ("association", "行业协会商会", "trade association"),
    ("enterprise", "企业", "enterprise"),
    // Record categories
    ("basic", "基础信息", "basic information"),
    ("good", "守信激励信息", "good conduct"),
    ("adverse", "失信信息", "adverse record"),
    ("serious_dishonesty", "严重失信主体名单信息", "serious dishonesty"),
    // Record statuses and version changes
    ("active", "有效", "active"),
    ("expired", "已过公示期", "past its disclosure period"),
    ("revoked", "已撤销", "revoked"),
    ("withdrawn", "已撤回", "withdrawn"),
    ("submitted", "已报送", "submitted"),
    ("corrected", "已更正", "corrected"),
    // Objection statuses
    ("incomplete", "待补正", "incomplete"),
    ("accepted", "已受理", "accepted"),
    ("with_provider", "提供单位核查中", "with the provider"),
    ("overdue", "提供单位逾期未处理", "overdue"),
    ("review_requested", "已申请复核", "review requested"),
    ("review_decided", "复核已决定", "review decided"),
    // Objection events
    ("filed", "提出异议", "filed"),
    ("reminder", "提醒提供单位", "provider reminded"),
    ("review_reminder", "提醒复核人员", "officers reminded of the re-review"),
    ("review_overdue", "复核超期", "re-review past its due date"),
    ("pause_clock", "期限顺延（检验、鉴定等不计入）", "clock paused (not counted)"),
    ("accept", "受理", "accepted"),
    ("mark_incomplete", "要求补正", "asked for more"),
    ("resubmit", "补正后重新提交", "resubmitted"),
    ("forward", "转交提供单位", "forwarded to the provider"),
    ("extend", "延长期限", "deadline extended"),
    ("miss_deadline", "逾期", "deadline missed"),
    ("decide", "作出处理决定", "decided"),
    ("request_review", "申请复核", "review requested"),
    ("decide_review", "作出复核决定", "review decided"),
    ("withdraw", "撤回异议", "withdrawn by the subject"),
    // Objection outcomes
    ("upheld", "维持原记录", "record upheld"),
    ("withdrawn_entry", "撤回该记录", "record withdrawn"),
    ("unverifiable", "无法核实", "could not be verified"),
];

/// The word for `code` in `lang`, or the code itself when the table does not know it.
pub fn label(lang: Lang, code: &str) -> String {
    LABELS
        .iter()
        .find(|(known, _, _)| *known == code)
        .map(|(_, zh, en)| if lang == Lang::En { *en } else { *zh })
        .unwrap_or(code)
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{OrganizationKind, RecordCategory};

    #[test]
    fn every_organization_kind_and_category_has_words_and_unknown_codes_show_as_they_are() {
        let codes =
            OrganizationKind::ALL.iter().map(|k| k.as_str()).chain(RecordCategory::ALL.iter().map(|c| c.as_str()));
        for code in codes {
            assert!(LABELS.iter().any(|(known, _, _)| *known == code), "{code} has no words");
        }
        assert_eq!(label(Lang::ZhCn, "financial_institution"), "金融机构");
        assert_eq!(label(Lang::En, "with_provider"), "with the provider");
        assert_eq!(label(Lang::ZhCn, "a_new_code"), "a_new_code");
    }

    #[test]
    fn codes_appear_once() {
        let mut codes: Vec<&str> = LABELS.iter().map(|(c, _, _)| *c).collect();
        codes.sort_unstable();
        let before = codes.len();
        codes.dedup();
        assert_eq!(codes.len(), before, "a code is listed twice");
    }
}
