//! keyring placeholder
