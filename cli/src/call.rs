//! Running one operation: flags and profile defaults into a `RawCall`, the body from
//! `--file` or piped standard input (at most [`MAX_BODY_BYTES`]), the client from the
//! profile, and the answer to standard output or `--outputFile` (replaced only when the
//! run succeeds, see [`Sink`]).

use std::io::{IsTerminal as _, Read as _};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use atlas_runtime::{
    Client, Credentials, Error, Format, RequestOptions,
    implement::{BodyKind, Location, ValueKind},
    raw::RawCall,
    store::FileTokenStore,
};
use clap::ArgMatches;
use clap::parser::ValueSource;

use crate::exit::CliError;
use crate::keyring::{OsKeyring, SecretStore};
use crate::profile::{self, Credential, Settings};
use crate::show::{self, Auth};
use crate::tree::{Op, PARAM};

/// What the run was asked to print.
enum Output {
    /// The answer as Atlas sent it, in this form.
    Raw(Format),
    /// A template over the decoded JSON answer (Go's syntax or Jinja's).
    Template(crate::template::Syntax, String),
}

/// The largest request body read from `--file` or standard input: 16 MiB, far above any
/// body of the Administration API, and a bound on what a mistaken `--file /dev/zero`
/// costs.
pub const MAX_BODY_BYTES: u64 = 16 * 1024 * 1024;

/// Runs `op` with the flags in `m`.
pub fn run(op: &Op, m: &ArgMatches) -> Result<(), CliError> {
    run_op(op, m).map_err(|e| e.map_message(|text| op.name_types(text)))
}

