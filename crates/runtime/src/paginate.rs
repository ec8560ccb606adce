//! A lazy stream over a paged list, into which each provider plugs its paging scheme.

use std::collections::VecDeque;
use std::fmt;
use std::future::Future;
use std::hash::{BuildHasher, Hash, RandomState};

use futures_core::Stream;
use futures_util::{TryStreamExt, stream};
use reqwest::Url;
use reqwest::header::{HeaderMap, LINK};

use crate::Error;

/// One fetched page: its items, and the cursor of the next page if there is one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page<T, C> {
    /// The items of this page, in order.
    pub items: Vec<T>,
    /// Where the next page starts (a page number, a URL, an `after` token), or `None` at the end.
    pub next: Option<C>,
}

/// Where a page of a list starts, as [`paginate`] follows it: a page number, an `after` token.
pub trait Cursor: Hash {
    /// The cursor as an error names it: `page 3`, `cursor "00u2"`.
    fn describe(&self) -> String;

    /// Whether a walk that has followed `self` may go on to `next`, besides `next` not having
    /// been followed before. Any cursor may follow any other, except page numbers, which only
    /// go forward.
    fn may_precede(&self, next: &Self) -> bool {
        let _ = next;
        true
    }
}

macro_rules! page_numbers {
    ($($number:ty),*) => {$(
        impl Cursor for $number {
            fn describe(&self) -> String {
                format!("page {self}")
            }

            fn may_precede(&self, next: &Self) -> bool {
                next > self
            }
        }
    )*};
}

page_numbers!(u32, u64, i32, i64);

impl Cursor for String {
    fn describe(&self) -> String {
        format!("cursor {self:?}")
    }
}

/// `None` is the first page, before any cursor.
impl Cursor for Option<String> {
    fn describe(&self) -> String {
        self.as_ref()
            .map_or_else(|| "the first page".to_string(), Cursor::describe)
    }
}

/// A paged list whose server named, as the next page, one that the walk had already followed
/// (or, for page numbers, one it had passed): following it would go round in circles.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RepeatedPage {
    /// The operationId of the list.
    pub operation: &'static str,
    /// The page the server named, as [`Cursor::describe`] gives it.
    pub page: String,
    /// The pages fetched before the stream ended.
    pub pages: u64,
}

impl fmt::Display for RepeatedPage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: after {} pages, the server named {} as the next page, which this walk has \
             already followed or passed; the stream ends instead of repeating it",
            self.operation, self.pages, self.page
        )
    }
}

impl std::error::Error for RepeatedPage {}

impl<E> From<RepeatedPage> for Error<E> {
    fn from(repeated: RepeatedPage) -> Self {
        Self::RepeatedPage(repeated)
    }
}

/// How many of the last cursors a walk remembers exactly.
const REMEMBERED: usize = 1024;

/// The cursors a walk has followed, in bounded memory: the 64-bit hashes of the last
/// [`REMEMBERED`], which catch any cycle of up to that many pages before a page is fetched
/// twice, and one checkpoint moved at exponentially spaced pages (Brent's cycle detection),
/// which catches a longer cycle within about twice its length.
struct Followed {
    hasher: RandomState,
    recent: VecDeque<u64>,
    checkpoint: Option<u64>,
    since_checkpoint: u64,
    spacing: u64,
    pages: u64,
}

impl Followed {
    fn new() -> Self {
        Self {
            hasher: RandomState::new(),
            recent: VecDeque::new(),
            checkpoint: None,
            since_checkpoint: 0,
            spacing: 1,
            pages: 0,
        }
    }

    /// Remembers `cursor` as followed; `false` when it had been already.
    fn follow(&mut self, cursor: &impl Hash) -> bool {
        let hash = self.hasher.hash_one(cursor);
        if self.checkpoint == Some(hash) || self.recent.contains(&hash) {
            return false;
        }
        if self.recent.len() == REMEMBERED {
            self.recent.pop_front();
        }
        self.recent.push_back(hash);
        self.since_checkpoint += 1;
        if self.since_checkpoint >= self.spacing {
            self.checkpoint = Some(hash);
            self.since_checkpoint = 0;
            self.spacing = self.spacing.saturating_mul(2);
        }
        true
    }
}

