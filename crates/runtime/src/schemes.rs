//! The paging schemes the providers use, one walk each: the generated `stream()` methods hand
//! them the request of each page and get the items of the list in order.

use std::future::Future;

use futures_core::Stream;
use progenitor_client::ResponseValue;
use reqwest::header::HeaderMap;

use crate::Error;
use crate::paginate::{Page, next_link_param, walk};

/// What a generated `send` gives for one page.
type Answer<B, E> = Result<ResponseValue<B>, Error<E>>;

/// A page body that holds its items beside the number of items of the whole list, as the
/// lists of [`total_walk`] answer.
pub trait CountedPage {
    /// One item of the list.
    type Item;

    /// The items of this page, and the total the server reports, if it does.
    fn into_parts(self) -> (Vec<Self::Item>, Option<i64>);
}

/// Pages `first`, `first + 1`, ... of a list numbered by `page` (with `per_page`), for as long
/// as the server names a next page: in the `X-Next-Page` header, or else as the `page` of the
/// `Link` header's `rel="next"` (servers leave out the `X-` headers on very large lists, where
/// only `Link` remains). `X-Total-Pages`, when sent, bounds the pages fetched ahead.
///
/// The walk keeps up to `concurrency` pages fetched or in flight (see [`walk`]).
pub fn next_page_walk<'a, T, E, Fut>(
    operation: &'static str,
    first: u64,
    concurrency: usize,
    mut fetch: impl FnMut(u64) -> Fut + Send + 'a,
) -> impl Stream<Item = Result<T, Error<E>>> + Send + Unpin + 'a
where
    T: Send + 'a,
    E: Send + 'a,
    Fut: Future<Output = Answer<Vec<T>, E>> + Send + 'a,
{
    walk(
        operation,
        first,
        concurrency,
        move |&page: &u64| fetch(page),
        |_, response: ResponseValue<Vec<T>>| {
            let next = next_page(response.headers());
            let last = number_header(response.headers(), "x-total-pages");
            Page {
                items: response.into_inner(),
                next,
                last,
            }
        },
    )
}

/// The page after the current one, from `X-Next-Page` or else from the `Link` header's
/// `rel="next"`. An empty or unreadable `X-Next-Page` (the last page) falls back to `Link`.
fn next_page(headers: &HeaderMap) -> Option<u64> {
    number_header(headers, "x-next-page").or_else(|| {
        next_link_param(headers, "page")
            .as_deref()
            .and_then(parse_number)
    })
}

/// A header holding a page number, if it is there and one.
fn number_header(headers: &HeaderMap, name: &str) -> Option<u64> {
    headers
        .get(name)
        .and_then(|value| value.to_str().ok())
        .and_then(parse_number)
}

fn parse_number(text: &str) -> Option<u64> {
    text.trim().parse::<u64>().ok()
}

/// The number of items a full page holds when a request asks for `per_page`: `default` when
/// none (or a negative one) is given, and never more than `max`.
pub fn full_page(per_page: Option<i32>, default: i32, max: i32) -> usize {
    let size = match per_page {
        Some(size) if size >= 0 => size.min(max),
        _ => default,
    };
    usize::try_from(size).unwrap_or(0)
}

/// Pages `first`, `first + 1`, ... of a list numbered by `page` from 0, whose server says
/// nothing of how many items remain: the walk ends after a page with fewer than `full` items
/// (the last one), or an empty one (a page size of 0 asks for none, and gets none).
///
/// With a `concurrency` above 1 the pages after a full one are fetched ahead, and those past
/// the first short page are dropped unread (see [`walk`]).
pub fn short_page_walk<'a, T, E, Fut>(
    operation: &'static str,
    first: i32,
    full: usize,
    concurrency: usize,
    mut fetch: impl FnMut(i32) -> Fut + Send + 'a,
) -> impl Stream<Item = Result<T, Error<E>>> + Send + Unpin + 'a
where
    T: Send + 'a,
    E: Send + 'a,
    Fut: Future<Output = Answer<Vec<T>, E>> + Send + 'a,
{
    walk(
        operation,
        first.max(0),
        concurrency,
        move |&page: &i32| fetch(page),
        move |&page: &i32, response: ResponseValue<Vec<T>>| {
            let items = response.into_inner();
            let more = !items.is_empty() && items.len() >= full;
            Page {
                next: more.then(|| page.checked_add(1)).flatten(),
                items,
                last: None,
            }
        },
    )
}