fn run_op(op: &Op, m: &ArgMatches) -> Result<(), CliError> {
    let env = |name: &str| std::env::var(name).ok();
    if m.get_flag("debug") {
        // Only the first logger counts; a second call (tests) is harmless.
        let _ = log::set_logger(&show::StderrLogger);
        log::set_max_level(log::LevelFilter::Debug);
    }
    // `--mock` brings its own credentials: the keyring is not asked.
    let keyring = if m.get_flag("mock") {
        OsKeyring::new(&|name| (name == "ATLAS_RS_NO_KEYRING").then(|| "1".to_string()))
    } else {
        OsKeyring::new(&env)
    };
    #[allow(unused_mut)]
    let mut settings = profile::load(
        m.get_one::<String>("profile").map(String::as_str),
        &env,
        &keyring,
    )?;

    #[cfg(feature = "mock")]
    let _mock = if m.get_flag("mock") {
        let mock = atlas_mock::MockAtlas::start();
        settings = Settings {
            profile: "--mock".into(),
            client_id: Some(mock.client_id().to_string()),
            client_secret: Some(mock.client_secret().to_string()),
            org_id: Some(mock.org_id().to_string()),
            project_id: Some(mock.project_id().to_string()),
            base_url: Some(mock.url().to_string()),
            api_version: settings.api_version.clone(),
            ..Settings::default()
        };
        Some(mock)
    } else {
        None
    };
    #[cfg(not(feature = "mock"))]
    if m.get_flag("mock") {
        return Err(CliError::Usage(
            "--mock needs atlas-rs built with the `mock` feature".into(),
        ));
    }

    // The version: the flag, the profile's api_version, the newest declared.
    let asked = m
        .try_get_one::<String>("version")
        .ok()
        .flatten()
        .cloned()
        .or_else(|| settings.api_version.clone());
    let chosen = match asked.as_deref() {
        Some(v) => op.at(v).map(|info| op.with_info(info)),
        None => None,
    };
    let op = &chosen.unwrap_or_else(|| op.clone());
    let info = op.info;
    let mut call = RawCall::new(info);
    // Only path, query and header parameters have flags (a body member of an older
    // version, `diskSizeGB`, has none to read).
    for p in op
        .versions
        .iter()
        .flat_map(|i| i.params.iter())
        .filter(|p| {
            matches!(
                p.location,
                Location::Path | Location::Query | Location::Header
            )
        })
    {
        let id = format!("{PARAM}{}", p.api_name);
        if info.param(p.api_name).is_none() && !flag_values(m, &id, p.kind).is_empty() {
            return Err(CliError::Usage(format!(
                "--{} is not a parameter of {} at version {}",
                p.api_name,
                op.name,
                info.version.unwrap_or("-")
            )));
        }
    }
    let mut missing = Vec::new();
    for p in info.params.iter().filter(|p| {
        matches!(
            p.location,
            Location::Path | Location::Query | Location::Header
        )
    }) {
        let id = format!("{PARAM}{}", p.api_name);
        let mut values = flag_values(m, &id, p.kind);
        if values.is_empty() {
            let default = match p.api_name {
                "orgId" => settings.org_id.clone(),
                "groupId" => settings.project_id.clone(),
                _ => None,
            };
            values.extend(default);
        }
        if values.is_empty() && (p.required || p.location == Location::Path) {
            missing.push(format!("--{}", p.api_name));
        }
        for v in values {
            call.arg(p.api_name, v)
                .map_err(|e| CliError::Usage(e.to_string()))?;
        }
    }
    if !missing.is_empty() {
        return Err(CliError::Usage(format!(
            "the following required flags were not provided: {}",
            missing.join(", ")
        )));
    }
    if let Some(body) = read_body(op, m)? {
        call.body(body);
    }

    let mut options = RequestOptions::new();
    version_warnings(op, asked.as_deref());
    if let Some(v) = asked
        .as_deref()
        .filter(|v| op.at(v).is_some() || op.info.version.is_none())
    {
        options = options.version(v.to_string());
    }
    for name in ["envelope", "pretty"] {
        if let Ok(Some(true)) = m.try_get_one::<bool>(name).map(|v| v.copied()) {
            options = if name == "envelope" {
                options.envelope(true)
            } else {
                options.pretty(true)
            };
        }
    }
    let output_file = m
        .try_get_one::<String>("outputFile")
        .ok()
        .flatten()
        .cloned();
    let output = choose_output(op, m.try_get_one::<String>("output").ok().flatten())?;
    if let Output::Raw(format) = &output {
        if format.is_binary() && output_file.is_none() && std::io::stdout().is_terminal() {
            return Err(CliError::Usage(format!(
                "refusing to write {format} to a terminal: give --outputFile PATH or redirect standard output"
            )));
        }
        if *format != Format::Json {
            options = options.format(*format);
        }
    }

    let (client, auth) = client(&mut settings, m, &keyring)?;
    // From here on the client knows every credential of the run: no message shows one.
    send(
        m,
        &client,
        auth,
        &call,
        &options,
        &output,
        output_file.as_deref(),
    )
    .map_err(|e| e.map_message(|text| client.redact(text)))
}

