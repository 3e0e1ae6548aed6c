//! The configuration file (TOML) of `newsdesk serve`, and `newsdesk config check`.
//!
//! Its keys are `serve`'s long options (`addr = "127.0.0.1:8080"`,
//! `cache-size = "128MiB"`, `demo = true`, `log-format = "json"`), and each
//! value is checked by the same parser as the option's. A setting comes from,
//! first to last: the command line, the environment (`NEWSDESK_*`, and
//! `DATABASE_URL` for `db`), the file, the default. The file's values are
//! given to the command line parser as options for exactly the settings
//! neither the command line nor the environment gave, so one parser decides
//! every value. An unknown key is refused with its name and line.

use std::ffi::OsString;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context as _, bail};
use clap::parser::ValueSource;
use clap::{ArgMatches, CommandFactory, FromArgMatches};

use crate::Cli;

/// The settings a file may not give: the file's own name, and clap's.
const NOT_SETTINGS: [&str; 3] = ["config", "help", "version"];

/// Settings shown masked by `config check` (`db` has its password masked).
const SECRETS: [&str; 1] = ["metrics-token"];

/// Check the configuration: print the settings `newsdesk serve` would use.
///
/// Reads the configuration file (--config or NEWSDESK_CONFIG), the
/// environment and the defaults as `serve` does, checks every value, and
/// prints each setting with where it came from. Passwords and tokens are
/// masked. Exits with status 1 when anything is wrong (an unknown key, a
/// bad value), naming the file and line.
#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(subcommand)]
    pub command: Command,
}

/// What `config` does.
#[derive(clap::Subcommand, Debug)]
pub enum Command {
    /// Print the effective settings of `newsdesk serve` (secrets masked);
    /// exit status 1 on an unknown key or a bad value.
    Check {
        /// The configuration file (TOML; keys are serve's long options).
        #[arg(long, env = "NEWSDESK_CONFIG", value_name = "FILE")]
        config: Option<PathBuf>,
    },
}

/// One setting of a file.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Entry {
    key: String,
    /// As given on a command line (`true`/`false` for a switch).
    value: String,
    line: usize,
}

/// A configuration file, read and its keys checked.
#[derive(Clone, Debug)]
pub struct File {
    path: PathBuf,
    entries: Vec<Entry>,
}

/// `serve`'s command, with the global options.
fn serve_command() -> clap::Command {
    let mut cli = Cli::command();
    cli.build();
    cli.find_subcommand("serve").cloned().expect("serve is a subcommand")
}

/// Reads `path` (TOML) and checks its keys and the kinds of its values.
pub fn read(path: &Path) -> anyhow::Result<File> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading the configuration file {}", path.display()))?;
    let entries = parse(&text).map_err(|e| anyhow::anyhow!("{}:{e}", path.display()))?;
    Ok(File { path: path.to_owned(), entries })
}

/// The entries of a file's text; an error starts with the line: `3: unknown key ...`.
fn parse(text: &str) -> Result<Vec<Entry>, String> {
    use toml::de::{DeTable, DeValue};
    let line_of = |at: usize| text[..at.min(text.len())].matches('\n').count() + 1;
    let table = DeTable::parse(text).map_err(|e| {
        let line = e.span().map_or(1, |s| line_of(s.start));
        format!("{line}: not valid TOML: {}", e.message())
    })?;
    let serve = serve_command();
    let keys: Vec<&str> =
        serve.get_arguments().filter_map(|a| a.get_long()).filter(|k| !NOT_SETTINGS.contains(k)).collect();
    let mut entries = Vec::new();
    // In the file's order (the parsed table is sorted by key).
    let mut in_order: Vec<_> = table.get_ref().iter().collect();
    in_order.sort_by_key(|(key, _)| key.span().start);
    for (key, value) in in_order {
        let (name, line) = (key.get_ref().as_ref(), line_of(key.span().start));
        let Some(arg) = serve.get_arguments().find(|a| a.get_long() == Some(name) && !NOT_SETTINGS.contains(&name))
        else {
            let hint = if name.contains('_') && keys.contains(&name.replace('_', "-").as_str()) {
                format!(" (did you mean {}?)", name.replace('_', "-"))
            } else {
                String::new()
            };
            return Err(format!(
                "{line}: unknown key `{name}`{hint}; the keys are serve's long options: {}",
                keys.join(", ")
            ));
        };
        let switch = !arg.get_action().takes_values();
        let value = match value.get_ref() {
            DeValue::String(s) if !switch => s.to_string(),
            DeValue::Integer(i) if !switch && i.radix() == 10 => i.as_str().replace('_', ""),
            DeValue::Float(f) if !switch => f.as_str().replace('_', ""),
            DeValue::Boolean(b) => b.to_string(),
            _ if switch => return Err(format!("{line}: `{name}` is true or false")),
            _ => return Err(format!("{line}: `{name}` takes a string or a number")),
        };
        entries.push(Entry { key: name.to_owned(), value, line });
    }
    Ok(entries)
}