/// What a walk does after a page.
enum Next<C> {
    /// Fetches the page at this cursor.
    Fetch(C),
    /// Ends with an error: the server named a page already followed.
    Repeated(RepeatedPage),
}

/// Walks a paged list item by item, fetching each page only when the consumer reaches it.
///
/// `fetch` turns a cursor into a [`Page`]; the stream yields that page's items and then, once
/// they are consumed and another item is wanted, fetches the page at `next`. It ends after a
/// page without `next`, after an empty page (a server that keeps announcing more pages but sends
/// none cannot make it loop forever), or after yielding the first error.
///
/// A `next` that the walk has already followed (or, for page numbers, one that does not come
/// after the current page) is never fetched: the stream ends with a [`RepeatedPage`] error
/// naming `operation`, so a server whose cursors go round in circles (A, B, A) cannot make it
/// run forever. The memory for this is bounded (see [`Cursor`]): the last 1,024 cursors are
/// remembered exactly, and a longer cycle is caught within about twice its length.
pub fn paginate<T, C, E, F, Fut>(
    operation: &'static str,
    first: C,
    fetch: F,
) -> impl Stream<Item = Result<T, E>>
where
    C: Cursor,
    E: From<RepeatedPage>,
    F: FnMut(&C) -> Fut,
    Fut: Future<Output = Result<Page<T, C>, E>>,
{
    let mut followed = Followed::new();
    followed.follow(&first);
    stream::try_unfold(
        (Some(Next::Fetch(first)), fetch, followed),
        move |(next, mut fetch, mut followed)| async move {
            let cursor = match next {
                None => return Ok(None),
                Some(Next::Repeated(repeated)) => return Err(E::from(repeated)),
                Some(Next::Fetch(cursor)) => cursor,
            };
            let page = fetch(&cursor).await?;
            followed.pages += 1;
            let next = match page.next {
                _ if page.items.is_empty() => None,
                None => None,
                Some(next) if cursor.may_precede(&next) && followed.follow(&next) => {
                    Some(Next::Fetch(next))
                }
                Some(next) => Some(Next::Repeated(RepeatedPage {
                    operation,
                    page: next.describe(),
                    pages: followed.pages,
                })),
            };
            let items = stream::iter(page.items.into_iter().map(Ok));
            Ok(Some((items, (next, fetch, followed))))
        },
    )
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

    /// A failure of a test's fetch, or a walk's own.
    #[derive(Debug, PartialEq)]
    enum Failure {
        Boom,
        Repeated(RepeatedPage),
    }

    impl From<RepeatedPage> for Failure {
        fn from(repeated: RepeatedPage) -> Self {
            Self::Repeated(repeated)
        }
    }

    #[tokio::test]
    async fn pages_are_fetched_lazily_and_in_order() {
        let fetched = Cell::new(0);
        let pages = |&n: &u32| {
            fetched.set(fetched.get() + 1);
            async move {
                Ok::<_, Failure>(Page {
                    items: vec![n * 10, n * 10 + 1],
                    next: (n < 3).then_some(n + 1),
                })
            }
        };
        let mut items = std::pin::pin!(paginate("list_things", 1, pages));
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
        let failing = paginate("list_things", 1, |&n: &u32| async move {
            if n == 2 {
                Err(Failure::Boom)
            } else {
                Ok(Page {
                    items: vec![n],
                    next: Some(n + 1),
                })
            }
        });
        let seen: Vec<_> = failing.collect().await;
        assert_eq!(seen, vec![Ok(1), Err(Failure::Boom)]);

        let endless = paginate("list_things", 1, |&n: &u32| async move {
            Ok::<_, Failure>(Page {
                items: Vec::<u32>::new(),
                next: Some(n + 1),
            })
        });
        assert_eq!(endless.collect::<Vec<_>>().await, vec![]);
    }

    /// A walk over pages whose cursors are `after` tokens, each page holding its own cursor as
    /// its one item and naming the next by `links`; returns what it yielded and the pages
    /// fetched.
    async fn walk_links(links: &[(&str, &str)]) -> (Vec<Result<String, Failure>>, usize) {
        let fetched = Cell::new(0);
        let walk = paginate("list_users", None, |after: &Option<String>| {
            fetched.set(fetched.get() + 1);
            let here = after.clone().unwrap_or_default();
            let next = links
                .iter()
                .find(|(from, _)| *from == here)
                .map(|(_, to)| Some((*to).to_string()));
            async move {
                Ok::<_, Failure>(Page {
                    items: vec![here],
                    next,
                })
            }
        });
        let yielded = walk.collect().await;
        (yielded, fetched.get())
    }

    #[tokio::test]
    async fn a_cursor_already_followed_ends_the_walk_with_an_error() {
        // A, B, A: the second A is never fetched.
        let (yielded, fetched) = walk_links(&[("", "a"), ("a", "b"), ("b", "a")]).await;
        assert_eq!(fetched, 3);
        let repeated = RepeatedPage {
            operation: "list_users",
            page: "cursor \"a\"".to_string(),
            pages: 3,
        };
        assert_eq!(
            yielded,
            vec![
                Ok(String::new()),
                Ok("a".to_string()),
                Ok("b".to_string()),
                Err(Failure::Repeated(repeated.clone()))
            ]
        );
        assert_eq!(
            repeated.to_string(),
            "list_users: after 3 pages, the server named cursor \"a\" as the next page, which \
             this walk has already followed or passed; the stream ends instead of repeating it"
        );
        // The same cursor back to back, the empty one included (which is not the first page,
        // that no cursor names).
        for (link, cursor) in [("a", "cursor \"a\""), ("", "cursor \"\"")] {
            let (yielded, fetched) = walk_links(&[("", link), (link, link)]).await;
            assert_eq!((yielded.len(), fetched), (3, 2), "{yielded:?}");
            assert!(
                matches!(&yielded[2], Err(Failure::Repeated(r)) if r.page == cursor),
                "{yielded:?}"
            );
        }
        assert_eq!(None::<String>.describe(), "the first page");
    }

    #[tokio::test]
    async fn a_page_number_that_does_not_go_forward_ends_the_walk() {
        for (current, next) in [(3_u64, 3_u64), (3, 1)] {
            let walk = paginate("list_users", 2_u64, |&page: &u64| async move {
                Ok::<_, Failure>(Page {
                    items: vec![page],
                    next: Some(if page == current { next } else { page + 1 }),
                })
            });
            let yielded: Vec<_> = walk.collect().await;
            assert_eq!(
                yielded,
                vec![
                    Ok(2),
                    Ok(3),
                    Err(Failure::Repeated(RepeatedPage {
                        operation: "list_users",
                        page: format!("page {next}"),
                        pages: 2,
                    }))
                ]
            );
        }
    }

    #[test]
    fn the_memory_of_cursors_is_bounded_and_still_finds_long_cycles() {
        let mut followed = Followed::new();
        for cursor in 0..100_000_u64 {
            assert!(followed.follow(&cursor), "{cursor} is new");
        }
        assert_eq!(followed.recent.len(), REMEMBERED);
        // A cycle of 5,000 cursors, longer than the exact memory, is caught within twice its
        // length once the walk enters it.
        let mut followed = Followed::new();
        let cycle = 5_000_u64;
        let steps = (0..)
            .map(|step: u64| step % cycle)
            .position(|cursor| !followed.follow(&cursor))
            .expect("the cycle is found");
        assert!((5_000..=3 * 5_000).contains(&steps), "found after {steps}");
        assert!(followed.recent.len() <= REMEMBERED);
    }
}
