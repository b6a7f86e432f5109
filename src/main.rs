//! `credit-platform`: the command line. `serve` (the default) runs the platform; the other
//! commands are operator tasks on the same settings. Thin: parse flags, load settings, call one
//! function of the library.

use clap::{Parser, Subcommand};
use credit_platform::cli;
use credit_platform::config::{Overrides, Settings};
use std::path::PathBuf;

#[derive(Parser)]
#[command(name = "credit-platform", version, about = "Municipal public credit information platform")]
struct Cli {
    /// A TOML file layered over config/default.toml.
    #[arg(long, global = true)]
    config: Option<PathBuf>,
    /// Folder of the embedded database, the development master key and generated files.
    #[arg(long, global = true)]
    data_dir: Option<PathBuf>,
    /// HOST:PORT to listen on.
    #[arg(long, global = true)]
    listen: Option<String>,
    /// sqlite://PATH, a file path, or postgres://user@host:port/db.
    #[arg(long, global = true)]
    database_url: Option<String>,
    /// The policies/ folder.
    #[arg(long = "policies", global = true)]
    policies_dir: Option<PathBuf>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the platform (the default).
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Manage accounts.
    #[command(subcommand)]
    Accounts(cli::AccountsCommand),
    /// Manage keys.
    #[command(subcommand)]
    Keys(cli::KeysCommand),
    /// Import records from an NDJSON file (one submission per line) for a provider organization.
    Import {
        file: PathBuf,
        /// The providing organization's id.
        #[arg(long)]
        organization: String,
    },
    /// A populated instance to try every role (use a throwaway --data-dir), then serve.
    Demo,
    /// The access log: verify its chain, print the checkpoint public key.
    #[command(subcommand)]
    Audit(cli::AuditCommand),
    /// Copy the embedded SQLite database, while it serves, into a new file (0600). The master
    /// key is not in the copy: keep the key file separately. PostgreSQL: use pg_dump.
    Backup { file: PathBuf },
}

fn main() -> std::process::ExitCode {
    cli::init_tracing();
    let args = Cli::parse();
    let overrides = Overrides {
        data_dir: args.data_dir,
        policies_dir: args.policies_dir,
        listen: args.listen,
        database_url: args.database_url,
    };
    let result =
        Settings::load(args.config.as_deref(), &overrides).map_err(anyhow::Error::from).and_then(|settings| match args
            .command
            .unwrap_or(Command::Serve)
        {
            Command::Serve => cli::serve(settings),
            Command::Migrate => cli::migrate(settings),
            Command::Accounts(command) => cli::accounts(settings, command),
            Command::Keys(command) => cli::keys(settings, command),
            Command::Import { file, organization } => cli::import(settings, &file, &organization),
            Command::Audit(command) => cli::audit(settings, command),
            Command::Demo => cli::demo(settings),
            Command::Backup { file } => cli::backup(settings, &file),
        });
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
