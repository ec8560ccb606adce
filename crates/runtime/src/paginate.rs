//! A lazy stream over a paged list, into which each provider plugs its paging scheme.

use std::collections::VecDeque;
use std::fmt;
use std::future::Future;
use std::hash::{BuildHasher, Hash, RandomState};
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use futures_core::Stream;
use futures_util::StreamExt;
use futures_util::stream::FuturesOrdered;
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
    /// The last page of the list, when the server says which it is: no page after it is
    /// fetched ahead.
    pub last: Option<C>,
}

/// Where a page of a list starts, as [`paginate`] follows it: a page number, an `after` token.
pub trait Cursor: Hash + Eq {
    /// The cursor as an error names it: `page 3`, `cursor "00u2"`.
    fn describe(&self) -> String;

    /// Whether a walk that has followed `self` may go on to `next`, besides `next` not having
    /// been followed before. Any cursor may follow any other, except page numbers, which only
    /// go forward.
    fn may_precede(&self, next: &Self) -> bool {
        let _ = next;
        true
    }

    /// The page that probably follows this one, which a walk may fetch before the server names
    /// it: the next page number. `None` (the default) for cursors that cannot be guessed.
    fn guess_next(&self) -> Option<Self>
    where
        Self: Sized,
    {
        None
    }

