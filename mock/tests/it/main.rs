//! The emulator's integration tests, as one binary (one link instead of one per file):
//! each module was once a test file of its own.
//!
//! Tests that need the official spec or Prism (found by `build.rs`) are ignored, with
//! that reason, when they are missing; under CI they must run, so a missing one stops
//! this build here, and only here (a crate that merely depends on atlas-mock never hears
//! of them).

#[cfg(all(atlas_mock_ci, not(has_spec)))]
compile_error!(
    "CI runs every test of atlas-mock, and there is no Atlas OpenAPI spec: put it at ../shared/atlas-openapi/v2.yaml beside the repository or set ATLAS_OPENAPI_SPEC"
);
#[cfg(all(atlas_mock_ci, not(has_prism)))]
compile_error!(
    "CI runs every test of atlas-mock, and its fidelity test needs node and Prism: npm ci --prefix tests/peers/prism"
);

mod api;
mod attacks;
mod auth;
mod binary;
mod build_script;
mod common;
mod families;
mod faults;
mod fidelity;
mod lifecycles;
mod rate_limits;
mod spec_conformance;
mod whole_api;
