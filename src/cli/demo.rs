//! `credit-platform demo`: a populated instance to try every role. On an empty database it
//! creates a provider, two requesters (an administrative organ and a bank), an officer and a
//! subject with three records and one authorization, writes their e-mails and one-time
//! passwords to DATA_DIR/demo-accounts.txt (0600) and prints them; then it serves. Meant for a
//! throwaway data folder (`--data-dir ./demo-data`), never for production data.

use crate::config::Settings;
use crate::domain::identifier::ResidentIdNumber;
use crate::domain::{OrganizationKind, Role, SubjectKind};
use crate::storage::organizations;
use crate::workflow::manage_accounts::{self, NewAccount};
use crate::workflow::{Actor, Platform, authorizations, login, submit_record};
use anyhow::Context;
use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;

fn fail(e: crate::workflow::WorkflowError) -> anyhow::Error {
    anyhow::anyhow!("{e} ({})", e.code())
}

/// A valid resident identity number: the first 17 characters with whichever check character
/// the parser accepts.
fn demo_identifier() -> anyhow::Result<String> {
    "0123456789X"
        .chars()
        .map(|c| format!("32010219900307123{c}"))
        .find(|candidate| ResidentIdNumber::parse(candidate).is_ok())
        .context("no check character fits")
}

struct Created {
    lines: Vec<String>,
}

impl Created {
    fn account(&mut self, platform: &Platform, new: NewAccount) -> anyhow::Result<String> {
        let admin = Actor { account_id: "demo".into(), role: Role::Admin, organization_id: None, subject_id: None };
        let line = format!("{:<10} {:<24} {}", new.role.as_str(), new.email, new.password);
        let id = manage_accounts::create_account(platform, &admin, new).map_err(fail)?;
        self.lines.push(line);
        Ok(id)
    }
}

fn account(email: &str, role: Role, organization_id: Option<String>) -> NewAccount {
    NewAccount {
        email: email.into(),
        password: login::random_token(),
        role,
        organization_id,
        subject_identifier: None,
        subject_kind: None,
        subject_name: None,
    }
}

fn populate(platform: &Platform) -> anyhow::Result<Vec<String>> {
    let admin = Actor { account_id: "demo".into(), role: Role::Admin, organization_id: None, subject_id: None };
    let org = |name: &str, kind| manage_accounts::create_organization(platform, &admin, name, kind).map_err(fail);
    let market = org("南京市市场监督管理局", OrganizationKind::AdministrativeOrgan)?;
    let commerce = org("南京市商务局", OrganizationKind::AdministrativeOrgan)?;
    let bank = org("某银行南京分行", OrganizationKind::FinancialInstitution)?;
    let identifier = demo_identifier()?;
    let mut created = Created { lines: Vec::new() };
    created.account(platform, account("provider@demo.local", Role::Provider, Some(market.clone())))?;
    created.account(platform, account("organ@demo.local", Role::Requester, Some(commerce)))?;
    created.account(platform, account("bank@demo.local", Role::Requester, Some(bank.clone())))?;
    created.account(platform, account("officer@demo.local", Role::Officer, None))?;
    let subject = NewAccount {
        subject_identifier: Some(identifier.clone()),
        subject_kind: Some(SubjectKind::NaturalPerson),
        subject_name: Some("张三".into()),
        ..account("subject@demo.local", Role::Subject, None)
    };
    let subject_account = created.account(platform, subject)?;
    let provider =
        Actor { account_id: "demo".into(), role: Role::Provider, organization_id: Some(market), subject_id: None };
    let record = |record_type: &str, fields: serde_json::Value, ended: &str| {
        serde_json::json!({
            "record_type": record_type,
            "subject": { "kind": "natural_person", "identifier": identifier, "name": "张三" },
            "fields": fields,
            "source_document": { "number": "宁市监〔2026〕1号", "date": "2026-03-02", "authority": "南京市市场监督管理局" },
            "conduct_ended_on": ended,
        })
        .to_string()
    };
    let lines = vec![
        record(
            "administrative_penalty",
            serde_json::json!({ "decision_number": "宁市监罚〔2026〕101号", "violated_provision": "《食品安全法》第三十四条",
                "penalty_content": "警告并处罚款", "fine_amount": "5000", "severity": "general", "procedure": "general",
                "decision_date": "2026-03-02" }),
            "2026-01-15",
        ),
        record(
            "commendation_award",
            serde_json::json!({ "award_name": "南京市优秀志愿者", "awarding_authority": "南京市文明办",
                "award_level": "municipal", "awarded_on": "2025-12-01" }),
            "2025-12-01",
        ),
    ];
    let reports = submit_record::submit_lines(platform, &provider, 1, &lines).map_err(fail)?;
    let stored = reports.iter().filter(|r| r.id.is_some()).count();
    let subject_id = crate::storage::accounts::find(&mut *platform.db.get()?, &subject_account)?
        .and_then(|a| a.subject_id)
        .context("the subject account has its subject")?;
    let subject_actor =
        Actor { account_id: subject_account, role: Role::Subject, organization_id: None, subject_id: Some(subject_id) };
    let until = (platform.clock.today() + chrono::Duration::days(365)).to_string();
    authorizations::grant(platform, &subject_actor, &bank, "financial_credit", &until).map_err(fail)?;
    created.lines.push(format!(
        "subject identifier {identifier}; {stored} records; the bank holds a financial_credit authorization"
    ));
    Ok(created.lines)
}

pub fn demo(settings: Settings) -> anyhow::Result<()> {
    let platform = super::CommandPlatform::prepare(settings.clone())?;
    let path = settings.data_dir.join("demo-accounts.txt");
    if organizations::list(&mut *platform.db.get()?, None, 1)?.is_empty() {
        let lines = populate(&platform)?;
        let mut file = std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(&path)?;
        for line in &lines {
            writeln!(file, "{line}")?;
            println!("{line}");
        }
        println!("(also in {}; the admin's password is in initial-admin-password)", path.display());
    } else {
        println!("already populated; the demo accounts are in {}", path.display());
    }
    println!(
        "sign in at http://{}/ui/login: each account lands on its role's pages, the admin's too",
        settings.server.listen
    );
    // Its log threads stop before the server starts its own.
    drop(platform);
    super::serve(settings)
}
