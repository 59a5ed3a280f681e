use anyhow::Context as _;
use clap::Parser as _;
use server::{
    cli::{AdminCommand, Cli, Command, ServeArgs},
    config::Settings,
    database::{Database, DatabaseError, Location},
    embedded_pg::{CLUSTER_USER, EmbeddedPgError},
    seed,
    startup::Application,
    telemetry,
};
use std::{path::PathBuf, process::ExitCode};

const DEFAULT_CONFIG_FILE: &str = "ratemyderp.toml";

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    telemetry::init(telemetry::SERVER_DEFAULT);
    match run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            // `{:#}` prints the whole chain of causes on one line.
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    let config_file = cli.config.or_else(|| {
        let default = PathBuf::from(DEFAULT_CONFIG_FILE);
        default.exists().then_some(default)
    });
    let mut settings = Settings::load(config_file.as_deref())?;
    let command = cli.command.unwrap_or(Command::Serve(ServeArgs::default()));
    if !matches!(command, Command::Serve(_)) {
        // Batch work (a million demo pictures, say) has no request waiting on it.
        settings.database.statement_timeout_secs = 0;
    }
    match command {
        Command::Serve(args) => {
            if let Some(host) = args.host {
                settings.server.host = host;
            }
            if let Some(port) = args.port {
                settings.server.port = port;
            }
            let location = if args.ephemeral {
                Location::Throwaway(
                    std::env::temp_dir().join(format!("ratemyderp-{}", std::process::id())),
                )
            } else {
                Location::Configured
            };
            let app = Application::build(&settings, location).await.context("could not start")?;
            tracing::info!("serving http://{}", app.local_addr()?);
            app.run_until(shutdown_signal()).await.context("the server stopped with an error")?;
        }
        Command::Admin(command) => {
            let (username, admin) = match &command {
                AdminCommand::Grant { username } => (username, true),
                AdminCommand::Revoke { username } => (username, false),
            };
            let database = open_for_command(&settings).await?;
            let changed = sqlx::query_scalar!(
                "UPDATE users SET is_admin = $2 WHERE lower(username) = lower($1) RETURNING username",
                username,
                admin
            )
            .fetch_optional(&database.pool)
            .await;
            database.close().await;
            match changed.context("could not change the admin rights")? {
                Some(name) if admin => println!("{name} is now an admin: /admin/votes"),
                Some(name) => println!("{name} is no longer an admin"),
                None => anyhow::bail!("there is no member named {username:?}"),
            }
        }
        Command::Migrate => {
            let database = open_for_command(&settings).await?;
            tracing::info!("migrations applied");
            database.close().await;
        }
        Command::Seed(args) => {
            let database = open_for_command(&settings).await?;
            let report = seed::add_demo_pictures(&database.pool, args.count).await;
            database.close().await;
            let report = report.context("could not add the demo pictures")?;
            println!(
                "added {} demo pictures (seeds {}–{}) in {:.1?}",
                report.added,
                report.first_seed,
                report.first_seed + report.added - 1,
                report.elapsed
            );
        }
    }
    Ok(())
}

/// The database for a one-shot command: the configured one, or, when a server is running the
/// embedded cluster in the data folder, that server's database through its socket (an operator
/// runs `ratemyderp admin grant alice` beside `make run`; starting a second cluster there is
/// impossible).
async fn open_for_command(settings: &Settings) -> anyhow::Result<Database> {
    match Database::open(&settings.database, Location::Configured).await {
        Err(DatabaseError::Embedded(EmbeddedPgError::InUse { dir })) => {
            let sockets = dir.join("run");
            anyhow::ensure!(
                sockets.join(".s.PGSQL.5432").exists(),
                "a server is using the data folder {}, and its database's socket is not in {}",
                dir.display(),
                sockets.display()
            );
            let mut running = settings.database.clone();
            running.url = Some(
                format!(
                    "postgres://{CLUSTER_USER}@localhost/{CLUSTER_USER}?host={}",
                    sockets.display()
                )
                .into(),
            );
            Ok(Database::open(&running, Location::Configured).await?)
        }
        opened => Ok(opened?),
    }
}

/// Completes on Ctrl-C or SIGTERM.
async fn shutdown_signal() {
    let interrupt = tokio::signal::ctrl_c();
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(error) => {
                tracing::warn!(%error, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    tokio::select! {
        _ = interrupt => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing the requests in flight");
}
