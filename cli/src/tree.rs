//! The command tree, built at run time from `atlas_endpoints::operations()` and nothing
//! else: `api <group> <command>`, one flag per path, query and header parameter, named as
//! the API names it.

use atlas_runtime::{
    EndpointInfo, Format,
    implement::{Location, ValueKind},
};
use clap::{Arg, ArgAction, Command};

use atlas_rules::names::{cli_command, cli_group};

/// One operation with its place in the tree, and every version declared for it.
#[derive(Debug, Clone)]
pub struct Op {
    /// The version used when `--version` names none: the newest dated one, else `preview`.
    pub info: &'static EndpointInfo,
    /// Every declaration of the operation, newest first (`preview` last).
    pub versions: Vec<&'static EndpointInfo>,
    /// The tag in lowerCamel (`serviceAccounts`).
    pub group: String,
    /// The short id in lowerCamel (`createOrgSecret`).
    pub name: String,
    /// The full operation id, when it differs (`createOrgServiceAccountSecret`).
    pub alias: Option<String>,
}

impl Op {
    /// The declaration at `version`, if there is one.
    pub fn at(&self, version: &str) -> Option<&'static EndpointInfo> {
        self.versions
            .iter()
            .copied()
            .find(|i| i.version == Some(version))
    }

    /// This operation at another of its versions.
    pub fn with_info(&self, info: &'static EndpointInfo) -> Op {
        Op {
            info,
            ..self.clone()
        }
    }

    /// `text` with the Rust type names of the operation's declarations (`GetGroupCluster`,
    /// `GetGroupClusterV20240805`), which the runtime's errors name, replaced by the
    /// command (`getCluster`): the user typed the command.
    pub fn name_types(&self, text: &str) -> String {
        let mut names: Vec<&str> = self.versions.iter().map(|i| i.type_name).collect();
        // The longest first: `GetGroupCluster` is a prefix of its dated variants.
        names.sort_by_key(|n| std::cmp::Reverse(n.len()));
        names.dedup();
        let mut out = text.to_string();
        for name in names {
            let mut replaced = String::with_capacity(out.len());
            let mut rest = out.as_str();
            while let Some(at) = rest.find(name) {
                let before_ok = !rest[..at]
                    .chars()
                    .next_back()
                    .is_some_and(|c| c.is_alphanumeric() || c == '_');
                let after = &rest[at + name.len()..];
                let after_ok = !after
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_alphanumeric() || c == '_');
                replaced.push_str(&rest[..at]);
                replaced.push_str(if before_ok && after_ok {
                    &self.name
                } else {
                    name
                });
                rest = after;
            }
            replaced.push_str(rest);
            out = replaced;
        }
        out
    }

    /// Its versions, newest first, for help and messages.
    pub fn version_list(&self) -> String {
        let today = atlas_runtime::sunset::today();
        let v: Vec<String> = self
            .versions
            .iter()
            .map(|i| {
                let v = i.version.unwrap_or("the client's default");
                match i.sunset {
                    Some(date) => match atlas_runtime::sunset::days_left(date, &today) {
                        Some(d) if d <= 0 => format!("{v} (sunset {date}, past)"),
                        Some(d) => format!("{v} (sunset {date}, in {d} days)"),
                        None => format!("{v} (sunset {date})"),
                    },
                    None => v.to_string(),
                }
            })
            .collect();
        v.join(", ")
    }
}

/// Every operation of the build, with its group and command name; the declarations of
/// one operation at several versions are one command.
pub fn operations() -> Vec<Op> {
    let mut ops: Vec<Op> = Vec::new();
    for info in atlas_endpoints::operations() {
        let group = info.tag.map_or_else(|| "other".to_string(), cli_group);
        let full = info.operation_id.map(cli_command);
        let name = info
            .short_id
            .map(cli_command)
            .or_else(|| full.clone())
            .unwrap_or_else(|| cli_command(info.type_name));
        if let Some(op) = ops.iter_mut().find(|o| o.group == group && o.name == name) {
            op.versions.push(info);
            continue;
        }
        let alias = full.filter(|f| *f != name);
        ops.push(Op {
            info,
            versions: vec![info],
            group,
            name,
            alias,
        });
    }
    for op in &mut ops {
        // Dates sort as text; `preview` (and no version) after every date.
        op.versions.sort_by(|a, b| {
            let key = |i: &EndpointInfo| match i.version {
                Some(v) if v != "preview" => (1, v),
                Some(v) => (0, v),
                None => (0, ""),
            };
            key(b).cmp(&key(a))
        });
        op.info = op.versions[0];
    }
    ops
}

/// Prefix of the ids of parameter flags, apart from the command's own flags.
pub const PARAM: &str = "param:";

