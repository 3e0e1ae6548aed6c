//! `newsdesk user create|list|set-role|reset-password|disable|enable`:
//! newsroom accounts. Passwords are asked for without echo (or read from
//! standard input with --password-stdin) and kept only as Argon2id hashes.

use std::io::IsTerminal as _;
use std::process::ExitCode;

use anyhow::{Context as _, bail};
use store::{Role, StoreError, User};
use web::admin::accounts;

use crate::site::{DbArgs, runtime};

/// Manage newsroom users (who signs in at /admin, and with which role).
///
/// Roles: writer (writes and submits their own drafts), editor (edits,
/// schedules, publishes and deletes every article), admin (an editor who
/// also manages users and API tokens). There are no default passwords: the
/// first admin is made here.
#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(subcommand)]
    pub command: UserCommand,
    #[command(flatten)]
    pub db: DbArgs,
}

const ROLES: [&str; 3] = ["writer", "editor", "admin"];

#[derive(clap::Subcommand, Debug)]
pub enum UserCommand {
    /// Create a user. Asks for the password twice without echo, unless --password-stdin.
    Create {
        /// How they sign in: letters a-z, digits, dots, hyphens, underscores.
        name: String,
        /// Their role.
        #[arg(long, value_parser = ROLES)]
        role: String,
        /// How they are shown (default: the user name).
        #[arg(long)]
        display_name: Option<String>,
        /// Their e-mail address.
        #[arg(long)]
        email: Option<String>,
        /// Read the password from the first line of standard input.
        #[arg(long)]
        password_stdin: bool,
    },
    /// List users.
    List,
    /// Change a user's role.
    SetRole {
        /// The user name.
        name: String,
        /// The new role.
        #[arg(value_parser = ROLES)]
        role: String,
    },
    /// Set a new password (asked for, or --password-stdin); the user is signed out everywhere.
    ResetPassword {
        /// The user name.
        name: String,
        /// Read the password from the first line of standard input.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Disable a user: they can no longer sign in, and are signed out everywhere.
    Disable {
        /// The user name.
        name: String,
    },
    /// Let a disabled user sign in again.
    Enable {
        /// The user name.
        name: String,
    },
}

/// The password: the first line of standard input, or asked twice on the
/// terminal without echo. Checked against the rules (at least 12 characters).
fn read_password(from_stdin: bool) -> anyhow::Result<String> {
    let password = if from_stdin {
        let mut line = String::new();
        std::io::stdin().read_line(&mut line).context("reading the password from standard input")?;
        line.trim_end_matches(['\n', '\r']).to_owned()
    } else {
        if !std::io::stdin().is_terminal() {
            bail!("no terminal to ask for the password on: give it on standard input with --password-stdin");
        }
        let first =
            rpassword::prompt_password(format!("Password (at least {} characters): ", accounts::MIN_PASSWORD_CHARS))
                .context("reading the password")?;
        accounts::check_password(&first).map_err(anyhow::Error::msg)?;
        let again = rpassword::prompt_password("The same password again: ").context("reading the password")?;
        if first != again {
            bail!("the two passwords are not the same: nothing was changed");
        }
        first
    };
    accounts::check_password(&password).map_err(anyhow::Error::msg)?;
    Ok(password)
}

async fn find(store: &dyn store::Store, name: &str) -> anyhow::Result<User> {
    let name = accounts::normalize_user_name(name).map_err(anyhow::Error::msg)?;
    store.user_by_name(&name).await?.with_context(|| format!("no user named {name}"))
}

fn date(t: i64) -> String {
    chrono::DateTime::from_timestamp(t, 0).map(|d| d.format("%Y-%m-%d %H:%M UTC").to_string()).unwrap_or_default()
}

/// The store's refusal (the last admin) in plain words; other errors as they are.
fn refused(e: StoreError) -> anyhow::Error {
    match e {
        StoreError::Conflict(m) => anyhow::Error::msg(m),
        other => other.into(),
    }
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    // Ask for a password before opening the database (which may take the
    // write lock of a running server's database for no reason).
    let password = match &args.command {
        UserCommand::Create { name, password_stdin, .. } => {
            accounts::normalize_user_name(name).map_err(anyhow::Error::msg)?;
            Some(read_password(*password_stdin)?)
        }
        UserCommand::ResetPassword { password_stdin, .. } => Some(read_password(*password_stdin)?),
        _ => None,
    };
    runtime()?.block_on(async move {
        // The first user is made before the site's first `serve`; the
        // other commands need a site.
        let store = match args.command {
            UserCommand::Create { .. } => args.db.open().await?,
            _ => args.db.open_existing().await?,
        };
        let now = web::now();
        match args.command {
            UserCommand::Create { name, role, display_name, email, .. } => {
                let role = Role::parse(&role).context("unknown role")?;
                let new = accounts::new_user(
                    &name,
                    display_name.as_deref().unwrap_or(""),
                    email.as_deref().unwrap_or(""),
                    role,
                    password.as_deref().unwrap_or_default(),
                )
                .map_err(anyhow::Error::msg)?;
                let user = store.create_user(&new, now).await.map_err(refused)?;
                eprintln!("created {} ({}): they sign in at /admin/login", user.name, user.role);
            }
            UserCommand::List => {
                let users = store.users().await?;
                if users.is_empty() {
                    eprintln!("no users (create the first admin with: newsdesk user create NAME --role admin)");
                }
                for u in users {
                    println!(
                        "{}\t{}\t{}\t{}\t{}\tcreated {}",
                        u.name,
                        u.role,
                        if u.disabled { "disabled" } else { "active" },
                        u.display_name,
                        u.email.as_deref().unwrap_or("-"),
                        date(u.created_at)
                    );
                }
            }
            UserCommand::SetRole { name, role } => {
                let user = find(&*store, &name).await?;
                let role = Role::parse(&role).context("unknown role")?;
                store.set_role(user.id, role, now).await.map_err(refused)?;
                eprintln!("{} is now {role}", user.name);
            }
            UserCommand::ResetPassword { name, .. } => {
                let user = find(&*store, &name).await?;
                let hash =
                    accounts::hash_password(password.as_deref().unwrap_or_default()).map_err(anyhow::Error::msg)?;
                store.set_password_hash(user.id, &hash, now).await?;
                let ended = store.delete_user_sessions(user.id).await?;
                eprintln!("new password set for {} ({ended} session(s) ended)", user.name);
            }
            UserCommand::Disable { name } => {
                let user = find(&*store, &name).await?;
                store.set_disabled(user.id, true, now).await.map_err(refused)?;
                let ended = store.delete_user_sessions(user.id).await?;
                eprintln!("{} is disabled ({ended} session(s) ended)", user.name);
            }
            UserCommand::Enable { name } => {
                let user = find(&*store, &name).await?;
                store.set_disabled(user.id, false, now).await?;
                eprintln!("{} can sign in again", user.name);
            }
        }
        store.close().await;
        Ok(ExitCode::SUCCESS)
    })
}
