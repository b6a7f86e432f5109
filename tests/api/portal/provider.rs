//! The provider portal `/ui/provider` over HTTP with a cookie-keeping client: the inbox shows
//! an objection a subject filed with its due date, open ones first by due date; the decision,
//! extension and pause forms run the API's use cases (checked through the JSON API and the
//! record's versions); forms without the right CSRF token change nothing; another provider gets
//! the 404 page, a subject or officer the 403 page; hostile text in the statement is escaped;
//! every open objection stays listed however many closed ones are newer; the objection page
//! shows what the record holds now for the contested fields and opens no other field; a record
//! opens from the inbox for its provider (a logged read) and is a 404 for another provider.

mod evidence;

use super::{browser_like, csrf_of, page, sign_in};
use crate::objections::{Case, case};
use reqwest::StatusCode;
use reqwest::header::LOCATION;
use serde_json::json;

const PASSWORD: &str = "a-long-password-1";
const CANARY: &str = "<script>alert('provider')</script>金额有误";

/// A provider's browser, signed in; asserts it lands on the provider portal.
async fn provider_browser(case: &Case, email: &str) -> reqwest::Client {
    let client = browser_like();
    let signed = sign_in(&case.app, &client, email, PASSWORD).await;
    assert_eq!(signed.status(), StatusCode::SEE_OTHER);
    assert_eq!(signed.headers()[LOCATION], "/ui/provider");
    client
}

/// A record of the case with an objection filed by its subject through the API; returns
/// (record id, objection id, provider due date).
async fn filed(case: &Case, statement: &str) -> (String, String, String) {
    let record = case.record().await;
    let body = json!({
        "record_id": record, "ground": "error_or_omission", "fields": ["fine_amount"], "statement": statement,
    });
    let (status, filed) = case.app.post("/api/v1/objections", Some(&case.subject), &body).await;
    assert_eq!(status, StatusCode::CREATED, "{filed}");
    let id = filed["id"].as_str().expect("id").to_owned();
    let due = case.objection(&case.provider, &id).await["due_on"].as_str().expect("due").to_owned();
    (record, id, due)
}

/// What the current version of a record (as `GET /records/{id}` answers) holds for `field`.
fn current_value(seen: &serde_json::Value, field: &str) -> String {
    let versions = seen["versions"].as_array().expect("versions");
    versions.last().expect("current version")["fields"][field].as_str().expect("value").to_owned()
}

async fn post_form(case: &Case, client: &reqwest::Client, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
    client.post(case.app.url(path)).form(fields).send().await.expect("sent")
}

