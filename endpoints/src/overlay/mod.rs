//! What the generated declarations use that the spec cannot say: hand-written types,
//! constants and checks, named by `atlas-codegen`'s overlay table
//! (`codegen/src/overlay/mod.rs`) and re-exported from each tag's module.

#[cfg(feature = "service-accounts")]
pub(crate) mod service_accounts;

/// The spec's `uniqueItems` on a list of names: each value at most once. Named by the
/// overlay where Atlas refuses a repeated value.
#[allow(dead_code)]
pub(crate) fn each_once<T: AsRef<str>>(
    values: &[T],
    param: &atlas_runtime::implement::ParamInfo,
    v: &mut atlas_runtime::implement::Validator,
) {
    let mut seen = std::collections::HashSet::new();
    if let Some(repeated) = values.iter().map(AsRef::as_ref).find(|r| !seen.insert(*r)) {
        v.custom(param, "must give each value once", || repeated.to_string());
    }
}
