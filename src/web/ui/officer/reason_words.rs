//! Words for the reason codes of access-log entries on the officers' review page: why a query
//! or a step was refused (`purpose_not_allowed`, `authorization_expired`, `four_eyes_required`,
//! ...) and what an allowed change was (`account_created`, `authorization_granted`, ...), in
//! zh-CN and English. The codes are the ones the workflow writes with `NewEntry::reason`,
//! `Access::denied` and `query_subject`'s `Denial` (the `logged` code, which names the precise
//! cause), and `bulk_export::refuse` (the refusal's `WorkflowError::code`).
//!
//! An objection's entries carry `<event>:<objection id>`: the event gets the words the
//! objection timelines use (`ui::labels`), `objection:<id>` (a read of the objection) its own.
//!
//! Contract: words only. The page keeps the code visible beside them (officers cross-check
//! the CSV export and the JSON API, which stay codes), and a code without words (a new one, an
//! old entry's) answers `None`, so the page shows the code alone and nothing is hidden.

use super::super::labels::label;
use super::super::text::Lang;

/// (code, zh-CN, en)
const REASONS: &[(&str, &str, &str)] = &[
    // A requester's query refused (`query_subject`)
    ("invalid_identifier", "证件号码无效", "invalid identifier"),
    ("unknown_purpose", "查询目的不在目录内", "purpose not on the closed list"),
    ("purpose_not_allowed", "该类单位不得以此目的查询", "purpose not allowed for this kind of organization"),
    ("authorization_required", "此目的须经信息主体授权", "the subject's authorization is required"),
    ("authorization_invalid", "授权不适用于本次查询", "the authorization does not cover this query"),
    ("authorization_unknown", "授权不存在", "no such authorization"),
    ("authorization_unknown_subject", "信息主体不在库中，授权无从核对", "unknown subject: no authorization can apply"),
    ("authorization_other_subject", "授权属于其他信息主体", "the authorization is another subject's"),
    ("authorization_other_grantee", "授权给予的是其他单位", "the authorization was granted to another organization"),
    ("authorization_other_purpose", "授权用于其他查询目的", "the authorization is for another purpose"),
    ("authorization_revoked", "授权已撤销", "authorization revoked"),
    ("authorization_expired", "授权已过期", "authorization expired"),
    ("internal_error", "系统内部错误", "internal error"),
    // Officers' steps refused (`audit_review`, `bulk_export`)
    ("forbidden_role", "该账号角色无此权限", "the account's role may not do this"),
    ("export_approval_required", "批量导出须经另一名监管人员批准", "a bulk export needs a second officer's approval"),
    ("four_eyes_required", "须由申请人以外的监管人员批准", "must be approved by an officer other than the asker"),
    ("already_approved", "该导出申请已获批准", "the export was already approved"),
    ("not_requester", "仅申请人可下载导出文件", "only the asker can take the file"),
    ("export_taken", "导出文件已被下载", "the file was already taken"),
    ("export_not_approved", "导出申请尚未获批准", "the export is not approved yet"),
    ("approval_expired", "批准已过期", "the approval has expired"),
    ("not_found", "所指对象不存在", "not found"),
    // Verification by the operator (`audit_integrity`)
    ("chain_intact", "日志链完整", "the chain is intact"),
    ("chain_broken", "日志链已被破坏", "the chain is broken"),
    // Allowed changes
    ("authorization_granted", "授权已授予", "authorization granted"),
    ("organization_created", "新建单位", "organization created"),
    ("account_created", "新建账号", "account created"),
    ("account_disabled", "停用账号", "account disabled"),
    ("machine_token_issued", "签发接口令牌", "machine token issued"),
    ("master_key_rewrapped", "主密钥轮换，数据密钥已重新封装", "data keys re-wrapped under the new master key"),
    ("subject_shredded", "信息主体的数据密钥已销毁（加密删除）", "the subject's data key destroyed (crypto-shredding)"),
    ("backup", "数据库备份", "database backup"),
    // `objection:<id>`: an objection and its record read
    ("objection", "查阅异议", "objection read"),
];

/// The words for a reason `code` in `lang`, or `None` when there are none.
pub(super) fn reason_words(lang: Lang, code: &str) -> Option<String> {
    if let Some(words) = known(lang, code) {
        return Some(words.to_owned());
    }
    // `<event>:<objection id>`; the id stays in the code shown beside the words.
    let (kind, _id) = code.split_once(':')?;
    if let Some(words) = known(lang, kind) {
        return Some(words.to_owned());
    }
    let words = label(lang, kind);
    (words != kind).then_some(words)
}

fn known(lang: Lang, code: &str) -> Option<&'static str> {
    REASONS.iter().find(|(known, _, _)| *known == code).map(|(_, zh, en)| if lang == Lang::En { *en } else { *zh })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_have_words_in_both_languages_and_unknown_codes_have_none() {
        assert_eq!(reason_words(Lang::ZhCn, "purpose_not_allowed").as_deref(), Some("该类单位不得以此目的查询"));
        assert_eq!(
            reason_words(Lang::En, "four_eyes_required").as_deref(),
            Some("must be approved by an officer other than the asker")
        );
        assert_eq!(reason_words(Lang::ZhCn, "a_new_code"), None);
        assert_eq!(reason_words(Lang::En, "a_new_code:123"), None);
        assert_eq!(reason_words(Lang::En, ""), None);
        for (code, zh, en) in REASONS {
            assert!(!zh.is_empty() && !en.is_empty() && !code.contains(':'), "{code}");
        }
    }

    #[test]
    fn an_objections_entry_reads_as_its_event() {
        assert_eq!(reason_words(Lang::ZhCn, "filed:01HX").as_deref(), Some("提出异议"));
        assert_eq!(reason_words(Lang::En, "miss_deadline:01HX").as_deref(), Some("deadline missed"));
        assert_eq!(reason_words(Lang::En, "objection:01HX").as_deref(), Some("objection read"));
    }

    #[test]
    fn codes_appear_once() {
        let mut codes: Vec<&str> = REASONS.iter().map(|(c, _, _)| *c).collect();
        codes.sort_unstable();
        let before = codes.len();
        codes.dedup();
        assert_eq!(codes.len(), before, "a code is listed twice");
    }
}
