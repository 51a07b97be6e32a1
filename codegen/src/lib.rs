//! `atlas-codegen`: writes `endpoints/src/generated/` (one `#[atlas_endpoint]` module per
//! tag of the official spec, plus the types they share) and the `[features]` table of
//! `endpoints/Cargo.toml`, from the spec at `ATLAS_OPENAPI_SPEC` (default
//! `../shared/atlas-openapi/v2.yaml` beside the workspace).
//!
//! ```text
//! cargo run -p atlas-codegen            # regenerate
//! cargo run -p atlas-codegen -- --check # fail, naming the stale files, if regenerating would change anything
//! ```
//!
//! The output is formatted with `rustfmt` (as `cargo fmt` would) and checked in, so a
//! reviewer reads what users compile; CI runs `--check`. It never copies the spec's prose
//! (CC BY-NC-SA): docs carry method, path, versions, roles, the CLI name, sunset dates and
//! the link to the operation's official page (once, as the macro's `docs = …`); each field's
//! doc says what it is (path, query, header, body member; required; read-only, write-only)
//! and its rules: range, length, pattern, enum values, default (`emit::rule_facts`).
//!
//! What it decides, in one place each:
//! - which operations: every one of the spec but those whose every version is past its
//!   sunset on [`AS_OF`] (`plan`);
//! - what the spec cannot say (`overlay`): a few better names, stricter item types and
//!   rules, and hand-written docs and examples, from a small table of our own;
//! - names: the type is the PascalCase `operationId`, the CLI's short id a `doc(alias)`;
//!   one type per (operation, version) whose schemas differ, the newest stable version
//!   plain, older ones suffixed `V20230101`, previews behind the `preview` feature;
//! - models: `Option` for what may be absent, `Patch` for nullable PATCH members, open
//!   enums, unions with their tag inside the variant, id types (`OrgId`, `GroupId`,
//!   `ClientId`, `ObjectId`) for parameters with exactly their pattern (`models`, `plan`);
//! - what a request sends (`models::own_flag`): a member is left out of requests only where
//!   the property itself is read-only (its own `readOnly`, or one beside the `$ref` in an
//!   `allOf`), never because the component it refers to is; `maximal` writes the test data
//!   that proves every other member is on the wire (`tests/it/maximal_wire.rs`);
//! - waiters (`waiters`): for every write whose effect a GET observes, that GET, its
//!   state member, the goal and where each GET path value comes from; what each state
//!   value means is the overlay's (`overlay::lifecycles`), every value in exactly one set;
//! - build cost (`emit`): a received struct derives the runtime's lean
//!   `atlas_runtime::Decode` rather than serde's `Deserialize`; a struct whose definition
//!   would repeat another's in its module is a `type` alias of the shortest-named one;
//!   union variants that differ only in the discriminator they imply (185 alert
//!   thresholds of five shapes) are one generic struct per shape with a marker per
//!   variant (`variants`); enum methods are `#[inline]`, so nothing is code-generated
//!   until a caller uses it;

mod emit;
mod example;
mod maximal;
mod models;
mod names;
mod overlay;
mod plan;
mod spec;
mod variants;
mod waiters;

pub use names::tag_names;

use std::collections::BTreeSet;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Versions whose `x-sunset` is on or before this date are left out. A fixed date, not
/// today's, so the output depends on the spec alone; move it when the spec is updated.
pub const AS_OF: &str = "2026-11-29";

/// The tags built by default.
const DEFAULT_TAGS: &[&str] = &[
    "Projects",
    "Clusters",
    "Database Users",
    "Project IP Access List",
    "Service Accounts",
];

/// The tags generated. `None`: every tag of the spec but the hand-written ones.
const GENERATED_TAGS: Option<&[&str]> = None;

const FEATURES_BEGIN: &str = "# BEGIN atlas-codegen features";
const FEATURES_END: &str = "# END atlas-codegen features";

/// Where the spec is: `ATLAS_OPENAPI_SPEC`, else `../shared/atlas-openapi/v2.yaml` beside
/// the workspace `root`.
pub fn spec_path(root: &Path) -> PathBuf {
    std::env::var_os("ATLAS_OPENAPI_SPEC")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("../shared/atlas-openapi/v2.yaml"))
}

/// Reads and parses the spec (atlas-rules' loader, the SDK side's one).
pub fn read_spec(path: &Path) -> Result<serde_json::Value, String> {
    atlas_rules::spec::load(path).map_err(|e| format!("{e}; set ATLAS_OPENAPI_SPEC"))
}

/// The workspace this crate is part of.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("codegen/ is inside the workspace")
        .to_path_buf()
}