    /// Whether this page comes no later than `last`; only page numbers are ordered.
    fn at_or_before(&self, last: &Self) -> bool {
        let _ = last;
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

            fn guess_next(&self) -> Option<Self> {
                self.checked_add(1)
            }

            fn at_or_before(&self, last: &Self) -> bool {
                self <= last
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

/// The default number of pages a walk keeps in flight (see [`walk`]).
pub const DEFAULT_WALK_CONCURRENCY: usize = 4;

/// A walk over a paged list, item by item: the stream [`walk`] returns.
///
/// It keeps up to `concurrency` pages fetched or in flight, the page it is yielding included,
/// and yields items in the order of the list.
#[must_use = "a walk fetches nothing until it is polled"]
pub struct Walk<T, C, R, E, F, Fut: Future, P> {
    operation: &'static str,
    concurrency: usize,
    fetch: F,
    read: P,
    /// The requests in flight, in the order of the list, and the cursor of each.
    queue: FuturesOrdered<InTurn<Fut>>,
    requested: VecDeque<C>,
    /// The turn of the page at the head of `requested` (the next page the walk reads), which
    /// alone decodes at once: the pages after it keep their bodies undecoded until it is
    /// theirs (see [`InTurn`]).
    turns: tokio::sync::watch::Sender<u64>,
    /// The answer at the head of the queue, when it arrived before it was wanted.
    ready: Option<Result<R, E>>,
    /// The cursor to request next, when known: the confirmed next page, or a guess.
    ahead: Option<C>,
    /// Whether the walk may guess the pages after a confirmed one (after the first page).
    guess: bool,
    /// The last page the server announced, beyond which no guess is made.
    last: Option<C>,
    /// The items of the page being yielded.
    items: std::vec::IntoIter<T>,
    /// The error that ends the walk once the items before it are yielded.
    error: Option<E>,
    followed: Followed,
    done: bool,
}

// No field is ever pinned: the futures in flight live in the heap, inside `FuturesOrdered`.
impl<T, C, R, E, F, Fut: Future, P> Unpin for Walk<T, C, R, E, F, Fut, P> {}

impl<T, C, R, E, F, Fut, P> Walk<T, C, R, E, F, Fut, P>
where
    C: Cursor + Clone,
    F: FnMut(&C) -> Fut,
    Fut: Future<Output = Result<R, E>>,
{
    /// Pages fetched or in flight, the one being yielded included.
    fn held(&self) -> usize {
        self.queue.len() + usize::from(self.ready.is_some()) + usize::from(self.items.len() > 0)
    }

    /// Starts requests until `concurrency` pages are held or no next page is known.
    fn fill(&mut self) {
        while self.held() < self.concurrency.max(1) {
            let Some(cursor) = self.ahead.take() else {
                return;
            };
            let turn = Turn {
                mine: *self.turns.borrow() + self.requested.len() as u64,
                now: self.turns.subscribe(),
            };
            self.queue.push_back(InTurn {
                turn,
                request: (self.fetch)(&cursor),
            });
            if self.guess {
                self.ahead = cursor.guess_next().filter(|next| {
                    self.last
                        .as_ref()
                        .is_none_or(|last| next.at_or_before(last))
                });
            }
            self.requested.push_back(cursor);
        }
    }

    /// Polls the requests in flight, so that they progress while the consumer works; keeps the
    /// answer at the head if it arrived.
    fn progress(&mut self, cx: &mut Context<'_>) {
        if self.ready.is_none()
            && !self.queue.is_empty()
            && let Poll::Ready(Some(answer)) = self.queue.poll_next_unpin(cx)
        {
            self.ready = Some(answer);
        }
    }

    /// Ends the walk: what is in flight is dropped, unread.
    fn finish(&mut self) {
        self.done = true;
        self.queue = FuturesOrdered::new();
        self.requested.clear();
        self.ready = None;
        self.ahead = None;
    }
}

impl<T, C, R, E, F, Fut, P> Stream for Walk<T, C, R, E, F, Fut, P>
where
    C: Cursor + Clone,
    E: From<RepeatedPage>,
    F: FnMut(&C) -> Fut,
    Fut: Future<Output = Result<R, E>>,
    P: FnMut(&C, R) -> Page<T, C>,
{
    type Item = Result<T, E>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if let Some(item) = this.items.next() {
                this.progress(cx);
                return Poll::Ready(Some(Ok(item)));
            }
            // The page is yielded: its buffer goes now, before another page is asked for in
            // its place, rather than when the next page takes it.
            this.items = Vec::new().into_iter();
            if let Some(error) = this.error.take() {
                return Poll::Ready(Some(Err(error)));
            }
            if this.done {
                return Poll::Ready(None);
            }
            this.fill();
            let answer = match this.ready.take() {
                Some(answer) => answer,
                None => match ready!(this.queue.poll_next_unpin(cx)) {
                    Some(answer) => answer,
                    None => {
                        this.done = true;
                        continue;
                    }
                },
            };
            let Some(cursor) = this.requested.pop_front() else {
                this.done = true;
                continue;
            };
            // The next page may decode now, while this one is read and yielded.
            this.turns.send_modify(|head| *head += 1);
            let page = match answer {
                Ok(answer) => (this.read)(&cursor, answer),
                Err(error) => {
                    this.finish();
                    return Poll::Ready(Some(Err(error)));
                }
            };
            this.followed.pages += 1;
            if let Some(last) = page.last {
                this.last = Some(last);
            }
            match page.next {
                _ if page.items.is_empty() => this.finish(),
                None => this.finish(),
                Some(next) if cursor.may_precede(&next) && this.followed.follow(&next) => {
                    if this
                        .requested
                        .front()
                        .is_some_and(|guessed| *guessed != next)
                    {
                        // A guess that the server did not confirm: start again from its page.
                        this.queue = FuturesOrdered::new();
                        this.requested.clear();
                        this.ready = None;
                    }
                    if this.requested.is_empty() {
                        this.ahead = Some(next);
                    }
                    this.guess = true;
                }
                Some(next) => {
                    this.finish();
                    this.error = Some(E::from(RepeatedPage {
                        operation: this.operation,
                        page: next.describe(),
                        pages: this.followed.pages,
                    }));
                }
            }
            this.items = page.items.into_iter();
            if !this.done {
                this.fill();
                this.progress(cx);
            }
        }
    }
}

/// A page's place in the order of its walk, and the walk's current place: a page whose
/// request comes back before its turn keeps its body undecoded until then.
///
/// A walk keeps up to `concurrency` pages fetched or in flight. Decoded, a page takes two to
/// three times its body (GitLab's users: 68 KB of JSON, 184 KB decoded), so the pages waiting
/// behind the head of the walk keep only their bodies, each in a buffer of its own size, and
/// decode when the walk reaches them; the page after the one being yielded decodes while that
/// one's items are consumed.
#[derive(Clone)]
pub(crate) struct Turn {
    mine: u64,
    now: tokio::sync::watch::Receiver<u64>,
}

thread_local! {
    /// The turn of the walk's request being polled on this thread, for the decoding deep
    /// inside it ([`Turn::waiting`]); set by [`InTurn`] for the length of one poll.
    static CURRENT: std::cell::RefCell<Option<Turn>> = const { std::cell::RefCell::new(None) };
}

impl Turn {
    /// The turn of the walk's request being polled, when it is not the page the walk reads
    /// next: its decoding is to wait for [`Turn::come`]. `None` outside a walk.
    pub(crate) fn waiting() -> Option<Turn> {
        CURRENT
            .with_borrow(Clone::clone)
            .filter(|turn| *turn.now.borrow() < turn.mine)
    }