impl File {
    /// The command line options for the settings `given` (a parse of the
    /// command line and the environment) left to their defaults, each
    /// checked alone by its option's parser first (an error names the file
    /// and line).
    fn options_for(&self, given: &ArgMatches) -> anyhow::Result<Vec<OsString>> {
        let mut options = Vec::new();
        for e in &self.entries {
            let id = serve_command()
                .get_arguments()
                .find(|a| a.get_long() == Some(e.key.as_str()))
                .map(|a| a.get_id().to_string())
                .unwrap_or_default();
            if matches!(given.value_source(&id), Some(ValueSource::CommandLine | ValueSource::EnvVariable)) {
                continue;
            }
            if e.key == "db" && std::env::var_os("DATABASE_URL").is_some_and(|v| !v.is_empty()) {
                // DATABASE_URL is the environment too.
                continue;
            }
            let option = serve_option(e);
            if option.is_empty() {
                continue;
            }
            let mut alone = vec![OsString::from("newsdesk"), OsString::from("serve")];
            alone.extend(option.iter().cloned());
            if let Err(err) = Cli::command().try_get_matches_from(alone) {
                let first = err.to_string().lines().next().unwrap_or("").trim_start_matches("error: ").to_owned();
                bail!("{}:{}: {}: {first}", self.path.display(), e.line, e.key);
            }
            options.extend(option);
        }
        Ok(options)
    }

    /// Where a setting given by the file came from: `PATH:LINE`.
    fn origin(&self, key: &str) -> Option<String> {
        self.entries.iter().find(|e| e.key == key).map(|e| format!("{}:{}", self.path.display(), e.line))
    }
}

/// An entry as command line options (none for a switch set to false).
fn serve_option(e: &Entry) -> Vec<OsString> {
    let switch = serve_command()
        .get_arguments()
        .find(|a| a.get_long() == Some(e.key.as_str()))
        .is_some_and(|a| !a.get_action().takes_values());
    match (switch, e.value.as_str()) {
        (true, "true") => vec![OsString::from(format!("--{}", e.key))],
        (true, _) => Vec::new(),
        (false, v) => vec![OsString::from(format!("--{}={v}", e.key))],
    }
}

/// The command line, with `serve`'s configuration file (`--config` or
/// `NEWSDESK_CONFIG`) filling in what the command line and the environment
/// leave to defaults.
pub fn parse_cli() -> anyhow::Result<Cli> {
    let argv: Vec<OsString> = std::env::args_os().collect();
    let matches = Cli::command().get_matches_from(argv.clone());
    let matches = match matches.subcommand() {
        Some(("serve", serve)) => match serve.get_one::<PathBuf>("config") {
            Some(path) => {
                let file = read(path)?;
                let mut full = argv;
                full.extend(file.options_for(serve)?);
                Cli::command().try_get_matches_from(full).map_err(|e| anyhow::anyhow!("{}", e.to_string().trim()))?
            }
            None => matches,
        },
        _ => matches,
    };
    Ok(Cli::from_arg_matches(&matches)?)
}

/// The `serve` settings from a file, the environment and the defaults (no
/// command line), as `config check` shows them.
fn effective(file: Option<&File>) -> anyhow::Result<ArgMatches> {
    let bare = [OsString::from("newsdesk"), OsString::from("serve")];
    let given = Cli::command().try_get_matches_from(bare.clone())?;
    let mut full = bare.to_vec();
    if let (Some(file), Some(("serve", serve))) = (file, given.subcommand()) {
        full.extend(file.options_for(serve)?);
    }
    let matches = Cli::command().try_get_matches_from(full).map_err(|e| anyhow::anyhow!("{}", e.to_string().trim()))?;
    Ok(matches)
}

