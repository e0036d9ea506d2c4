//! The command line (CONTRACT §1).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use genesis_domain::Role;

use crate::exit::Failure;
use crate::{commands, output, settings, telemetry};

/// Genesis: an OAuth2 authorization server.
#[derive(Debug, Parser)]
#[command(name = "genesis", version, about, propagate_version = true)]
struct Cli {
    /// TOML configuration file, layered under GENESIS__SECTION__KEY environment variables.
    #[arg(long, global = true, env = "GENESIS_CONFIG", value_name = "FILE")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the HTTP server (applies pending migrations first).
    #[command(after_help = "Example:\n  GENESIS__SERVER__BIND=127.0.0.1:9000 genesis serve")]
    Serve {
        /// Do not apply pending migrations before serving.
        #[arg(long)]
        no_migrate: bool,
    },
    /// Apply pending database migrations and exit.
    #[command(
        after_help = "Example:\n  GENESIS__DATABASE__URL=mysql://genesis:secret@db/genesis genesis migrate"
    )]
    Migrate,
    /// Manage users.
    #[command(subcommand)]
    Users(UsersCommand),
    /// Manage signing keys.
    #[command(subcommand)]
    Keys(KeysCommand),
    /// Manage OAuth clients.
    #[command(subcommand)]
    Clients(ClientsCommand),
    /// Check the audit trail.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Print the effective configuration, secrets redacted.
    #[command(after_help = "Example:\n  genesis config --config /etc/genesis/genesis.toml")]
    Config,
}

#[derive(Debug, Subcommand)]
enum UsersCommand {
    /// Create a user; the password is read from standard input, never from arguments.
    #[command(
        after_help = "Example:\n  printf '%s\\n' \"$PASSWORD\" | genesis users create --username ada --email ada@example.com --role admin --password-stdin"
    )]
    Create {
        #[arg(long)]
        username: String,
        #[arg(long)]
        email: String,
        /// `user` (default) or `admin`.
        #[arg(long, default_value = "user", value_parser = ["user", "admin"])]
        role: String,
        /// Read the password from standard input (one trailing newline is stripped).
        #[arg(long, required = true)]
        password_stdin: bool,
    },
}

#[derive(Debug, Subcommand)]
enum KeysCommand {
    /// List signing keys: kid, algorithm, state, creation time.
    #[command(after_help = "Example:\n  genesis keys list --json")]
    List {
        /// One JSON object per line.
        #[arg(long)]
        json: bool,
    },
    /// Make a new active key; the previous one stays published for verification.
    #[command(
        after_help = "Example:\n  genesis keys rotate   # running servers pick it up within 10 s"
    )]
    Rotate,
    /// Unpublish a previous key (tokens it signed stop verifying).
    #[command(after_help = "Example:\n  genesis keys retire 3f2a9c0d4b1e4f6a8c7d5e4f3a2b1c0d")]
    Retire {
        /// The key id, as `genesis keys list` shows it.
        kid: String,
    },
}

#[derive(Debug, Subcommand)]
enum AuditCommand {
    /// Walk the hash chain: exit 0 when intact, 1 naming the first broken record.
    #[command(after_help = "Example:\n  genesis audit verify --config /etc/genesis/genesis.toml")]
    Verify,
}

#[derive(Debug, Subcommand)]
enum ClientsCommand {
    /// Register a client. A service client without --secret-stdin gets a generated secret,
    /// printed once.
    #[command(
        after_help = "Examples:\n  genesis clients create --id reports --kind service --scope reports.read\n  genesis clients create --id mobile --kind native"
    )]
    Create {
        #[arg(long)]
        id: String,
        /// browser, native or service.
        #[arg(long, value_parser = ["browser", "native", "service"])]
        kind: String,
        /// Read a service client's secret (at least 32 characters) from standard input.
        #[arg(long)]
        secret_stdin: bool,
        /// A grant the client may use (repeatable): password, refresh_token, client_credentials.
        #[arg(long = "grant", value_name = "GRANT")]
        grants: Vec<String>,
        /// A scope the client may request (repeatable).
        #[arg(long = "scope", value_name = "SCOPE")]
        scopes: Vec<String>,
    },
    /// List clients: configured and registered.
    #[command(after_help = "Example:\n  genesis clients list --json")]
    List {
        /// One JSON object per line.
        #[arg(long)]
        json: bool,
    },
}

/// Parses the arguments, runs the command, and maps the outcome to an exit code.
pub(crate) fn run() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => {
            // clap prints help and version to stdout (exit 0) and usage errors to stderr (exit 2).
            let _ = err.print();
            return ExitCode::from(u8::try_from(err.exit_code()).unwrap_or(2));
        }
    };
    match execute(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            tracing::error!(error = %failure, "command failed");
            output::error(&failure.to_string());
            failure.code()
        }
    }
}

fn execute(cli: Cli) -> Result<(), Failure> {
    let settings = settings::load(cli.config.as_deref())?;
    settings::validate(&settings)?;
    telemetry::init(&settings);
    if let Command::Config = cli.command {
        return commands::config::run(&settings);
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::runtime("starting the async runtime", e))?;
    runtime.block_on(async move {
        match cli.command {
            Command::Serve { no_migrate } => commands::serve::run(settings, no_migrate).await,
            Command::Migrate => commands::migrate::run(settings).await,
            Command::Users(UsersCommand::Create { username, email, role, password_stdin: _ }) => {
                let role = Role::parse(&role)
                    .map_err(|_| Failure::Config("--role must be user or admin".into()))?;
                commands::users::create(settings, username, email, role).await
            }
            Command::Keys(KeysCommand::List { json }) => commands::keys::list(settings, json).await,
            Command::Keys(KeysCommand::Rotate) => commands::keys::rotate(settings).await,
            Command::Keys(KeysCommand::Retire { kid }) => {
                commands::keys::retire(settings, kid).await
            }
            Command::Clients(ClientsCommand::Create { id, kind, secret_stdin, grants, scopes }) => {
                let args = commands::clients::CreateArgs { id, kind, secret_stdin, grants, scopes };
                commands::clients::create(settings, args).await
            }
            Command::Clients(ClientsCommand::List { json }) => {
                commands::clients::list(settings, json).await
            }
            Command::Audit(AuditCommand::Verify) => commands::audit::verify(settings).await,
            Command::Config => commands::config::run(&settings),
        }
    })
}
