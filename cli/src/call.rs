//! Running one operation: flags and profile defaults into a `RawCall`, the body from
//! `--file` or piped standard input, the client from the profile, and the answer to
//! standard output or `--outputFile`.

use std::io::{IsTerminal as _, Read as _, Write as _};
use std::sync::Arc;
use std::time::Duration;

use atlas_runtime::{
    BodyKind, Client, Credentials, Error, FileTokenStore, Format, Location, RawCall,
    RequestOptions, ValueKind,
};
use clap::ArgMatches;
use clap::parser::ValueSource;

use crate::exit::CliError;
use crate::profile::{self, Settings};
use crate::show::{self, Auth};
use crate::tree::{Op, PARAM};

/// What the run was asked to print.
enum Output {
    /// The answer as Atlas sent it, in this form.
    Raw(Format),
    /// A minijinja template over the decoded JSON answer.
    Template(String),
}

/// Runs `op` with the flags in `m`.
pub fn run(op: &Op, ops: &[Op], m: &ArgMatches) -> Result<(), CliError> {
    let env = |name: &str| std::env::var(name).ok();
    if m.get_flag("debug") {
        // Only the first logger counts; a second call (tests) is harmless.
        let _ = log::set_logger(&show::StderrLogger);
        log::set_max_level(log::LevelFilter::Debug);
    }
    let mut settings = profile::load(m.get_one::<String>("profile").map(String::as_str), &env)?;

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
    for p in op.versions.iter().flat_map(|i| i.params.iter()) {
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

    let (client, auth) = client(&settings, m)?;
    if m.get_flag("dryRun") {
        let request = call.build_request(client.context(), &options)?;
        println!("{}", show::curl(&request, auth));
        return Ok(());
    }
    if m.get_flag("debug")
        && let Ok(request) = call.build_request(client.context(), &options)
    {
        eprintln!("> {} {}", request.method(), request.uri());
        for (k, v) in request.headers() {
            eprintln!("> {k}: {}", v.to_str().unwrap_or("<binary>"));
        }
        if !request.body().is_empty() {
            eprintln!(">\n> {}", show::redacted_body(request.body()));
        }
    }

    let paginate = m.try_get_one::<bool>("paginate").ok().flatten() == Some(&true);
    let json_lines = m.try_get_one::<bool>("jsonLines").ok().flatten() == Some(&true);
    let mut sink = Sink::open(output_file.as_deref())?;
    if paginate {
        return crate::paginate::all(&client, &call, &options, json_lines, &mut sink);
    }
    let answer_json: Option<Vec<u8>> = match &output {
        Output::Raw(format) if *format != Format::Json => {
            let download = client
                .download_raw(&call, &options)
                .map_err(|e| api_error(e, &mut sink))?;
            retirement_warnings(download.headers());
            let mut reader = download;
            std::io::copy(&mut reader, &mut sink.out)
                .map_err(|e| CliError::Failed(format!("writing the answer: {e}")))?;
            None
        }
        _ => {
            let answer = client
                .send_raw(&call, &options)
                .map_err(|e| api_error(e, &mut sink))?;
            retirement_warnings(&answer.headers);
            if m.get_flag("debug") {
                eprintln!("< {}", answer.status);
                for (k, v) in &answer.headers {
                    eprintln!("< {k}: {}", v.to_str().unwrap_or("<binary>"));
                }
                eprintln!("<\n< {}", show::redacted_body(&answer.body));
            }
            Some(answer.body)
        }
    };
    if let Some(body) = &answer_json {
        match &output {
            Output::Template(t) => {
                let text = crate::template::render(t, body)?;
                sink.write(text.as_bytes())?;
            }
            _ => {
                sink.write(body)?;
                if !body.is_empty() && !body.ends_with(b"\n") && sink.is_stdout {
                    sink.write(b"\n")?;
                }
            }
        }
    }
    sink.finish()?;
    if m.try_get_one::<bool>("watch").ok().flatten() == Some(&true) {
        let timeout = m
            .try_get_one::<u64>("watchTimeout")
            .ok()
            .flatten()
            .copied()
            .unwrap_or(0);
        crate::watch::until_ready(
            &client,
            op,
            ops,
            &call,
            answer_json.as_deref(),
            &options,
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
        (Some(path), false) => std::fs::read(path)
            .map(Some)
            .map_err(|e| CliError::Usage(format!("cannot read --file {path}: {e}"))),
        (None, true) => {
            let mut body = Vec::new();
            std::io::stdin()
                .read_to_end(&mut body)
                .map_err(|e| CliError::Failed(format!("reading standard input: {e}")))?;
            Ok(Some(body))
        }
        (None, false) if required => Err(CliError::Usage(
            "--file flag is required when not using piped input".into(),
        )),
        (None, false) => Ok(None),
    }
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
        Some(t) if t.contains("{{") || t.contains("{%") => {
            if info.offers(Format::Json) {
                Ok(Output::Template(t.clone()))
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
            "warning: version {a} is not supported for {} (it has {}), using the default {d}",
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
        let now = jiff::Timestamp::now().to_string();
        let today = now.get(..10).unwrap_or("");
        if today >= sunset {
            eprintln!(
                "error: version {} of {} was sunset on {sunset}; sending anyway",
                used.unwrap_or("-"),
                op.name
            );
        } else {
            eprintln!(
                "warning: version {} of {} is deprecated and will be sunset on {sunset}",
                used.unwrap_or("-"),
                op.name
            );
        }
    }
}

/// `Deprecation` and `Sunset` answered by Atlas.
fn retirement_warnings(headers: &http::HeaderMap) {
    let get = |n: &str| headers.get(n).and_then(|v| v.to_str().ok());
    if get("deprecation").is_some() || get("sunset").is_some() {
        eprintln!(
            "warning: Atlas announces the end of this API version (Deprecation: {}, Sunset: {})",
            get("deprecation").unwrap_or("-"),
            get("sunset").unwrap_or("-")
        );
    }
}

/// The client for the settings: credentials by the official precedence (service account,
/// then API key, then an access token), the service account's token kept in the shared
/// file store unless `--no-token-cache` or `ATLAS_RS_NO_TOKEN_CACHE=1`.
fn client(settings: &Settings, m: &ArgMatches) -> Result<(Client, Auth), CliError> {
    let mut builder =
        Client::builder().application(concat!("atlas-rs/", env!("CARGO_PKG_VERSION")));
    if let Some(url) = &settings.base_url {
        builder = builder.base_url(url.clone());
    } else if let Some(service) = &settings.service {
        match service.as_str() {
            "cloud" => {}
            "cloudgov" => builder = builder.base_url(atlas_runtime::CLOUDGOV_BASE_URL),
            other => {
                return Err(CliError::Usage(format!(
                    "unknown service {other:?} in profile {:?}: expected cloud or cloudgov",
                    settings.profile
                )));
            }
        }
    }
    let pair = |a: &Option<String>, b: &Option<String>, an: &str, bn: &str| match (a, b) {
        (Some(a), Some(b)) => Ok(Some((a.clone(), b.clone()))),
        (None, None) => Ok(None),
        _ => Err(CliError::Usage(format!(
            "half a credential: {an} and {bn} go together (profile {:?} and MONGODB_ATLAS_* variables)",
            settings.profile
        ))),
    };
    let sa = pair(
        &settings.client_id,
        &settings.client_secret,
        "client_id",
        "client_secret",
    )?;
    let key = pair(
        &settings.public_api_key,
        &settings.private_api_key,
        "public_api_key",
        "private_api_key",
    )?;
    let auth = if let Some((id, secret)) = sa {
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
    } else if let Some((public, private)) = key {
        builder = builder.credentials(Credentials::api_key(public, private));
        Auth::Digest
    } else if let Some(token) = &settings.access_token {
        if let Some(exp) = profile::token_expiry(token) {
            let now = jiff::Timestamp::now().as_second();
            if exp <= now {
                let when = jiff::Timestamp::from_second(exp)
                    .map(|t| t.to_string())
                    .unwrap_or_else(|_| exp.to_string());
                return Err(CliError::Usage(format!(
                    "the access token from {} expired at {when}: run `atlas auth login` again, or give a service account",
                    settings
                        .access_token_source
                        .as_deref()
                        .unwrap_or("the profile")
                )));
            }
        }
        builder = builder.credentials(Credentials::bearer(token.clone()));
        Auth::Bearer
    } else {
        Auth::None
    };
    let client = builder
        .build()
        .map_err(|e| CliError::Usage(e.to_string()))?;
    Ok((client, auth))
}

/// An API error: its body (rebuilt from what Atlas sent, secrets scrubbed) to the output,
/// and the error for stderr and the exit status.
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
        let _ = sink.write(body.as_bytes()).and_then(|()| sink.write(b"\n"));
        let _ = sink.finish();
        return CliError::Api(format!(
            "server returned an error response code {}: {e}",
            api.status
        ));
    }
    e.into()
}

/// Standard output or `--outputFile`.
pub struct Sink {
    pub out: Box<dyn std::io::Write>,
    pub is_stdout: bool,
}

impl Sink {
    fn open(path: Option<&str>) -> Result<Sink, CliError> {
        Ok(match path {
            Some(p) => Sink {
                out: Box::new(std::io::BufWriter::new(std::fs::File::create(p).map_err(
                    |e| CliError::Usage(format!("cannot create --outputFile {p}: {e}")),
                )?)),
                is_stdout: false,
            },
            None => Sink {
                out: Box::new(std::io::stdout().lock()),
                is_stdout: true,
            },
        })
    }

    pub fn write(&mut self, bytes: &[u8]) -> Result<(), CliError> {
        self.out
            .write_all(bytes)
            .map_err(|e| CliError::Failed(format!("writing the answer: {e}")))
    }

    pub fn finish(&mut self) -> Result<(), CliError> {
        self.out
            .flush()
            .map_err(|e| CliError::Failed(format!("writing the answer: {e}")))
    }
}
