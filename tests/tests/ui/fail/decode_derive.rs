// `#[derive(Decode)]` refuses, each on its token, every serde attribute that would change
// how a value is read, a rule it does not know, and shapes that are not a JSON object;
// serialize-only attributes pass.
use atlas_runtime::Decode;

#[derive(Decode)]
#[serde(rename_all = "camelcase", deny_unknown_fields)]
pub struct Attributes {
    #[serde(default)]
    pub a: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", flatten)]
    pub b: Option<String>,
    #[serde(rename = "c", alias = "see")]
    pub c: String,
}

#[derive(Decode)]
pub struct Tuple(pub String);

#[derive(Decode)]
pub enum NotAStruct {
    A,
}

#[derive(Decode)]
pub struct Generic<T> {
    pub t: T,
}

fn main() {}