/// The rest of a run once the call and the client are ready: `--dry-run`, or the call,
/// its answer to the output, and `--watch`.
#[allow(clippy::too_many_arguments)]
fn send(
    m: &ArgMatches,
    client: &Client,
    auth: Auth,
    call: &RawCall,
    options: &RequestOptions,
    output: &Output,
    output_file: Option<&str>,
) -> Result<(), CliError> {
    let redact = |text: &str| client.redact(text);
    if m.get_flag("dryRun") {
        let request = call.build_request(client.context(), options)?;
        let text = show::curl(&request, auth, &redact);
        return Sink::stdout().write_all_and_finish(format!("{text}\n").as_bytes());
    }
    let debug = m.get_flag("debug");
    if debug && let Ok(request) = call.build_request(client.context(), options) {
        let head = format!("{} {}", request.method(), request.uri());
        let body = Some(request.body().as_slice());
        eprint!(
            "{}",
            redact(&show::trace('>', &head, request.headers(), body))
        );
    }

    let paginate = m.try_get_one::<bool>("paginate").ok().flatten() == Some(&true);
    let json_lines = m.try_get_one::<bool>("jsonLines").ok().flatten() == Some(&true);
    let mut sink = Sink::open(output_file)?;
    if paginate {
        crate::paginate::all(client, call, options, json_lines, &mut sink)?;
        return sink.commit();
    }
    let answer_json: Option<Vec<u8>> = match output {
        Output::Raw(format) if *format != Format::Json => {
            let download = client
                .download_raw(call, options)
                .map_err(|e| api_error(e, &mut sink))?;
            retirement_warnings(download.headers());
            if debug {
                let head = download.status().to_string();
                eprint!(
                    "{}",
                    redact(&show::trace('<', &head, download.headers(), None))
                );
            }
            sink.copy_from(download)?;
            None
        }
        _ => {
            let answer = client
                .send_raw(call, options)
                .map_err(|e| api_error(e, &mut sink))?;
            retirement_warnings(&answer.headers);
            if debug {
                let head = answer.status.to_string();
                let body = Some(answer.body.as_slice());
                eprint!(
                    "{}",
                    redact(&show::trace('<', &head, &answer.headers, body))
                );
            }
            Some(answer.body)
        }
    };
    if let Some(body) = &answer_json {
        match output {
            Output::Template(syntax, t) => {
                let text = crate::template::render(*syntax, t, body)?;
                let text = if sink.is_terminal() {
                    show::lines(&text)
                } else {
                    text
                };
                sink.write(text.as_bytes())?;
            }
            _ => {
                sink.write(body)?;
                if !body.is_empty() && !body.ends_with(b"\n") && sink.is_stdout() {
                    sink.write(b"\n")?;
                }
            }
        }
    }
    // The answer is whole: it replaces the output file now, whatever --watch finds.
    sink.commit()?;
    if m.try_get_one::<bool>("watch").ok().flatten() == Some(&true) {
        let timeout = m
            .try_get_one::<u64>("watchTimeout")
            .ok()
            .flatten()
            .copied()
            .unwrap_or(0);
        crate::watch::until_done(
            client,
            call,
            answer_json.as_deref(),
            Duration::from_secs(timeout),
        )?;
    }
    Ok(())
}

/// The values the user gave a parameter's flag, as text (none when it was not set: only
/// flags that were set are sent).
fn flag_values(m: &ArgMatches, id: &str, kind: ValueKind) -> Vec<String> {
    if m.value_source(id) != Some(ValueSource::CommandLine) {
        return Vec::new();
    }
    let scalar = match kind {
        ValueKind::Array(item) => *item,
        other => other,
    };
    match scalar {
        ValueKind::Integer => m
            .get_many::<i64>(id)
            .map(|v| v.map(i64::to_string).collect())
            .unwrap_or_default(),
        ValueKind::Number => m
            .get_many::<f64>(id)
            .map(|v| v.map(f64::to_string).collect())
            .unwrap_or_default(),
        ValueKind::Bool => m
            .get_many::<bool>(id)
            .map(|v| v.map(bool::to_string).collect())
            .unwrap_or_default(),
        _ => m
            .get_many::<String>(id)
            .map(|v| v.cloned().collect())
            .unwrap_or_default(),
    }
}

/// Whether standard input is a pipe or a file (not a terminal, not `/dev/null`), as the
/// official CLI decides that a body is piped.
fn stdin_is_piped() -> bool {
    use std::os::fd::AsFd as _;
    use std::os::unix::fs::FileTypeExt as _;
    let Ok(fd) = std::io::stdin().as_fd().try_clone_to_owned() else {
        return false;
    };
    std::fs::File::from(fd)
        .metadata()
        .map(|m| {
            let t = m.file_type();
            t.is_fifo() || t.is_file() || t.is_socket()
        })
        .unwrap_or(false)
}

