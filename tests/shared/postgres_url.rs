//! PostgreSQL URLs for the tests and the benchmarks (included by `#[path]` from both; a file
//! in a subfolder of `tests/` is not a test binary of its own).

/// Replaces the database name in a PostgreSQL URL, keeping its parameters.
pub fn with_database(url: &str, name: &str) -> String {
    let (base, last) = url.rsplit_once('/').unwrap_or((url, ""));
    let parameters = last.split_once('?').map(|(_, p)| format!("?{p}")).unwrap_or_default();
    format!("{base}/{name}{parameters}")
}

/// The tests and benchmarks talk to a PostgreSQL on loopback: without TLS, unless the URL
/// asks for it. A TLS session is slower to open, and libpq then initializes OpenSSL, whose
/// exit handlers can tear it down while a background thread still closes a connection: the
/// test binary died with SIGSEGV after every test had passed, and `query_load` after printing
/// its figures, once its dropped database had ended the platform's connections.
pub fn without_tls(url: String) -> String {
    if url.contains("sslmode=") {
        return url;
    }
    let separator = if url.contains('?') { '&' } else { '?' };
    format!("{url}{separator}sslmode=disable")
}