/// The pages of a list that a cursor names: the first (`None`), then each `after` cursor the
/// server announces in the `Link` header's `rel="next"`.
///
/// A cursor cannot be guessed, so the walk is sequential; with a `concurrency` above 1 it
/// fetches the next page while the consumer works on the current one (see [`walk`]).
pub fn cursor_walk<'a, T, E, Fut>(
    operation: &'static str,
    concurrency: usize,
    mut fetch: impl FnMut(Option<String>) -> Fut + Send + 'a,
) -> impl Stream<Item = Result<T, Error<E>>> + Send + Unpin + 'a
where
    T: Send + 'a,
    E: Send + 'a,
    Fut: Future<Output = Answer<Vec<T>, E>> + Send + 'a,
{
    walk(
        operation,
        None,
        concurrency,
        move |after: &Option<String>| fetch(after.clone()),
        |_, response: ResponseValue<Vec<T>>| {
            // A cursor already followed (the one just sent included) ends the walk, with an
            // error.
            let next = next_link_param(response.headers(), "after").map(Some);
            Page {
                items: response.into_inner(),
                next,
                last: None,
            }
        },
    )
}

/// The items on the pages before `first` of a list whose pages hold `per_page` items, at most
/// `max`: what a walk resumed at `first` counts towards the total. 0 when `per_page` is not
/// known.
pub fn items_before(first: u64, per_page: Option<u64>, max: u64) -> u64 {
    per_page.map_or(0, |per_page| {
        first.saturating_sub(1).saturating_mul(per_page.min(max))
    })
}

/// Pages `first`, `first + 1`, ... of a list numbered by `page` whose every page reports the
/// `total` number of items: the walk ends once it has seen `total` items, counting `before`
/// on the pages before `first` (or, without a `total`, at the first empty page, which also
/// ends a resumed walk whose `before` is not known). The total bounds the pages fetched ahead.
pub fn total_walk<'a, B, E, Fut>(
    operation: &'static str,
    first: u64,
    before: u64,
    concurrency: usize,
    mut fetch: impl FnMut(u64) -> Fut + Send + 'a,
) -> impl Stream<Item = Result<B::Item, Error<E>>> + Send + Unpin + 'a
where
    B: CountedPage + Send + 'a,
    B::Item: Send + 'a,
    E: Send + 'a,
    Fut: Future<Output = Answer<B, E>> + Send + 'a,
{
    let mut seen = before;
    walk(
        operation,
        first,
        concurrency,
        move |&page: &u64| fetch(page),
        move |&page: &u64, response: ResponseValue<B>| {
            let (items, total) = response.into_inner().into_parts();
            seen = seen.saturating_add(items.len() as u64);
            let total = total.map(|total| u64::try_from(total).unwrap_or(0));
            let more = total.is_none_or(|total| seen < total);
            // The pages still to come, if they are as full as this one.
            let last = total
                .zip(u64::try_from(items.len()).ok().filter(|&n| n > 0))
                .map(|(total, size)| {
                    page.saturating_add(total.saturating_sub(seen).div_ceil(size))
                });
            Page {
                items,
                // After the last page a `u64` can number, there is none to ask for.
                next: more.then(|| page.checked_add(1)).flatten(),
                last,
            }
        },
    )
}

#[cfg(test)]
mod tests {
    use reqwest::header::{HeaderName, HeaderValue};

    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        pairs
            .iter()
            .map(|(name, value)| {
                (
                    HeaderName::from_static(name),
                    HeaderValue::from_static(value),
                )
            })
            .collect()
    }

    #[test]
    fn the_next_page_comes_from_x_next_page_then_link() {
        assert_eq!(next_page(&headers(&[("x-next-page", "3")])), Some(3));
        let link = r#"<https://gitlab.example.com/api/v4/users?page=4&per_page=2>; rel="next""#;
        assert_eq!(next_page(&headers(&[("link", link)])), Some(4));
        // An empty X-Next-Page (the last page) falls back to Link, which has no next either.
        let last = r#"<https://gitlab.example.com/api/v4/users?page=1>; rel="first""#;
        assert_eq!(
            next_page(&headers(&[("x-next-page", ""), ("link", last)])),
            None
        );
        assert_eq!(next_page(&HeaderMap::new()), None);
    }

    #[test]
    fn a_next_page_that_is_garbage_ends_the_walk() {
        assert_eq!(next_page(&headers(&[("x-next-page", "soon")])), None);
        assert_eq!(next_page(&headers(&[("x-next-page", "-1")])), None);
    }

    #[test]
    fn a_full_page_follows_the_server_rules() {
        assert_eq!(full_page(None, 60, 200), 60);
        assert_eq!(full_page(Some(-1), 60, 200), 60);
        assert_eq!(full_page(Some(0), 60, 200), 0);
        assert_eq!(full_page(Some(25), 60, 200), 25);
        assert_eq!(full_page(Some(200), 60, 200), 200);
        assert_eq!(full_page(Some(1000), 60, 200), 200);
    }

    #[test]
    fn a_resumed_walk_counts_the_items_before_it() {
        assert_eq!(items_before(1, Some(50), 100), 0);
        assert_eq!(items_before(3, Some(50), 100), 100);
        assert_eq!(items_before(3, Some(500), 100), 200);
        assert_eq!(items_before(3, None, 100), 0);
    }
}
