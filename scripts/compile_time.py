#!/usr/bin/env python3
"""Measures what #[atlas_endpoint] costs at build time; run through scripts/compile-time.

What is measured (wall time of `cargo build`, dev profile, 2021+ incremental defaults):

1. atlas-macros alone (the shim and atlas-macros-impl, its logic): both cleaned, then
   `cargo build -p atlas-macros` with every dependency (syn, quote, proc-macro2,
   regex-syntax, regex-automata) already built; and once from an empty target directory,
   dependencies included.
2. Generated crates with N endpoints (scripts/compile_time_gen.py), declared with the
   macro and written by hand, each in its own target directory that starts as a copy of
   one where every dependency (atlas-runtime, atlas-macros, serde, serde_json, regex, ...)
   is built, so a measurement compiles the generated crate only (checked: cargo must
   report compiling exactly that crate):
   - clean: `cargo clean -p CRATE` then `cargo build -p CRATE`;
   - incremental: `touch src/m000.rs` then `cargo build -p CRATE` (content unchanged:
     rustc reuses its incremental cache, the macro runs again on every invocation).
   Repetitions alternate between the variants so that load from elsewhere hits both.
   The crates are libraries: no linking is measured.
3. cargo's own overhead: a no-op `cargo build -p CRATE`, reported, not subtracted.

The runtime and the macro crate are copied from the workspace into the scratch directory
first, so edits made meanwhile in the workspace cannot leak into a measurement.

Writes OUT/compile-time.json and OUT/compile-time.md and prints the markdown.
"""

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import compile_time_gen  # noqa: E402

