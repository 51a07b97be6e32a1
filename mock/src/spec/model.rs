//! The shapes of the generated tables (`table.rs`): plain data, read by the router and
//! the validation of [`crate::api::generic`].

/// The JSON type a value must have (members of no declared type are not listed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Str,
    Int,
    Num,
    Bool,
    Array,
    Object,
}

/// The roles class an operation needs (from `x-rolesRequirements` and its path).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Need {
    /// Any authenticated caller (paths outside an organization or project).
    Authenticated,
    OrgRead,
    OrgOwner,
    GroupRead,
    GroupOwner,
}

/// A path or query parameter.
#[derive(Debug)]
pub(crate) struct Param {
    pub(crate) name: &'static str,
    /// In the query (else in the path).
    pub(crate) query: bool,
    pub(crate) required: bool,
    /// The type of the value (of each value, for an array).
    pub(crate) kind: Kind,
    /// Repeatable (`a=1&a=2`) or comma-separated.
    pub(crate) array: bool,
    /// An index into `PATTERNS`.
    pub(crate) pattern: Option<usize>,
    /// Inclusive bounds.
    pub(crate) min: Option<f64>,
    pub(crate) max: Option<f64>,
    /// An index into `ENUMS`.
    pub(crate) enumeration: Option<usize>,
}

/// A declared member of a request body, with its type.
#[derive(Debug)]
pub(crate) struct Member {
    pub(crate) name: &'static str,
    pub(crate) kind: Kind,
}

/// A request body: an object, or an array of objects.
#[derive(Debug)]
pub(crate) struct Body {
    pub(crate) required: bool,
    pub(crate) array: bool,
    pub(crate) max_items: Option<u64>,
    /// Members a request must send (read-only ones left out).
    pub(crate) must: &'static [&'static str],
    /// Members whose JSON type is checked (empty for polymorphic bodies).
    pub(crate) members: &'static [Member],
}

/// What a successful call answers when no state or script decides.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Answer {
    /// An index into `ANSWERS`: a minimal instance of the success schema.
    Json(usize),
    /// A gzip file (an empty one).
    Gzip,
    /// A CSV document (empty).
    Csv,
    /// No body (no media type declared). The current spec declares one for every
    /// success, but the generator keeps the case.
    #[allow(dead_code)]
    Empty,
}

/// One version of an operation (one media-type date, or `preview`).
#[derive(Debug)]
pub(crate) struct Version {
    pub(crate) date: &'static str,
    /// The success status.
    pub(crate) status: u16,
    /// An index into `BODIES`.
    pub(crate) body: Option<usize>,
    pub(crate) answer: Answer,
    /// The component schema of the JSON answer (of each item, for a list): versions of
    /// operations on one resource that name the same one describe it the same way.
    pub(crate) schema: Option<&'static str>,
    /// Also offered as CSV (besides JSON).
    pub(crate) csv: bool,
    /// `x-sunset`.
    pub(crate) sunset: Option<&'static str>,
}

/// One operation of the spec.
#[derive(Debug)]
pub(crate) struct Operation {
    pub(crate) id: &'static str,
    pub(crate) method: &'static str,
    /// The full path template, `/api/atlas/v2/…`.
    pub(crate) path: &'static str,
    /// Whether it needs credentials (all but one do).
    pub(crate) auth: bool,
    pub(crate) need: Need,
    /// Indexes into `PARAMS`.
    pub(crate) params: &'static [usize],
    pub(crate) versions: &'static [Version],
}

/// A resource with a state: a GET whose JSON answer (at its versions without a sunset, or
/// at every version when each has one) has a `state`, `stateName`, `status` or
/// `statusName` member of enum values, at the top level or in the forms of a `oneOf`.
#[derive(Debug)]
pub(crate) struct State {
    /// The GET's operationId.
    pub(crate) get: &'static str,
    /// The state member (the top-level one, else the first form's).
    pub(crate) member: &'static str,
    /// The values of every state member, sorted.
    pub(crate) values: &'static [&'static str],
    /// The answer's members (of every form) with their JSON types.
    pub(crate) members: &'static [Member],
    /// The member whose value picks a form (the discriminator), or empty.
    pub(crate) on: &'static str,
    /// The forms, by that member's value.
    pub(crate) forms: &'static [StateForm],
}

/// One form of an answer that is one of several (`oneOf`, picked by a discriminator).
#[derive(Debug)]
pub(crate) struct StateForm {
    /// The discriminator's value.
    pub(crate) when: &'static str,
    /// Its state member (empty when the form has none).
    pub(crate) member: &'static str,
    /// Its values, sorted (read by the tests of the rows' forms).
    #[cfg_attr(not(test), allow(dead_code))]
    pub(crate) values: &'static [&'static str],
}
