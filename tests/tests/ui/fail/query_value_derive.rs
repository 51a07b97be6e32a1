//! `#[derive(QueryValue)]` takes an enum of unit variants and serde's rename rules.

use atlas_runtime::QueryValue;

#[derive(QueryValue)]
pub struct NotAnEnum {
    pub x: i32,
}

#[derive(QueryValue)]
#[serde(rename_all = "SCREAMING_SNAKECASE")]
pub enum Granularity {
    OneMinute,
    Tuple(i32),
}

fn main() {}
