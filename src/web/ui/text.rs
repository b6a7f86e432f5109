//! The portal's words, in one table per language (zh-CN is the default, `?lang=en` switches).
//!
//! Contract: every visible string of the subject portal lives here, so a template never holds
//! prose; a page takes `t: &'static Text` and prints its fields (askama escapes them anyway).

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
    pub access_log_title: &'static str,
    pub logout: &'static str,
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
    pub subjects_only_title: &'static str,
    pub subjects_only: &'static str,
    pub forbidden_title: &'static str,
    pub error_title: &'static str,
    pub nav: &'static str,
}

pub static ZH_CN: Text = Text {
    site: "公共信用信息平台",
    switch_label: "English",
    switch_code: "en",
    login_title: "信息主体登录",
    email: "电子邮箱",
    password: "密码",
    submit_login: "登录",
    bad_credentials: "登录失败：电子邮箱或密码不正确。",
    throttled: "尝试次数过多，请稍后再试。",
    failed: "暂时无法完成请求，请稍后再试。",
    expired_form: "页面已过期，请重新打开后再提交。",
    records_title: "我的信用记录",
    access_log_title: "查询记录（谁查看了我的信息）",
    logout: "退出登录",
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
    subjects_only_title: "仅限信息主体",
    subjects_only: "本门户仅供信息主体查看本人信息。请使用您所在单位的入口。",
    forbidden_title: "请求被拒绝",
    error_title: "出错了",
    nav: "导航",
};

pub static EN: Text = Text {
    site: "Public Credit Information Platform",
    switch_label: "中文",
    switch_code: "zh-CN",
    login_title: "Subject sign-in",
    email: "E-mail",
    password: "Password",
    submit_login: "Sign in",
    bad_credentials: "Sign-in failed: the e-mail address or the password is not correct.",
    throttled: "Too many attempts. Please try again later.",
    failed: "The request could not be completed. Please try again later.",
    expired_form: "This page has expired. Please open it again and resubmit.",
    records_title: "My credit records",
    access_log_title: "Access log (who looked at my data)",
    logout: "Sign out",
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
    subjects_only_title: "For subjects only",
    subjects_only: "This portal is for data subjects to see their own records. Please use your organization's portal.",
    forbidden_title: "Request refused",
    error_title: "Something went wrong",
    nav: "Navigation",
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
}