/// The body: `--file PATH` or piped standard input, not both; one of them when the
/// operation requires a body.
fn read_body(op: &Op, m: &ArgMatches) -> Result<Option<Vec<u8>>, CliError> {
    let info = op.info;
    if info.body == BodyKind::None {
        return Ok(None);
    }
    let file = m.try_get_one::<String>("file").ok().flatten();
    let piped = stdin_is_piped();
    let required =
        info.body == BodyKind::Whole || info.params_in(Location::Body).any(|p| p.required);
    match (file, piped) {
        (Some(_), true) => Err(CliError::Usage(
            "cannot use --file flag and also input from standard input".into(),
        )),
        (Some(path), false) => {
            let what = format!("--file {path}");
            let file = std::fs::File::open(path)
                .map_err(|e| CliError::Usage(format!("cannot read {what}: {e}")))?;
            read_capped(file, &what).map(Some).map_err(|e| {
                e.unwrap_or_else(|e| CliError::Usage(format!("cannot read {what}: {e}")))
            })
        }
        (None, true) => read_capped(std::io::stdin().lock(), "standard input")
            .map(Some)
            .map_err(|e| {
                e.unwrap_or_else(|e| CliError::Failed(format!("reading standard input: {e}")))
            }),
        (None, false) if required => Err(CliError::Usage(
            "--file flag is required when not using piped input".into(),
        )),
        (None, false) => Ok(None),
    }
}

/// All of `input`, the body read from `what`, if it holds at most [`MAX_BODY_BYTES`]: a
/// larger one is a usage error (`Err(Ok(…))`) read no further; a read that fails is
/// `Err(Err(…))`.
fn read_capped(
    input: impl std::io::Read,
    what: &str,
) -> Result<Vec<u8>, Result<CliError, std::io::Error>> {
    let mut body = Vec::new();
    input
        .take(MAX_BODY_BYTES + 1)
        .read_to_end(&mut body)
        .map_err(Err)?;
    if body.len() as u64 > MAX_BODY_BYTES {
        return Err(Ok(CliError::Usage(format!(
            "{what} holds more than {} MiB, the largest request body atlas-rs sends; nothing was sent",
            MAX_BODY_BYTES / (1024 * 1024)
        ))));
    }
    Ok(body)
}

