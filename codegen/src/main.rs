//! The `atlas-codegen` command: `cargo run -p atlas-codegen [-- --check]` (see the crate
//! docs of the library).

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let check = args.iter().any(|a| a == "--check");
    if let Some(bad) = args.iter().find(|a| *a != "--check") {
        eprintln!("atlas-codegen: unknown argument {bad:?}; usage: atlas-codegen [--check]");
        return ExitCode::from(2);
    }
    match atlas_codegen::run(check) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("atlas-codegen: {e}");
            ExitCode::from(2)
        }
    }
}
