//! `atlas-mock`: serves the Atlas emulator on 127.0.0.1 until killed, after printing its
//! URL, seeded ids and credentials as `KEY=value` lines on stdout.

use std::io::Write as _;
use std::process::ExitCode;
use std::time::Duration;

use atlas_mock::MockAtlas;

const USAGE: &str = "\
Usage: atlas-mock [OPTIONS]

Serves an emulator of the Atlas Administration API v2 (every operation) on 127.0.0.1
and prints, one KEY=value per line: ATLAS_MOCK_URL, MONGODB_ATLAS_OPS_MANAGER_URL,
MONGODB_ATLAS_ORG_ID, MONGODB_ATLAS_PROJECT_ID, MONGODB_ATLAS_CLIENT_ID,
MONGODB_ATLAS_CLIENT_SECRET, MONGODB_ATLAS_PUBLIC_API_KEY, MONGODB_ATLAS_PRIVATE_API_KEY.
Then serves until killed.

Options:
  --port N                 port to listen on (default 0: a free one)
  --token-lifetime SECS    access token lifetime (default 3600)
  --nonce-lifetime SECS    Digest nonce lifetime (default 300)
  --rate-limit CAP/RATE    token bucket over API calls: capacity and refill per second
  --enforce-rate-limits    spend Atlas's endpoint-set buckets (429 RATE_LIMITED_TOKEN_BUCKET)
  --rate-limit-time-scale X  refill the endpoint-set buckets X times faster (default 1)
  --no-rate-limit-headers  leave RateLimit-Limit and RateLimit-Remaining out of answers
  --retry-after-zero       answer Retry-After: 0 on an empty endpoint-set bucket
  --no-token-limit         switch off the token endpoint's 10 requests a minute
  --no-failed-token-limit  switch off the 10 failed token requests a minute per address
  --plain-json-bodies      accept request bodies sent as application/json
  --cluster-transition SECS  how long a cluster is CREATING, UPDATING or DELETING (default 1)
  -h, --help               this text
";

/// A number of seconds: finite, not negative, and small enough for a `Duration`
/// (about 584 billion years); anything else is a usage error, never a panic.
fn parse_secs(flag: &str, value: Option<String>) -> Result<Duration, String> {
    let value = value.ok_or_else(|| format!("{flag} needs a value"))?;
    value
        .trim()
        .parse::<f64>()
        .ok()
        .and_then(|s| Duration::try_from_secs_f64(s).ok())
        .ok_or_else(|| format!("{flag}: not a number of seconds from 0 to 1.8e19: {value}"))
}

fn builder_from_args() -> Result<Option<atlas_mock::MockAtlasBuilder>, String> {
    let mut builder = MockAtlas::builder();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_owned(), Some(v.to_owned())),
            _ => (arg.clone(), None),
        };
        let mut value = || inline.clone().or_else(|| args.next());
        builder = match flag.as_str() {
            "-h" | "--help" => return Ok(None),
            "--port" => {
                let v = value().ok_or("--port needs a value")?;
                builder.port(v.parse().map_err(|_| format!("--port: not a port: {v}"))?)
            }
            "--token-lifetime" => builder.token_lifetime(parse_secs(&flag, value())?),
            "--nonce-lifetime" => builder.nonce_lifetime(parse_secs(&flag, value())?),
            "--cluster-transition" => builder.cluster_transition(parse_secs(&flag, value())?),
            "--rate-limit" => {
                let v = value().ok_or("--rate-limit needs CAPACITY/RATE")?;
                let parsed = v.split_once('/').and_then(|(c, r)| {
                    Some((
                        c.parse::<u32>().ok()?,
                        r.parse::<f64>().ok().filter(|r| r.is_finite())?,
                    ))
                });
                let (capacity, rate) = parsed
                    .ok_or_else(|| format!("--rate-limit: expected CAPACITY/RATE, got {v}"))?;
                builder.rate_limit(capacity, rate)
            }
            "--enforce-rate-limits" => builder.enforce_rate_limits(true),
            "--rate-limit-time-scale" => {
                let v = value().ok_or("--rate-limit-time-scale needs a number")?;
                let scale = v
                    .trim()
                    .parse::<f64>()
                    .ok()
                    .filter(|s| s.is_finite() && *s > 0.0)
                    .ok_or_else(|| {
                        format!("--rate-limit-time-scale: not a positive number: {v}")
                    })?;
                builder.rate_limit_time_scale(scale)
            }
            "--no-rate-limit-headers" => builder.rate_limit_headers(false),
            "--retry-after-zero" => builder.rate_limit_retry_after_zero(true),
            "--no-token-limit" => builder.token_endpoint_limit(None),
            "--no-failed-token-limit" => builder.failed_token_limit(None),
            "--plain-json-bodies" => builder.accept_plain_json_bodies(true),
            other => return Err(format!("unknown option {other}")),
        };
    }
    Ok(Some(builder))
}

/// See `mimalloc` in Cargo.toml: the allocator was a fifth of the server's CPU.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let builder = match builder_from_args() {
        Ok(Some(b)) => b,
        Ok(None) => {
            print!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("atlas-mock: {e}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let mock = match builder.start() {
        Ok(m) => m,
        Err(e) => {
            eprintln!("atlas-mock: cannot serve on 127.0.0.1: {e}");
            return ExitCode::FAILURE;
        }
    };
    let mut out = std::io::stdout().lock();
    for (key, value) in mock.env() {
        let _ = writeln!(out, "{key}={value}");
    }
    let _ = out.flush();
    drop(out);
    eprintln!("atlas-mock: serving on {}; stop with Ctrl-C", mock.url());
    loop {
        std::thread::park();
    }
}
