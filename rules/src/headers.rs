//! Which header names neither a declared field (`#[atlas(header = "…")]`) nor a call
//! (`RequestOptions::header`) may set.
//!
//! ```
//! use atlas_rules::headers::{RefusedHeader, refused_header};
//! assert_eq!(refused_header("Authorization"), Some(RefusedHeader::SetByClient));
//! assert_eq!(refused_header("transfer-encoding"), Some(RefusedHeader::HopByHop));
//! assert_eq!(refused_header("Proxy-Authorization"), Some(RefusedHeader::HopByHop));
//! assert_eq!(refused_header("X-Request-Id"), None);
//! ```

/// Why a header name is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum RefusedHeader {
    /// The client writes it on every request from the declaration, the options and the
    /// credentials: a second value would contradict it.
    SetByClient,
    /// The transport writes it for the bytes it sends (`Host`, `Content-Length`): another
    /// value would misroute the request or misframe its body.
    SetByTransport,
    /// A hop-by-hop header (RFC 9110 §7.6.1; `Proxy-*` as RFC 2616 §13.5.1 lists them):
    /// it speaks about one connection, which the transport manages, not about the call.
    /// Sent anyway it could reframe the body (`Transfer-Encoding`), ask for another
    /// protocol (`Upgrade`), or hand credentials to a proxy (`Proxy-Authorization`).
    HopByHop,
}

impl RefusedHeader {
    /// Why, in words that finish a sentence: "… cannot set `Connection`: {reason}".
    pub const fn reason(self) -> &'static str {
        match self {
            RefusedHeader::SetByClient => "the client sets it itself",
            RefusedHeader::SetByTransport => "the transport sets it for the bytes it sends",
            RefusedHeader::HopByHop => {
                "it is a hop-by-hop header, about one connection, which the transport manages"
            }
        }
    }
}

/// Headers the client writes (lower case).
pub const SET_BY_CLIENT: &[&str] = &["authorization", "accept", "content-type", "user-agent"];

/// Headers the transport writes (lower case).
pub const SET_BY_TRANSPORT: &[&str] = &["host", "content-length"];

/// Hop-by-hop headers (lower case), besides every name starting with
/// [`HOP_BY_HOP_PREFIX`].
pub const HOP_BY_HOP: &[&str] = &[
    "connection",
    "keep-alive",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
];

/// Every `Proxy-*` header is hop-by-hop (`Proxy-Authorization`, `Proxy-Connection`, …).
pub const HOP_BY_HOP_PREFIX: &str = "proxy-";

/// Whether a declaration or a call may not set the header `name` (any case), and why.
pub fn refused_header(name: &str) -> Option<RefusedHeader> {
    let is = |list: &[&str]| list.iter().any(|n| n.eq_ignore_ascii_case(name));
    if is(SET_BY_CLIENT) {
        Some(RefusedHeader::SetByClient)
    } else if is(SET_BY_TRANSPORT) {
        Some(RefusedHeader::SetByTransport)
    } else if is(HOP_BY_HOP)
        || name
            .get(..HOP_BY_HOP_PREFIX.len())
            .is_some_and(|head| head.eq_ignore_ascii_case(HOP_BY_HOP_PREFIX))
    {
        Some(RefusedHeader::HopByHop)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_listed_name_in_any_case() {
        for (list, why) in [
            (SET_BY_CLIENT, RefusedHeader::SetByClient),
            (SET_BY_TRANSPORT, RefusedHeader::SetByTransport),
            (HOP_BY_HOP, RefusedHeader::HopByHop),
        ] {
            for name in list {
                assert_eq!(refused_header(name), Some(why), "{name}");
                assert_eq!(
                    refused_header(&name.to_ascii_uppercase()),
                    Some(why),
                    "{name}"
                );
            }
        }
    }

    #[test]
    fn proxy_prefix_and_near_misses() {
        for name in ["Proxy-Authorization", "PROXY-CONNECTION", "proxy-x"] {
            assert_eq!(
                refused_header(name),
                Some(RefusedHeader::HopByHop),
                "{name}"
            );
        }
        // Only the exact names and the prefix: neighbours stay allowed.
        for name in [
            "Proxy",
            "X-Proxy-Id",
            "X-Connection",
            "Tea",
            "Hosts",
            "Accept-Language",
            "X-Request-Id",
            "é-proxy-",
            "",
        ] {
            assert_eq!(refused_header(name), None, "{name}");
        }
    }
}
