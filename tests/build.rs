//! Finds the test peers and the official spec, and tells the tests through cfgs, so that a
//! test whose peer is missing is counted as ignored with its reason instead of passing
//! without having run:
//!
//! | cfg | found when |
//! |---|---|
//! | `has_apache` | Apache httpd, its `mod_auth_digest.so` and `htdigest` |
//! | `has_apache_tls` | the same, with `mod_ssl.so` and the `openssl` command (a test CA) |
//! | `has_tinyproxy` | tinyproxy (the corporate-proxy tests) |
//! | `has_oauth_mock` | `node` on `PATH` and `peers/oauth/node_modules/oauth2-mock-server` |
//! | `has_prism` | `node` on `PATH` and `peers/prism/node_modules/@stoplight/prism-cli` |
//! | `has_redis` | `redis-server` (the shared token store's fleet tests) |
//! | `has_spec` | the spec at `ATLAS_OPENAPI_SPEC`, default `../shared/atlas-openapi/v2.yaml` beside the workspace |
//!
//! Under CI (`CI=true` or `CI=1`) nothing may be skipped: a missing one fails the build,
//! naming what is missing and how to install it.
//!
//! The peers' runtime checks (`src/peers.rs`, `src/prism.rs`) still look again, for a
//! peer removed after this ran: they panic then, saying so.

use std::env;
use std::fs;
use std::os::unix::fs::PermissionsExt as _;
use std::path::{Path, PathBuf};

// Keep these in step with `src/peers.rs` (`ApacheBins::find`) and `src/prism.rs`.
const APACHE: &[&str] = &["/usr/sbin/apache2", "/usr/sbin/httpd"];
const APACHE_NAMES: &[&str] = &["apache2", "httpd"];
const APACHE_MODULES: &[&str] = &[
    "/usr/lib/apache2/modules",
    "/usr/lib64/httpd/modules",
    "/usr/lib/httpd/modules",
    "/usr/libexec/apache2",
];
const HTDIGEST: &[&str] = &["/usr/bin/htdigest"];
const OAUTH_PACKAGE: &str = "node_modules/oauth2-mock-server/package.json";
const PRISM_CLI: &str = "node_modules/@stoplight/prism-cli/dist/index.js";

// The peers, with what `#[needs]` says when one is missing: one table for both.
#[allow(dead_code)] // `name` is `#[needs]`'s.
mod peers {
    include!("needs/src/peers.rs");
}

/// One thing some tests need, as found here.
struct Need {
    cfg: &'static str,
    what: &'static str,
    install: String,
    found: bool,
}