#[tokio::test]
async fn the_inbox_lists_the_filed_objection_with_its_due_date_and_fields() {
    let case = case().await;
    let (_, id, due) = filed(&case, "罚款金额有误").await;
    let client = provider_browser(&case, &case.provider_email).await;
    let (status, html) = page(&case.app, &client, "/ui/provider").await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains("<h1>异议处理</h1>"), "{html}");
    assert!(html.contains(&format!(r#"href="/ui/provider/objections/{id}""#)), "{html}");
    assert!(html.contains(&format!(r#"class="due">{due}</time>"#)), "{html}");
    assert!(html.contains("<td>行政处罚信息</td>") && html.contains("<td>提供单位核查中</td>"), "{html}");
    assert!(html.contains("<td>罚款金额（元）</td>"), "the contested field, by label: {html}");
    let (_, english) = page(&case.app, &client, "/ui/provider?lang=en").await;
    assert!(english.contains("<td>with the provider</td>") && english.contains("Working days left"), "{english}");
}

#[tokio::test]
async fn open_objections_come_first_the_most_urgent_on_top() {
    let case = case().await;
    let (_, earlier, earlier_due) = filed(&case, "罚款金额有误").await;
    case.at_local("2026-10-20 10:00");
    let (_, later, later_due) = filed(&case, "罚款金额有误").await;
    assert!(earlier_due < later_due, "{earlier_due} {later_due}");
    let client = provider_browser(&case, &case.provider_email).await;
    let position = |html: &str, id: &str| html.find(&format!("/ui/provider/objections/{id}\"")).expect("listed");
    let (_, html) = page(&case.app, &client, "/ui/provider").await;
    assert!(position(&html, &earlier) < position(&html, &later), "due first, not newest first: {html}");
    let upheld = json!({ "outcome": "upheld", "reason": "核实无误" });
    assert_eq!(case.act(&case.provider, &earlier, "decision", upheld).await.0, StatusCode::OK);
    let (_, html) = page(&case.app, &client, "/ui/provider").await;
    assert!(position(&html, &later) < position(&html, &earlier), "the decided one goes below: {html}");
    assert!(html.contains("<td>维持原记录</td>"), "{html}");
}

#[tokio::test]
async fn every_open_objection_stays_listed_however_many_newer_ones_were_closed() {
    let case = case().await;
    let (_, oldest_open, _) = filed(&case, "罚款金额有误").await;
    // More closed objections than the inbox shows (50), all newer than the open one.
    let mut closed = Vec::new();
    for _ in 0..51 {
        let (_, id, _) = filed(&case, "罚款金额有误").await;
        let (status, body) = case.act(&case.subject, &id, "withdraw", json!({ "reason": "已解决" })).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        closed.push(id);
    }
    let client = provider_browser(&case, &case.provider_email).await;
    let (_, html) = page(&case.app, &client, "/ui/provider").await;
    let listed = |id: &str| html.contains(&format!("/ui/provider/objections/{id}\""));
    assert!(listed(&oldest_open), "the open objection with its deadline running: {html}");
    assert_eq!(closed.iter().filter(|id| listed(id)).count(), 50, "the newest closed ones only");
    assert!(!listed(&closed[0]), "the oldest closed one is left to the JSON API's pages");
}

#[tokio::test]
async fn a_correction_through_the_form_decides_the_objection_and_versions_the_record() {
    let case = case().await;
    let (record, id, _) = filed(&case, "罚款金额有误").await;
    let client = provider_browser(&case, &case.provider_email).await;
    let path = format!("/ui/provider/objections/{id}");
    let (status, html) = page(&case.app, &client, &path).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains(r#"name="field.fine_amount""#), "{html}");
    assert!(html.contains("<dd>行政处罚信息</dd>") && html.contains(&record), "the contested record: {html}");
    let csrf = csrf_of(&html);

    // Values with another outcome are the workflow's refusal, as a page; nothing changes.
    let stray = [("csrf", csrf.as_str()), ("outcome", "upheld"), ("reason", "核实无误"), ("field.fine_amount", "1")];
    let refused = post_form(&case, &client, &format!("{path}/decision"), &stray).await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.text().await.expect("body").contains("only a correction has fields"));
    assert_eq!(case.objection(&case.provider, &id).await["status"], "with_provider");

    let fields = [
        ("csrf", csrf.as_str()),
        ("outcome", "corrected"),
        ("reason", "经核实，罚款金额录入错误"),
        ("field.fine_amount", "500.00"),
    ];
    let decided = post_form(&case, &client, &format!("{path}/decision"), &fields).await;
    assert_eq!(decided.status(), StatusCode::SEE_OTHER);
    assert_eq!(decided.headers()[LOCATION], format!("{path}?done=decided"));
    let view = case.objection(&case.provider, &id).await;
    assert_eq!(view["status"], "corrected");
    assert_eq!(view["outcome"], "corrected");
    let (_, seen) = case.app.get(&format!("/api/v1/records/{record}"), Some(&case.provider)).await;
    assert_eq!(seen["version"], 2, "{seen}");
    assert_eq!(seen["versions"][1]["change_kind"], "corrected");
    assert_eq!(seen["versions"][1]["fields"]["fine_amount"], "500");

    let (_, html) = page(&case.app, &client, &format!("{path}?done=decided")).await;
    assert!(html.contains("处理决定已提交。") && html.contains("经核实，罚款金额录入错误"), "{html}");
    assert!(!html.contains("/decision\""), "no decision form once decided: {html}");
    // Deciding again is the workflow's conflict.
    let again = post_form(&case, &client, &format!("{path}/decision"), &fields).await;
    assert_eq!(again.status(), StatusCode::CONFLICT);
}

#[tokio::test]
async fn extension_and_pause_forms_move_the_deadline_under_the_apis_rules() {
    let case = case().await;
    let (_, id, due) = filed(&case, "罚款金额有误").await;
    let client = provider_browser(&case, &case.provider_email).await;
    let path = format!("/ui/provider/objections/{id}");
    let csrf = csrf_of(&page(&case.app, &client, &path).await.1);

    // Without the approval reference the policy refuses, as the API does.
    let missing = [("csrf", csrf.as_str()), ("reason", "需调取原始档案"), ("approval_reference", "")];
    let refused = post_form(&case, &client, &format!("{path}/extension"), &missing).await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(case.objection(&case.provider, &id).await["extension_used"], false);
    let extension =
        [("csrf", csrf.as_str()), ("reason", "需调取原始档案"), ("approval_reference", "宁市监批〔2026〕12号")];
    let extended = post_form(&case, &client, &format!("{path}/extension"), &extension).await;
    assert_eq!(extended.headers()[LOCATION], format!("{path}?done=extended"));
    let view = case.objection(&case.provider, &id).await;
    assert_eq!(view["extension_used"], true);
    let extended_due = view["due_on"].as_str().expect("due").to_owned();
    assert!(extended_due > due, "{extended_due} after {due}");

    let bad_days = [("csrf", csrf.as_str()), ("kind", "testing"), ("reason", "送检"), ("working_days", "two")];
    let refused = post_form(&case, &client, &format!("{path}/pause"), &bad_days).await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let pause = [("csrf", csrf.as_str()), ("kind", "testing"), ("reason", "送检"), ("working_days", "2")];
    let paused = post_form(&case, &client, &format!("{path}/pause"), &pause).await;
    assert_eq!(paused.headers()[LOCATION], format!("{path}?done=paused"));
    let view = case.objection(&case.provider, &id).await;
    assert!(view["due_on"].as_str().expect("due") > extended_due.as_str(), "{view}");
    let (_, html) = page(&case.app, &client, &format!("{path}?done=paused")).await;
    assert!(html.contains("期限顺延已登记。") && html.contains("testing: 送检"), "{html}");
    assert!(html.contains("<td>提供单位</td>"), "the actor role in words: {html}");
}

#[tokio::test]
async fn forms_without_the_right_csrf_token_are_refused_and_change_nothing() {
    let case = case().await;
    let (_, id, _) = filed(&case, "罚款金额有误").await;
    let client = provider_browser(&case, &case.provider_email).await;
    let decision = format!("/ui/provider/objections/{id}/decision");
    let bare = [("outcome", "upheld"), ("reason", "核实无误")];
    assert_eq!(post_form(&case, &client, &decision, &bare).await.status(), StatusCode::FORBIDDEN);
    let zeros = "0".repeat(64);
    let forged = [("csrf", zeros.as_str()), ("outcome", "upheld"), ("reason", "核实无误")];
    assert_eq!(post_form(&case, &client, &decision, &forged).await.status(), StatusCode::FORBIDDEN);
    let pause = format!("/ui/provider/objections/{id}/pause");
    let forged = [("csrf", "x"), ("kind", "testing"), ("reason", "送检"), ("working_days", "2")];
    assert_eq!(post_form(&case, &client, &pause, &forged).await.status(), StatusCode::FORBIDDEN);
    let view = case.objection(&case.provider, &id).await;
    assert_eq!(view["status"], "with_provider");
    assert!(view["outcome"].is_null() && view["events"].as_array().expect("events").len() == 3, "{view}");
}

#[tokio::test]
async fn another_provider_gets_404_and_a_subject_or_officer_gets_403() {
    let case = case().await;
    let (_, id, _) = filed(&case, "罚款金额有误").await;
    let path = format!("/ui/provider/objections/{id}");
    let other_org = case.app.create_organization("南京市生态环境局", "administrative_organ").await;
    let other_email = format!("other-{}@example.org", uuid::Uuid::new_v4().simple());
    let body = json!({ "email": other_email, "password": PASSWORD, "role": "provider", "organization_id": other_org });
    case.app.account_with_token(body).await;
    let other = provider_browser(&case, &other_email).await;
    let (status, inbox) = page(&case.app, &other, "/ui/provider").await;
    assert_eq!(status, StatusCode::OK);
    assert!(inbox.contains("暂无异议。") && !inbox.contains(&id), "{inbox}");
    let (status, html) = page(&case.app, &other, &path).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{html}");
    let (unknown, unknown_html) = page(&case.app, &other, "/ui/provider/objections/no-such-objection").await;
    assert_eq!((unknown, unknown_html), (status, html), "reads exactly like an unknown id");
    let csrf = csrf_of(&inbox);
    let upheld = [("csrf", csrf.as_str()), ("outcome", "upheld"), ("reason", "核实无误")];
    assert_eq!(post_form(&case, &other, &format!("{path}/decision"), &upheld).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(case.objection(&case.provider, &id).await["status"], "with_provider");

    // The subject and an officer may read this objection elsewhere, but not on these pages.
    for email in [&case.subject_email, &case.officer_email] {
        let browser = browser_like();
        assert_eq!(sign_in(&case.app, &browser, email, PASSWORD).await.status(), StatusCode::SEE_OTHER);
        for path in ["/ui/provider", path.as_str()] {
            let (status, html) = page(&case.app, &browser, path).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{path}");
            assert!(html.contains("无权访问此页面"), "{html}");
        }
    }
}

#[tokio::test]
async fn the_objection_page_escapes_the_subjects_statement() {
    let case = case().await;
    let (_, id, _) = filed(&case, CANARY).await;
    let client = provider_browser(&case, &case.provider_email).await;
    let (status, html) = page(&case.app, &client, &format!("/ui/provider/objections/{id}")).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    let escaped = ["&lt;script&gt;alert(", "&#60;script&#62;alert(&#39;provider&#39;)&#60;/script&#62;金额有误"];
    assert!(escaped.iter().any(|e| html.contains(e)), "the canary, escaped: {html}");
    assert!(!html.contains("<script"), "the canary must be escaped: {html}");
}

#[tokio::test]
async fn the_objection_page_shows_what_the_record_holds_for_the_contested_fields_only() {
    use credit_platform::storage::schema::audit_entries;
    use diesel::prelude::*;
    let case = case().await;
    let (record, id, _) = filed(&case, "罚款金额有误").await;
    let (_, seen) = case.app.get(&format!("/api/v1/records/{record}"), Some(&case.provider)).await;
    let (amount, number) = (current_value(&seen, "fine_amount"), current_value(&seen, "decision_number"));
    let client = provider_browser(&case, &case.provider_email).await;
    let path = format!("/ui/provider/objections/{id}");
    let (status, html) = page(&case.app, &client, &path).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    let row = |value: &str| format!("<tr><td>罚款金额（元） <code>fine_amount</code></td><td>{value}</td></tr>");
    assert!(html.contains(&row(&amount)), "{html}");
    assert!(!html.contains(&number), "an uncontested field stays sealed: {html}");

    // The page's entry names the contested field it opened, and only that one.
    let fields: String = audit_entries::table
        .filter(audit_entries::reason_code.eq(format!("objection:{id}")))
        .filter(audit_entries::action.eq("provider_read"))
        .order(audit_entries::sequence.desc())
        .select(audit_entries::fields)
        .first(&mut *case.app.platform.db.get().expect("connection"))
        .expect("the page's entry");
    assert_eq!(fields, r#"["administrative_penalty.fine_amount"]"#);

    // After a correction the page shows the new value.
    let csrf = csrf_of(&html);
    let corrected =
        [("csrf", csrf.as_str()), ("outcome", "corrected"), ("reason", "更正"), ("field.fine_amount", "500.00")];
    let decided = post_form(&case, &client, &format!("{path}/decision"), &corrected).await;
    assert_eq!(decided.status(), StatusCode::SEE_OTHER);
    let (_, seen) = case.app.get(&format!("/api/v1/records/{record}"), Some(&case.provider)).await;
    let now = current_value(&seen, "fine_amount");
    assert_ne!(now, amount);
    let (_, html) = page(&case.app, &client, &path).await;
    assert!(html.contains(&row(&now)), "{html}");
}

#[tokio::test]
async fn a_contested_enum_field_shows_its_value_in_words() {
    let case = case().await;
    let record = case.record().await;
    let body = json!({
        "record_id": record, "ground": "error_or_omission", "fields": ["severity"], "statement": "情节认定有误",
    });
    let (status, filed) = case.app.post("/api/v1/objections", Some(&case.subject), &body).await;
    assert_eq!(status, StatusCode::CREATED, "{filed}");
    let (_, seen) = case.app.get(&format!("/api/v1/records/{record}"), Some(&case.provider)).await;
    let code = current_value(&seen, "severity");
    let words = match code.as_str() {
        "minor" => "轻微",
        "general" => "一般",
        "serious" => "严重",
        other => panic!("a severity the catalogue does not list: {other}"),
    };
    let client = provider_browser(&case, &case.provider_email).await;
    let path = format!("/ui/provider/objections/{}", filed["id"].as_str().expect("id"));
    let (status, html) = page(&case.app, &client, &path).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    let row = |value: &str| format!("<tr><td>违法情节 <code>severity</code></td><td>{value}</td></tr>");
    assert!(html.contains(&row(words)), "the value in words: {html}");
    assert!(!html.contains(&row(&code)), "not its code: {html}");
}

#[tokio::test]
async fn a_provider_opens_its_record_from_the_inbox_and_another_provider_cannot() {
    use credit_platform::storage::schema::audit_entries;
    use diesel::prelude::*;
    let case = case().await;
    let record = case.record().await;
    let client = provider_browser(&case, &case.provider_email).await;
    let (_, inbox) = page(&case.app, &client, "/ui/provider").await;
    let link = format!(r#"<a href="/ui/provider/records/{record}">"#);
    assert!(inbox.contains(&link), "the inbox links the record: {inbox}");
    let (status, html) = page(&case.app, &client, &format!("/ui/provider/records/{record}")).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains("<h1>行政处罚信息</h1>"), "{html}");
    assert!(html.contains(r#"<th scope="row">处罚决定书文号</th><td>宁市监罚〔2026〕101号</td>"#), "{html}");
    let logged: i64 = audit_entries::table
        .filter(audit_entries::action.eq("provider_read"))
        .filter(audit_entries::record_ids.like(format!("%{record}%")))
        .count()
        .get_result(&mut *case.app.platform.db.get().expect("connection"))
        .expect("count");
    assert_eq!(logged, 1, "the page is a provider read in the access log");

    let (_, other) = case.app.staff("provider", "administrative_organ", "南京市另一局").await;
    let (other_email, _) = case.app.credentials.lock().expect("lock").get(&other).cloned().expect("credentials");
    let stranger = provider_browser(&case, &other_email).await;
    let (status, html) = page(&case.app, &stranger, &format!("/ui/provider/records/{record}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(!html.contains("宁市监罚"), "nothing of it shows: {html}");
}
