//! The operator commands behind `main.rs`: each builds what it needs from `Settings` and calls
//! the workflow layer. Long operations show progress bars.

mod demo;
mod import;

pub use demo::demo;
pub use import::import;

use crate::app::Application;
use crate::config::Settings;
use crate::domain::{Role, SubjectKind};
use crate::workflow::{self, bootstrap, clock::SystemClock};
use anyhow::Context;
use clap::Subcommand;
use std::sync::Arc;

#[derive(Subcommand)]
pub enum AccountsCommand {
    /// Create an account. The password is read from CREDIT_NEW_PASSWORD, or generated and
    /// printed once.
    Create {
        #[arg(long)]
        email: String,
        #[arg(long)]
        role: Role,
        #[arg(long)]
        organization_id: Option<String>,
        #[arg(long)]
        subject_identifier: Option<String>,
        #[arg(long)]
        subject_kind: Option<SubjectKind>,
    },
    /// Issue a long-lived bearer token for the system of a provider, requester or officer
    /// account (printed once; it stops at its expiry or when the account is disabled).
    Token {
        /// The e-mail address the account signs in with.
        #[arg(long)]
        email: String,
        /// Days the token is valid (1 to 366).
        #[arg(long, default_value_t = 90)]
        days: i64,
    },
}

#[derive(Subcommand)]
pub enum KeysCommand {
    /// Add a master-key version (key-file setups) and re-wrap every data key under it.
    Rotate {
        /// Only re-wrap to the current version (CREDIT_MASTER_KEY setups, or to resume).
        #[arg(long)]
        rewrap_only: bool,
    },
}

#[derive(Subcommand)]
pub enum AuditCommand {
    /// Verify the access log's MAC chain against its head and signed checkpoints; exits 1 and
    /// names the first bad sequence when the log was tampered with.
    Verify,
    /// Print the Ed25519 public key that checks the access log's checkpoints (base64).
    PublicKey,
}

/// The platform of a one-shot command. Dropping it, also on an early `?` return, stops the
/// access log's writer and checkpoint threads and waits for them: a thread still talking to
/// PostgreSQL while the exit handlers tear down libpq's TLS state crashed the process.
pub(crate) struct CommandPlatform(workflow::Platform);

impl CommandPlatform {
    pub(crate) fn prepare(settings: Settings) -> anyhow::Result<CommandPlatform> {
        Ok(CommandPlatform(bootstrap::prepare(settings, Arc::new(SystemClock))?))
    }
}

impl std::ops::Deref for CommandPlatform {
    type Target = workflow::Platform;
    fn deref(&self) -> &workflow::Platform {
        &self.0
    }
}

impl Drop for CommandPlatform {
    fn drop(&mut self) {
        self.0.audit.shutdown();
    }
}

pub fn init_tracing() {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,actix_server=warn"));
    let _ = tracing_subscriber::fmt().with_env_filter(filter).with_target(false).try_init();
}

pub fn serve(settings: Settings) -> anyhow::Result<()> {
    let system = actix_web::rt::System::new();
    system.block_on(async move {
        let app = Application::build(settings)?;
        app.run_until_stopped().await.context("server failed")
    })
}

pub fn migrate(settings: Settings) -> anyhow::Result<()> {
    std::fs::create_dir_all(&settings.data_dir)?;
    let db = bootstrap::open_database(&settings)?;
    println!("database is up to date ({})", db.backend().as_str());
    Ok(())
}

pub fn accounts(settings: Settings, command: AccountsCommand) -> anyhow::Result<()> {
    let platform = CommandPlatform::prepare(settings)?;
    match command {
        AccountsCommand::Create { email, role, organization_id, subject_identifier, subject_kind } => {
            let (password, generated) = match std::env::var("CREDIT_NEW_PASSWORD") {
                Ok(p) => (p, false),
                Err(_) => (workflow::login::random_token(), true),
            };
            let new = workflow::manage_accounts::NewAccount {
                email,
                password: password.clone(),
                role,
                organization_id,
                subject_identifier,
                subject_kind,
                subject_name: None,
            };
            let id = workflow::manage_accounts::create_account(&platform, &cli_admin(), new)
                .map_err(|e| anyhow::anyhow!("{e} ({})", e.code()))?;
            println!("created account {id}");
            if generated {
                println!("one-time password (shown once): {password}");
            }
            Ok(())
        }
        AccountsCommand::Token { email, days } => {
            let issued = workflow::machine_tokens::issue_for_email(&platform, &cli_admin(), &email, days)
                .map_err(|e| anyhow::anyhow!("{e} ({})", e.code()))?;
            println!("machine token (shown once): {}", issued.token);
            println!("valid until {}", issued.expires_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true));
            Ok(())
        }
    }
}