/// The root: `atlas-rs [global flags] api <group> <command> [flags]`, and `completion`.
/// With `only_group`, the other groups are left out (a call needs one; building 540
/// commands to run one is start-up time for nothing).
pub fn root(ops: &[Op], only_group: Option<&str>) -> Command {
    let mut api = Command::new("api")
        .about("Call any operation of the Atlas Administration API v2")
        .long_about(
            "Call any operation of the Atlas Administration API v2: `atlas-rs api <group> <command> [flags]`, \
             named as in `atlas api` (groups are the spec's tags in lowerCamel, commands its short operation ids, \
             with the full operationId as an alias).",
        )
        .subcommand_required(true)
        .arg_required_else_help(true);
    let mut groups: Vec<&str> = ops.iter().map(|o| o.group.as_str()).collect();
    groups.sort_unstable();
    groups.dedup();
    for group in groups {
        if only_group.is_some_and(|g| g != group) {
            continue;
        }
        let count = ops.iter().filter(|o| o.group == group).count();
        let mut cmd = Command::new(group.to_string())
            .about(match tag_of(ops, group) {
                Some(tag) => format!("{tag}: {count} commands"),
                None => format!("Declared without a tag: {count} commands"),
            })
            .subcommand_required(true)
            .arg_required_else_help(true);
        for op in ops.iter().filter(|o| o.group == group) {
            cmd = cmd.subcommand(op_command(op));
        }
        api = api.subcommand(cmd);
    }
    Command::new("atlas-rs")
        .about("The MongoDB Atlas Administration API v2 from the command line")
        .version(env!("CARGO_PKG_VERSION"))
        .subcommand_required(true)
        .arg_required_else_help(true)
        .next_help_heading("Global options")
        .arg(
            Arg::new("profile")
                .short('P')
                .long("profile")
                .global(true)
                .help("Profile of the atlas CLI's config.toml to read (default: default)"),
        )
        .arg(
            Arg::new("debug")
                .short('D')
                .long("debug")
                .global(true)
                .action(ArgAction::SetTrue)
                .help("Show requests and answers on stderr, secrets redacted"),
        )
        .arg(
            Arg::new("dryRun")
                .long("dry-run")
                .global(true)
                .action(ArgAction::SetTrue)
                .help("Print the request as a curl command (secrets redacted) and send nothing"),
        )
        .arg(
            Arg::new("mock")
                .long("mock")
                .global(true)
                .action(ArgAction::SetTrue)
                .help("Run against an embedded Atlas emulator (atlas-mock), with its ids as defaults"),
        )
        .arg(
            Arg::new("allowSunset")
                .long("allow-sunset")
                .global(true)
                .action(ArgAction::SetTrue)
                .help("Send a version past its sunset date anyway (Atlas answers 410 VERSION_GONE)"),
        )
        .arg(
            Arg::new("detailedExitCodes")
                .long("detailed-exit-codes")
                .global(true)
                .action(ArgAction::SetTrue)
                .help("Exit 2 for usage, 3 for other failures, 4 for --watch timeouts, 5 for audit findings (default: 1 for every failure; also ATLAS_RS_DETAILED_EXIT_CODES=1)"),
        )
        .arg(
            Arg::new("noTokenCache")
                .long("no-token-cache")
                .global(true)
                .action(ArgAction::SetTrue)
                .help("Keep the service account's access token in memory only (also ATLAS_RS_NO_TOKEN_CACHE=1)"),
        )
        .arg(
            Arg::new("spec")
                .long("spec")
                .global(true)
                .value_name("PATH")
                .help("A copy of the official OpenAPI spec: --help then shows its descriptions (also ATLAS_RS_SPEC)"),
        )
        .subcommand(api)
        .subcommand(
            Command::new("completion")
                .about("Print the shell's completion script: `source <(atlas-rs completion bash)`")
                .long_about(
                    "Print the shell's completion script. It asks atlas-rs for candidates as you \
                     type (groups, commands, flags, values), so it stays small and current:\n  \
                     bash: source <(atlas-rs completion bash)\n  \
                     zsh:  source <(atlas-rs completion zsh)\n  \
                     fish: atlas-rs completion fish | source",
                )
                .arg(
                    Arg::new("shell")
                        .required(true)
                        .value_parser(["bash", "zsh", "fish", "elvish", "powershell"]),
                ),
        )
        .subcommand(
            Command::new("audit")
                .about("List the version each operation sends, with its sunset date and days left")
                .arg(
                    Arg::new("within")
                        .long("within")
                        .value_name("DAYS")
                        .help("Fail when a version sunsets within this horizon (90d, 12w)"),
                )
                .arg(
                    Arg::new("asOf")
                        .long("as-of")
                        .value_name("YYYY-MM-DD")
                        .help("Count days from this date (default: today)"),
                )
                .arg(
                    Arg::new("allVersions")
                        .long("all-versions")
                        .action(ArgAction::SetTrue)
                        .help("Every declared version, not only the one a run sends"),
                )
                .arg(
                    Arg::new("json")
                        .long("json")
                        .action(ArgAction::SetTrue)
                        .help("One JSON object per line"),
                ),
        )
}