    /// Resolves when the walk reaches this page, or has ended.
    pub(crate) async fn come(mut self) {
        // An error: the walk is gone, and nobody waits for this page.
        let _ = self.now.wait_for(|now| *now >= self.mine).await;
    }
}

pin_project_lite::pin_project! {
    /// A walk's request, polled with its [`Turn`] as the current one.
    pub(crate) struct InTurn<Fut> {
        turn: Turn,
        #[pin]
        request: Fut,
    }
}

impl<Fut: Future> Future for InTurn<Fut> {
    type Output = Fut::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Fut::Output> {
        /// Puts back the turn that was current, even if the request panics.
        struct Restore(Option<Turn>);
        impl Drop for Restore {
            fn drop(&mut self) {
                CURRENT.set(self.0.take());
            }
        }

        let this = self.project();
        let _restore = Restore(CURRENT.replace(Some(this.turn.clone())));
        this.request.poll(cx)
    }
}

/// Walks a paged list item by item, keeping up to `concurrency` pages fetched or in flight
/// (the one being yielded included) and yielding the items in the order of the list.
///
/// `fetch` sends the request for a cursor; `read` turns its answer, in the order of the list,
/// into a [`Page`]. A request that decodes its body through the runtime, as every generated
/// `send` does, decodes it only when its page is the next the walk reads: the pages answered
/// ahead of it wait with their bodies alone. The first page is fetched alone, when the stream
/// is first polled. After a page that names its next one, the walk requests that page at
/// once, and for page numbers (see [`Cursor::guess_next`]) the ones after it too, up to
/// `concurrency` pages held and not past the [`Page::last`] page the server announced; a
/// cursor that names one page at a time is fetched while the consumer works on the page
/// before it. A page the server did not name (past the last, or after a page that names
/// another) is dropped unread. With a `concurrency` of 1, each page is fetched only when the
/// consumer reaches it.
///
/// The stream ends after a page without `next`, after an empty page (a server that keeps
/// announcing more pages but sends none cannot make it loop forever), or after yielding the
/// first error, once the items of the pages before it are yielded.
///
/// A `next` that the walk has already followed (or, for page numbers, one that does not come
/// after the current page) is never fetched: the stream ends with a [`RepeatedPage`] error
/// naming `operation`, so a server whose cursors go round in circles (A, B, A) cannot make it
/// run forever. The memory for this is bounded (see [`Cursor`]): the last 1,024 cursors are
/// remembered exactly, and a longer cycle is caught within about twice its length.
pub fn walk<T, C, R, E, F, Fut, P>(
    operation: &'static str,
    first: C,
    concurrency: usize,
    fetch: F,
    read: P,
) -> Walk<T, C, R, E, F, Fut, P>
where
    C: Cursor + Clone,
    E: From<RepeatedPage>,
    F: FnMut(&C) -> Fut,
    Fut: Future<Output = Result<R, E>>,
    P: FnMut(&C, R) -> Page<T, C>,
{
    let mut followed = Followed::new();
    followed.follow(&first);
    Walk {
        operation,
        concurrency,
        fetch,
        read,
        queue: FuturesOrdered::new(),
        requested: VecDeque::new(),
        turns: tokio::sync::watch::Sender::new(0),
        ready: None,
        ahead: Some(first),
        guess: false,
        last: None,
        items: Vec::new().into_iter(),
        error: None,
        followed,
        done: false,
    }
}

/// Walks a paged list item by item, fetching each page only when the consumer reaches it:
/// [`walk`] with a concurrency of 1, whose `fetch` gives the [`Page`] itself.
pub fn paginate<T, C, E, F, Fut>(
    operation: &'static str,
    first: C,
    fetch: F,
) -> impl Stream<Item = Result<T, E>>
where
    C: Cursor + Clone,
    E: From<RepeatedPage>,
    F: FnMut(&C) -> Fut,
    Fut: Future<Output = Result<Page<T, C>, E>>,
{
    walk(operation, first, 1, fetch, |_, page| page)
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
    use std::cell::{Cell, RefCell};
    use std::rc::Rc;

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
                    last: None,
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
                    last: None,
                })
            }
        });
        let seen: Vec<_> = failing.collect().await;
        assert_eq!(seen, vec![Ok(1), Err(Failure::Boom)]);

        let endless = paginate("list_things", 1, |&n: &u32| async move {
            Ok::<_, Failure>(Page {
                items: Vec::<u32>::new(),
                next: Some(n + 1),
                last: None,
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
                    last: None,
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
                    last: None,
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

    /// A walk over pages numbered 1 to `pages`, of two items each (`10n`, `10n + 1`), each
    /// announcing the next page and the last; page `n` completes after `pages - n` yields, so later
    /// pages finish first. Counts the pages fetched and the most in flight at once.
    struct Numbered {
        pages: u32,
        fail_at: Option<u32>,
        fetched: Rc<Cell<u32>>,
        in_flight: Rc<Cell<u32>>,
        most_in_flight: Rc<Cell<u32>>,
    }

    impl Numbered {
        fn new(pages: u32) -> Self {
            Self {
                pages,
                fail_at: None,
                fetched: Rc::default(),
                in_flight: Rc::default(),
                most_in_flight: Rc::default(),
            }
        }

        fn walk(
            &self,
            concurrency: usize,
        ) -> impl Stream<Item = Result<u32, Failure>> + Unpin + use<> {
            let (pages, fail_at) = (self.pages, self.fail_at);
            let (fetched, in_flight, most) = (
                self.fetched.clone(),
                self.in_flight.clone(),
                self.most_in_flight.clone(),
            );
            walk(
                "list_things",
                1_u32,
                concurrency,
                move |&n: &u32| {
                    fetched.set(fetched.get() + 1);
                    in_flight.set(in_flight.get() + 1);
                    most.set(most.get().max(in_flight.get()));
                    let in_flight = in_flight.clone();
                    async move {
                        for _ in n..pages {
                            tokio::task::yield_now().await;
                        }
                        in_flight.set(in_flight.get() - 1);
                        if fail_at == Some(n) {
                            return Err(Failure::Boom);
                        }
                        Ok(n)
                    }
                },
                move |&n: &u32, answer: u32| Page {
                    items: vec![answer * 10, answer * 10 + 1],
                    next: (n < pages).then_some(n + 1),
                    last: Some(pages),
                },
            )
        }
    }

    fn items(pages: std::ops::RangeInclusive<u32>) -> Vec<Result<u32, Failure>> {
        pages.flat_map(|n| [Ok(n * 10), Ok(n * 10 + 1)]).collect()
    }

    #[tokio::test]
    async fn pages_fetched_at_once_come_out_in_order() {
        for concurrency in [1, 2, 4, 8] {
            let walk = Numbered::new(10);
            let got: Vec<_> = walk.walk(concurrency).collect().await;
            assert_eq!(got, items(1..=10), "concurrency {concurrency}");
            assert_eq!(walk.fetched.get(), 10, "no page past the last is fetched");
            assert_eq!(
                walk.most_in_flight.get(),
                u32::try_from(concurrency).expect("small"),
                "concurrency {concurrency}"
            );
        }
    }

    #[tokio::test]
    async fn one_page_at_a_time_fetches_each_page_when_it_is_reached() {
        let walk = Numbered::new(5);
        let mut stream = walk.walk(1);
        for page in 1..=5 {
            assert_eq!(stream.next().await, Some(Ok(page * 10)));
            assert_eq!(walk.fetched.get(), page, "page {page}");
            assert_eq!(stream.next().await, Some(Ok(page * 10 + 1)));
            assert_eq!(walk.fetched.get(), page, "page {page}");
        }
        assert_eq!(stream.next().await, None);
        assert_eq!(walk.most_in_flight.get(), 1);
    }

    #[tokio::test]
    async fn an_error_surfaces_after_the_items_before_it_and_ends_the_walk() {
        for concurrency in [1, 3, 8] {
            let mut walk = Numbered::new(10);
            walk.fail_at = Some(4);
            let got: Vec<_> = walk.walk(concurrency).collect().await;
            let mut expected = items(1..=3);
            expected.push(Err(Failure::Boom));
            assert_eq!(got, expected, "concurrency {concurrency}");
        }
    }

    #[tokio::test]
    async fn a_walk_stopped_early_fetched_at_most_its_concurrency_beyond_what_was_consumed() {
        for concurrency in [1_u32, 2, 4, 8] {
            for consumed in [1_u32, 3, 6] {
                let walk = Numbered::new(100);
                let taken: Vec<_> = walk
                    .walk(concurrency as usize)
                    .take(consumed as usize * 2)
                    .collect()
                    .await;
                assert_eq!(taken, items(1..=consumed));
                assert!(
                    walk.fetched.get() <= consumed + concurrency,
                    "{} fetched for {consumed} pages at {concurrency}",
                    walk.fetched.get()
                );
            }
        }
    }

    #[tokio::test]
    async fn pages_guessed_past_the_last_are_dropped_and_the_announced_last_bounds_guesses() {
        // Pages 1 to 3 are full; the server's page 3 names no next one, yet pages 4 and 5
        // would answer: guessed, fetched, never yielded.
        let fetched = Rc::new(RefCell::new(Vec::new()));
        let log = fetched.clone();
        let stream = walk(
            "list_things",
            1_u32,
            4,
            move |&n: &u32| {
                log.borrow_mut().push(n);
                async move { Ok::<_, Failure>(n) }
            },
            |&n: &u32, answer: u32| Page {
                items: vec![answer],
                next: (n < 3).then_some(n + 1),
                last: None,
            },
        );
        assert_eq!(stream.collect::<Vec<_>>().await, vec![Ok(1), Ok(2), Ok(3)]);
        assert_eq!(fetched.borrow()[..3], [1, 2, 3]);
        assert!(fetched.borrow().len() <= 6, "{:?}", fetched.borrow());

        // With the last page announced, nothing past it is asked for.
        let fetched = Rc::new(RefCell::new(Vec::new()));
        let log = fetched.clone();
        let stream = walk(
            "list_things",
            1_u32,
            8,
            move |&n: &u32| {
                log.borrow_mut().push(n);
                async move { Ok::<_, Failure>(n) }
            },
            |&n: &u32, answer: u32| Page {
                items: vec![answer],
                next: (n < 3).then_some(n + 1),
                last: Some(3),
            },
        );
        assert_eq!(stream.collect::<Vec<_>>().await, vec![Ok(1), Ok(2), Ok(3)]);
        assert_eq!(*fetched.borrow(), [1, 2, 3]);
    }

    #[tokio::test]
    async fn a_next_page_that_is_not_the_guess_starts_again_from_it() {
        // Page 1 names 5: the guesses 2, 3, 4 are dropped and the walk goes on from 5.
        let walk = walk(
            "list_things",
            1_u32,
            4,
            |&n: &u32| async move { Ok::<_, Failure>(n) },
            |&n: &u32, answer: u32| Page {
                items: vec![answer],
                next: match n {
                    1 => Some(5),
                    5 | 6 => Some(n + 1),
                    _ => None,
                },
                last: None,
            },
        );
        assert_eq!(
            walk.collect::<Vec<_>>().await,
            vec![Ok(1), Ok(5), Ok(6), Ok(7)]
        );
    }

    #[tokio::test]
    async fn a_cursor_is_fetched_while_the_consumer_works_on_the_page_before() {
        for (concurrency, after_first_item) in [(1, 1), (2, 2), (4, 2)] {
            let fetched = Cell::new(0);
            let mut stream = std::pin::pin!(walk(
                "list_users",
                None,
                concurrency,
                |after: &Option<String>| {
                    fetched.set(fetched.get() + 1);
                    let here: u32 = after.as_deref().map_or(0, |a| a.parse().expect("a number"));
                    async move { Ok::<_, Failure>(here) }
                },
                |_, here: u32| Page {
                    items: vec![here * 10, here * 10 + 1],
                    next: (here < 2).then(|| Some((here + 1).to_string())),
                    last: None,
                },
            ));
            assert_eq!(stream.next().await, Some(Ok(0)));
            assert_eq!(fetched.get(), after_first_item, "concurrency {concurrency}");
            let rest: Vec<_> = stream.collect().await;
            assert_eq!(rest, vec![Ok(1), Ok(10), Ok(11), Ok(20), Ok(21)]);
            assert_eq!(fetched.get(), 3);
        }
    }

    #[tokio::test]
    async fn a_repeated_cursor_is_never_fetched_ahead() {
        // A, B, A with prefetch: the second A is refused before any request.
        let fetched = Cell::new(0);
        let walk = walk(
            "list_users",
            None,
            4,
            |after: &Option<String>| {
                fetched.set(fetched.get() + 1);
                let here = after.clone().unwrap_or_default();
                async move { Ok::<_, Failure>(here) }
            },
            |_, here: String| {
                let next = match here.as_str() {
                    "" => "a",
                    "a" => "b",
                    _ => "a",
                };
                Page {
                    items: vec![here],
                    next: Some(Some(next.to_string())),
                    last: None,
                }
            },
        );
        let got: Vec<_> = walk.collect().await;
        assert_eq!(got.len(), 4);
        assert!(
            matches!(&got[3], Err(Failure::Repeated(r)) if r.pages == 3),
            "{got:?}"
        );
        assert_eq!(fetched.get(), 3);
    }

    thread_local! {
        /// The pages [`Logged`] decoded on this thread, in order.
        static DECODED: RefCell<Vec<u32>> = const { RefCell::new(Vec::new()) };
    }

    /// A page number whose decoding is logged in [`DECODED`].
    struct Logged(u32);

    impl<'de> serde::Deserialize<'de> for Logged {
        fn deserialize<D: serde::Deserializer<'de>>(decoder: D) -> Result<Self, D::Error> {
            let page = u32::deserialize(decoder)?;
            DECODED.with_borrow_mut(|decoded| decoded.push(page));
            Ok(Logged(page))
        }
    }

    #[tokio::test]
    async fn pages_behind_the_next_one_keep_their_bodies_until_the_walk_reaches_them() {
        // Pages 1 to 6, each body decoded as a client decodes it, later pages answered first.
        let pages = 6;
        let mut stream = walk(
            "list_things",
            1_u32,
            4,
            |&n: &u32| {
                let answer = http::Response::builder()
                    .header("content-type", "application/json")
                    .body(n.to_string())
                    .expect("a response");
                async move {
                    // Later pages come back first.
                    for _ in n..pages {
                        tokio::task::yield_now().await;
                    }
                    crate::error::decode::<Logged, ()>(
                        answer.into(),
                        "list_things",
                        1024,
                        None,
                        None,
                    )
                    .await
                }
            },
            |&n: &u32, answer: progenitor_client::ResponseValue<Logged>| Page {
                items: vec![answer.0 * 10, answer.0 * 10 + 1],
                next: (n < pages).then_some(n + 1),
                last: Some(pages),
            },
        );
        for page in 1..=pages {
            for item in [page * 10, page * 10 + 1] {
                assert_eq!(stream.next().await.map(Result::ok), Some(Some(item)));
                // Up to 4 pages are answered, the later ones first, but they decode in the
                // order of the walk, and no further than the page after this one.
                let decoded = DECODED.with_borrow(Clone::clone);
                let in_order: Vec<u32> = (1..=pages).take(decoded.len()).collect();
                assert_eq!(decoded, in_order, "at item {item}");
                assert!(
                    decoded.len() <= page as usize + 1,
                    "at item {item}: {decoded:?}"
                );
            }
        }
        assert!(stream.next().await.is_none());
        assert_eq!(DECODED.with_borrow(Vec::len), 6);
    }
}
