//! The requester portal's words, zh-CN and English, kept apart from the subject portal's
//! `ui/text.rs` (the layout's words stay there). Pages take `r: &'static RequesterText`.

use crate::web::ui::text::Lang;

pub struct RequesterText {
    pub title: &'static str,
    pub explained: &'static str,
    pub identifier: &'static str,
    pub purpose: &'static str,
    pub needs_authorization: &'static str,
    pub authorization_id: &'static str,
    pub authorization_hint: &'static str,
    pub submit: &'static str,
    pub no_purposes: &'static str,
    pub refused_title: &'static str,
    pub answer_title: &'static str,
    pub query_id: &'static str,
    pub subject_id: &'static str,
    pub unknown_subject: &'static str,
    pub no_records: &'static str,
    pub category: &'static str,
    pub version: &'static str,
    pub disputed: &'static str,
    pub statement: &'static str,
    pub field: &'static str,
    pub value: &'static str,
    pub logged: &'static str,
}

impl RequesterText {
    pub fn of(lang: Lang) -> &'static RequesterText {
        match lang {
            Lang::ZhCn => &ZH_CN,
            Lang::En => &EN,
        }
    }
}

static ZH_CN: RequesterText = RequesterText {
    title: "信用信息查询",
    explained: "请填写查询对象和法定查询目的。只显示该目的允许的记录类别和字段；每次查询（包括被拒绝的查询）都记入访问日志，信息主体可以查看。",
    identifier: "统一社会信用代码或居民身份证号码",
    purpose: "查询目的",
    needs_authorization: "需信息主体授权",
    authorization_id: "授权编号",
    authorization_hint: "（查询目的需要授权时填写）",
    submit: "查询",
    no_purposes: "本单位类型没有可用的查询目的。",
    refused_title: "查询被拒绝",
    answer_title: "查询结果",
    query_id: "查询编号",
    subject_id: "信息主体编号",
    unknown_subject: "平台没有该主体的信息。",
    no_records: "在此查询目的下没有可披露的记录。",
    category: "类别",
    version: "版本",
    disputed: "异议处理中",
    statement: "信息主体的声明",
    field: "字段",
    value: "内容",
    logged: "本次查询已记入访问日志。",
};

static EN: RequesterText = RequesterText {
    title: "Credit information query",
    explained: "Name the subject and the lawful purpose of the query. Only the record categories and fields that purpose allows are shown; every query, refused ones included, goes into the access log, which the subject can read.",
    identifier: "Unified social credit code or resident identity number",
    purpose: "Purpose",
    needs_authorization: "needs the subject's authorization",
    authorization_id: "Authorization id",
    authorization_hint: " (when the purpose needs one)",
    submit: "Query",
    no_purposes: "No purpose is open to organizations of your kind.",
    refused_title: "Query refused",
    answer_title: "Answer",
    query_id: "Query id",
    subject_id: "Subject id",
    unknown_subject: "The platform holds nothing about this subject.",
    no_records: "No record may be disclosed for this purpose.",
    category: "Category",
    version: "Version",
    disputed: "under objection",
    statement: "The subject's statement",
    field: "Field",
    value: "Value",
    logged: "This query was written to the access log.",
};
