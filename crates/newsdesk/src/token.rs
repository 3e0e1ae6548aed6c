//! `newsdesk token create|list|revoke`: API tokens, stored only as hashes.

use std::process::ExitCode;

use crate::site::{DbArgs, runtime};

/// Manage API tokens (needed to create, change or delete articles through the API).
#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(subcommand)]
    pub command: TokenCommand,
    #[command(flatten)]
    pub db: DbArgs,
}

#[derive(clap::Subcommand, Debug)]
pub enum TokenCommand {
    /// Create a token and print it once (only its hash is kept).
    Create {
        /// A name for the token, such as the person or tool that uses it.
        name: String,
    },
    /// List tokens (names and dates, never the tokens).
    List,
    /// Revoke a token by name.
    Revoke {
        /// The token's name.
        name: String,
    },
}

fn date(t: i64) -> String {
    chrono::DateTime::from_timestamp(t, 0).map(|d| d.format("%Y-%m-%d %H:%M UTC").to_string()).unwrap_or_default()
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    runtime()?.block_on(async move {
        // A token is made for a site that may not exist yet (before its
        // first `serve`); listing or revoking needs one.
        let store = match args.command {
            TokenCommand::Create { .. } => args.db.open().await?,
            _ => args.db.open_existing().await?,
        };
        let code = match args.command {
            TokenCommand::Create { name } => {
                let name = name.trim().to_owned();
                if name.is_empty() || name.len() > 100 {
                    anyhow::bail!("a token name must be 1 to 100 characters");
                }
                let token = web::api::new_token();
                store.create_token(&name, &web::api::token_hash(&token), web::now()).await?;
                eprintln!("Created token {name:?}. It is shown only this once; keep it secret:");
                println!("{token}");
                ExitCode::SUCCESS
            }
            TokenCommand::List => {
                let tokens = store.tokens().await?;
                if tokens.is_empty() {
                    eprintln!("no tokens (create one with: newsdesk token create NAME)");
                }
                for t in tokens {
                    let state = match t.revoked_at {
                        Some(r) => format!("revoked {}", date(r)),
                        None => "active".to_owned(),
                    };
                    println!("{}\tcreated {}\t{}", t.name, date(t.created_at), state);
                }
                ExitCode::SUCCESS
            }
            TokenCommand::Revoke { name } => match store.revoke_token(&name, web::now()).await {
                Ok(()) => {
                    eprintln!("revoked {name:?}");
                    ExitCode::SUCCESS
                }
                Err(store::StoreError::NotFound) => {
                    eprintln!("error: no active token named {name:?}");
                    ExitCode::FAILURE
                }
                Err(e) => return Err(e.into()),
            },
        };
        store.close().await;
        Ok(code)
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn tokens_are_random_and_long() {
        let a = web::api::new_token();
        assert_eq!(a.len(), 67);
        assert!(a.starts_with("nd_"));
        assert_ne!(a, web::api::new_token());
    }
}
