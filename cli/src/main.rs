//! `atlas-rs`: every operation of the Atlas Administration API v2 that the SDK declares,
//! as `atlas-rs api <group> <command> [flags]`, a drop-in for the official `atlas api`.
//!
//! The command tree is built at run time from `atlas_endpoints::operations()`, the same
//! metadata the typed calls use, so there is no second table to keep in step: a new
//! declaration is a new command. Modules: `tree` (commands and flags), `profile` (the
//! official CLI's config file and variables), `call` (one run), `paginate`, `watch`,
//! `template` (`-o '{{ … }}'`), `show` (curl and debug output, secrets redacted), `exit`
//! (exit statuses).

mod audit;
mod call;
mod describe;
mod exit;
mod facts;
mod gotemplate;
mod keyring;
mod login;
mod paginate;
mod profile;
mod show;
mod template;
mod tree;
mod watch;

use std::ffi::OsString;

use exit::CliError;

fn main() {
    // `COMPLETE=<shell> atlas-rs -- <words>`: the shell's completion asks for candidates
    // (groups, commands, flags, values); answered here, then the process exits.
    clap_complete::CompleteEnv::with_factory(|| {
        let args: Vec<OsString> = std::env::args_os().collect();
        let ops = tree::operations();
        let group = tree::named_group(&ops, &args);
        tree::root(&ops, group.as_deref())
    })
    .complete();
    let args: Vec<OsString> = std::env::args_os().collect();
    let detailed = exit::detailed_requested(&args, &|name| std::env::var(name).ok());
    let code = match run(args, detailed) {
        Ok(()) => 0,
        // The reader of standard output stopped (`| head`): nothing to say.
        Err(CliError::OutputClosed) => 0,
        Err(e) => {
            // Whatever the message quotes (a server's text, a value given), it reaches
            // the terminal without control characters.
            eprintln!("error: {}", show::lines(&e.to_string()));
            e.code(detailed)
        }
    };
    std::process::exit(code);
}

/// A parameter's allowed values and default from [`facts::PARAMS`]: the row of its
/// operation, else the one for every operation.
pub fn facts_of(
    operation_id: Option<&str>,
    param: &str,
) -> (&'static [&'static str], Option<&'static str>) {
    let row = |id: &str| {
        facts::PARAMS
            .iter()
            .find(|(op, name, _, _)| *op == id && *name == param)
    };
    operation_id
        .and_then(row)
        .or_else(|| row("*"))
        .map_or((&[], None), |(_, _, values, default)| (*values, *default))
}

fn run(args: Vec<OsString>, detailed: bool) -> Result<(), CliError> {
    describe::init(&args);
    let ops = tree::operations();
    // A call names one group: build only that part of the tree.
    let group = tree::named_group(&ops, &args);
    let root = tree::root(&ops, group.as_deref());
    let matches = match root.try_get_matches_from(args) {
        Ok(m) => m,
        // Help and version print and exit 0; usage errors exit 1 (2 with detailed
        // statuses), as every other failure.
        Err(e) => {
            let _ = e.print();
            let code = if !e.use_stderr() {
                0
            } else {
                CliError::Usage(String::new()).code(detailed)
            };
            std::process::exit(code);
        }
    };
    match matches.subcommand() {
        Some(("completion", m)) => {
            let shell = m
                .get_one::<String>("shell")
                .ok_or_else(|| CliError::Usage("name a shell".into()))?;
            let shells = clap_complete::env::Shells::builtins();
            let completer = shells
                .completer(shell)
                .ok_or_else(|| CliError::Usage(format!("unknown shell {shell:?}")))?;
            let mut script = Vec::new();
            completer
                .write_registration("COMPLETE", "atlas-rs", "atlas-rs", "atlas-rs", &mut script)
                .map_err(|e| CliError::Failed(format!("writing the script: {e}")))?;
            call::Sink::stdout().write_all_and_finish(&script)
        }
        Some(("audit", m)) => audit::run(&ops, m),
        Some(("api", m)) => {
            let (group, gm) = m
                .subcommand()
                .ok_or_else(|| CliError::Usage("name a group".into()))?;
            let (name, om) = gm
                .subcommand()
                .ok_or_else(|| CliError::Usage("name a command".into()))?;
            let op = ops
                .iter()
                .find(|o| o.group == group && o.name == name)
                .ok_or_else(|| CliError::Usage(format!("unknown command {group} {name}")))?;
            call::run(op, om)
        }
        _ => Err(CliError::Usage(
            "unknown command; see atlas-rs --help".into(),
        )),
    }
}
