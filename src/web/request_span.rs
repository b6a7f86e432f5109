//! The root span of every HTTP request, which every log line written while serving it carries.
//!
//! Contract: the span holds the method, the route pattern, the path, the request id and the
//! status — never the query string, the client's address or its user agent. The default span
//! of `tracing_actix_web` logs the whole target, and a query string can hold personal data:
//! an officer's `GET /api/v1/audit/entries?subject_identifier=…` (or the officer portal's
//! filter link) would have put a resident identity number in clear into the server's log.
//! Paths hold only pseudonymous ids. An error is logged by its stable code alone.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::{Error, HttpMessage};
use tracing::Span;
use tracing::field::Empty;
use tracing_actix_web::{RequestId, RootSpanBuilder};

pub struct PathOnlySpan;

impl RootSpanBuilder for PathOnlySpan {
    fn on_request_start(request: &ServiceRequest) -> Span {
        let request_id = request.extensions().get::<RequestId>().copied();
        let route = request.match_pattern().unwrap_or_else(|| "default".to_owned());
        tracing::info_span!(
            "HTTP request",
            http.method = %request.method(),
            http.route = %route,
            http.target = %request.path(),
            request_id = request_id.map(tracing::field::display),
            http.status_code = Empty,
            error = Empty,
        )
    }

    fn on_request_end<B: MessageBody>(span: Span, outcome: &Result<ServiceResponse<B>, Error>) {
        let status = match outcome {
            Ok(response) => response.status(),
            Err(error) => error.as_response_error().status_code(),
        };
        span.record("http.status_code", status.as_u16());
        if status.is_server_error() {
            // The status says what failed; causes are logged where they are known, redacted.
            span.record("error", status.canonical_reason().unwrap_or("server error"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::PathOnlySpan;
    use actix_web::{App, HttpResponse, test, web};
    use std::sync::{Arc, Mutex};
    use tracing_actix_web::TracingLogger;

    /// The subscriber's output, kept in memory.
    #[derive(Clone, Default)]
    struct Captured(Arc<Mutex<Vec<u8>>>);

    impl std::io::Write for Captured {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.lock().map_err(|_| std::io::Error::other("poisoned"))?.extend_from_slice(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[actix_web::test]
    async fn request_logs_carry_the_path_and_status_but_never_the_query_string() {
        let captured = Captured::default();
        let writer = captured.clone();
        let subscriber =
            tracing_subscriber::fmt().with_writer(move || writer.clone()).with_ansi(false).with_target(false).finish();
        let _guard = tracing::subscriber::set_default(subscriber);
        let app = test::init_service(App::new().wrap(TracingLogger::<PathOnlySpan>::new()).route(
            "/audit/entries",
            web::get().to(|| async {
                tracing::info!("listed");
                HttpResponse::Ok().finish()
            }),
        ))
        .await;
        let request = test::TestRequest::get()
            .uri("/audit/entries?subject_identifier=320106199001011234")
            .insert_header(("user-agent", "probe-agent"))
            .to_request();
        let response = test::call_service(&app, request).await;
        assert!(response.status().is_success());
        let logged = String::from_utf8_lossy(&captured.0.lock().map(|b| b.clone()).unwrap_or_default()).into_owned();
        assert!(logged.contains("listed") && logged.contains("/audit/entries"), "{logged}");
        assert!(!logged.contains("320106199001011234"), "{logged}");
        assert!(!logged.contains("subject_identifier") && !logged.contains("probe-agent"), "{logged}");
    }
}