/// Regenerates every output (or, with `check`, compares): `Ok(false)` when `check` found
/// stale files, which it names on stderr.
pub fn run(check: bool) -> Result<bool, String> {
    let root = workspace_root();
    let spec = read_spec(&spec_path(&root))?;

    let all_ops = spec::operations(&spec);
    let ops: Vec<spec::Operation> = all_ops
        .iter()
        .filter(|o| GENERATED_TAGS.is_none_or(|tags| tags.contains(&o.tag.as_str())))
        .cloned()
        .collect();
    let mut models = models::Models::new(&spec);
    for file in overlay::files() {
        if !root.join(&file).is_file() {
            return Err(format!("the overlay names {file}, which is missing"));
        }
    }
    let plan = plan::plan(&mut models, &ops, AS_OF);
    overlay::check(&plan)?;
    let waiters = waiters::plan(&spec, &plan)?;
    let emitter = emit::Emitter::new(&models, &plan, &waiters);
    let tags = emitter.tags();

    let generated_dir = root.join("endpoints/src/generated");
    let mut wanted: Vec<(PathBuf, String)> = Vec::new();
    for file in emitter.files() {
        wanted.push((generated_dir.join(&file.name), rustfmt(&root, &file.text)?));
    }
    let cargo_toml = root.join("endpoints/Cargo.toml");
    let manifest = std::fs::read_to_string(&cargo_toml)
        .map_err(|e| format!("cannot read {}: {e}", cargo_toml.display()))?;
    wanted.push((
        cargo_toml.clone(),
        with_features(&manifest, &emit::features(&tags, DEFAULT_TAGS))?,
    ));

    wanted.push((
        root.join("tests/it/generated_operations.rs"),
        rustfmt(&root, &emitter.test_table())?,
    ));

    wanted.push((
        root.join("tests/it/generated_maximal.rs"),
        rustfmt(&root, &maximal::test_data(&models, &plan))?,
    ));

    let ops_total = all_ops.len();
    let declared: BTreeSet<&str> = plan
        .endpoints
        .iter()
        .map(|e| e.op.operation_id.as_str())
        .collect();
    println!(
        "atlas-codegen: {} of {ops_total} operations generated as {} request types in {} tags; {} skipped:",
        declared.len(),
        plan.endpoints.len(),
        tags.len(),
        plan.skipped.len()
    );
    for k in &plan.skipped {
        println!("  skipped {} ({}): {}", k.operation_id, k.tag, k.reason);
    }

    // Files in generated/ that would no longer be written are stale too.
    let mut stale: Vec<String> = Vec::new();
    let mut present = Vec::new();
    files_under(&generated_dir, &mut present);
    for path in present {
        if !wanted.iter().any(|(p, _)| *p == path) {
            stale.push(path.display().to_string());
            if !check {
                std::fs::remove_file(&path)
                    .map_err(|e| format!("cannot remove {}: {e}", path.display()))?;
            }
        }
    }
    if !check {
        // Directories the files above left empty.
        if let Ok(dir) = std::fs::read_dir(&generated_dir) {
            for entry in dir.flatten() {
                let _ = std::fs::remove_dir(entry.path());
            }
        }
    }
    for (path, text) in &wanted {
        let current = std::fs::read_to_string(path).ok();
        if current.as_deref() == Some(text.as_str()) {
            continue;
        }
        stale.push(path.display().to_string());
        if !check {
            std::fs::create_dir_all(path.parent().expect("a parent"))
                .map_err(|e| format!("cannot create {}: {e}", path.display()))?;
            std::fs::write(path, text)
                .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        }
    }
    if check && !stale.is_empty() {
        eprintln!(
            "atlas-codegen: {} generated file(s) are stale; run `cargo run -p atlas-codegen`:",
            stale.len()
        );
        for s in &stale {
            eprintln!("  {s}");
        }
        return Ok(false);
    }
    if !check {
        println!("atlas-codegen: {} file(s) written", stale.len());
    }
    Ok(true)
}

/// Every file under `dir`, recursively.
fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                files_under(&path, out);
            } else {
                out.push(path);
            }
        }
    }
}

/// Formats generated text as `cargo fmt` would (the workspace's edition and settings).
fn rustfmt(root: &Path, text: &str) -> Result<String, String> {
    let mut child = Command::new(std::env::var_os("RUSTFMT").unwrap_or_else(|| "rustfmt".into()))
        .args(["--edition", "2024", "--emit", "stdout"])
        .current_dir(root)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run rustfmt: {e}"))?;
    let mut stdin = child.stdin.take().expect("piped stdin");
    let input = text.to_string();
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let out = child
        .wait_with_output()
        .map_err(|e| format!("rustfmt failed: {e}"))?;
    let _ = writer.join();
    if !out.status.success() {
        let mut numbered = String::new();
        for (i, line) in text.lines().enumerate() {
            numbered.push_str(&format!("{:5} {line}\n", i + 1));
        }
        let dump = std::env::temp_dir().join("atlas-codegen-unformatted.rs");
        let _ = std::fs::write(&dump, numbered);
        return Err(format!(
            "rustfmt refused the generated code ({}); numbered text in {}",
            String::from_utf8_lossy(&out.stderr).trim(),
            dump.display()
        ));
    }
    String::from_utf8(out.stdout).map_err(|e| format!("rustfmt wrote non-UTF-8: {e}"))
}

/// `manifest` with the text between the feature markers replaced.
fn with_features(manifest: &str, table: &str) -> Result<String, String> {
    let (Some(begin), Some(end)) = (manifest.find(FEATURES_BEGIN), manifest.find(FEATURES_END))
    else {
        return Err(format!(
            "endpoints/Cargo.toml needs the lines `{FEATURES_BEGIN}` and `{FEATURES_END}` inside [features]"
        ));
    };
    let after_begin = begin + FEATURES_BEGIN.len() + 1;
    Ok(format!(
        "{}{table}{}",
        &manifest[..after_begin],
        &manifest[end..]
    ))
}
