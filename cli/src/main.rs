//! `atlas-rs`: every operation of the Atlas Administration API v2 that the SDK declares,
//! as `atlas-rs api <group> <command> [flags]`, a drop-in for the official `atlas api`.
//!
//! The command tree is built at run time from `atlas_endpoints::operations()`, the same
//! metadata the typed calls use, so there is no second table to keep in step: a new
//! declaration is a new command. Modules: `tree` (commands and flags), `profile` (the
//! official CLI's config file and variables), `call` (one run), `paginate`, `watch`,
//! `template` (`-o '{{ … }}'`), `show` (curl and debug output, secrets redacted), `exit`
//! (exit statuses).

mod call;
mod exit;
mod names;
mod paginate;
mod profile;
mod show;
mod template;
mod tree;
mod watch;

use std::ffi::OsString;

use exit::CliError;

fn main() {
    let code = match run(std::env::args_os().collect()) {
        Ok(()) => 0,
        // The reader of standard output stopped (`| head`): nothing to say.
        Err(CliError::OutputClosed) => 0,
        Err(e) => {
            // Whatever the message quotes (a server's text, a value given), it reaches
            // the terminal without control characters.
            eprintln!("error: {}", show::lines(&e.to_string()));
            e.code()
        }
    };
    std::process::exit(code);
}

fn run(args: Vec<OsString>) -> Result<(), CliError> {
    let ops = tree::operations();
    // A call names one group: build only that part of the tree.
    let group = args
        .iter()
        .skip_while(|a| *a != "api")
        .skip(1)
        .find_map(|a| ops.iter().find(|o| *a == o.group.as_str()))
        .map(|o| o.group.clone());
    let root = tree::root(&ops, group.as_deref());
    let matches = match root.try_get_matches_from(args) {
        Ok(m) => m,
        // Help and version print and exit 0; usage errors exit 2.
        Err(e) => e.exit(),
    };
    match matches.subcommand() {
        Some(("completion", m)) => {
            let shell = *m
                .get_one::<clap_complete::Shell>("shell")
                .ok_or_else(|| CliError::Usage("name a shell".into()))?;
            let mut full = tree::root(&ops, None);
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut full, "atlas-rs", &mut script);
            call::Sink::stdout().write_all_and_finish(&script)
        }
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
            call::run(op, &ops, om)
        }
        _ => Err(CliError::Usage(
            "unknown command; see atlas-rs --help".into(),
        )),
    }
}
