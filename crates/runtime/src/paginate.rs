//! A lazy stream over a paged list, into which each provider plugs its paging scheme.

use std::future::Future;

use futures_core::Stream;
use futures_util::{TryStreamExt, stream};
use reqwest::Url;
use reqwest::header::{HeaderMap, LINK};

/// One fetched page: its items, and the cursor of the next page if there is one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page<T, C> {
    /// The items of this page, in order.
    pub items: Vec<T>,
    /// Where the next page starts (a page number, a URL, an `after` token), or `None` at the end.
    pub next: Option<C>,
}

/// Walks a paged list item by item, fetching each page only when the consumer reaches it.
///
/// `fetch` turns a cursor into a [`Page`]; the stream yields that page's items and then, once
/// they are consumed and another item is wanted, fetches the page at `next`. It ends after a
/// page without `next`, after an empty page (a server that keeps announcing more pages but sends
/// none cannot make it loop forever), or after yielding the first error.
pub fn paginate<T, C, E, F, Fut>(first: C, fetch: F) -> impl Stream<Item = Result<T, E>>
where
    F: FnMut(C) -> Fut,
    Fut: Future<Output = Result<Page<T, C>, E>>,
{
    stream::try_unfold((Some(first), fetch), |(cursor, mut fetch)| async move {
        let Some(cursor) = cursor else {
            return Ok(None);
        };
        let page = fetch(cursor).await?;
        let next = if page.items.is_empty() {
            None
        } else {
            page.next
        };
        let items = stream::iter(page.items.into_iter().map(Ok));
        Ok(Some((items, (next, fetch))))
    })
    .try_flatten()
}

/// The decoded value of query parameter `name` in the `rel="next"` link of a response's `Link`
/// headers (RFC 8288), as servers that page by cursor announce the next page.
///
/// Returns `None` when there is no next link, it lacks the parameter, or a header cannot be
/// read: a malformed header ends a walk instead of failing it.
pub fn next_link_param(headers: &HeaderMap, name: &str) -> Option<String> {
    // Relative links resolve against a placeholder; only the query matters here.
    let base = Url::parse("http://link.invalid/").ok()?;
    headers
        .get_all(LINK)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .filter_map(|text| http_link::parse_link_header(text, &base).ok())
        .flatten()
        .find(|link| {
            link.rel
                .split_ascii_whitespace()
                .any(|rel| rel.eq_ignore_ascii_case("next"))
        })
        .and_then(|link| {
            link.target
                .query_pairs()
                .find(|(key, _)| key == name)
                .map(|(_, value)| value.into_owned())
        })
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;

    use futures_util::StreamExt;

    use super::*;

    #[tokio::test]
    async fn pages_are_fetched_lazily_and_in_order() {
        let fetched = Cell::new(0);
        let pages = |n: u32| {
            fetched.set(fetched.get() + 1);
            async move {
                Ok::<_, String>(Page {
                    items: vec![n * 10, n * 10 + 1],
                    next: (n < 3).then_some(n + 1),
                })
            }
        };
        let mut items = std::pin::pin!(paginate(1, pages));
        assert_eq!(fetched.get(), 0, "nothing is fetched before the first poll");
        assert_eq!(items.next().await, Some(Ok(10)));
        assert_eq!(items.next().await, Some(Ok(11)));
        assert_eq!(fetched.get(), 1, "the second page waits until it is needed");
        let rest: Vec<_> = items.collect().await;
        assert_eq!(rest, vec![Ok(20), Ok(21), Ok(30), Ok(31)]);
        assert_eq!(fetched.get(), 3);
    }

    #[test]
    fn the_next_link_gives_its_cursor() {
        let mut headers = HeaderMap::new();
        headers.append(
            LINK,
            r#"<https://x.okta.com/api/v1/users?limit=2>; rel="self""#
                .parse()
                .expect("header"),
        );
        headers.append(
            LINK,
            r#"<https://x.okta.com/api/v1/users?after=00u%2Fb&limit=2>; rel="next""#
                .parse()
                .expect("header"),
        );
        assert_eq!(next_link_param(&headers, "after").as_deref(), Some("00u/b"));
        assert_eq!(next_link_param(&headers, "page"), None);

        let both: HeaderMap = [(
            LINK,
            r#"</users?page=3&per_page=2>; rel="next", </users?page=1>; rel="first""#
                .parse()
                .expect("header"),
        )]
        .into_iter()
        .collect();
        assert_eq!(next_link_param(&both, "page").as_deref(), Some("3"));

        for broken in ["<unclosed; rel=next", "garbage", ""] {
            let headers: HeaderMap = [(LINK, broken.parse().expect("header"))]
                .into_iter()
                .collect();
            assert_eq!(next_link_param(&headers, "after"), None, "{broken:?}");
        }
    }

    #[tokio::test]
    async fn an_error_ends_the_stream_and_an_empty_page_stops_it() {
        let failing = paginate(1, |n: u32| async move {
            if n == 2 {
                Err("boom")
            } else {
                Ok(Page {
                    items: vec![n],
                    next: Some(n + 1),
                })
            }
        });
        let seen: Vec<_> = failing.collect().await;
        assert_eq!(seen, vec![Ok(1), Err("boom")]);

        let endless = paginate(1, |n: u32| async move {
            Ok::<_, ()>(Page {
                items: Vec::<u32>::new(),
                next: Some(n + 1),
            })
        });
        assert_eq!(endless.collect::<Vec<_>>().await, vec![]);
    }
}
