//! Atlas's paginated lists, and lazy iteration over all their pages and items.
//!
//! 83 list schemas in the spec share one shape, [`Paginated`]. An endpoint whose response
//! is `Paginated<T>` and which has `pageNum` and `itemsPerPage` query parameters gets
//! `.pages(&client)` and `.items(&client)` from `#[atlas_endpoint]`. Iteration asks for
//! 500 items a page (the most Atlas allows) unless told otherwise, stops at the last page,
//! and hands an error on page k to the caller after the items of pages 1..k-1.
//!
//! A server cannot make a walk endless: it stops at an empty page, once `totalCount` items
//! have come (whatever the links say), at a page whose items repeat the page before, and
//! at the last page number an `i32` can ask for.

use std::hash::{Hash, Hasher};

use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::value::RawValue;

use crate::client::Client;
use crate::endpoint::Endpoint;
use crate::error::{DecodeError, Error};
use crate::options::RequestOptions;
use crate::response::redacted_excerpt;

/// The page size iteration asks for unless the call sets `itemsPerPage`: Atlas's maximum
/// (the official clients default to 100, five times the round trips).
pub const DEFAULT_PAGE_SIZE: i32 = 500;

/// One page of a list.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Paginated<T> {
    /// Links to this, the next and the previous page.
    #[serde(default)]
    pub links: Vec<Link>,
    /// The items of this page.
    pub results: Vec<T>,
    /// All items across pages; absent when the call sent `includeCount=false`.
    #[serde(default)]
    pub total_count: Option<u64>,
}

impl<T> Paginated<T> {
    /// The link with relation `rel` (`self`, `next`, `previous`).
    pub fn link(&self, rel: &str) -> Option<&str> {
        self.links
            .iter()
            .find(|l| l.rel == rel)
            .map(|l| l.href.as_str())
    }
}

/// A link between pages.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct Link {
    /// The URL.
    pub href: String,
    /// Its relation to this page: `self`, `next`, `previous`.
    pub rel: String,
}

/// An endpoint that lists with `pageNum` and `itemsPerPage`. Implemented by
/// `#[atlas_endpoint]` for such endpoints.
pub trait Paged: Endpoint<Response = Paginated<Self::Item>> + Clone {
    /// What the list holds.
    type Item: DeserializeOwned;
    /// The page being asked for (1-based).
    fn page_num(&self) -> Option<i32>;
    /// Sets the page being asked for.
    fn set_page_num(&mut self, page: i32);
    /// The page size, if the caller chose one.
    fn items_per_page(&self) -> Option<i32>;
    /// Sets the page size.
    fn set_items_per_page(&mut self, size: i32);
}

/// Lazily fetches page after page. Yields each page, or the error that ended the walk.
pub struct Pages<'c, E: Paged> {
    client: &'c Client,
    next: Option<E>,
    fetched_items: u64,
    /// A fingerprint of the last page's items, to notice a server repeating a page.
    last_page: Option<u64>,
}

impl<'c, E: Paged> Pages<'c, E> {
    /// Starts at the endpoint's `pageNum` (1 if unset), with its `itemsPerPage` or
    /// [`DEFAULT_PAGE_SIZE`].
    pub fn new(client: &'c Client, endpoint: &E) -> Self {
        let mut first = endpoint.clone();
        if first.page_num().is_none() {
            first.set_page_num(1);
        }
        if first.items_per_page().is_none() {
            first.set_items_per_page(DEFAULT_PAGE_SIZE);
        }
        Pages {
            client,
            next: Some(first),
            fetched_items: 0,
            last_page: None,
        }
    }
}

impl<E: Paged> Iterator for Pages<'_, E> {
    type Item = Result<Paginated<E::Item>, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        let current = self.next.take()?;
        let raw: Paginated<Box<RawValue>> =
            match self.client.send_as(&current, &RequestOptions::default()) {
                Ok(page) => page,
                Err(e) => return Some(Err(e)),
            };
        let fingerprint = fingerprint(&raw.results);
        if self.last_page == Some(fingerprint) && !raw.results.is_empty() {
            log::warn!(
                "{}: page {} repeats the page before it; ending the walk",
                E::INFO.type_name,
                current.page_num().unwrap_or(1)
            );
            return None;
        }
        self.last_page = Some(fingerprint);
        let page = match decode_items::<E::Item>(raw) {
            Ok(page) => page,
            Err(e) => return Some(Err(self.client.scrub(e))),
        };
        let page_num = current.page_num().unwrap_or(1);
        let size = current.items_per_page().unwrap_or(DEFAULT_PAGE_SIZE);
        self.fetched_items += page.results.len() as u64;
        if has_more(&page, size, self.fetched_items)
            && let Some(following) = page_num.checked_add(1)
        {
            let mut next = current;
            next.set_page_num(following);
            self.next = Some(next);
        }
        Some(Ok(page))
    }
}