/// The group a command line names after `api`, if any: a run (or a completion) builds
/// only that part of the tree.
pub fn named_group(ops: &[Op], args: &[std::ffi::OsString]) -> Option<String> {
    args.iter()
        .skip_while(|a| *a != "api")
        .skip(1)
        .find_map(|a| ops.iter().find(|o| *a == o.group.as_str()))
        .map(|o| o.group.clone())
}

fn tag_of(ops: &[Op], group: &str) -> Option<&'static str> {
    ops.iter()
        .find(|o| o.group == group)
        .and_then(|o| o.info.tag)
}

fn op_command(op: &Op) -> Command {
    let info = op.info;
    let mut cmd = Command::new(op.name.clone())
        .about(format!("{} /api/atlas/v2{}", info.method, info.template))
        .after_long_help(details(op))
        .disable_version_flag(true);
    if let Some(alias) = &op.alias {
        cmd = cmd.alias(alias.clone());
    }
    let mut taken = Vec::new();
    let described = crate::describe::for_operation(info.operation_id);
    cmd = cmd.next_help_heading("Parameters");
    for p in info.params.iter().filter(|p| {
        matches!(
            p.location,
            Location::Path | Location::Query | Location::Header
        )
    }) {
        taken.push(p.api_name);
        let (values, default) = crate::facts_of(info.operation_id, p.api_name);
        let mut arg = Arg::new(format!("{PARAM}{}", p.api_name))
            .long(p.api_name)
            .value_name(kind_name(p.kind, values));
        if p.api_name == "groupId" {
            arg = arg.alias("projectId");
        }
        let scalar = match p.kind {
            ValueKind::Array(item) => {
                arg = arg.action(ArgAction::Append);
                *item
            }
            other => other,
        };
        arg = match scalar {
            ValueKind::Integer => arg.value_parser(clap::value_parser!(i64)),
            ValueKind::Number => arg.value_parser(clap::value_parser!(f64)),
            ValueKind::Bool => arg
                .value_parser(clap::value_parser!(bool))
                .num_args(0..=1)
                .default_missing_value("true"),
            _ => arg,
        };
        if !values.is_empty() {
            // Atlas's enums are open (it adds values): offered, not enforced.
            arg = arg.add(clap_complete::engine::ArgValueCandidates::new(move || {
                values
                    .iter()
                    .map(|v| clap_complete::engine::CompletionCandidate::new(*v))
                    .collect::<Vec<_>>()
            }));
        }
        let mut help = param_facts(p, values, default);
        if let Some(text) = described.as_ref().and_then(|d| d.param(p.api_name)) {
            help = format!("{text} [{help}]");
        }
        cmd = cmd.arg(arg.help(help));
    }
    cmd = cmd.next_help_heading("Options");
    let own = |name: &str| !taken.contains(&name);
    let versions = op.version_list();
    if own("version") {
        cmd = cmd.arg(
            Arg::new("version")
                .long("version")
                .help(format!("API version: {versions} (default: the first)")),
        );
    }
    if op
        .versions
        .iter()
        .any(|i| i.body != atlas_runtime::implement::BodyKind::None)
        && own("file")
    {
        cmd = cmd.arg(
            Arg::new("file")
                .long("file")
                .help("The JSON body from this file; else from standard input when piped"),
        );
    }
    if own("output") {
        let forms: Vec<&str> = if info.formats.is_empty() {
            vec!["json"]
        } else {
            info.formats.iter().map(|f| f.as_str()).collect()
        };
        let required = if forms.len() > 1 { ", required" } else { "" };
        cmd = cmd.arg(Arg::new("output").short('o').long("output").help(format!(
            "{} or a template: Go's ('{{{{.id}}}}', as the official CLI) or Jinja ('jinja={{{{ id }}}}'){required}",
            forms.join(", ")
        )));
    }
    if own("outputFile") {
        cmd = cmd.arg(
            Arg::new("outputFile")
                .long("outputFile")
                .help("Write the answer to this file instead of standard output"),
        );
    }
    for (name, help) in [
        ("envelope", "Ask Atlas to wrap the answer in an envelope"),
        ("pretty", "Ask Atlas to indent the JSON answer"),
    ] {
        if own(name) {
            cmd = cmd.arg(
                Arg::new(name)
                    .long(name)
                    .value_parser(clap::value_parser!(bool))
                    .num_args(0..=1)
                    .default_missing_value("true")
                    .help(help),
            );
        }
    }
    let paginated = ["pageNum", "itemsPerPage"]
        .iter()
        .all(|n| info.params_in(Location::Query).any(|p| p.api_name == *n));
    if paginated && info.offers(Format::Json) {
        cmd = cmd
            .arg(
                Arg::new("paginate")
                    .long("paginate")
                    .action(ArgAction::SetTrue)
                    .help("Follow every page (500 a page) and print one JSON array of all items"),
            )
            .arg(
                Arg::new("jsonLines")
                    .long("jsonLines")
                    .action(ArgAction::SetTrue)
                    .requires("paginate")
                    .help("With --paginate: one item per line instead of an array"),
            );
    }
    // Where the SDK has a waiter for the operation (at any of its versions).
    if let Some(w) = op.versions.iter().find_map(|v| crate::watch::waiter(v)) {
        let goal = match w.goal {
            atlas_runtime::wait::Goal::Gone => "gone".to_string(),
            _ => format!("ready ({})", w.states.ready.join(", ")),
        };
        cmd = cmd
            .arg(
                Arg::new("watch")
                    .short('w')
                    .long("watch")
                    .action(ArgAction::SetTrue)
                    .help(format!(
                        "After the call, poll {} (every 5 s, up to every 60 s) until it is {goal}; \
                         exits 4 naming the state if it fails",
                        w.observer_name()
                    )),
            )
            .arg(
                Arg::new("watchTimeout")
                    .long("watchTimeout")
                    .value_parser(clap::value_parser!(u64))
                    .requires("watch")
                    .help("Seconds to wait with --watch; 0 waits until the work ends (default 0)"),
            );
    }
    cmd
}

