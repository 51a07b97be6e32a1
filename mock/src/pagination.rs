//! Atlas's paginated lists: `itemsPerPage` (1..=500, default 100), `pageNum` (>= 1,
//! default 1), `includeCount` (default true), and the result document `{links, results,
//! totalCount}` whose links (`self`, `previous`, `next`) are full URLs that keep the
//! request's other query parameters.

use serde_json::{Map, Value, json};

use crate::errors::ApiError;
use crate::url::Query;

/// Largest `itemsPerPage`.
pub(crate) const MAX_ITEMS_PER_PAGE: u64 = 500;
/// `itemsPerPage` when absent.
pub(crate) const DEFAULT_ITEMS_PER_PAGE: u64 = 100;

/// The page a request asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Page {
    pub(crate) items_per_page: usize,
    pub(crate) page_num: usize,
    pub(crate) include_count: bool,
}

/// An integer query parameter within `min..=max`.
fn int_param(query: &Query, name: &str, default: u64, min: u64, max: u64) -> Result<u64, ApiError> {
    let Some(raw) = query.get(name) else {
        return Ok(default);
    };
    let value = raw.trim();
    let parsed = if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        value.parse::<u64>().ok()
    } else {
        None
    };
    match parsed {
        Some(n) if (min..=max).contains(&n) => Ok(n),
        _ => {
            let range = if max == u64::from(i32::MAX.unsigned_abs()) {
                format!("must be an integer of at least {min}")
            } else {
                format!("must be an integer between {min} and {max}")
            };
            Err(ApiError::validation(name, range).param(raw.to_owned()))
        }
    }
}

impl Page {
    /// Reads the pagination parameters; out of range or not an integer is a 400.
    pub(crate) fn from_query(query: &Query) -> Result<Page, ApiError> {
        let items = int_param(
            query,
            "itemsPerPage",
            DEFAULT_ITEMS_PER_PAGE,
            1,
            MAX_ITEMS_PER_PAGE,
        )?;
        let page = int_param(query, "pageNum", 1, 1, u64::from(i32::MAX.unsigned_abs()))?;
        Ok(Page {
            items_per_page: usize::try_from(items).unwrap_or(usize::MAX),
            page_num: usize::try_from(page).unwrap_or(usize::MAX),
            include_count: query.flag("includeCount", true),
        })
    }

    /// The positions of this page's items among `len` items (empty past the end).
    fn range(&self, len: usize) -> std::ops::Range<usize> {
        let start = self
            .page_num
            .saturating_sub(1)
            .saturating_mul(self.items_per_page);
        if start >= len {
            return len..len;
        }
        start..start.saturating_add(self.items_per_page).min(len)
    }

    /// The list document for `all` (every item, already rendered). `base` is the
    /// server's URL, `path` the request path as sent.
    pub(crate) fn document(&self, all: Vec<Value>, base: &str, path: &str, query: &Query) -> Value {
        let total = all.len();
        // The page's items moved out of `all`, not cloned: a deep copy of every rendered
        // item was the list routes' largest cost after the allocator.
        let range = self.range(total);
        let results: Vec<Value> = all
            .into_iter()
            .skip(range.start)
            .take(range.len())
            .collect();
        let link = |page: usize, rel: &str| {
            let q = query.with(&[
                ("pageNum", page.to_string()),
                ("itemsPerPage", self.items_per_page.to_string()),
            ]);
            json!({"href": format!("{base}{path}?{q}"), "rel": rel})
        };
        let mut links = vec![link(self.page_num, "self")];
        if self.page_num > 1 {
            links.push(link(self.page_num - 1, "previous"));
        }
        if self.page_num.saturating_mul(self.items_per_page) < total {
            links.push(link(self.page_num + 1, "next"));
        }
        let mut doc = Map::new();
        doc.insert("links".into(), Value::Array(links));
        doc.insert("results".into(), Value::Array(results));
        if self.include_count {
            doc.insert("totalCount".into(), Value::from(total));
        }
        Value::Object(doc)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(q: &str) -> Result<Page, ApiError> {
        Page::from_query(&Query::parse(q).unwrap())
    }

    #[test]
    fn defaults_and_bounds() {
        assert_eq!(
            page("").unwrap(),
            Page {
                items_per_page: 100,
                page_num: 1,
                include_count: true
            }
        );
        assert_eq!(page("itemsPerPage=500").unwrap().items_per_page, 500);
        for bad in [
            "itemsPerPage=0",
            "itemsPerPage=501",
            "itemsPerPage=x",
            "itemsPerPage=-1",
            "pageNum=0",
            "pageNum=99999999999",
            "pageNum=",
        ] {
            let e = page(bad).unwrap_err();
            assert_eq!((e.status, e.code), (400, "VALIDATION_ERROR"), "{bad}");
        }
        assert!(!page("includeCount=false").unwrap().include_count);
    }

    #[test]
    fn documents_and_links() {
        let q = Query::parse("pretty=true&itemsPerPage=2&pageNum=2").unwrap();
        let p = Page::from_query(&q).unwrap();
        let doc = p.document((0..5).map(Value::from).collect(), "http://h", "/p", &q);
        assert_eq!(doc["results"], json!([2, 3]));
        assert_eq!(doc["totalCount"], 5);
        let links = doc["links"].as_array().unwrap();
        assert_eq!(links[0]["rel"], "self");
        assert_eq!(
            links[0]["href"],
            "http://h/p?pretty=true&pageNum=2&itemsPerPage=2"
        );
        assert_eq!(links[1]["rel"], "previous");
        assert_eq!(
            links[1]["href"],
            "http://h/p?pretty=true&pageNum=1&itemsPerPage=2"
        );
        assert_eq!(links[2]["rel"], "next");
        let last = Page { page_num: 3, ..p }.document(
            (0..5).map(Value::from).collect(),
            "http://h",
            "/p",
            &q,
        );
        assert_eq!(last["results"], json!([4]));
        assert_eq!(last["links"].as_array().unwrap().len(), 2);
        let beyond = Page {
            page_num: 9,
            include_count: false,
            ..p
        }
        .document(vec![], "http://h", "/p", &q);
        assert_eq!(beyond["results"], json!([]));
        assert!(beyond.get("totalCount").is_none());
    }
}