/// A hash of a page's items as sent.
fn fingerprint(items: &[Box<RawValue>]) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    for item in items {
        item.get().hash(&mut h);
    }
    h.finish()
}

/// Decodes each item of a page read as raw JSON.
fn decode_items<T: DeserializeOwned>(raw: Paginated<Box<RawValue>>) -> Result<Paginated<T>, Error> {
    let results = raw
        .results
        .iter()
        .map(|item| {
            serde_json::from_str(item.get()).map_err(|e| {
                Error::Decode(DecodeError {
                    status: 200,
                    target: std::any::type_name::<T>(),
                    body_excerpt: redacted_excerpt(item.get().as_bytes()),
                    message: e.to_string(),
                })
            })
        })
        .collect::<Result<Vec<T>, Error>>()?;
    Ok(Paginated {
        links: raw.links,
        results,
        total_count: raw.total_count,
    })
}

impl<E: Paged> std::iter::FusedIterator for Pages<'_, E> {}

/// Whether a page is followed by another: not after an empty page or once `totalCount`
/// items have come; else by the `next` link when Atlas sends links, by the total count, or
/// by a full page.
pub(crate) fn has_more<T>(page: &Paginated<T>, size: i32, fetched: u64) -> bool {
    if page.results.is_empty() {
        return false;
    }
    if page.total_count.is_some_and(|total| fetched >= total) {
        return false;
    }
    if !page.links.is_empty() {
        return page.link("next").is_some();
    }
    if let Some(total) = page.total_count {
        return fetched < total;
    }
    page.results.len() >= usize::try_from(size).unwrap_or(usize::MAX)
}

/// Lazily yields every item of every page; an error ends the walk after the items before it.
pub struct Items<'c, E: Paged> {
    pages: Pages<'c, E>,
    current: std::vec::IntoIter<E::Item>,
}

impl<'c, E: Paged> Items<'c, E> {
    /// As [`Pages::new`].
    pub fn new(client: &'c Client, endpoint: &E) -> Self {
        Items {
            pages: Pages::new(client, endpoint),
            current: Vec::new().into_iter(),
        }
    }
}

impl<E: Paged> Iterator for Items<'_, E> {
    type Item = Result<E::Item, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(item) = self.current.next() {
                return Some(Ok(item));
            }
            match self.pages.next()? {
                Ok(page) => self.current = page.results.into_iter(),
                Err(e) => return Some(Err(e)),
            }
        }
    }
}

impl<E: Paged> std::iter::FusedIterator for Items<'_, E> {}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(n: usize, links: &[&str], total: Option<u64>) -> Paginated<u32> {
        Paginated {
            links: links
                .iter()
                .map(|rel| Link {
                    href: format!("https://x/{rel}"),
                    rel: rel.to_string(),
                })
                .collect(),
            results: (0..n as u32).collect(),
            total_count: total,
        }
    }

    #[test]
    fn last_page_detection() {
        assert!(!has_more(&page(0, &["self"], Some(0)), 500, 0));
        assert!(has_more(&page(500, &["self", "next"], Some(501)), 500, 500));
        assert!(!has_more(
            &page(1, &["self", "previous"], Some(501)),
            500,
            501
        ));
        // The count is reached: a `next` link cannot prolong the walk.
        assert!(!has_more(
            &page(500, &["self", "next"], Some(500)),
            500,
            500
        ));
        // No links: the count decides.
        assert!(has_more(&page(500, &[], Some(1000)), 500, 500));
        assert!(!has_more(&page(500, &[], Some(500)), 500, 500));
        // Neither links nor count (includeCount=false): a full page may have a successor.
        assert!(has_more(&page(500, &[], None), 500, 500));
        assert!(!has_more(&page(499, &[], None), 500, 999));
    }
}
