//! Declarations kept as references that generated code is held to.

pub mod service_accounts;