ENV = dict(os.environ, CARGO_TERM_COLOR="never")
ENV.pop("CARGO_TARGET_DIR", None)
ENV.pop("RUSTFLAGS", None)


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def cargo(args, cwd, target, check_compiling=None):
    """Runs cargo, returns wall seconds; with check_compiling, asserts what was compiled."""
    cmd = ["cargo"] + args + ["--offline", "--target-dir", target]
    start = time.perf_counter()
    p = subprocess.run(cmd, cwd=cwd, env=ENV, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if p.returncode != 0:
        log(p.stderr[-4000:])
        raise SystemExit(f"failed: {' '.join(cmd)}")
    if check_compiling is not None:
        compiled = re.findall(r"^\s+Compiling (\S+)", p.stderr, re.M)
        if compiled != check_compiling:
            raise SystemExit(
                f"expected to compile {check_compiling}, cargo compiled {compiled}: "
                "the measurement would not be of the generated crate alone")
    return elapsed


def stats(xs):
    return {"median": statistics.median(xs), "min": min(xs), "max": max(xs), "runs": xs}


def fit(points):
    """Least squares y = a + b x; returns a, b, r^2."""
    n = len(points)
    mx = sum(x for x, _ in points) / n
    my = sum(y for _, y in points) / n
    sxx = sum((x - mx) ** 2 for x, _ in points)
    sxy = sum((x - mx) * (y - my) for x, y in points)
    b = sxy / sxx if sxx else 0.0
    a = my - b * mx
    ss_tot = sum((y - my) ** 2 for _, y in points)
    ss_res = sum((y - (a + b * x)) ** 2 for x, y in points)
    r2 = 1 - ss_res / ss_tot if ss_tot else 1.0
    return a, b, r2


def snapshot(root, ws, sizes):
    """A scratch workspace: the runtime and macro crates copied, a `deps` crate, and the
    generated crates, with the workspace's manifest and lock file."""
    if os.path.exists(ws):
        shutil.rmtree(ws)
    os.makedirs(ws)
    for crate in ("rules", "macros", "runtime"):
        shutil.copytree(os.path.join(root, crate), os.path.join(ws, crate),
                        ignore=shutil.ignore_patterns("target"))
    manifest = open(os.path.join(root, "Cargo.toml")).read()
    members = ["rules", "macros/impl", "macros", "runtime", "deps", "gen/equiv"] + [
        f"gen/{v}_{n}" for n in sizes for v in ("macro", "hand")]
    manifest = re.sub(r"(?m)^members\s*=\s*\[[^\]]*\]",
                      "members = [" + ", ".join(f'"{m}"' for m in members) + "]", manifest, count=1)
    # Path dependencies on crates not copied here would not resolve.
    manifest = re.sub(r'(?m)^[\w-]+\s*=\s*\{[^}\n]*path\s*=\s*"(?!rules"|macros"|macros/impl"|runtime")[^"]*".*\n', "",
                      manifest)
    with open(os.path.join(ws, "Cargo.toml"), "w") as f:
        f.write(manifest)
    shutil.copy(os.path.join(root, "Cargo.lock"), os.path.join(ws, "Cargo.lock"))
    os.makedirs(os.path.join(ws, "deps", "src"))
    with open(os.path.join(ws, "deps", "Cargo.toml"), "w") as f:
        f.write(compile_time_gen.CARGO.format(name="deps"))
    with open(os.path.join(ws, "deps", "src", "lib.rs"), "w") as f:
        f.write("//! Builds every dependency of the generated crates.\n")
    for n in sizes:
        compile_time_gen.generate(os.path.join(ws, "gen"), n)
    # The behaviour check of the hand-written endpoints against the generated ones.
    n = min(sizes)
    os.makedirs(os.path.join(ws, "gen", "equiv", "src"))
    with open(os.path.join(ws, "gen", "equiv", "Cargo.toml"), "w") as f:
        f.write(f"""[package]
name = "equiv"
version = "0.1.0"
edition = "2024"
publish = false

[dependencies]
atlas-runtime.workspace = true
macro_gen = {{ path = "../macro_{n}", package = "macro_{n}" }}
hand_gen = {{ path = "../hand_{n}", package = "hand_{n}" }}
""")
    shutil.copy(os.path.join(HERE, "compile_time_equiv.rs"),
                os.path.join(ws, "gen", "equiv", "src", "main.rs"))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--root", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--sizes", type=int, nargs="+", default=[50, 200, 500])
    args = ap.parse_args()
    sizes, runs = sorted(args.sizes), args.runs
    ws = os.path.join(args.work, "ws")
    log(f"scratch workspace: {ws}")
    snapshot(args.root, ws, sizes)

    template = os.path.join(args.work, "target-template")
    log("building dependencies once (not measured) ...")
    # Resolve the lock file for the new members (offline: everything is in the lock).
    subprocess.run(["cargo", "generate-lockfile", "--offline"], cwd=ws, env=ENV,
                   capture_output=True)
    cargo(["build", "-p", "deps"], ws, template)

    results = {"runs": runs, "sizes": sizes, "machine": machine()}

    # 1. The macro crate.
    log("atlas-macros from an empty target directory, dependencies included ...")
    scratch = os.path.join(args.work, "t-macros-scratch")
    shutil.rmtree(scratch, ignore_errors=True)
    results["macros_from_scratch"] = cargo(["build", "-p", "atlas-macros"], ws, scratch)
    t = os.path.join(args.work, "t-macros")
    shutil.rmtree(t, ignore_errors=True)
    shutil.copytree(template, t, symlinks=True)
    own = []
    for r in range(runs):
        # The shim and its logic (atlas-macros-impl): the two are the macro.
        cargo(["clean", "-p", "atlas-macros", "-p", "atlas-macros-impl"], ws, t)
        own.append(cargo(["build", "-p", "atlas-macros"], ws, t,
                         ["atlas-macros-impl", "atlas-macros"]))
        log(f"  atlas-macros alone, run {r + 1}: {own[-1]:.2f} s")
    results["macros_alone"] = stats(own)

    # 2. Generated crates.
    variants = ("macro", "hand")
    targets = {}
    for n in sizes:
        for v in variants:
            t = os.path.join(args.work, f"t-{v}-{n}")
            shutil.rmtree(t, ignore_errors=True)
            shutil.copytree(template, t, symlinks=True)
            targets[(v, n)] = t
    # Same behaviour first (built in the template directory, after it was copied).
    log("checking that the hand-written endpoints behave as the generated ones ...")
    p = subprocess.run(["cargo", "run", "-q", "-p", "equiv", "--offline", "--target-dir", template],
                       cwd=ws, env=ENV, capture_output=True, text=True)
    if p.returncode != 0:
        log(p.stdout + p.stderr[-4000:])
        raise SystemExit("the hand-written endpoints do not behave as the generated ones")
    log(p.stdout)

    clean = {k: [] for k in targets}
    incr = {k: [] for k in targets}
    noop = {k: [] for k in targets}
    for r in range(runs):
        for n in sizes:
            order = variants if r % 2 == 0 else variants[::-1]
            for v in order:
                crate = f"{v}_{n}"
                t = targets[(v, n)]
                cargo(["clean", "-p", crate], ws, t)
                clean[(v, n)].append(cargo(["build", "-p", crate], ws, t, [crate]))
                os.utime(os.path.join(ws, "gen", crate, "src", "m000.rs"))
                incr[(v, n)].append(cargo(["build", "-p", crate], ws, t, [crate]))
                noop[(v, n)].append(cargo(["build", "-p", crate], ws, t, []))
                log(f"  run {r + 1} {crate}: clean {clean[(v, n)][-1]:.2f} s, "
                    f"incremental {incr[(v, n)][-1]:.2f} s, no-op {noop[(v, n)][-1]:.2f} s")
    results["generated"] = {
        f"{v}_{n}": {"clean": stats(clean[(v, n)]), "incremental": stats(incr[(v, n)]),
                     "noop": stats(noop[(v, n)])}
        for (v, n) in targets
    }
    fits = {}
    for kind, data in (("clean", clean), ("incremental", incr)):
        for v in variants:
            pts = [(n, statistics.median(data[(v, n)])) for n in sizes]
            a, b, r2 = fit(pts)
            fits[f"{v}_{kind}"] = {"intercept_s": a, "per_endpoint_ms": b * 1000, "r2": r2,
                                  "points": pts}
    results["fits"] = fits

    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "compile-time.json"), "w") as f:
        json.dump(results, f, indent=2)
    md = markdown(results, clean, incr, noop, sizes)
    with open(os.path.join(args.out, "compile-time.md"), "w") as f:
        f.write(md)
    print(md)


