//! The emulator's integration tests, as one binary (one link instead of one per file):
//! each module was once a test file of its own.

mod api;
mod attacks;
mod auth;
mod binary;
mod common;
mod families;
mod faults;
mod fidelity;
mod spec_conformance;
mod whole_api;
