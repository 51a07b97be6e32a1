//! Union variants that share one shape and differ only in the discriminator their type
//! implies. The spec's alert thresholds are 185 such variants of five shapes
//! (`AssertMsgRawMetricThresholdView`, … with `metricName` `ASSERT_MSG`, …): written as
//! 185 structs, each with its own derives, they were the largest part of the `full`
//! build. Each shape is written once, generic over a marker
//! (`RawMetricThresholdViewVariant<T>`, its discriminator an
//! `atlas_runtime::implement::Discriminator<T>` member), and each variant is a `type` of
//! it with its own marker, so choosing the type still chooses the value.

use std::collections::{BTreeMap, BTreeSet};

use crate::models::{Kind, Models};
use crate::names::field_name;
use crate::plan::Plan;

/// The fewest variants of one shape written as one generic struct. Below it, each stays a
/// struct of its own, which a caller writes without the discriminator member: the cluster
/// region configs (three or four of a shape) keep `AWSRegionConfig20240805 { … }`; the
/// alert thresholds (dozens of a shape) are where the build time went.
pub const MIN_VARIANTS: usize = 5;

/// How one variant is written: `pub type <name> = <base><<marker>>;`.
#[derive(Debug, Clone)]
pub struct SharedShape {
    /// The generic struct of the shape.
    pub base: String,
    /// The variant's marker type.
    pub marker: String,
    /// The discriminator's property (`metricName`) and its Rust member name.
    pub property: String,
    pub member: String,
    /// The variant's value (`ASSERT_MSG`).
    pub value: String,
}

/// Every variant written through a shared shape, by type name: variants with the same
/// members, usage and discriminator property, at least [`MIN_VARIANTS`] of them.
pub fn shared_shapes(models: &Models, plan: &Plan) -> BTreeMap<String, SharedShape> {
    let mut groups: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    for (name, def) in &models.types {
        let (Kind::Struct(fields), Some((property, _))) = (&def.kind, &def.tag) else {
            continue;
        };
        let Some(usage) = plan.usage.get(name) else {
            continue;
        };
        let key = format!(
            "{:?} {} {} {} {property} {fields:?}",
            usage.tags, usage.sent, usage.received, usage.param
        );
        groups.entry(key).or_default().push(name);
    }
    let mut taken: BTreeSet<String> = models.types.keys().cloned().collect();
    let mut shapes = BTreeMap::new();
    for names in groups
        .into_values()
        .filter(|names| names.len() >= MIN_VARIANTS)
    {
        let base = unique(format!("{}Variant", common_suffix(&names)), &mut taken);
        for name in names {
            let Some((property, value)) = models.types[name].tag.clone() else {
                continue;
            };
            let marker = unique(format!("{name}Discriminator"), &mut taken);
            shapes.insert(
                name.to_string(),
                SharedShape {
                    base: base.clone(),
                    marker,
                    member: field_name(&property),
                    property,
                    value,
                },
            );
        }
    }
    shapes
}

/// The words (at capitals) all `names` end with: `RawMetricThresholdView` for
/// `AssertMsgRawMetricThresholdView` and `AssertUserRawMetricThresholdView`; the first
/// name when they share none.
fn common_suffix(names: &[&str]) -> String {
    let words = |name: &str| -> Vec<String> {
        let mut words: Vec<String> = Vec::new();
        for c in name.chars() {
            match words.last_mut() {
                Some(w) if !c.is_ascii_uppercase() => w.push(c),
                _ => words.push(c.to_string()),
            }
        }
        words
    };
    let all: Vec<Vec<String>> = names.iter().map(|n| words(n)).collect();
    let mut suffix: Vec<String> = Vec::new();
    for i in 1.. {
        let Some(word) = all[0].len().checked_sub(i).map(|at| &all[0][at]) else {
            break;
        };
        let shared = all.iter().all(|w| w.len() >= i && &w[w.len() - i] == word);
        if !shared {
            break;
        }
        suffix.insert(0, word.clone());
    }
    // Single capitals (acronyms) glue back into a word; a suffix of one letter is no name.
    let suffix = suffix.concat();
    if suffix.len() < 4 {
        names[0].to_string()
    } else {
        suffix
    }
}

/// `name`, or `name2`, `name3`, … if a type already has it.
fn unique(name: String, taken: &mut BTreeSet<String>) -> String {
    let mut candidate = name.clone();
    let mut n = 2;
    while taken.contains(&candidate) {
        candidate = format!("{name}{n}");
        n += 1;
    }
    taken.insert(candidate.clone());
    candidate
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_base_is_the_words_the_names_share() {
        assert_eq!(
            common_suffix(&[
                "AssertMsgRawMetricThresholdView",
                "ConnectionsRawMetricThresholdView"
            ]),
            "RawMetricThresholdView"
        );
        assert_eq!(common_suffix(&["AWSThing", "GCPOther"]), "AWSThing");
    }
}
