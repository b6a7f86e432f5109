//! The portal's forms over HTTP with a cookie-keeping client: granting and revoking an
//! authorization, filing and withdrawing an objection (due 2026-10-10 on the tests' clock),
//! adding a statement, workflow refusals shown with the API's status, and CSRF on every form.

use super::{browser_like, csrf_of, page, sign_in, subject_with_record};
use crate::helpers::spawn_app;
use reqwest::StatusCode;
use reqwest::header::LOCATION;

/// The value of the first `attribute="..."` after `after` in `html`.
fn value_after(html: &str, after: &str, attribute: &str) -> String {
    let from = html.find(after).unwrap_or_else(|| panic!("{after} in {html}"));
    let marker = format!(r#"{attribute}=""#);
    let start = from + html[from..].find(&marker).expect("attribute") + marker.len();
    html[start..].split('"').next().expect("closing quote").to_owned()
}

async fn post_form(
    app: &crate::helpers::TestApp,
    client: &reqwest::Client,
    path: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    client.post(app.url(path)).form(fields).send().await.expect("sent")
}

#[tokio::test]
async fn an_authorization_is_granted_listed_and_revoked_through_the_forms() {
    let app = spawn_app().await;
    let (_, email, password) = subject_with_record(&app, 11).await;
    let (bank, _) = app.staff("requester", "financial_institution", "南京银行").await;
    let client = browser_like();
    assert_eq!(sign_in(&app, &client, &email, &password).await.status(), StatusCode::SEE_OTHER);
    let (status, html) = page(&app, &client, "/ui/me/authorizations").await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains("暂无授权。"), "{html}");
    assert!(html.contains(r#"<option value="financial_credit">信贷审批、贷后管理、担保</option>"#), "{html}");
    assert!(!html.contains(r#"value="supervision""#), "only purposes needing authorization: {html}");
    let csrf = csrf_of(&html);

    // A date in the past is the workflow's refusal, with the API's status.
    let fields = [
        ("csrf", csrf.as_str()),
        ("organization_id", &bank),
        ("purpose", "financial_credit"),
        ("valid_until", "2020-01-01"),
    ];
    let refused = post_form(&app, &client, "/ui/me/authorizations", &fields).await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let refused = refused.text().await.expect("body");
    assert!(refused.contains("an authorization runs from today for at most 5 years"), "{refused}");

    let fields = [
        ("csrf", csrf.as_str()),
        ("organization_id", &bank),
        ("purpose", "financial_credit"),
        ("valid_until", "2026-12-31"),
    ];
    let granted = post_form(&app, &client, "/ui/me/authorizations", &fields).await;
    assert_eq!(granted.status(), StatusCode::SEE_OTHER);
    assert_eq!(granted.headers()[LOCATION], "/ui/me/authorizations?done=granted");
    let (_, html) = page(&app, &client, "/ui/me/authorizations?done=granted").await;
    assert!(html.contains("已授权。"), "{html}");
    assert!(html.contains("<td>南京银行</td>") && html.contains("<td>金融机构</td>"), "{html}");
    assert!(html.contains("<td>信贷审批、贷后管理、担保</td>") && html.contains(">2026-12-31</time>"), "{html}");
    assert!(html.contains("<td>有效</td>"), "{html}");
    let revoke = value_after(&html, "<td>有效</td>", "action");
    assert!(revoke.starts_with("/ui/me/authorizations/") && revoke.ends_with("/revoke"), "{revoke}");

    let revoked = post_form(&app, &client, &revoke, &[("csrf", csrf.as_str())]).await;
    assert_eq!(revoked.status(), StatusCode::SEE_OTHER);
    assert_eq!(revoked.headers()[LOCATION], "/ui/me/authorizations?done=revoked");
    let (_, html) = page(&app, &client, "/ui/me/authorizations?lang=en").await;
    assert!(html.contains("<td>revoked</td>") && !html.contains("/revoke\""), "{html}");
    assert!(html.contains("<td>Loan and credit approval, post-loan management, guarantees</td>"), "{html}");
    // Revoking again: the workflow's 404, as a page.
    let again = post_form(&app, &client, &revoke, &[("csrf", csrf.as_str())]).await;
    assert_eq!(again.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn an_objection_is_filed_from_the_records_page_seen_with_its_due_date_and_withdrawn() {
    let app = spawn_app().await;
    let (_, email, password) = subject_with_record(&app, 12).await;
    let client = browser_like();
    sign_in(&app, &client, &email, &password).await;
    let (_, html) = page(&app, &client, "/ui/me").await;
    let csrf = csrf_of(&html);
    let record_id = value_after(&html, r#"name="record_id""#, "value");
    assert!(html.contains(r#"name="fields" value="penalty_content""#), "{html}");
    assert!(html.contains(r#"<option value="error_or_omission">信息有错误或遗漏</option>"#), "{html}");
    assert!(html.contains(r#"maxlength="500""#), "{html}");

    // An error needs the wrong fields named: the workflow's 422 and message.
    let fields = [
        ("csrf", csrf.as_str()),
        ("record_id", &record_id),
        ("ground", "error_or_omission"),
        ("statement", "处罚内容有误"),
    ];
    let refused = post_form(&app, &client, "/ui/me/objections", &fields).await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.text().await.expect("body").contains("name the fields that are wrong"));

    let fields = [
        ("csrf", csrf.as_str()),
        ("record_id", &record_id),
        ("ground", "error_or_omission"),
        ("fields", "penalty_content"),
        ("fields", "decision_date"),
        ("statement", "处罚内容有误"),
    ];
    let filed = post_form(&app, &client, "/ui/me/objections", &fields).await;
    assert_eq!(filed.status(), StatusCode::SEE_OTHER);
    assert_eq!(filed.headers()[LOCATION], "/ui/me/objections?done=filed");
    let (status, html) = page(&app, &client, "/ui/me/objections?done=filed").await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains("异议已提交。") && html.contains("信息有错误或遗漏"), "{html}");
    assert!(html.contains(r#"<time datetime="2026-10-10" class="due">2026-10-10</time>"#), "due 2026-10-10: {html}");
    assert!(html.contains("<dd>处罚决定日期、处罚内容</dd>"), "the contested fields by label: {html}");
    // The timeline in words, not codes.
    for event in ["提出异议", "受理", "转交提供单位"] {
        assert!(html.contains(&format!("<td>{event}</td>")), "timeline {event}: {html}");
    }
    assert!(!html.contains("<td>forward</td>") && html.contains("<dd>提供单位核查中</dd>"), "{html}");
    // A second objection to the same record: the workflow's conflict.
    let again = post_form(&app, &client, "/ui/me/objections", &fields).await;
    assert_eq!(again.status(), StatusCode::CONFLICT);
    // The record is now disputed.
    let (_, records) = page(&app, &client, "/ui/me").await;
    assert!(records.contains("<dt>异议中</dt><dd>是</dd>"), "{records}");

    let end = html.find("/withdraw\"").expect("a withdraw form") + "/withdraw".len();
    let withdraw = html[html[..end].rfind('"').expect("opening quote") + 1..end].to_owned();
    assert!(withdraw.starts_with("/ui/me/objections/"), "{withdraw}");
    let withdrawn = post_form(&app, &client, &withdraw, &[("csrf", csrf.as_str())]).await;
    assert_eq!(withdrawn.status(), StatusCode::SEE_OTHER);
    assert_eq!(withdrawn.headers()[LOCATION], "/ui/me/objections?done=withdrawn");
    let (_, html) = page(&app, &client, "/ui/me/objections").await;
    assert!(html.contains("<dd>已撤回</dd>") && !html.contains("/withdraw\""), "{html}");
}

#[tokio::test]
async fn a_statement_is_added_from_the_records_page() {
    let app = spawn_app().await;
    let (_, email, password) = subject_with_record(&app, 13).await;
    let client = browser_like();
    sign_in(&app, &client, &email, &password).await;
    let (_, html) = page(&app, &client, "/ui/me").await;
    let csrf = csrf_of(&html);
    let record_id = value_after(&html, r#"name="record_id""#, "value");
    let path = format!("/ui/me/records/{record_id}/statement");
    let empty = post_form(&app, &client, &path, &[("csrf", csrf.as_str()), ("statement", "  ")]).await;
    assert_eq!(empty.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let saved = post_form(&app, &client, &path, &[("csrf", csrf.as_str()), ("statement", "已于次日整改完毕")]).await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    assert_eq!(saved.headers()[LOCATION], "/ui/me?done=statement");
    let (_, html) = page(&app, &client, "/ui/me?done=statement").await;
    assert!(html.contains("声明已保存。"), "{html}");
    assert!(html.contains("<dt>本人声明</dt><dd>已于次日整改完毕</dd>"), "{html}");
    let replaced = post_form(&app, &client, &path, &[("csrf", csrf.as_str()), ("statement", "第二稿")]).await;
    assert_eq!(replaced.status(), StatusCode::SEE_OTHER);
    let (_, html) = page(&app, &client, "/ui/me").await;
    assert!(html.contains("<dd>第二稿</dd>") && !html.contains("已于次日整改完毕"), "{html}");
}

#[tokio::test]
async fn every_new_form_needs_the_csrf_token() {
    let app = spawn_app().await;
    let (_, email, password) = subject_with_record(&app, 14).await;
    let client = browser_like();
    sign_in(&app, &client, &email, &password).await;
    let (_, html) = page(&app, &client, "/ui/me").await;
    let record_id = value_after(&html, r#"name="record_id""#, "value");
    let statement = format!("/ui/me/records/{record_id}/statement");
    let forms: [(&str, Vec<(&str, &str)>); 5] = [
        (
            "/ui/me/authorizations",
            vec![("organization_id", "x"), ("purpose", "financial_credit"), ("valid_until", "2026-12-31")],
        ),
        ("/ui/me/authorizations/some-id/revoke", vec![]),
        ("/ui/me/objections", vec![("record_id", &record_id), ("ground", "infringes_rights"), ("statement", "s")]),
        ("/ui/me/objections/some-id/withdraw", vec![]),
        (&statement, vec![("statement", "s")]),
    ];
    for (path, fields) in forms {
        let missing = post_form(&app, &client, path, &fields).await;
        assert_eq!(missing.status(), StatusCode::FORBIDDEN, "{path} without a token");
        let mut wrong = fields.clone();
        wrong.push(("csrf", "00"));
        let wrong = post_form(&app, &client, path, &wrong).await;
        assert_eq!(wrong.status(), StatusCode::FORBIDDEN, "{path} with a wrong token");
    }
    // Nothing happened.
    let (_, html) = page(&app, &client, "/ui/me").await;
    assert!(!html.contains("<dt>本人声明</dt>") && html.contains("<dt>异议中</dt><dd>否</dd>"), "{html}");
    let (_, html) = page(&app, &client, "/ui/me/objections").await;
    assert!(html.contains("暂无异议。"), "{html}");
}
