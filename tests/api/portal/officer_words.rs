//! The officers' review table `/ui/officer` in words: the disclosed fields by the catalogue's
//! labels in the page language (the subjects' words; the codes stay in the cell's `title`), the
//! reason codes in words with the code beside them, and codes without words (an older policy's
//! field, a new reason) shown as they are. The API keeps the codes.

use super::officer::{officer_client, queried_subject, rows};
use super::page;
use crate::audit::record;
use crate::helpers::{TestApp, spawn_app};
use credit_platform::audit::{Action, Decision, NewEntry};
use credit_platform::workflow::clock::Clock;
use reqwest::StatusCode;

/// The fields cell of a row: (its `title`, its text).
fn fields_cell(row: &str) -> (String, String) {
    let cell = row.split(r#"<td class="fields""#).nth(1).expect("a fields cell");
    let (attributes, rest) = cell.split_once('>').expect("the cell's opening tag");
    let title = attributes.split(r#"title=""#).nth(1).and_then(|t| t.split('"').next()).unwrap_or("");
    let text = rest.split("</td>").next().expect("the cell's text");
    (title.to_owned(), text.to_owned())
}

/// The reason cell of a row, as HTML.
fn reason_cell(row: &str) -> String {
    let cell = row.split(r#"<td class="reason">"#).nth(1).expect("a reason cell");
    cell.split("</td>").next().expect("the cell's end").to_owned()
}

/// The only row of the table at `path`.
async fn only_row(app: &TestApp, client: &reqwest::Client, path: &str) -> String {
    let (status, html) = page(app, client, path).await;
    assert_eq!(status, StatusCode::OK, "{path}: {html}");
    let found = rows(&html);
    assert_eq!(found.len(), 1, "{path}: {html}");
    found[0].to_owned()
}

#[tokio::test]
async fn disclosed_fields_show_their_catalogue_labels_in_chinese_and_in_english() {
    let app = spawn_app().await;
    queried_subject(&app, 51).await;
    let (client, token) = officer_client(&app).await;
    let allowed = "/ui/officer?decision=allowed&purpose=supervision";

    let (codes, zh) = fields_cell(&only_row(&app, &client, allowed).await);
    assert!(zh.starts_with("行政处罚信息："), "the record type's name, then its fields: {zh}");
    assert!(zh.contains("处罚内容") && zh.contains("处罚决定书文号") && zh.contains("、"), "{zh}");
    assert!(!zh.contains("penalty_content") && !zh.contains("administrative_penalty"), "no code as text: {zh}");
    assert!(codes.contains("administrative_penalty.penalty_content"), "the codes stay in the title: {codes}");

    let (codes_en, en) = fields_cell(&only_row(&app, &client, &format!("{allowed}&lang=en")).await);
    assert!(en.starts_with("Administrative penalty: "), "{en}");
    assert!(en.contains("Penalty") && en.contains("Decision number"), "{en}");
    assert!(!en.contains("penalty_content") && !en.contains("decision_number"), "no code as text: {en}");
    assert_eq!(codes_en, codes, "the same codes in every language");

    // The JSON API keeps the codes.
    let (status, log) = app.get("/api/v1/audit/entries?decision=allowed&purpose=supervision", Some(&token)).await;
    assert_eq!(status, StatusCode::OK, "{log}");
    let fields = log["items"][0]["fields"].as_array().expect("fields");
    assert!(fields.iter().any(|f| f == "administrative_penalty.penalty_content"), "{log}");
}

#[tokio::test]
async fn a_denied_query_shows_its_reason_in_words_and_keeps_the_code() {
    let app = spawn_app().await;
    queried_subject(&app, 52).await;
    let (client, token) = officer_client(&app).await;
    let denied = "/ui/officer?decision=denied";

    let row = only_row(&app, &client, denied).await;
    assert!(row.contains(r#"class="denied""#), "{row}");
    let zh = reason_cell(&row);
    assert!(zh.starts_with("该类单位不得以此目的查询"), "the words first: {zh}");
    assert!(zh.contains("<code>purpose_not_allowed</code>"), "the code stays visible: {zh}");
    let (_, fields) = fields_cell(&row);
    assert!(fields.is_empty(), "a denied query discloses nothing: {fields}");

    let en = reason_cell(&only_row(&app, &client, &format!("{denied}&lang=en")).await);
    assert!(en.starts_with("purpose not allowed for this kind of organization"), "{en}");
    assert!(en.contains("<code>purpose_not_allowed</code>"), "{en}");
    let (_, html) = page(&app, &client, &format!("{denied}&lang=en")).await;
    assert!(html.contains(r#"<th scope="col">Reason</th>"#), "{html}");

    // The API and the CSV export keep the bare code.
    let (_, log) = app.get("/api/v1/audit/entries?decision=denied", Some(&token)).await;
    assert_eq!(log["items"][0]["reason_code"], "purpose_not_allowed", "{log}");
}

#[tokio::test]
async fn codes_without_words_are_shown_as_they_are() {
    let app = spawn_app().await;
    let (client, _) = officer_client(&app).await;
    // An entry written under an older policy: a retired record type, a retired field of a type
    // still in the catalogue, a bare name no type has, and a reason code without words.
    let fields = ["administrative_penalty.retired_field", "retired_type.old_field", "penalty_amount"];
    let old = NewEntry::new(app.clock.now_naive(), "old-req", Action::Query, Decision::Denied, "policy-0")
        .actor("requester-account", "requester", Some("bank-org"))
        .purpose("financial_credit", None)
        .disclosed(vec!["record-1".into()], fields.iter().map(|f| (*f).to_owned()).collect())
        .reason("retired_reason");
    record(&app.platform, old).await.expect("recorded");
    // An objection's entry: its event reads as the objection timelines name it.
    let filed = NewEntry::new(app.clock.now_naive(), "obj-req", Action::ObjectionTransition, Decision::Allowed, "p")
        .reason("filed:objection-1");
    record(&app.platform, filed).await.expect("recorded");

    let (status, html) = page(&app, &client, "/ui/officer").await;
    assert_eq!(status, StatusCode::OK, "{html}");
    let all = rows(&html);
    let row = all.iter().find(|r| r.contains("old_field")).expect("the old entry");
    let (codes, text) = fields_cell(row);
    assert_eq!(codes, fields.join(", "), "{row}");
    assert!(text.contains("行政处罚信息：retired_field"), "a known type, an unknown field: {text}");
    assert!(text.contains("retired_type：old_field") && text.contains("penalty_amount"), "{text}");
    assert_eq!(reason_cell(row), "<code>retired_reason</code>", "no words, the code alone: {row}");

    let objection = all.iter().find(|r| r.contains("filed:objection-1")).expect("the objection's entry");
    let reason = reason_cell(objection);
    assert!(reason.starts_with("提出异议") && reason.contains("<code>filed:objection-1</code>"), "{reason}");
}
