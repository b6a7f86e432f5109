//! Typed settings: `config/default.toml` (compiled in, so the binary starts anywhere), then an
//! optional file (`--config FILE`), then environment variables `CREDIT__SECTION__KEY`, then CLI
//! flags. Secrets are `Redacted`: Debug, Display and logs show `***`, never the value.
//!
//! Must not: read keys into memory beyond a redacted string, open files other than the config.

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

const DEFAULTS: &str = include_str!("../config/default.toml");

/// A secret setting: usable through `expose`, never printed.
#[derive(Clone, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(transparent)]
pub struct Redacted<T>(T);

impl<T> Redacted<T> {
    pub fn new(value: T) -> Self {
        Self(value)
    }
    pub fn expose(&self) -> &T {
        &self.0
    }
}

impl<T> std::fmt::Debug for Redacted<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("***")
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    pub data_dir: PathBuf,
    pub policies_dir: PathBuf,
    pub server: ServerSettings,
    pub database: DatabaseSettings,
    pub crypto: CryptoSettings,
    pub auth: AuthSettings,
    pub bootstrap: BootstrapSettings,
    pub mail: MailSettings,
    /// Defaulted so that config files written before the access log existed still load.
    #[serde(default)]
    pub audit: AuditSettings,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ServerSettings {
    /// `HOST:PORT`; port 0 picks a free port (tests).
    pub listen: String,
    pub workers: usize,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct DatabaseSettings {
    /// Redacted because a PostgreSQL URL may carry a password.
    pub url: Redacted<String>,
    pub pool_size: u32,
    pub connect_timeout_seconds: u64,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CryptoSettings {
    pub master_key_file: PathBuf,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct AuthSettings {
    pub token_ttl_minutes: i64,
    pub login_attempts: u32,
    pub login_window_seconds: i64,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct BootstrapSettings {
    pub admin_email: String,
}

/// Outgoing e-mail: the transport and the outbox sender job.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct MailSettings {
    /// `file`: one .eml file per message under DATA_DIR/mail (no mail server needed);
    /// `smtp`: the relay below.
    pub transport: MailTransport,
    pub smtp_host: String,
    pub smtp_port: u16,
    pub smtp_tls: SmtpTls,
    /// Empty = no authentication.
    pub smtp_username: String,
    pub smtp_password: Redacted<String>,
    pub smtp_timeout_seconds: u64,
    /// The From address of every message.
    pub from: String,
    /// Whether this instance runs the sender job (any number of instances may).
    pub sender_enabled: bool,
    /// Pause between two passes over the outbox when it was drained.
    pub poll_interval_seconds: u64,
    /// Attempts before a message is left in the outbox as undeliverable.
    pub max_attempts: u32,
    /// Messages taken per pass.
    pub batch_size: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MailTransport {
    File,
    Smtp,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SmtpTls {
    /// Plain text: only for a relay on localhost or a trusted network.
    None,
    /// Plain connection upgraded with STARTTLS, which is required (usually port 587).
    Starttls,
    /// TLS from the first byte (usually port 465).
    Tls,
}

/// The access log's group-commit writer and checkpoint schedule (DESIGN §6).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct AuditSettings {
    /// Most entries one access-log transaction appends.
    pub batch_max: usize,
    /// A signed checkpoint after this many entries ...
    pub checkpoint_every_entries: u64,
    /// ... or after this many seconds, whichever comes first.
    pub checkpoint_interval_seconds: u64,
    /// the officers are alerted when one organization makes more queries than this in
    /// an hour (0: never).
    pub query_alert_per_hour: i64,
}

impl Default for AuditSettings {
    fn default() -> Self {
        Self {
            batch_max: 256,
            checkpoint_every_entries: 1000,
            checkpoint_interval_seconds: 60,
            query_alert_per_hour: 2000,
        }
    }
}

/// Flags given on the command line; each one present wins over files and environment.
#[derive(Debug, Default, Clone, Serialize)]
pub struct Overrides {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data_dir: Option<PathBuf>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub policies_dir: Option<PathBuf>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub listen: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub database_url: Option<String>,
}

#[derive(Debug, thiserror::Error)]
#[error("configuration error: {0}")]
pub struct ConfigError(String);

impl Settings {
    /// Layers defaults, `config_file`, the environment and `overrides`, in that order.
    pub fn load(config_file: Option<&Path>, overrides: &Overrides) -> Result<Settings, ConfigError> {
        let mut figment = Figment::from(Toml::string(DEFAULTS));
        if let Some(path) = config_file {
            if !path.is_file() {
                return Err(ConfigError(format!("config file {} not found", path.display())));
            }
            figment = figment.merge(Toml::file(path));
        }
        figment = figment.merge(Env::prefixed("CREDIT__").split("__"));
        if let Some(dir) = &overrides.data_dir {
            figment = figment.merge(Serialized::default("data_dir", dir));
        }
        if let Some(dir) = &overrides.policies_dir {
            figment = figment.merge(Serialized::default("policies_dir", dir));
        }
        if let Some(listen) = &overrides.listen {
            figment = figment.merge(Serialized::default("server.listen", listen));
        }
        if let Some(url) = &overrides.database_url {
            figment = figment.merge(Serialized::default("database.url", url));
        }
        // figment's messages name the key and the source, never a secret value it could not parse.
        figment.extract().map_err(|e| ConfigError(e.to_string()))
    }

    /// The database URL, defaulting to the embedded SQLite file in the data folder.
    pub fn database_url(&self) -> String {
        let url = self.database.url.expose().trim();
        if url.is_empty() {
            format!("sqlite://{}", self.data_dir.join("credit.sqlite3").display())
        } else {
            url.to_owned()
        }
    }

    /// The master key file, defaulting to DATA_DIR/master.key.
    pub fn master_key_file(&self) -> PathBuf {
        if self.crypto.master_key_file.as_os_str().is_empty() {
            self.data_dir.join("master.key")
        } else {
            self.crypto.master_key_file.clone()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_load_and_flags_win() {
        let overrides = Overrides {
            listen: Some("127.0.0.1:0".into()),
            database_url: Some("postgres://u:pw@h/db".into()),
            ..Overrides::default()
        };
        let settings = Settings::load(None, &overrides).expect("defaults load");
        assert_eq!(settings.server.listen, "127.0.0.1:0");
        assert_eq!(settings.database_url(), "postgres://u:pw@h/db");
        assert!(!format!("{settings:?}").contains("pw@"), "the URL is redacted in Debug");
        assert_eq!(settings.master_key_file(), PathBuf::from("./data/master.key"));
        assert_eq!(settings.mail.transport, MailTransport::File, "a fresh start needs no mail server");
        let mut settings = settings;
        settings.mail.smtp_password = Redacted::new("smtp-secret".into());
        assert!(!format!("{settings:?}").contains("smtp-secret"), "the SMTP password is redacted");
    }
}