/// `newsdesk config check`.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let Command::Check { config } = args.command;
    let file = config.as_deref().map(read).transpose()?;
    let matches = effective(file.as_ref())?;
    let cli = Cli::from_arg_matches(&matches)?;
    let crate::Commands::Serve(serve) = cli.command else { bail!("not serve's settings") };
    // The checks `serve` makes before it starts (time zone, public URL, ...).
    serve.checked()?;
    let Some(("serve", m)) = matches.subcommand() else { bail!("not serve's settings") };
    print!("{}", describe(m, file.as_ref()));
    Ok(ExitCode::SUCCESS)
}

/// Every setting of `serve`, as `key = "value"  # where it came from`, secrets masked.
fn describe(m: &ArgMatches, file: Option<&File>) -> String {
    let mut out = String::new();
    match file {
        Some(f) => {
            let _ = writeln!(out, "# newsdesk serve's settings, with {}", f.path.display());
        }
        None => out.push_str("# newsdesk serve's settings (no configuration file)\n"),
    }
    for arg in serve_command().get_arguments() {
        let Some(key) = arg.get_long() else { continue };
        if NOT_SETTINGS.contains(&key) {
            continue;
        }
        let id = arg.get_id().as_str();
        let raw: Option<Vec<String>> =
            m.get_raw(id).map(|vals| vals.map(|v| v.to_string_lossy().into_owned()).collect());
        let mut source = match m.value_source(id) {
            Some(ValueSource::CommandLine) => file.and_then(|f| f.origin(key)).unwrap_or_else(|| "command line".into()),
            Some(ValueSource::EnvVariable) => {
                format!("environment {}", arg.get_env().map(|e| e.to_string_lossy().into_owned()).unwrap_or_default())
            }
            Some(ValueSource::DefaultValue) => "default".into(),
            _ => "not set".into(),
        };
        let mut value = raw.map(|v| v.join(","));
        if key == "db" && value.is_none() {
            // As `DbArgs::location` finds it.
            match std::env::var("DATABASE_URL").ok().filter(|s| !s.is_empty()) {
                Some(url) => (value, source) = (Some(url), "environment DATABASE_URL".into()),
                None => (value, source) = (Some("newsdesk.db".into()), "default".into()),
            }
        }
        let shown = match value {
            None => {
                let _ = writeln!(out, "# {key}: {source}");
                continue;
            }
            Some(v) if SECRETS.contains(&key) => {
                if v.is_empty() {
                    v
                } else {
                    "***".to_owned()
                }
            }
            Some(v) if key == "db" => store::redact(&v),
            Some(v) => v,
        };
        let shown = if !arg.get_action().takes_values() {
            (shown == "true").to_string()
        } else if !shown.is_empty() && shown.bytes().all(|b| b.is_ascii_digit()) {
            shown
        } else {
            toml_string(&shown)
        };
        let _ = writeln!(out, "{key} = {shown}  # {source}");
    }
    out
}

/// A TOML basic string.
fn toml_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_serves_long_options_and_unknown_ones_are_named_with_their_line() {
        let entries =
            parse("addr = \"0.0.0.0:80\"\n# a comment\ncache-size = \"128MiB\"\ndemo = true\ndb-pool = 4\n").unwrap();
        let got: Vec<(&str, &str, usize)> =
            entries.iter().map(|e| (e.key.as_str(), e.value.as_str(), e.line)).collect();
        assert_eq!(
            got,
            [("addr", "0.0.0.0:80", 1), ("cache-size", "128MiB", 3), ("demo", "true", 4), ("db-pool", "4", 5)]
        );
        let err = parse("addr = \"x\"\n\ncache_size = \"1MiB\"\n").unwrap_err();
        assert!(err.starts_with("3: unknown key `cache_size` (did you mean cache-size?)"), "{err}");
        let err = parse("addr = \"x\"\nlisten = \"y\"\n").unwrap_err();
        assert!(err.starts_with("2: unknown key `listen`;") && err.contains("addr, db,"), "{err}");
        assert!(parse("config = \"other.toml\"\n").unwrap_err().contains("unknown key `config`"));
        assert!(parse("[serve]\naddr = \"x\"\n").unwrap_err().contains("unknown key `serve`"));
        assert!(parse("demo = \"yes\"\n").unwrap_err().starts_with("1: `demo` is true or false"));
        assert!(parse("addr = [1]\n").unwrap_err().starts_with("1: `addr` takes a string or a number"));
        assert!(parse("addr = \n").unwrap_err().starts_with("1: not valid TOML"));
    }

    #[test]
    fn strings_are_written_as_toml() {
        assert_eq!(toml_string(r#"a"b\c"#), r#""a\"b\\c""#);
    }
}
