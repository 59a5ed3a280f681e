//! The command line.

use clap::{Args, Parser, Subcommand};
use std::{net::IpAddr, path::PathBuf};

#[derive(Debug, Parser)]
#[command(
    name = "ratemyderp",
    version,
    about = "RateMyDerp: rate how derpy a pet is, from 1 to 10.",
    long_about = "RateMyDerp: rate how derpy a pet is, from 1 to 10.\n\n\
        Settings come from built-in defaults, then the configuration file, then environment \
        variables named RMD_<SECTION>__<KEY> (for example RMD_SERVER__PORT=8080) and DATABASE_URL. \
        Without DATABASE_URL, the server runs its own PostgreSQL in the data folder (.data)."
)]
pub struct Cli {
    /// Configuration file (TOML) [default: ratemyderp.toml, when it exists]
    #[arg(long, global = true, env = "RMD_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the site (what runs when no command is given)
    #[command(visible_alias = "run")]
    Serve(ServeArgs),
    /// Apply pending database migrations, then exit
    Migrate,
    /// Add procedurally drawn demo pictures
    Seed(SeedArgs),
    /// Manage the admins, who review flagged votes at /admin/votes
    #[command(subcommand)]
    Admin(AdminCommand),
}

#[derive(Debug, Subcommand)]
pub enum AdminCommand {
    /// Make a member an admin
    Grant {
        /// The member's username
        username: String,
    },
    /// Take a member's admin rights away
    Revoke {
        /// The member's username
        username: String,
    },
}

#[derive(Debug, Default, Args)]
pub struct ServeArgs {
    /// Use a fresh throw-away database, seeded with the demo pictures and deleted on exit
    /// (for end-to-end tests)
    #[arg(long)]
    pub ephemeral: bool,
    /// Address to listen on [default: 127.0.0.1]
    #[arg(long)]
    pub host: Option<IpAddr>,
    /// Port to listen on; 0 picks a free one [default: 3000]
    #[arg(long)]
    pub port: Option<u16>,
}

#[derive(Debug, Args)]
pub struct SeedArgs {
    /// How many pictures to add (numbered after the last demo picture)
    #[arg(long, short = 'n', default_value_t = 36,
          value_parser = clap::value_parser!(u64).range(1..=10_000_000))]
    pub count: u64,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::{CommandFactory, error::ErrorKind};

    #[test]
    fn the_command_line_is_well_formed() {
        Cli::command().debug_assert();
    }

    #[test]
    fn a_mistyped_command_suggests_the_right_one() {
        let error = Cli::try_parse_from(["ratemyderp", "serv"]).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::InvalidSubcommand);
        assert!(error.to_string().contains("'serve'"), "{error}");
    }

    #[test]
    fn admin_grant_takes_a_username() {
        let cli = Cli::try_parse_from(["ratemyderp", "admin", "grant", "alice"]).unwrap();
        assert!(
            matches!(cli.command, Some(Command::Admin(AdminCommand::Grant { username })) if username == "alice")
        );
        assert!(Cli::try_parse_from(["ratemyderp", "admin", "grant"]).is_err());
    }

    #[test]
    fn seed_counts_are_checked() {
        assert!(Cli::try_parse_from(["ratemyderp", "seed", "--count", "0"]).is_err());
        assert!(Cli::try_parse_from(["ratemyderp", "seed", "--count", "lots"]).is_err());
        let cli = Cli::try_parse_from(["ratemyderp", "seed", "-n", "1000000"]).unwrap();
        assert!(matches!(cli.command, Some(Command::Seed(SeedArgs { count: 1_000_000 }))));
    }
}
