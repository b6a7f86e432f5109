//! The formal report pages' words, zh-CN and English, kept apart from `ui/text.rs` like the
//! requester portal's (the layout's and the nav's words stay there, `reports_title` included).
//! Pages take `w: &'static ReportText`. `{n}` and `{date}` are filled in by `reports.rs`, so
//! the number of free reports and the next free date come from the workflow, never from prose.

use crate::web::ui::text::Lang;

pub struct ReportText {
    pub online_free: &'static str,
    /// `{n}`: the free reports per calendar year.
    pub yearly_free: &'static str,
    pub contents: &'static str,
    pub not_kept: &'static str,
    pub left: &'static str,
    pub issue: &'static str,
    /// `{date}`: the first day of next year.
    pub next_free: &'static str,
    pub issued_title: &'static str,
    pub none_issued: &'static str,
    pub number: &'static str,
    pub issued_at: &'static str,
    pub report_title: &'static str,
    pub print_hint: &'static str,
    pub records_heading: &'static str,
    pub history_heading: &'static str,
}

impl ReportText {
    pub fn of(lang: Lang) -> &'static ReportText {
        match lang {
            Lang::ZhCn => &ZH_CN,
            Lang::En => &EN,
        }
    }
}

static ZH_CN: ReportText = ReportText {
    online_free: "在线查看本人信用记录免费，且不限次数：",
    yearly_free: "此外，每个自然年可免费开具 {n} 份正式信用报告。",
    contents: "报告包含您的全部信用记录（每个版本的各项内容、提供单位和来源文书），以及查询记录：哪些单位在何时、为何目的查看了哪些信息。",
    not_kept: "平台不保存报告内容，只保存报告编号和开具时间；每次开具都记入访问日志。报告打开后请立即打印或保存。",
    left: "今年剩余免费份数",
    issue: "开具正式信用报告",
    next_free: "今年的免费报告已全部开具。下一份免费报告自 {date} 起可以开具；在线查看仍然免费且不限次数。",
    issued_title: "今年已开具的报告",
    none_issued: "今年尚未开具报告。",
    number: "报告编号",
    issued_at: "开具时间",
    report_title: "公共信用信息报告",
    print_hint: "平台不保存本报告：请现在使用浏览器的打印功能打印或另存为 PDF。重新加载本页不会再开具一份报告，也无法再次显示本报告。",
    records_heading: "信用记录",
    history_heading: "查询记录（谁查看了我的信息）",
};

static EN: ReportText = ReportText {
    online_free: "Viewing your records online is free and unlimited:",
    yearly_free: "On top of that, {n} formal credit reports per calendar year are free.",
    contents: "A report holds all your records (every version with its values, the provider and the source document) and the query history: which organizations looked at which of your data, when and for what purpose.",
    not_kept: "The platform does not keep the report itself, only its number and time; each report is logged in the access log. Print or save it as soon as it opens.",
    left: "Free reports left this year",
    issue: "Issue a formal report",
    next_free: "This year's free reports have been issued. The next free report is available on {date}; the online view stays free and unlimited.",
    issued_title: "Reports issued this year",
    none_issued: "No report issued this year.",
    number: "Report number",
    issued_at: "Issued at",
    report_title: "Formal credit report",
    print_hint: "The platform does not keep this report: print it or save it as a PDF now with your browser's print function. Reloading this page does not issue another report, and cannot show this one again.",
    records_heading: "Credit records",
    history_heading: "Query history (who accessed my data)",
};
