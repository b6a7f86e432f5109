//! The administrator portal's words, zh-CN and English. Pages take `a: &'static AdminText`.

use crate::web::ui::text::Lang;

pub struct AdminText {
    pub title: &'static str,
    pub explained: &'static str,
    pub organizations_title: &'static str,
    pub name: &'static str,
    pub kind: &'static str,
    pub id: &'static str,
    pub no_organizations: &'static str,
    pub more: &'static str,
    pub new_organization: &'static str,
    pub register: &'static str,
    pub new_account: &'static str,
    pub email: &'static str,
    pub password: &'static str,
    pub role: &'static str,
    pub organization: &'static str,
    pub no_organization: &'static str,
    pub subject_identifier: &'static str,
    pub subject_kind: &'static str,
    pub open: &'static str,
    pub done_organization: &'static str,
    pub done_account: &'static str,
    /// (code, words) for each account role, in the order the form offers them.
    pub roles: &'static [(&'static str, &'static str)],
    /// (code, words) for each subject kind.
    pub subject_kinds: &'static [(&'static str, &'static str)],
}

impl AdminText {
    pub fn of(lang: Lang) -> &'static AdminText {
        match lang {
            Lang::ZhCn => &ZH_CN,
            Lang::En => &EN,
        }
    }
}

static ZH_CN: AdminText = AdminText {
    title: "平台管理",
    explained: "登记机构，并为信息提供单位、查询单位、信用监管人员和信息主体开立账户。每项操作都记入访问日志。停用账户请使用接口或命令行。",
    organizations_title: "已登记机构",
    name: "名称",
    kind: "类别",
    id: "编号",
    no_organizations: "尚未登记任何机构。",
    more: "后续机构",
    new_organization: "登记机构",
    register: "登记",
    new_account: "开立账户",
    email: "电子邮箱",
    password: "初始密码（至少 12 个字符，请告知本人后立即修改）",
    role: "角色",
    organization: "所属机构（信息提供单位和查询单位必填）",
    no_organization: "无",
    subject_identifier: "信息主体的身份证号码或统一社会信用代码（仅信息主体账户）",
    subject_kind: "信息主体类别（仅信息主体账户）",
    open: "开立",
    done_organization: "机构已登记。",
    done_account: "账户已开立。",
    roles: &[
        ("provider", "信息提供单位"),
        ("requester", "查询单位"),
        ("officer", "信用监管人员"),
        ("subject", "信息主体"),
        ("admin", "平台管理员"),
    ],
    subject_kinds: &[
        ("natural_person", "自然人"),
        ("legal_person", "法人"),
        ("unincorporated_organization", "非法人组织"),
    ],
};

static EN: AdminText = AdminText {
    title: "Platform administration",
    explained: "Register organizations and open accounts for providers, requesters, compliance officers and data subjects. Every action is an access-log entry. Disabling an account is done through the API or the CLI.",
    organizations_title: "Registered organizations",
    name: "Name",
    kind: "Kind",
    id: "Id",
    no_organizations: "No organization is registered yet.",
    more: "Further organizations",
    new_organization: "Register an organization",
    register: "Register",
    new_account: "Open an account",
    email: "E-mail",
    password: "Initial password (at least 12 characters; tell its owner to change it)",
    role: "Role",
    organization: "Organization (required for providers and requesters)",
    no_organization: "none",
    subject_identifier: "The subject's resident identity number or unified social credit code (subject accounts only)",
    subject_kind: "Kind of subject (subject accounts only)",
    open: "Open",
    done_organization: "The organization is registered.",
    done_account: "The account is open.",
    roles: &[
        ("provider", "provider"),
        ("requester", "requester"),
        ("officer", "compliance officer"),
        ("subject", "data subject"),
        ("admin", "administrator"),
    ],
    subject_kinds: &[
        ("natural_person", "natural person"),
        ("legal_person", "legal person"),
        ("unincorporated_organization", "unincorporated organization"),
    ],
};