fn main() {
    let manifest = PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets it"));
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-changed=needs/src/peers.rs");
    println!("cargo::rerun-if-env-changed=CI");
    println!("cargo::rerun-if-env-changed=ATLAS_OPENAPI_SPEC");
    for peer in peers::PEERS {
        println!("cargo::rustc-check-cfg=cfg({})", peer.cfg);
    }

    let node = find_program(&[], &["node"]);
    if let Some(node) = &node {
        watch(node);
    }

    let apache = find_program(APACHE, APACHE_NAMES);
    let modules = APACHE_MODULES
        .iter()
        .map(|d| Path::new(d).join("mod_auth_digest.so"))
        .find(|m| m.is_file());
    let htdigest = find_program(HTDIGEST, &["htdigest"]);
    let apache_found = apache.is_some() && modules.is_some() && htdigest.is_some();
    for found in [&apache, &modules, &htdigest].into_iter().flatten() {
        watch(found);
    }
    if !apache_found {
        // Where an install would add them; a path that does not exist would make cargo
        // run this script (and rebuild the tests) every time.
        for dir in ["/usr/sbin", "/usr/bin", "/usr/lib/apache2"] {
            if Path::new(dir).is_dir() {
                println!("cargo::rerun-if-changed={dir}");
            }
        }
    }

    let oauth = manifest.join("peers").join("oauth");
    let prism = manifest.join("peers").join("prism");
    watch_peer(&oauth);
    watch_peer(&prism);

    let spec = match env::var_os("ATLAS_OPENAPI_SPEC") {
        Some(p) => PathBuf::from(p),
        None => manifest.join("../../shared/atlas-openapi/v2.yaml"),
    };
    let spec_found = spec.is_file();
    if spec_found {
        watch(&spec);
    } else if let Some(dir) = spec
        .parent()
        // Cargo watches a directory by walking all of it: never `/` (a missing
        // `ATLAS_OPENAPI_SPEC=/x.yaml` once made every build walk the whole filesystem).
        .filter(|d| d.is_dir() && d.parent().is_some())
    {
        println!("cargo::rerun-if-changed={}", dir.display());
    }

    let redis = find_program(&["/usr/bin/redis-server"], &["redis-server"]);
    if let Some(found) = &redis {
        watch(found);
    }
    let tinyproxy = find_program(
        &["/usr/bin/tinyproxy", "/usr/sbin/tinyproxy"],
        &["tinyproxy"],
    );
    let openssl = find_program(&["/usr/bin/openssl"], &["openssl"]);
    let mod_ssl = modules
        .as_ref()
        .and_then(|m| m.parent())
        .map(|d| d.join("mod_ssl.so"))
        .filter(|m| m.is_file());
    for found in [&tinyproxy, &openssl, &mod_ssl].into_iter().flatten() {
        watch(found);
    }

    let found = |cfg: &str| match cfg {
        "has_apache" => apache_found,
        "has_apache_tls" => apache_found && mod_ssl.is_some() && openssl.is_some(),
        "has_tinyproxy" => tinyproxy.is_some(),
        "has_oauth_mock" => node.is_some() && oauth.join(OAUTH_PACKAGE).is_file(),
        "has_prism" => node.is_some() && prism.join(PRISM_CLI).is_file(),
        "has_redis" => redis.is_some(),
        "has_spec" => spec_found,
        other => {
            panic!("tests/needs/src/peers.rs names {other}, which this script does not look for")
        }
    };
    let needs: Vec<Need> = peers::PEERS
        .iter()
        .map(|p| Need {
            cfg: p.cfg,
            what: p.what,
            install: if p.name == "spec" {
                format!("put it at {} or set ATLAS_OPENAPI_SPEC", spec.display())
            } else {
                p.install.to_string()
            },
            found: found(p.cfg),
        })
        .collect();

    let missing: Vec<&Need> = needs.iter().filter(|n| !n.found).collect();
    let ci = env::var("CI").is_ok_and(|v| v.eq_ignore_ascii_case("true") || v == "1");
    if ci && !missing.is_empty() {
        let list: Vec<String> = missing
            .iter()
            .map(|n| format!("  - {}: {}", n.what, n.install))
            .collect();
        panic!(
            "CI must run every test, and these are missing:\n{}",
            list.join("\n")
        );
    }
    for need in &needs {
        if need.found {
            println!("cargo::rustc-cfg={}", need.cfg);
        } else {
            println!(
                "cargo::warning=tests needing {} are ignored: {}",
                need.what, need.install
            );
        }
    }
}

/// Reruns when `path` changes.
fn watch(path: &Path) {
    println!("cargo::rerun-if-changed={}", path.display());
}

/// Reruns when a peer's packages are installed, changed or removed, without making cargo
/// walk a whole `node_modules` on every build: npm writes `.package-lock.json` there.
fn watch_peer(dir: &Path) {
    let installed = dir.join("node_modules").join(".package-lock.json");
    if installed.is_file() {
        watch(&installed);
        watch(&dir.join("package-lock.json"));
    } else {
        watch(dir);
    }
}

/// The first executable of `paths`, else the first of `names` on `PATH`.
fn find_program(paths: &[&str], names: &[&str]) -> Option<PathBuf> {
    if let Some(p) = paths.iter().map(PathBuf::from).find(|p| is_executable(p)) {
        return Some(p);
    }
    let path = env::var_os("PATH")?;
    names.iter().find_map(|name| {
        env::split_paths(&path)
            .map(|d| d.join(name))
            .find(|p| is_executable(p))
    })
}

fn is_executable(p: &Path) -> bool {
    fs::metadata(p).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}