/// The kind of a parameter's value in words; an enum is text on the command line
/// whatever its Rust type.
fn kind_name(kind: ValueKind, values: &[&str]) -> &'static str {
    match kind {
        ValueKind::Json if !values.is_empty() => "string",
        ValueKind::Array(ValueKind::Json) if !values.is_empty() => "strings",
        ValueKind::Array(_) if !values.is_empty() => "strings",
        other => other.as_str(),
    }
}

/// A parameter's facts for its flag's help: type, where it goes, whether required,
/// allowed values, default, pattern, range and length.
pub fn param_facts(
    p: &atlas_runtime::implement::ParamInfo,
    values: &[&str],
    default: Option<&str>,
) -> String {
    let mut facts = vec![format!(
        "{} in {}",
        kind_name(p.kind, values),
        p.location.as_str()
    )];
    if p.required || p.location == Location::Path {
        facts.push("required".into());
    }
    if !values.is_empty() {
        facts.push(format!("one of: {}", values.join(", ")));
    }
    if let Some(d) = default {
        facts.push(format!("default: {d}"));
    }
    for pattern in p.patterns() {
        facts.push(format!("pattern: {}", pattern.source()));
    }
    for c in p.constraints {
        match c {
            atlas_runtime::implement::Constraint::Range { min, max } => {
                let end = |b: &Option<atlas_runtime::implement::Bound>, less: &str, at: &str| {
                    b.as_ref()
                        .map(|b| format!("{}{}", if b.exclusive { less } else { at }, b.value))
                };
                let parts: Vec<String> = [end(min, ">", ">="), end(max, "<", "<=")]
                    .into_iter()
                    .flatten()
                    .collect();
                facts.push(format!("range: {}", parts.join(" and ")));
            }
            atlas_runtime::implement::Constraint::Length { min, max } => facts.push(format!(
                "length: {}..{}",
                min.map_or(String::new(), |m| m.to_string()),
                max.map_or(String::new(), |m| m.to_string())
            )),
            _ => {}
        }
    }
    if p.api_name == "groupId" {
        facts.push("alias --projectId; default: the profile's project_id".into());
    } else if p.api_name == "orgId" {
        facts.push("default: the profile's org_id".into());
    }
    facts.join("; ")
}

/// Method, path, versions with their sunsets, roles and docs link, for `--help`.
fn details(op: &Op) -> String {
    let info = op.info;
    let mut s = String::new();
    if let Some(text) =
        crate::describe::for_operation(info.operation_id).and_then(|d| d.operation())
    {
        s.push_str(&text);
        s.push_str("\n\n");
    }
    s.push_str(&format!("{} /api/atlas/v2{}\n", info.method, info.template));
    s.push_str(&format!("Versions: {}", op.version_list()));
    s.push('\n');
    if !info.formats.is_empty() {
        let forms: Vec<&str> = info.formats.iter().map(|f| f.as_str()).collect();
        s.push_str(&format!("Answers in: {}\n", forms.join(", ")));
    }
    if !info.roles.is_empty() {
        s.push_str(&format!("Roles: {}\n", info.roles.join(", ")));
    }
    if let Some(id) = info.operation_id {
        s.push_str(&format!("operationId: {id}\n"));
    }
    if let Some(docs) = info.docs {
        s.push_str(&format!("Docs: {docs}\n"));
    }
    s
}