/// `-o`: one of the operation's forms, or a template; required when it has several.
fn choose_output(op: &Op, asked: Option<&String>) -> Result<Output, CliError> {
    let info = op.info;
    let forms: Vec<Format> = if info.formats.is_empty() {
        vec![Format::Json]
    } else {
        info.formats.to_vec()
    };
    let names = || {
        forms
            .iter()
            .map(|f| f.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    match asked {
        None if forms.len() > 1 => Err(CliError::Usage(format!(
            "--output is required: this operation answers in {}",
            names()
        ))),
        None => Ok(Output::Raw(forms[0])),
        Some(t) if crate::template::parse_option(t).is_some() => {
            let (syntax, template) =
                crate::template::parse_option(t).unwrap_or((crate::template::Syntax::Go, t));
            if info.offers(Format::Json) {
                Ok(Output::Template(syntax, template.to_string()))
            } else {
                Err(CliError::Usage(format!(
                    "a template needs a JSON answer; this operation answers in {}",
                    names()
                )))
            }
        }
        Some(name) => match Format::from_suffix(name) {
            Some(f) if forms.contains(&f) => Ok(Output::Raw(f)),
            _ => Err(CliError::Usage(format!(
                "invalid --output {name:?}: this operation answers in {} (or give a template '{{{{ … }}}}')",
                names()
            ))),
        },
    }
}

/// Warnings on stderr about the version, as the official CLI prints them.
fn version_warnings(op: &Op, asked: Option<&str>) {
    let info = op.info;
    let declared = info.version;
    match (asked, declared) {
        (None, Some(v)) => eprintln!(
            "warning: using the default API version {v} of {}; pin it with --version {v}",
            op.name
        ),
        (Some(a), Some(d)) if a != d => eprintln!(
            "warning: version {} is not supported for {} (it has {}), using the default {d}",
            show::one_line(a),
            op.name,
            op.version_list()
        ),
        _ => {}
    }
    let used = declared;
    if used == Some("preview") {
        eprintln!(
            "warning: {} at version preview: a preview may change without notice",
            op.name
        );
    }
    if let Some(sunset) = info.sunset {
        let days = atlas_runtime::sunset::days_left(sunset, &atlas_runtime::sunset::today());
        match days {
            // Past it: the client refuses (exit 2) unless --allow-sunset, and says so.
            Some(d) if d <= 0 => eprintln!(
                "warning: version {} of {} was sunset on {sunset}",
                used.unwrap_or("-"),
                op.name
            ),
            Some(d) if d <= atlas_runtime::sunset::WARNING_DAYS => eprintln!(
                "warning: version {} of {} sunsets on {sunset}, in {d} days: move to a newer version (atlas-rs audit lists them)",
                used.unwrap_or("-"),
                op.name
            ),
            _ => eprintln!(
                "warning: version {} of {} is deprecated and will be sunset on {sunset}",
                used.unwrap_or("-"),
                op.name
            ),
        }
    }
}

/// `Deprecation` and `Sunset` answered by Atlas.
fn retirement_warnings(headers: &http::HeaderMap) {
    let get = |n: &str| headers.get(n).and_then(|v| v.to_str().ok());
    if get("deprecation").is_some() || get("sunset").is_some() {
        eprintln!(
            "warning: Atlas announces the end of this API version (Deprecation: {}, Sunset: {})",
            show::one_line(get("deprecation").unwrap_or("-")),
            show::one_line(get("sunset").unwrap_or("-"))
        );
    }
}

/// The client for the settings: credentials as [`Settings::credential`] chooses them (an
/// expired `atlas auth login` token refreshed first, [`crate::login`]), the service
/// account's token kept in the shared file store unless `--no-token-cache` or
/// `ATLAS_RS_NO_TOKEN_CACHE=1`.
fn client(
    settings: &mut Settings,
    m: &ArgMatches,
    keyring: &dyn SecretStore,
) -> Result<(Client, Auth), CliError> {
    let mut builder =
        Client::builder().application(concat!("atlas-rs/", env!("CARGO_PKG_VERSION")));
    if let Some(url) = &settings.base_url {
        builder = builder.base_url(url.clone());
    } else if let Some(service) = &settings.service {
        match service.as_str() {
            "cloud" => {}
            "cloudgov" => builder = builder.base_url(atlas_runtime::defaults::CLOUDGOV_BASE_URL),
            other => {
                return Err(CliError::Usage(format!(
                    "unknown service {other:?} in profile {:?}: expected cloud or cloudgov",
                    settings.profile
                )));
            }
        }
    }
    builder = builder
        .allow_sunset_versions(m.get_flag("allowSunset"))
        .version_catalog(atlas_endpoints::operations());
    let auth = match settings.credential()? {
        Credential::ServiceAccount { id, secret } => {
            let no_cache = m.get_flag("noTokenCache")
                || m.get_flag("mock")
                || std::env::var("ATLAS_RS_NO_TOKEN_CACHE").is_ok_and(|v| v == "1" || v == "true");
            if !no_cache {
                match FileTokenStore::new() {
                    Ok(store) => builder = builder.token_store(Arc::new(store)),
                    Err(e) => eprintln!(
                        "warning: the shared token cache is unavailable ({e}); this run fetches its own token"
                    ),
                }
            }
            builder = builder.credentials(Credentials::service_account(id, secret));
            Auth::Bearer
        }
        Credential::ApiKey { public, private } => {
            builder = builder.credentials(Credentials::api_key(public, private));
            Auth::Digest
        }
        Credential::Token { access, refresh } => {
            let token = if m.get_flag("dryRun") {
                access
            } else {
                crate::login::fresh_token(settings, access, refresh, keyring)?
            };
            builder = builder.credentials(Credentials::bearer(token));
            Auth::Bearer
        }
        Credential::None => Auth::None,
    };
    let client = builder
        .build()
        .map_err(|e| CliError::Usage(e.to_string()))?;
    Ok((client, auth))
}

/// An API error: its body (rebuilt from what Atlas sent, secrets scrubbed) to standard
/// output (never to `--outputFile`, which a failed run leaves as it was), and the error for
/// stderr and the exit status.
fn api_error(e: Error, sink: &mut Sink) -> CliError {
    if let Error::Api(api) = &e {
        let body = match &api.raw_body {
            Some(raw) => raw.clone(),
            None => {
                let mut v = serde_json::json!({
                    "error": api.status,
                    "errorCode": api.error_code,
                    "detail": api.detail,
                    "reason": api.reason,
                    "parameters": api.parameters,
                });
                show::redact_json(&mut v);
                v.to_string()
            }
        };
        let shown = if sink.is_stdout() {
            sink.write(body.as_bytes())
                .and_then(|()| sink.write(b"\n"))
                .and_then(|()| sink.finish())
        } else {
            Sink::stdout().write_all_and_finish(format!("{body}\n").as_bytes())
        };
        if let Err(CliError::OutputClosed) = shown {
            return CliError::OutputClosed;
        }
    }
    e.into()
}

/// Where the answer goes: standard output, or `--outputFile`.
///
/// The file is written as a temporary file beside it and renamed over it by
/// [`commit`](Self::commit), so the file is replaced whole or not at all: a run that fails
/// (an error status, a download cut mid-way, an interrupted run) leaves the old file as it
/// was and no partial one (a run killed by a signal may leave its `.NAME.*.part` file
/// beside it). A path that is not a regular file (`/dev/null`, a FIFO) is written
/// directly; a symbolic link is followed, and the file it names replaced.
///
/// Writing to a closed standard output (a reader such as `head` that had enough) is
/// [`CliError::OutputClosed`]: the run ends quietly.
pub struct Sink {
    target: Target,
}

enum Target {
    Stdout(std::io::StdoutLock<'static>),
    /// A temporary file beside `path`, renamed over it on commit.
    Replace {
        temp: std::io::BufWriter<tempfile::NamedTempFile>,
        path: PathBuf,
    },
    /// A path that is not a regular file, written in place.
    Direct {
        file: std::io::BufWriter<std::fs::File>,
        path: PathBuf,
    },
}

impl Sink {
    /// Standard output.
    pub fn stdout() -> Sink {
        Sink {
            target: Target::Stdout(std::io::stdout().lock()),
        }
    }

    /// Standard output, or a temporary file beside `path` (nothing is truncated yet).
    fn open(path: Option<&str>) -> Result<Sink, CliError> {
        let Some(p) = path else {
            return Ok(Sink::stdout());
        };
        let cannot =
            |e: std::io::Error| CliError::Usage(format!("cannot create --outputFile {p}: {e}"));
        let given = Path::new(p);
        // A symbolic link is followed: the file it names is replaced, the link stays.
        let path = match std::fs::symlink_metadata(given) {
            Ok(meta) if meta.file_type().is_symlink() => {
                std::fs::canonicalize(given).map_err(cannot)?
            }
            _ => given.to_path_buf(),
        };
        let existing = std::fs::metadata(&path).ok();
        if let Some(meta) = existing.as_ref().filter(|m| !m.is_file()) {
            if meta.is_dir() {
                return Err(cannot(std::io::Error::from(
                    std::io::ErrorKind::IsADirectory,
                )));
            }
            let file = std::fs::OpenOptions::new()
                .write(true)
                .open(&path)
                .map_err(cannot)?;
            return Ok(Sink {
                target: Target::Direct {
                    file: std::io::BufWriter::new(file),
                    path,
                },
            });
        }
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        // The old file's permissions, else those File::create would give (the umask
        // applies).
        let permissions = {
            use std::os::unix::fs::PermissionsExt as _;
            existing.map_or_else(
                || std::fs::Permissions::from_mode(0o666),
                |m| m.permissions(),
            )
        };
        let temp = tempfile::Builder::new()
            .prefix(&format!(".{name}."))
            .suffix(".part")
            .permissions(permissions)
            .tempfile_in(&dir)
            .map_err(cannot)?;
        Ok(Sink {
            target: Target::Replace {
                temp: std::io::BufWriter::new(temp),
                path,
            },
        })
    }

    /// Whether the answer goes to standard output.
    pub fn is_stdout(&self) -> bool {
        matches!(self.target, Target::Stdout(_))
    }

    /// Whether the answer goes to a terminal, where a person reads it.
    pub fn is_terminal(&self) -> bool {
        self.is_stdout() && std::io::stdout().is_terminal()
    }

    fn writer(&mut self) -> &mut dyn std::io::Write {
        match &mut self.target {
            Target::Stdout(out) => out,
            Target::Replace { temp, .. } => temp,
            Target::Direct { file, .. } => file,
        }
    }

    /// What a failed write means: a closed standard output ends the run quietly.
    fn failed(&self, e: &std::io::Error) -> CliError {
        match &self.target {
            Target::Stdout(_) if e.kind() == std::io::ErrorKind::BrokenPipe => {
                CliError::OutputClosed
            }
            Target::Stdout(_) => CliError::Failed(format!("writing the answer: {e}")),
            Target::Replace { path, .. } | Target::Direct { path, .. } => {
                CliError::Failed(format!("writing --outputFile {}: {e}", path.display()))
            }
        }
    }

    pub fn write(&mut self, bytes: &[u8]) -> Result<(), CliError> {
        let result = self.writer().write_all(bytes);
        result.map_err(|e| self.failed(&e))
    }

    /// Flushes what was written (standard output shows it; a file is not replaced yet).
    pub fn finish(&mut self) -> Result<(), CliError> {
        let result = self.writer().flush();
        result.map_err(|e| self.failed(&e))
    }

    /// Writes `bytes` and flushes: for standard output.
    pub fn write_all_and_finish(mut self, bytes: &[u8]) -> Result<(), CliError> {
        self.write(bytes)?;
        self.commit()
    }

    /// Copies a streamed answer; an answer cut mid-way is an error (and the output file
    /// stays as it was).
    fn copy_from(&mut self, mut answer: impl std::io::Read) -> Result<(), CliError> {
        let mut buffer = vec![0u8; 64 * 1024];
        loop {
            let n = match answer.read(&mut buffer) {
                Ok(0) => return Ok(()),
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    return Err(CliError::Failed(format!(
                        "the answer was cut before its end: {}",
                        show::one_line(&e.to_string())
                    )));
                }
            };
            self.write(&buffer[..n])?;
        }
    }

    /// The answer is whole: flush it, and put the output file in place of the old one.
    pub fn commit(self) -> Result<(), CliError> {
        let mut sink = self;
        sink.finish()?;
        match sink.target {
            Target::Stdout(_) | Target::Direct { .. } => Ok(()),
            Target::Replace { temp, path } => {
                let failed = |e: &dyn std::fmt::Display| {
                    CliError::Failed(format!("writing --outputFile {}: {e}", path.display()))
                };
                let temp = temp.into_inner().map_err(|e| failed(e.error()))?;
                temp.as_file().sync_all().map_err(|e| failed(&e))?;
                temp.persist(&path).map_err(|e| failed(&e.error))?;
                Ok(())
            }
        }
    }
}
