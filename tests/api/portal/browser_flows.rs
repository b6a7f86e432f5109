//! The portal's newer flows in a real browser (headless Chromium over WebDriver, the client in
//! `webdriver.rs`; skipped with a notice when it is not installed):
//! - a subject issues a formal credit report from `/ui/me/reports`, sees it, finds it listed
//!   with one free report left, and reloading the report (the same form sent again) answers the
//!   "already issued" notice without spending the second one;
//! - a bulk export under four eyes: officer A asks from the review page, officer B approves it
//!   in another browser, A takes the file; the access log holds each step with its actor.

use super::subject_with_record;
use super::webdriver::{Driver, browser_missing, open};
use crate::audit::{OFFICER_PASSWORD, officer_named};
use crate::helpers::spawn_app;
use serde_json::Value;
use std::time::{Duration, Instant};

const REPORTS: &str = "/ui/me/reports";
const ISSUE: &str = "form[action='/ui/me/reports'] button[type=submit]";

#[tokio::test]
async fn a_subject_issues_a_formal_report_in_a_real_browser_and_a_reload_spends_none() {
    if browser_missing() {
        return;
    }
    let app = spawn_app().await;
    let (_, email, password) = subject_with_record(&app, 12).await;
    let profile = tempfile::tempdir().expect("profile dir");
    let driver = Driver::start().await;
    let session = open(&driver, profile.path()).await;

    session.sign_in(app.url("/ui/login"), &email, &password, "/ui/me").await;
    session.click(&format!("nav a[href='{REPORTS}']")).await;
    let page = session.source_at(REPORTS).await;
    assert!(page.contains("<h1>我的信用报告</h1>") && page.contains("今年尚未开具报告。"), "{page}");
    assert_eq!(session.text("#reports-left").await, "2");

    session.click(ISSUE).await;
    assert_eq!(session.text("#report-number").await, "2026-1", "the report page");
    let report = session.source().await;
    assert!(report.contains("<h1>公共信用信息报告</h1>"), "{report}");
    assert!(report.contains(r#"<th scope="row">处罚决定书文号</th><td>宁市监罚〔2026〕101号</td>"#), "{report}");
    assert!(report.contains(r#"<th scope="row">违法情节</th><td>一般</td>"#), "in words: {report}");
    assert!(!report.contains("penalty_content") && report.contains("&lt;script&gt;"), "{report}");

    // Back to the reports page (history back: following the nav link to the same address would
    // replace the report in the history): one free report spent, the report listed.
    session.back().await;
    assert_eq!(session.text("#reports-left").await, "1", "one free report spent");
    let issued = session.text("section[aria-labelledby=issued-heading] table").await;
    assert!(issued.contains("2026-1") && !issued.contains("2026-2"), "the report listed: {issued}");

    // Forward to the report and reload it, the way a user would: the report is not kept (no-store),
    // so the browser sends the same form again, and the platform answers that it was issued already.
    session.forward().await;
    session.refresh().await;
    let notice = session.text("main p[role=alert]").await;
    assert!(notice.contains("already issued"), "the 409 notice: {notice}");
    assert!(session.source().await.contains("<h1>未能完成操作</h1>"), "the notice page");
    session.go_to(app.url(REPORTS)).await;
    assert_eq!(session.text("#reports-left").await, "1", "the reload spent no second report");
    let issued = session.text("section[aria-labelledby=issued-heading] table").await;
    assert!(issued.contains("2026-1") && !issued.contains("2026-2"), "still one report: {issued}");
    session.close().await;
}

const ALICE: &str = "alice.officer@example.org";
const BOB: &str = "bob.officer@example.org";
const EXPORTS: &str = "/ui/officer/exports";

/// An officer's account id, as the admin lists it.
async fn account_id(app: &crate::helpers::TestApp, email: &str) -> String {
    let (_, accounts) = app.get("/api/v1/admin/accounts?limit=200", Some(&app.admin_token)).await;
    let listed = accounts["items"].as_array().expect("items").iter().find(|a| a["email"] == email);
    listed.expect("the officer's account")["id"].as_str().expect("id").to_owned()
}

/// The bulk export steps of the access log (newest first), once the file was taken.
async fn export_steps(app: &crate::helpers::TestApp, token: &str) -> Vec<Value> {
    let steps = ["export_requested", "export_approved", "export"];
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let (status, log) = app.get("/api/v1/audit/entries?limit=100", Some(token)).await;
        assert_eq!(status, reqwest::StatusCode::OK, "{log}");
        let items = log["items"].as_array().expect("items");
        let found: Vec<Value> =
            items.iter().filter(|i| steps.contains(&i["action"].as_str().unwrap_or(""))).cloned().collect();
        if found.iter().any(|i| i["action"] == "export") {
            return found;
        }
        assert!(Instant::now() < deadline, "the download was never logged: {log}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn a_bulk_export_is_asked_approved_and_taken_under_four_eyes_in_real_browsers() {
    if browser_missing() {
        return;
    }
    let app = spawn_app().await;
    let token = officer_named(&app, ALICE).await;
    officer_named(&app, BOB).await;
    let (alice_id, bob_id) = (account_id(&app, ALICE).await, account_id(&app, BOB).await);
    let (profile_a, profile_b) = (tempfile::tempdir().expect("profile"), tempfile::tempdir().expect("profile"));
    let driver = Driver::start().await;
    let alice = open(&driver, profile_a.path()).await;
    let bob = open(&driver, profile_b.path()).await;

    // A asks from the review page (no subject in the filter: the bulk request form).
    let review = alice.sign_in(app.url("/ui/login"), ALICE, OFFICER_PASSWORD, "/ui/officer").await;
    assert!(review.contains("访问日志审查") && !review.contains("/ui/officer/export.csv"), "{review}");
    assert_eq!(alice.text("form.bulk-export button[type=submit]").await, "申请批量导出（需另一名监管人员批准）");
    alice.click("form.bulk-export button[type=submit]").await;
    let mine = alice.source_at(&format!("{EXPORTS}?done=requested")).await;
    assert!(mine.contains("批量导出申请已提交，等待另一名监管人员批准。"), "{mine}");
    assert_eq!(alice.count("tbody tr[data-id]").await, 1, "{mine}");
    assert_eq!(alice.text("td.status").await, "待批准");
    assert!(mine.contains("须由另一名监管人员批准。") && mine.contains(&alice_id), "{mine}");
    assert_eq!((alice.count("form.approve").await, alice.count("form.download").await), (0, 0), "{mine}");

    // B, in another browser, approves it from the list.
    bob.sign_in(app.url("/ui/login"), BOB, OFFICER_PASSWORD, "/ui/officer").await;
    bob.go_to(app.url(EXPORTS)).await;
    bob.source_at(EXPORTS).await;
    assert_eq!(bob.text("form.approve button[type=submit]").await, "批准");
    bob.click("form.approve button[type=submit]").await;
    let approved = bob.source_at(&format!("{EXPORTS}?done=approved")).await;
    assert!(approved.contains("已批准该批量导出。") && approved.contains(&bob_id), "{approved}");
    assert!(bob.text("td.status").await.starts_with("已批准，可下载至"), "{approved}");
    assert_eq!((bob.count("form.approve").await, bob.count("form.download").await), (0, 0), "only A downloads");

    // A reloads the list: the download button; the file itself is saved, not shown, so the log
    // tells that it was taken.
    alice.refresh().await;
    assert_eq!(alice.text("form.download button[type=submit]").await, "下载 CSV（仅一次）");
    assert!(alice.text("td.status").await.starts_with("已批准，可下载至"));
    alice.click("form.download button[type=submit]").await;
    let steps = export_steps(&app, &token).await;
    let seen: Vec<(&str, &str, &str)> = steps
        .iter()
        .map(|i| {
            let text = |key: &str| i[key].as_str().unwrap_or("");
            (text("action"), text("decision"), text("actor_account_id"))
        })
        .collect();
    let expected = [
        ("export", "allowed", alice_id.as_str()),
        ("export_approved", "allowed", bob_id.as_str()),
        ("export_requested", "allowed", alice_id.as_str()),
    ];
    assert_eq!(seen, expected, "newest first: {steps:?}");
    alice.refresh().await;
    assert_eq!(alice.text("td.status").await, "已下载", "taken once");
    assert_eq!(alice.count("form.download").await, 0);
    alice.close().await;
    bob.close().await;
}
