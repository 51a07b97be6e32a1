//! Atlas's paginated lists, and lazy iteration over all their pages and items.
//!
//! 83 list schemas in the spec share one shape, [`Paginated`]. An endpoint whose response
//! is `Paginated<T>` and which has `pageNum` and `itemsPerPage` query parameters gets
//! `.pages(&client)` and `.items(&client)` from `#[atlas_endpoint]`. Iteration asks for
//! 500 items a page (the most Atlas allows) unless told otherwise, stops at the last page,
//! and hands an error on page k to the caller after the items of pages 1..k-1.
//!
//! A server cannot make a walk endless: it stops at an empty page, once the items up to
//! the page just read reach `totalCount` (whatever the links say), at a page whose items
//! repeat the page before, and at the last page number an `i32` can ask for. A walk that
//! starts at page N counts the (N-1) pages it skipped among those items. The rules live in
//! [`Walk`], which [`Pages`] and the CLI's [`RawPages`](crate::raw::RawPages) share.

use std::hash::{Hash, Hasher};

use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::value::RawValue;

use crate::client::Client;
use crate::endpoint::Endpoint;
use crate::error::{DecodeError, Error};
use crate::options::RequestOptions;
use crate::pipeline::Call;
use crate::response::{decode, redacted_excerpt};

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

/// A call whose pages can be asked for one by one: typed list endpoints ([`Paged`]) and
/// list [`RawCall`](crate::raw::RawCall)s, walked by the one [`Walker`].
pub(crate) trait PagedCall: Call + Clone {
    /// Whether the call takes `pageNum` and `itemsPerPage` (else its list is one page).
    fn is_paginated(&self) -> bool;
    /// The `pageNum` and `itemsPerPage` the call sets, if any.
    fn page_args(&self) -> (Option<i32>, Option<i32>);
    /// The call asking for `page` of `size` items.
    fn at_page(&self, page: i32, size: i32) -> Self;
}

impl<E: Paged> PagedCall for E {
    fn is_paginated(&self) -> bool {
        true
    }

    fn page_args(&self) -> (Option<i32>, Option<i32>) {
        (self.page_num(), self.items_per_page())
    }

    fn at_page(&self, page: i32, size: i32) -> Self {
        let mut at = self.clone();
        at.set_page_num(page);
        at.set_items_per_page(size);
        at
    }
}

/// The one page walker: asks for page after page through the client's pipeline and hands
/// each back as sent (items as raw JSON), ending where [`Walk`] says.
#[derive(Debug)]
pub(crate) struct Walker<'c, C> {
    client: &'c Client,
    /// The call, with every parameter but the page.
    call: C,
    options: RequestOptions,
    walk: Walk,
    done: bool,
}

impl<'c, C: PagedCall> Walker<'c, C> {
    /// Starts at the call's `pageNum` (1 if unset), with its `itemsPerPage` or
    /// [`DEFAULT_PAGE_SIZE`].
    pub(crate) fn new(client: &'c Client, call: &C, options: &RequestOptions) -> Self {
        let (page, size) = call.page_args();
        Walker {
            client,
            call: call.clone(),
            options: options.clone(),
            walk: Walk::new(
                call.info().type_name,
                page.unwrap_or(1),
                size.unwrap_or(DEFAULT_PAGE_SIZE),
            ),
            done: false,
        }
    }

    /// The `itemsPerPage` asked for.
    pub(crate) fn page_size(&self) -> i32 {
        self.walk.size()
    }

    /// The next page, or the error that ended the walk; `None` once it is over.
    pub(crate) fn next_page(&mut self) -> Option<Result<Paginated<Box<RawValue>>, Error>> {
        if self.done {
            return None;
        }
        self.done = true;
        let paginated = self.call.is_paginated();
        let call = if paginated {
            self.call.at_page(self.walk.page(), self.walk.size())
        } else {
            self.call.clone()
        };
        let info = call.info();
        let options = &self.options;
        let page = match self.client.run(&call, options, |r| {
            let r = self.client.read_whole(r, info.method)?;
            decode::<Paginated<Box<RawValue>>>(info, &r, options)
        }) {
            Ok(page) => page,
            Err(e) => return Some(Err(e)),
        };
        if paginated {
            match self.walk.read(&page) {
                After::More => self.done = false,
                After::Last => {}
                After::Repeated => return None,
            }
        }
        Some(Ok(page))
    }
}

/// Lazily fetches page after page. Yields each page, or the error that ended the walk.
pub struct Pages<'c, E: Paged> {
    walker: Walker<'c, E>,
}

impl<'c, E: Paged> Pages<'c, E> {
    /// Starts at the endpoint's `pageNum` (1 if unset), with its `itemsPerPage` or
    /// [`DEFAULT_PAGE_SIZE`].
    pub fn new(client: &'c Client, endpoint: &E) -> Self {
        Pages {
            walker: Walker::new(client, endpoint, &RequestOptions::default()),
        }
    }
}

impl<E: Paged> Iterator for Pages<'_, E> {
    type Item = Result<Paginated<E::Item>, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        let raw = match self.walker.next_page()? {
            Ok(raw) => raw,
            Err(e) => return Some(Err(e)),
        };
        Some(decode_items::<E::Item>(raw).map_err(|e| self.walker.client.scrub(e)))
    }
}

