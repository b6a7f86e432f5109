//! `GET /ui/provider/objections/{id}/evidence/{evidence_id}`: one evidence file of an objection
//! against the organization's records, opened through `read::evidence` (which checks that the
//! objection is this provider's and writes the access-log entry, as the API does) and sent as a
//! download, so the clerk can read what the subject submitted before deciding.
//!
//! Contract: a subject's upload is never rendered in the portal's origin. It always goes out
//! as `Content-Disposition: attachment`, with the stored media type only when it is one of a
//! few inert document and image types (`application/octet-stream` otherwise), `nosniff`,
//! `no-store` and a CSP `sandbox`. The file name is percent-encoded (RFC 8187), so no byte of
//! it can break the header. Another organization's objection or an unknown file answers 404.

use super::super::Ctx;
use super::super::guard::signed_in;
use crate::domain::Role;
use crate::workflow::Platform;
use crate::workflow::objections::read::{self, EvidenceContent};
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use tracing_actix_web::RequestId;

/// Types a browser shows without running anything; any other type is sent as bytes.
const INERT_TYPES: [&str; 5] = ["application/pdf", "image/jpeg", "image/png", "image/gif", "text/plain"];

pub(super) async fn download(
    req: HttpRequest,
    platform: web::Data<Platform>,
    request_id: RequestId,
    path: web::Path<(String, String)>,
) -> HttpResponse {
    let ctx = Ctx::of(&req);
    let (id, evidence_id) = path.into_inner();
    let request_id = request_id.to_string();
    let outcome = signed_in(&req, &platform, move |platform, actor| {
        actor.require(&[Role::Provider])?;
        read::evidence(platform, actor, &request_id, &id, &evidence_id)
    })
    .await;
    match outcome {
        Ok((_, file)) => attachment(file),
        Err(answer) => answer(&req, &ctx),
    }
}

fn attachment(file: EvidenceContent) -> HttpResponse {
    let media_type = INERT_TYPES.iter().find(|t| **t == file.media_type).copied().unwrap_or("application/octet-stream");
    HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, media_type))
        .insert_header((header::CONTENT_DISPOSITION, format!("attachment; filename*=UTF-8''{}", encoded(&file.name))))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .insert_header((header::CONTENT_SECURITY_POLICY, "sandbox; default-src 'none'"))
        .body(file.content)
}

/// RFC 8187 `value-chars`: letters, digits and `!#$&+-.^_`|~` as they are, every other byte as
/// `%XX`; an empty name becomes `evidence`.
fn encoded(name: &str) -> String {
    if name.is_empty() {
        return "evidence".to_owned();
    }
    name.bytes()
        .map(|b| match b {
            b'a'..=b'z'
            | b'A'..=b'Z'
            | b'0'..=b'9'
            | b'!'
            | b'#'
            | b'$'
            | b'&'
            | b'+'
            | b'-'
            | b'.'
            | b'^'
            | b'_'
            | b'`'
            | b'|'
            | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn file_names_cannot_break_the_header() {
        assert_eq!(super::encoded("缴款凭证.pdf"), "%E7%BC%B4%E6%AC%BE%E5%87%AD%E8%AF%81.pdf");
        assert_eq!(super::encoded("a\r\nSet-Cookie: x=1\".pdf"), "a%0D%0ASet-Cookie%3A%20x%3D1%22.pdf");
        assert_eq!(super::encoded(""), "evidence");
    }
}
