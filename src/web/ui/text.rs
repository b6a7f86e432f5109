//! The portal's words, in one table per language (zh-CN is the default, `?lang=en` switches).
//!
//! Contract: every visible string of the subject portal lives here, so a template never holds
//! prose; a page takes `t: &'static Text` and prints its fields (askama escapes them anyway).
//! The formal report pages' own words are in `reports/text.rs` (their nav entry is here).

/// A page language.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    ZhCn,
    En,
}

impl Lang {
    /// `en` or `zh`/`zh-CN` (any case); anything else is not a language we speak.
    pub fn parse(raw: &str) -> Option<Lang> {
        match raw.trim().to_ascii_lowercase().as_str() {
            "en" | "en-us" | "en-gb" => Some(Lang::En),
            "zh" | "zh-cn" | "zh-hans" => Some(Lang::ZhCn),
            _ => None,
        }
    }

    /// The value of the `lang` attribute and of the `lang` cookie.
    pub fn code(self) -> &'static str {
        match self {
            Lang::ZhCn => "zh-CN",
            Lang::En => "en",
        }
    }

    pub fn text(self) -> &'static Text {
        match self {
            Lang::ZhCn => &ZH_CN,
            Lang::En => &EN,
        }
    }
}

pub struct Text {
    pub site: &'static str,
    pub switch_label: &'static str,
    pub switch_code: &'static str,
    pub login_title: &'static str,
    pub email: &'static str,
    pub password: &'static str,
    pub submit_login: &'static str,
    pub bad_credentials: &'static str,
    pub throttled: &'static str,
    pub failed: &'static str,
    pub expired_form: &'static str,
    pub records_title: &'static str,
    pub download_records: &'static str,
    pub access_log_title: &'static str,
    pub reports_title: &'static str,
    pub logout: &'static str,
    pub home: &'static str,
    pub no_records: &'static str,
    pub no_accesses: &'static str,
    pub record_type: &'static str,
    pub category: &'static str,
    pub status: &'static str,
    pub disputed: &'static str,
    pub disclose_until: &'static str,
    pub provider: &'static str,
    pub statement: &'static str,
    pub version: &'static str,
    pub change: &'static str,
    pub at: &'static str,
    pub reason: &'static str,
    pub source_document: &'static str,
    pub field: &'static str,
    pub value: &'static str,
    pub yes: &'static str,
    pub no: &'static str,
    pub organization: &'static str,
    pub organization_kind: &'static str,
    pub purpose: &'static str,
    pub fields: &'static str,
    pub decision: &'static str,
    pub allowed: &'static str,
    pub denied: &'static str,
    pub platform: &'static str,
    pub wrong_role_title: &'static str,
    pub wrong_role: &'static str,
    pub forbidden_title: &'static str,
    pub error_title: &'static str,
    pub nav: &'static str,
    pub action_refused_title: &'static str,
    pub done_granted: &'static str,
    pub done_revoked: &'static str,
    pub done_filed: &'static str,
    pub done_withdrawn: &'static str,
    pub done_statement: &'static str,
    pub authorizations_title: &'static str,
    pub no_authorizations: &'static str,
    pub valid_until: &'static str,
    pub revoke: &'static str,
    pub grant_title: &'static str,
    pub grant: &'static str,
    pub organization_id: &'static str,
    pub authorization_active: &'static str,
    pub authorization_expired: &'static str,
    pub authorization_revoked: &'static str,
    pub objections_title: &'static str,
    pub no_objections: &'static str,
    pub file_objection_title: &'static str,
    pub ground: &'static str,
    pub disputed_fields: &'static str,
    pub objection_statement: &'static str,
    pub file_objection: &'static str,
    pub statement_form_title: &'static str,
    pub save_statement: &'static str,
    pub filed_on: &'static str,
    pub due_on: &'static str,
    pub days_left: &'static str,
    pub timeline: &'static str,
    pub event: &'static str,
    pub withdraw: &'static str,
    /// Objection grounds: (code as in `ObjectionGround`, label), in `ObjectionGround::ALL` order.
    pub grounds: &'static [(&'static str, &'static str)],
}