/// Where a walk over a list's pages is, and the rules that end it: one home for
/// [`Pages`] and [`RawPages`](crate::raw::RawPages).
#[derive(Debug, Clone)]
pub(crate) struct Walk {
    /// The operation, for the log.
    operation: &'static str,
    /// The page to ask for next (1-based).
    page: i32,
    /// `itemsPerPage`.
    size: i32,
    /// The items on the pages before the next one: read by this walk, or skipped by
    /// starting past page 1, `(start - 1) * size` of them.
    before_next: u64,
    /// A fingerprint of the last page's items, to notice a server repeating a page.
    last_page: Option<u64>,
}

/// What the page just read says about the walk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum After {
    /// Another page follows; [`Walk::page`] is its number.
    More,
    /// This was the last page.
    Last,
    /// The page repeats the one before: it is not yielded, and the walk ends.
    Repeated,
}

impl Walk {
    /// A walk of `operation` from page `start` (1-based) with pages of `size`.
    pub(crate) fn new(operation: &'static str, start: i32, size: i32) -> Self {
        let skipped_pages = u64::try_from(start.saturating_sub(1)).unwrap_or(0);
        let size_items = u64::try_from(size).unwrap_or(0);
        Walk {
            operation,
            page: start,
            size,
            before_next: skipped_pages * size_items,
            last_page: None,
        }
    }

    /// The page to ask for next.
    pub(crate) fn page(&self) -> i32 {
        self.page
    }

    /// The page size asked for.
    pub(crate) fn size(&self) -> i32 {
        self.size
    }

    /// Takes in the page just read (its items as sent) and moves on to the next.
    pub(crate) fn read(&mut self, page: &Paginated<Box<RawValue>>) -> After {
        let fingerprint = fingerprint(&page.results);
        if self.last_page == Some(fingerprint) && !page.results.is_empty() {
            log::warn!(
                "{}: page {} repeats the page before it; ending the walk",
                self.operation,
                self.page
            );
            return After::Repeated;
        }
        self.last_page = Some(fingerprint);
        self.before_next += page.results.len() as u64;
        if has_more(page, self.size, self.before_next)
            && let Some(following) = self.page.checked_add(1)
        {
            self.page = following;
            After::More
        } else {
            After::Last
        }
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

/// Whether a page is followed by another, given `through`, the items of the list up to
/// and including it: not after an empty page or once `through` reaches `totalCount`; else
/// by the `next` link when Atlas sends links, by the total count, or by a full page.
fn has_more<T>(page: &Paginated<T>, size: i32, through: u64) -> bool {
    if page.results.is_empty() {
        return false;
    }
    if page.total_count.is_some_and(|total| through >= total) {
        return false;
    }
    if !page.links.is_empty() {
        return page.link("next").is_some();
    }
    if let Some(total) = page.total_count {
        return through < total;
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

    /// A page of `n` distinct items starting at `first`, as read off the wire, with
    /// `totalCount` and no links.
    fn raw_page(first: usize, n: usize, total: u64) -> Paginated<Box<RawValue>> {
        let items: Vec<String> = (first..first + n).map(|i| i.to_string()).collect();
        serde_json::from_str(&format!(
            r#"{{"results":[{}],"totalCount":{total}}}"#,
            items.join(",")
        ))
        .unwrap()
    }

    #[test]
    fn a_walk_started_at_page_n_counts_the_pages_it_skipped() {
        // 700 items, 500 a page: from page 2, its 200 items are the last of the list.
        let mut walk = Walk::new("List", 2, 500);
        assert_eq!(walk.page(), 2);
        assert_eq!(walk.read(&raw_page(500, 200, 700)), After::Last);
        // From page 1, the same list takes two pages.
        let mut walk = Walk::new("List", 1, 500);
        assert_eq!(walk.read(&raw_page(0, 500, 700)), After::More);
        assert_eq!(walk.page(), 2);
        assert_eq!(walk.read(&raw_page(500, 200, 700)), After::Last);
        // 25 items, 10 a page, from page 2: pages 2 and 3.
        let mut walk = Walk::new("List", 2, 10);
        assert_eq!(walk.read(&raw_page(10, 10, 25)), After::More);
        assert_eq!(walk.page(), 3);
        assert_eq!(walk.read(&raw_page(20, 5, 25)), After::Last);
    }

    #[test]
    fn a_walk_ends_at_a_repeated_page_and_at_the_last_page_number() {
        let mut walk = Walk::new("List", 1, 2);
        assert_eq!(walk.read(&raw_page(0, 2, 10)), After::More);
        assert_eq!(walk.read(&raw_page(0, 2, 10)), After::Repeated);
        let mut walk = Walk::new("List", i32::MAX, 2);
        assert_eq!(walk.read(&raw_page(0, 2, u64::MAX)), After::Last);
        // Nonsense starts (Atlas refuses them) count nothing as skipped.
        for (start, size) in [(0, 500), (-3, 500), (2, -1)] {
            assert_eq!(Walk::new("List", start, size).before_next, 0);
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