/// The operator at the console acts as an administrator; the access log names it `cli`.
fn cli_admin() -> workflow::Actor {
    workflow::Actor { account_id: "cli".into(), role: Role::Admin, organization_id: None, subject_id: None }
}

pub fn keys(settings: Settings, command: KeysCommand) -> anyhow::Result<()> {
    let KeysCommand::Rotate { rewrap_only } = command;
    let platform = CommandPlatform::prepare(settings)?;
    if !rewrap_only {
        match platform.keys.source() {
            workflow::keys::KeySource::File(path) => {
                let key = crate::crypto::MasterKeyRing::append_new_version_to_file(path)
                    .map_err(|e| anyhow::anyhow!("cannot add a master-key version: {}", e.code()))?;
                println!("added master-key version {} to {}", key.version(), path.display());
                platform.keys.reload().map_err(|e| anyhow::anyhow!("cannot reload keys: {}", e.code()))?;
            }
            workflow::keys::KeySource::Environment => {
                anyhow::bail!(
                    "CREDIT_MASTER_KEY is set: add the new version to it (\"2:NEW,1:OLD\"), restart the \
                     instances, then run `keys rotate --rewrap-only`"
                );
            }
        }
    }
    let pending = workflow::rotate_keys::pending(&platform).map_err(|e| anyhow::anyhow!("{e}"))?;
    let bar = indicatif::ProgressBar::new(pending);
    bar.set_style(
        indicatif::ProgressStyle::with_template("re-wrapping data keys {bar:40} {pos}/{len} ({eta})")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let done = workflow::rotate_keys::rewrap_all(&platform, |p| bar.set_position(p.done))
        .map_err(|e| anyhow::anyhow!("rotation stopped (run again to resume): {e}"))?;
    bar.finish();
    println!("re-wrapped {done} data keys");
    if let workflow::keys::KeySource::File(path) = platform.keys.source() {
        for version in workflow::rotate_keys::unused_versions(&platform).map_err(|e| anyhow::anyhow!("{e}"))? {
            crate::crypto::MasterKeyRing::retire_version_in_file(path, version)
                .map_err(|e| anyhow::anyhow!("cannot retire version {version}: {}", e.code()))?;
            println!("retired unused master-key version {version}");
        }
    }
    Ok(())
}

pub fn audit(settings: Settings, command: AuditCommand) -> anyhow::Result<()> {
    let platform = CommandPlatform::prepare(settings)?;
    match command {
        AuditCommand::PublicKey => {
            let key = workflow::audit_integrity::public_key(&platform);
            println!("{} {} (key id {})", key.algorithm, key.public_key, key.key_id);
            Ok(())
        }
        AuditCommand::Verify => {
            let bar = indicatif::ProgressBar::new(0);
            bar.set_style(
                indicatif::ProgressStyle::with_template(
                    "verifying the access log {bar:40} {pos}/{len} entries ({per_sec}, {eta})",
                )
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
            let report = workflow::audit_integrity::verify_as_operator(&platform, &mut |p| {
                bar.set_length(p.total.max(p.done));
                bar.set_position(p.done);
            })
            .map_err(|e| anyhow::anyhow!("verification could not run: {e} ({})", e.code()));
            bar.finish_and_clear();
            let report = report?;
            let checkpoint = report
                .last_checkpoint
                .as_ref()
                .map_or_else(|| "no checkpoint yet".to_owned(), |c| format!("last checkpoint at size {}", c.size));
            if report.ok {
                println!("access log intact: {} entries, {checkpoint}", report.entries);
                return Ok(());
            }
            let sequence = report.first_bad_sequence.map_or_else(|| "?".to_owned(), |s| s.to_string());
            let problem = report.problem.map_or("unknown", |p| p.as_str());
            anyhow::bail!(
                "ACCESS LOG BROKEN at sequence {sequence} ({problem}); {} entries checked, {checkpoint}",
                report.entries
            )
        }
    }
}

pub fn backup(settings: Settings, file: &std::path::Path) -> anyhow::Result<()> {
    let platform = CommandPlatform::prepare(settings)?;
    let report = workflow::backup::backup(&platform, file).with_context(|| format!("backup to {}", file.display()))?;
    println!(
        "backed up {} bytes to {} (checked; its access-log entry is no. {}). The master key is not in it: \
         keep the key file (or CREDIT_MASTER_KEY) separately, or the copy cannot be read.",
        report.bytes,
        file.display(),
        report.entry_sequence
    );
    Ok(())
}