pub static ZH_CN: Text = Text {
    site: "公共信用信息平台",
    switch_label: "English",
    switch_code: "en",
    login_title: "登录",
    email: "电子邮箱",
    password: "密码",
    submit_login: "登录",
    bad_credentials: "登录失败：电子邮箱或密码不正确。",
    throttled: "尝试次数过多，请稍后再试。",
    failed: "暂时无法完成请求，请稍后再试。",
    expired_form: "页面已过期，请重新打开后再提交。",
    records_title: "我的信用记录",
    download_records: "下载我的全部记录（JSON 文件，免费）",
    access_log_title: "查询记录（谁查看了我的信息）",
    reports_title: "我的信用报告",
    logout: "退出登录",
    home: "首页",
    no_records: "暂无记录。",
    no_accesses: "暂无他人查询记录。",
    record_type: "信息类型",
    category: "类别",
    status: "状态",
    disputed: "异议中",
    disclose_until: "公示截止",
    provider: "提供单位",
    statement: "本人声明",
    version: "版本",
    change: "变更",
    at: "时间",
    reason: "原因",
    source_document: "来源文书",
    field: "字段",
    value: "内容",
    yes: "是",
    no: "否",
    organization: "查询单位",
    organization_kind: "单位类型",
    purpose: "查询目的",
    fields: "查询字段",
    decision: "结果",
    allowed: "准予",
    denied: "拒绝",
    platform: "平台",
    wrong_role_title: "无权访问此页面",
    wrong_role: "此页面属于其他角色的门户。请从“首页”进入您自己的页面。",
    forbidden_title: "请求被拒绝",
    error_title: "出错了",
    nav: "导航",
    action_refused_title: "未能完成操作",
    done_granted: "已授权。",
    done_revoked: "已撤销授权。",
    done_filed: "异议已提交。",
    done_withdrawn: "异议已撤回。",
    done_statement: "声明已保存。",
    authorizations_title: "我的查询授权",
    no_authorizations: "暂无授权。",
    valid_until: "有效期至",
    revoke: "撤销",
    grant_title: "新增授权",
    grant: "授权",
    organization_id: "单位编号",
    authorization_active: "有效",
    authorization_expired: "已过期",
    authorization_revoked: "已撤销",
    objections_title: "我的异议",
    no_objections: "暂无异议。",
    file_objection_title: "提出异议",
    ground: "异议理由",
    disputed_fields: "有异议的字段",
    objection_statement: "异议说明",
    file_objection: "提交异议",
    statement_form_title: "添加或更新本人声明",
    save_statement: "保存声明",
    filed_on: "提交日期",
    due_on: "办理期限",
    days_left: "剩余工作日",
    timeline: "办理进程",
    event: "事项",
    withdraw: "撤回异议",
    grounds: &[
        ("error_or_omission", "信息有错误或遗漏"),
        ("infringes_rights", "侵犯商业秘密、个人隐私或其他合法权益"),
        ("past_disclosure_period", "超过公示期限仍在公示"),
        ("wrongly_listed", "不符合条件被列入严重失信名单，或应移出未移出"),
        ("other_breach_of_law", "其他违反法律法规的情形"),
    ],
};

pub static EN: Text = Text {
    site: "Public Credit Information Platform",
    switch_label: "中文",
    switch_code: "zh-CN",
    login_title: "Sign in",
    email: "E-mail",
    password: "Password",
    submit_login: "Sign in",
    bad_credentials: "Sign-in failed: the e-mail address or the password is not correct.",
    throttled: "Too many attempts. Please try again later.",
    failed: "The request could not be completed. Please try again later.",
    expired_form: "This page has expired. Please open it again and resubmit.",
    records_title: "My credit records",
    download_records: "Download all my records (a JSON file, free)",
    access_log_title: "Access log (who looked at my data)",
    reports_title: "My credit reports",
    logout: "Sign out",
    home: "Home",
    no_records: "No records.",
    no_accesses: "Nobody else has accessed your data.",
    record_type: "Record type",
    category: "Category",
    status: "Status",
    disputed: "Disputed",
    disclose_until: "Disclosed until",
    provider: "Provider",
    statement: "My statement",
    version: "Version",
    change: "Change",
    at: "Time",
    reason: "Reason",
    source_document: "Source document",
    field: "Field",
    value: "Value",
    yes: "yes",
    no: "no",
    organization: "Organization",
    organization_kind: "Kind",
    purpose: "Purpose",
    fields: "Fields",
    decision: "Decision",
    allowed: "allowed",
    denied: "denied",
    platform: "the platform",
    wrong_role_title: "Not your page",
    wrong_role: "This page belongs to another role's portal. Start from the home page to reach your own.",
    forbidden_title: "Request refused",
    error_title: "Something went wrong",
    nav: "Navigation",
    action_refused_title: "The action was refused",
    done_granted: "Authorization granted.",
    done_revoked: "Authorization revoked.",
    done_filed: "Objection filed.",
    done_withdrawn: "Objection withdrawn.",
    done_statement: "Statement saved.",
    authorizations_title: "My query authorizations",
    no_authorizations: "No authorizations.",
    valid_until: "Valid until",
    revoke: "Revoke",
    grant_title: "Grant an authorization",
    grant: "Grant",
    organization_id: "Organization ID",
    authorization_active: "active",
    authorization_expired: "expired",
    authorization_revoked: "revoked",
    objections_title: "My objections",
    no_objections: "No objections.",
    file_objection_title: "File an objection",
    ground: "Ground",
    disputed_fields: "Disputed fields",
    objection_statement: "Statement of the objection",
    file_objection: "File objection",
    statement_form_title: "Add or replace my statement",
    save_statement: "Save statement",
    filed_on: "Filed on",
    due_on: "Due on",
    days_left: "Working days left",
    timeline: "Timeline",
    event: "Event",
    withdraw: "Withdraw objection",
    grounds: &[
        ("error_or_omission", "The information is wrong or incomplete"),
        ("infringes_rights", "It infringes business secrets, privacy or other rights"),
        ("past_disclosure_period", "It is still disclosed after its disclosure period"),
        ("wrongly_listed", "Wrongly listed as seriously dishonest, or not removed when due"),
        ("other_breach_of_law", "Another breach of law or regulation"),
    ],
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn languages_parse_and_default_is_not_guessed() {
        assert_eq!(Lang::parse("EN"), Some(Lang::En));
        assert_eq!(Lang::parse("zh-CN"), Some(Lang::ZhCn));
        assert_eq!(Lang::parse("fr"), None);
        assert_eq!(Lang::En.text().switch_code, Lang::ZhCn.code());
        assert_eq!(Lang::ZhCn.text().switch_code, Lang::En.code());
    }

    #[test]
    fn every_objection_ground_has_a_label_in_both_languages() {
        use crate::domain::objection::ObjectionGround;
        for text in [&ZH_CN, &EN] {
            let codes: Vec<&str> = text.grounds.iter().map(|(code, _)| *code).collect();
            let all: Vec<&str> = ObjectionGround::ALL.iter().map(|g| g.as_str()).collect();
            assert_eq!(codes, all);
        }
    }
}
