//! `atlas-rs audit`: every operation and the version a run would send (the newest declared,
//! or the profile's `api_version` where the operation has it; `--all-versions`: every
//! declared version), with its sunset date and the days left, so that no version passes
//! its sunset unnoticed (Atlas then answers 410 `VERSION_GONE`). With `--within 90d`, the
//! run fails (exit 1; 5 with detailed statuses) when one sunsets within that horizon.
//!
//! ```text
//! atlas-rs audit --within 90d            # what atlas-rs sends today
//! atlas-rs audit -P prod --within 30d    # what profile prod (its api_version) sends
//! atlas-rs audit --all-versions --json   # every declaration, as JSON lines
//! ```

use clap::ArgMatches;

use crate::exit::CliError;
use crate::keyring::OsKeyring;
use crate::tree::Op;

/// One line of the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub group: String,
    pub command: String,
    pub version: String,
    pub sunset: Option<String>,
    /// Days from the audit's date to the sunset (0 or less: past).
    pub days_left: Option<i64>,
}

/// A horizon: `90d`, `12w`, or a number of days.
pub fn parse_horizon(text: &str) -> Result<i64, String> {
    let text = text.trim();
    let (number, unit) = match text.char_indices().find(|(_, c)| !c.is_ascii_digit()) {
        Some((at, _)) => (&text[..at], &text[at..]),
        None => (text, "d"),
    };
    let n: i64 = number
        .parse()
        .map_err(|_| format!("invalid horizon {text:?}: expected days such as 90d"))?;
    match unit {
        "d" => Ok(n),
        "w" => Ok(n * 7),
        _ => Err(format!(
            "invalid horizon {text:?}: expected a number of days (90d) or weeks (12w)"
        )),
    }
}

/// The report's rows for `ops` on `as_of`: per operation the version a run sends (the
/// newest, or `pinned` where the operation has it), or every declared version.
pub fn rows(ops: &[Op], as_of: &str, pinned: Option<&str>, all_versions: bool) -> Vec<Row> {
    let mut rows = Vec::new();
    for op in ops {
        let infos: Vec<_> = if all_versions {
            op.versions.clone()
        } else {
            vec![pinned.and_then(|v| op.at(v)).unwrap_or(op.info)]
        };
        for info in infos {
            rows.push(Row {
                group: op.group.clone(),
                command: op.name.clone(),
                version: info.version.unwrap_or("-").to_string(),
                sunset: info.sunset.map(str::to_string),
                days_left: info
                    .sunset
                    .and_then(|s| atlas_runtime::sunset::days_left(s, as_of)),
            });
        }
    }
    rows.sort_by(|a, b| {
        let key = |r: &Row| r.days_left.unwrap_or(i64::MAX);
        key(a)
            .cmp(&key(b))
            .then_with(|| (&a.group, &a.command).cmp(&(&b.group, &b.command)))
    });
    rows
}

/// Runs `atlas-rs audit`.
pub fn run(ops: &[Op], m: &ArgMatches) -> Result<(), CliError> {
    let env = |name: &str| std::env::var(name).ok();
    let as_of = match m.get_one::<String>("asOf") {
        Some(d) if atlas_runtime::sunset::days_left(d, d).is_some() => d.clone(),
        Some(d) => {
            return Err(CliError::Usage(format!(
                "invalid --as-of {:?}: expected YYYY-MM-DD",
                crate::show::one_line(d)
            )));
        }
        None => atlas_runtime::sunset::today(),
    };
    let within = m
        .get_one::<String>("within")
        .map(|h| parse_horizon(h))
        .transpose()
        .map_err(CliError::Usage)?;
    // The profile's pinned version (its api_version, or MONGODB_ATLAS_API_VERSION); its
    // secrets are not needed, so the keyring is not asked.
    let no_keyring = OsKeyring::new(&|n| (n == "ATLAS_RS_NO_KEYRING").then(|| "1".into()));
    let pinned = match m.get_one::<String>("profile") {
        Some(name) => crate::profile::load(Some(name), &env, &no_keyring)?.api_version,
        None => env("MONGODB_ATLAS_API_VERSION"),
    };
    let all = m.get_flag("allVersions");
    let rows = rows(ops, &as_of, pinned.as_deref(), all);
    let json = m.get_flag("json");
    let mut text = String::new();
    if !json {
        text.push_str(&format!(
            "{:<34} {:<44} {:<10} {:<10} {}\n",
            "GROUP", "COMMAND", "VERSION", "SUNSET", "DAYS LEFT"
        ));
    }
    for r in &rows {
        if json {
            let line = serde_json::json!({
                "group": r.group, "command": r.command, "version": r.version,
                "sunset": r.sunset, "daysLeft": r.days_left,
            });
            text.push_str(&line.to_string());
            text.push('\n');
        } else {
            text.push_str(&format!(
                "{:<34} {:<44} {:<10} {:<10} {}\n",
                r.group,
                r.command,
                r.version,
                r.sunset.as_deref().unwrap_or("-"),
                r.days_left.map_or("-".to_string(), |d| d.to_string())
            ));
        }
    }
    crate::call::Sink::stdout().write_all_and_finish(text.as_bytes())?;
    if let Some(days) = within {
        let soon: Vec<&Row> = rows
            .iter()
            .filter(|r| r.days_left.is_some_and(|d| d <= days))
            .collect();
        if !soon.is_empty() {
            let names: Vec<String> = soon
                .iter()
                .take(10)
                .map(|r| format!("{} {} {}", r.group, r.command, r.version))
                .collect();
            return Err(CliError::Audit(format!(
                "{} operation version(s) sunset within {days} days of {as_of}: {}{}",
                soon.len(),
                names.join(", "),
                if soon.len() > 10 { ", …" } else { "" }
            )));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn horizons() {
        assert_eq!(parse_horizon("90d"), Ok(90));
        assert_eq!(parse_horizon("12w"), Ok(84));
        assert_eq!(parse_horizon("30"), Ok(30));
        assert!(parse_horizon("3m").is_err());
        assert!(parse_horizon("soon").is_err());
    }

    #[test]
    fn rows_give_days_left_and_sort_the_nearest_first() {
        let ops = crate::tree::operations();
        let rows = rows(&ops, "2026-11-29", None, false);
        assert_eq!(rows.len(), ops.len(), "one row per operation");
        let first = rows.first().unwrap();
        assert!(first.days_left.is_some(), "{first:?}");
        let all = super::rows(&ops, "2026-11-29", None, true);
        assert!(all.len() > rows.len(), "every declared version");
        // A pinned version is what the operation sends where it has it.
        let pinned = super::rows(&ops, "2026-11-29", Some("2023-01-01"), false);
        assert!(pinned.iter().any(|r| r.version == "2023-01-01"));
    }
}
