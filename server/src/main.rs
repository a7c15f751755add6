//! The `ocop-server` command: serve the API, manage accounts, migrate.
//! (anyhow here, outside the request lifecycle.)

use std::io::{BufRead as _, IsTerminal as _};
use std::net::TcpListener;
use std::path::PathBuf;

use anyhow::{Context as _, bail};
use clap::{Parser, Subcommand};
use ocop_server::auth::{Role, password};
use ocop_server::config::{self, Config};
use ocop_server::models::user;
use ocop_server::{demo, startup};

#[derive(Debug, Parser)]
#[command(
    name = "ocop-server",
    version,
    about = "OCOP point of sale: the central service (catalogue, stock, sales, consignment settlement)",
    after_help = env_help()
)]
struct Cli {
    /// Optional TOML file with the same keys as the variables below, in lower
    /// case without the OCOP_ prefix (e.g. database_url = "…"). Variables win.
    #[arg(long, global = true, value_name = "FILE")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the HTTP service (migrations are applied first).
    Serve {
        /// Fill an empty database with Lào Cai demo data and demo accounts
        /// (password demo1234). Never use with real data.
        #[arg(long)]
        demo: bool,
    },
    /// Apply pending database migrations and exit.
    Migrate,
    /// Manage accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// Stock ledger tools.
    #[command(subcommand)]
    Stock(StockCommand),
    /// Sales journal tools.
    #[command(subcommand)]
    Journal(JournalCommand),
    /// Compute the draft consignment settlement statements of a month for
    /// every producer × outlet with an agreement (approved ones are left as
    /// they are), with a progress bar. Exits 1 if any pair was refused
    /// (a ledger discrepancy, or the previous statement not approved).
    /// `settle backfill` records what statements computed before members
    /// were recorded hold (also done before every run).
    #[command(args_conflicts_with_subcommands = true)]
    Settle {
        #[command(subcommand)]
        command: Option<SettleCommand>,
        /// The month, e.g. 2026-11 (quarterly agreements settle with the
        /// last month of their quarter).
        #[arg(long, required = true)]
        period: Option<String>,
        /// Only this outlet (id).
        #[arg(long)]
        outlet: Option<i32>,
    },
    /// The dashboard's daily sales rollups.
    #[command(subcommand)]
    Rollup(RollupCommand),
    /// Synthetic data sets for load tests and benchmarks.
    #[command(subcommand)]
    Demo(DemoCommand),
    /// The public label scan log.
    #[command(subcommand)]
    Scans(ScansCommand),
    /// Import producers or products from a UTF-8 CSV file (docs/catalogue-csv.md):
    /// all rows or none; every bad row is listed with its line number.
    Import {
        #[arg(value_enum)]
        kind: ocop_server::catalogue_io::Kind,
        file: PathBuf,
        /// Check every row, write nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Export producers or products in the import format, as CSV or XLSX.
    Export {
        #[arg(value_enum)]
        kind: ocop_server::catalogue_io::Kind,
        #[arg(long, value_enum, default_value = "csv")]
        format: ocop_server::catalogue_io::export::Format,
        /// Write to this file instead of standard output.
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
enum UserCommand {
    /// Create an account; asks for the password twice (or reads one line
    /// from standard input with --password-stdin).
    Add {
        #[arg(long, value_parser = parse_role)]
        role: Role,
        #[arg(long)]
        username: String,
        /// Name shown on screens and receipts (default: the username).
        #[arg(long)]
        display_name: Option<String>,
        /// Outlet id, for managers and cashiers.
        #[arg(long)]
        outlet: Option<i32>,
        /// Producer id, for producer accounts.
        #[arg(long)]
        producer: Option<i32>,
        #[arg(long)]
        password_stdin: bool,
    },
    /// List accounts.
    List,
}

#[derive(Debug, Subcommand)]
enum SettleCommand {
    /// For every approved statement computed before statements recorded
    /// what they hold (migration 2026-12-04-000130): record it by the rule
    /// it was computed with, check it recomputes to its stored SHA-256, one
    /// transaction per producer × outlet; a pair that does not match is
    /// left unchanged and listed. Prints what it did; exits 1 if any pair
    /// was refused.
    Backfill,
}

#[derive(Debug, Subcommand)]
enum StockCommand {
    /// Recompute the sum of the stock ledger and compare it with stock on
    /// hand; lists every difference and exits with status 1 if there is any.
    Verify,
}

#[derive(Debug, Subcommand)]
enum RollupCommand {
    /// Recompute every daily rollup from the raw sales and refunds.
    Rebuild,
    /// Compare the rollups with the raw rows; lists every difference and
    /// exits with status 1 if there is any.
    Check,
}

#[derive(Debug, Subcommand)]
enum DemoCommand {
    /// Fill an EMPTY migrated database with a national-scale year of
    /// synthetic data: producers, certified products, outlets with one
    /// till each, and sale lines in hash-chained receipts (1–8 lines,
    /// cash/card/confirmed transfer); then rebuild the rollups. Refuses a
    /// database that already holds sales. Same seed, same data. Example:
    /// ocop-server demo generate --outlets 10000 --products 20000 --lines 50000000
    Generate {
        /// Number of outlets (each gets one cashier and one till).
        #[arg(long)]
        outlets: usize,
        /// Number of products (producers: one per four products).
        #[arg(long)]
        products: usize,
        /// Number of sale lines in all.
        #[arg(long)]
        lines: u64,
        /// Days of sales, ending now.
        #[arg(long, default_value_t = 365)]
        days: u32,
        /// Random seed.
        #[arg(long, default_value_t = 17)]
        seed: u64,
    },
}

#[derive(Debug, Subcommand)]
enum ScansCommand {
    /// Delete scans older than OCOP_SCAN_RETENTION_DAYS (also done at start-up).
    Prune,
}

#[derive(Debug, Subcommand)]
enum JournalCommand {
    /// Walk each till's hash chain from the stored sales and refunds,
    /// recomputing every hash; lists every gap, altered record and broken
    /// link and exits with status 1 if there is any.
    Verify {
        /// Only this till.
        #[arg(long)]
        till: Option<i32>,
    },
}

fn parse_role(text: &str) -> Result<Role, String> {
    Role::parse(text).ok_or_else(|| {
        let all: Vec<&str> = Role::ALL.iter().map(|r| r.as_str()).collect();
        format!("unknown role; one of: {}", all.join(", "))
    })
}

fn env_help() -> String {
    let mut text = String::from("Configuration (environment variables):\n");
    for (name, what) in config::VARIABLES {
        text.push_str(&format!("  {name:<24} {what}\n"));
    }
    text.push_str(
        "\nQuick start: ocop-server serve --demo   then open http://127.0.0.1:8080/api/docs/",
    );
    text
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    init_logging();
    let config = Config::load(cli.config.as_deref())?;
    match cli.command {
        Command::Serve { demo } => serve(config, demo),
        Command::Migrate => {
            let state = startup::prepare(config)?;
            println!(
                "database ({}) is at schema version {}",
                state.db.backend().name(),
                schema_version(&state)?
            );
            Ok(())
        }
        Command::User(cmd) => user_command(config, cmd),
        Command::Stock(StockCommand::Verify) => {
            let state = startup::prepare(config)?;
            if !ocop_server::models::stock::verify::run_cli(&state.db)? {
                std::process::exit(1);
            }
            Ok(())
        }
        Command::Rollup(cmd) => {
            let state = startup::prepare(config)?;
            match cmd {
                RollupCommand::Rebuild => ocop_server::models::rollup::run_rebuild_cli(&state.db),
                RollupCommand::Check => {
                    if !ocop_server::models::rollup::run_check_cli(&state.db)? {
                        std::process::exit(1);
                    }
                    Ok(())
                }
            }
        }
        Command::Demo(DemoCommand::Generate {
            outlets,
            products,
            lines,
            days,
            seed,
        }) => {
            let state = startup::prepare(config)?;
            let plan = demo::generate::Plan {
                outlets,
                products,
                lines,
                days,
                seed,
            };
            demo::generate::run_cli(&state.db, &plan)
        }
        Command::Scans(ScansCommand::Prune) => {
            let state = startup::prepare(config)?;
            let pruned = startup::prune_scans(&state)?;
            println!(
                "{pruned} scans older than {} days deleted",
                state.config.scan_retention_days
            );
            Ok(())
        }
        Command::Journal(JournalCommand::Verify { till }) => {
            let state = startup::prepare(config)?;
            if !ocop_server::models::sale::journal::run_cli(&state.db, till)? {
                std::process::exit(1);
            }
            Ok(())
        }
        Command::Settle {
            command: Some(SettleCommand::Backfill),
            ..
        } => {
            let state = startup::prepare(config)?;
            if !ocop_server::models::settlement::cli::backfill(&state.db)? {
                std::process::exit(1);
            }
            Ok(())
        }
        Command::Settle {
            command: None,
            period,
            outlet,
        } => {
            let state = startup::prepare(config)?;
            let period = period.unwrap_or_default();
            if !ocop_server::models::settlement::cli::run(&state.db, &period, outlet)? {
                std::process::exit(1);
            }
            Ok(())
        }
        Command::Import {
            kind,
            file,
            dry_run,
        } => {
            let state = startup::prepare(config)?;
            let ok = ocop_server::catalogue_io::cli::run_import(&state.db, kind, &file, dry_run)?;
            if !ok {
                std::process::exit(2);
            }
            Ok(())
        }
        Command::Export {
            kind,
            format,
            output,
        } => {
            let state = startup::prepare(config)?;
            ocop_server::catalogue_io::cli::run_export(&state.db, kind, format, output.as_deref())
        }
    }
}

fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("OCOP_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    // `OCOP_LOG_FORMAT=json`: one JSON object per line, for a log collector.
    if std::env::var("OCOP_LOG_FORMAT").is_ok_and(|f| f.eq_ignore_ascii_case("json")) {
        builder.json().with_current_span(false).init();
    } else {
        builder.with_ansi(std::io::stderr().is_terminal()).init();
    }
}

fn schema_version(state: &ocop_server::state::AppState) -> anyhow::Result<String> {
    let mut conn = state.db.conn()?;
    Ok(ocop_server::db::schema_version(&mut conn)?.unwrap_or_else(|| "none".to_owned()))
}

#[actix_web::main]
async fn serve(config: Config, with_demo: bool) -> anyhow::Result<()> {
    let bind = config.bind;
    let public_url = config.public_url.clone();
    let state = startup::prepare(config)?;
    if with_demo {
        let outcome = demo::load(&state.db)?;
        eprintln!("{}", demo::banner(&outcome, &public_url));
    }
    let listener = TcpListener::bind(bind).with_context(|| format!("cannot listen on {bind}"))?;
    tracing::info!(
        %bind,
        backend = state.db.backend().name(),
        %public_url,
        "ocop-server listening on http://{bind}"
    );
    startup::run(listener, state)?.await?;
    Ok(())
}

fn user_command(config: Config, cmd: UserCommand) -> anyhow::Result<()> {
    let state = startup::prepare(config)?;
    match cmd {
        UserCommand::Add {
            role,
            username,
            display_name,
            outlet,
            producer,
            password_stdin,
        } => {
            let username = username.trim().to_lowercase();
            user::check_account(&username, role, outlet, producer).map_err(|r| {
                anyhow::anyhow!("{} ({})", r.message(ocop_core::i18n::Lang::En), r.code())
            })?;
            let password = read_password(password_stdin)?;
            let new = user::NewUser {
                display_name: display_name.unwrap_or_else(|| username.clone()),
                username,
                password_hash: password::hash(&password)?,
                role,
                outlet_id: outlet,
                producer_id: producer,
            };
            let created = state
                .db
                .write(|c| user::insert(c, &new).map_err(anyhow::Error::from))
                .context("cannot create the account (is the username taken, or the outlet/producer id unknown?)")?;
            println!(
                "created {} account {:?} (id {})",
                created.role, created.username, created.id
            );
        }
        UserCommand::List => {
            let mut conn = state.db.conn()?;
            for u in user::list(&mut conn)? {
                println!(
                    "{:>4}  {:<16} {:<10} outlet={:?} producer={:?} active={}",
                    u.id, u.username, u.role, u.outlet_id, u.producer_id, u.active
                );
            }
        }
    }
    Ok(())
}

fn read_password(from_stdin: bool) -> anyhow::Result<String> {
    let password = if from_stdin || !std::io::stdin().is_terminal() {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line)?;
        line.trim_end_matches(['\r', '\n']).to_owned()
    } else {
        let first = rpassword::prompt_password("Password: ")?;
        let again = rpassword::prompt_password("Password again: ")?;
        if first != again {
            bail!("the two passwords differ");
        }
        first
    };
    if password.chars().count() < password::MIN_PASSWORD_CHARS {
        bail!(
            "the password needs at least {} characters",
            password::MIN_PASSWORD_CHARS
        );
    }
    Ok(password)
}