def machine():
    def run(cmd):
        try:
            return subprocess.run(cmd, capture_output=True, text=True).stdout.strip()
        except OSError:
            return "?"
    model = next((l.split(":", 1)[1].strip() for l in run(["lscpu"]).splitlines()
                  if l.startswith("Model name")), "?")
    return {"nproc": run(["nproc"]), "cpu": model, "rustc": run(["rustc", "--version"]),
            "loadavg_at_end": open("/proc/loadavg").read().split()[:3]}


def fmt(s):
    return f"{s['median']:.2f} s ({s['min']:.2f}–{s['max']:.2f})"


def markdown(results, clean, incr, noop, sizes):
    m = results["machine"]
    out = [f"Machine: {m['nproc']} CPUs, {m['cpu']}, {m['rustc']}; load average at the end "
           f"{' '.join(m['loadavg_at_end'])}. Medians of {results['runs']} runs (min–max).\n"]
    out.append("| what | time |\n|---|---|")
    out.append(f"| atlas-macros alone (dependencies built) | {fmt(results['macros_alone'])} |")
    out.append(f"| atlas-macros from an empty target dir, dependencies included | "
               f"{results['macros_from_scratch']:.2f} s (1 run) |\n")
    out.append("| endpoints | build | macro | by hand | ratio macro / hand [range] | goal ≤ 1.5 |")
    out.append("|---|---|---|---|---|---|")
    for n in sizes:
        for kind, data in (("clean", clean), ("incremental (touch)", incr)):
            a, b = data[("macro", n)], data[("hand", n)]
            ratio = statistics.median(a) / statistics.median(b)
            lo, hi = min(a) / max(b), max(a) / min(b)
            verdict = "met" if ratio <= 1.5 else "**missed**"
            out.append(f"| {n} | {kind} | {fmt(stats(a))} | {fmt(stats(b))} | "
                       f"{ratio:.2f} [{lo:.2f}–{hi:.2f}] | {verdict} |")
    out.append("")
    out.append("No-op `cargo build` (cargo's own overhead, included above): " + ", ".join(
        f"{v}_{n} {statistics.median(noop[(v, n)]):.2f} s" for n in sizes for v in ("macro", "hand")))
    out.append("")
    step = (f"marginal cost {sizes[1]}→{sizes[-1]} vs {sizes[0]}→{sizes[1]}"
            if len(sizes) >= 3 else "marginal cost")
    out.append(f"| fit: time = a + b·N | a (s) | b (ms per endpoint) | R² | {step} |")
    out.append("|---|---|---|---|---|")
    for key, f in results["fits"].items():
        pts = f["points"]
        marginal = "—"
        if len(pts) >= 3:
            (x0, y0), (x1, y1), (x2, y2) = pts[0], pts[1], pts[-1]
            s1, s2 = (y1 - y0) / (x1 - x0), (y2 - y1) / (x2 - x1)
            marginal = f"{s2 * 1000:.1f} vs {s1 * 1000:.1f} ms/endpoint ({s2 / s1:.2f}×)" if s1 > 0 else "—"
        out.append(f"| {key.replace('_', ', ')} | {f['intercept_s']:.2f} | {f['per_endpoint_ms']:.1f} | "
                   f"{f['r2']:.4f} | {marginal} |")
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    main()
