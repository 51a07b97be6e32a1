//! Range bounds that no constant can hold are refused on the literal, not turned into 0
//! or a panic.

use atlas_runtime::atlas_endpoint;

#[atlas_endpoint(PATCH, "/things/{thingId}", version = "2024-08-05")]
pub struct Ratio {
    pub thing_id: String,
    #[atlas(range(min = 0.5, max = 1e999))]
    pub ratio: f64,
    #[atlas(range(min = 1, max = 340282366920938463463374607431768211456))]
    pub huge: u64,
}

fn main() {}
