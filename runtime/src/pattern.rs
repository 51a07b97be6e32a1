//! Patterns compiled at build time: the type is atlas-rules', where the table format the
//! macro writes has its one reader (`atlas_rules::pattern`).

pub use atlas_rules::pattern::Pattern;
