//! Lazy streams over SendAuth's paged lists, which page with `page` and `perPage` and report
//! the `total` number of items.

use std::future::Future;
use std::hash::{Hash, Hasher};

use futures_core::Stream;
use user_apis_runtime::{Cursor, Page, paginate};

use crate::generated::{Error, ResponseValue, builder, types};

/// The error every SendAuth operation returns.
type ApiResult<T> = Result<T, Error<types::ApiError>>;

/// The most items SendAuth puts on a page (its `perPage` maximum).
const MAX_PER_PAGE: u64 = 100;

/// A page body: its rows and the total across all pages.
trait Paged {
    type Item;
    fn into_parts(self) -> (Vec<Self::Item>, Option<i64>);
}

macro_rules! paged {
    ($($page:ident => $item:ident),* $(,)?) => {$(
        impl Paged for types::$page {
            type Item = types::$item;
            fn into_parts(self) -> (Vec<types::$item>, Option<i64>) {
                (self.rows, self.total)
            }
        }
    )*};
}

paged!(UserPage => User, AuditPage => Audit, TransactionPage => Transaction);

/// Where a walk is: the page to fetch next, and the items on the pages before it.
#[derive(Clone, Copy)]
struct Position {
    page: u64,
    before: u64,
}

/// A position is its page: the count of items before it is what the walk knows of it.
impl Hash for Position {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.page.hash(state);
    }
}

impl Cursor for Position {
    fn describe(&self) -> String {
        self.page.describe()
    }

    fn may_precede(&self, next: &Self) -> bool {
        self.page.may_precede(&next.page)
    }
}

/// Walks pages `first`, `first + 1`, ... of `operation` until `total` items have been seen, counting
/// `before` items on the pages before `first` (or, without `total`, until a page comes back
/// empty, which also ends a resumed walk whose `before` is not known).
fn walk<'a, P, Fut>(
    operation: &'static str,
    first: u64,
    before: u64,
    mut fetch: impl FnMut(u64) -> Fut + Send + 'a,
) -> impl Stream<Item = ApiResult<P::Item>> + Send + Unpin + 'a
where
    P: Paged + 'a,
    P::Item: Send,
    Fut: Future<Output = ApiResult<ResponseValue<P>>> + Send + 'a,
{
    let start = Position {
        page: first,
        before,
    };
    Box::pin(paginate(
        operation,
        start,
        move |&Position { page, before }| {
            let response = fetch(page);
            async move {
                let (items, total) = response.await?.into_inner().into_parts();
                let seen = before.saturating_add(items.len() as u64);
                let more = total.is_none_or(|total| seen < u64::try_from(total).unwrap_or(0));
                Ok(Page {
                    items,
                    // After the last page a `u64` can number, there is none to ask for.
                    next: more
                        .then(|| {
                            Some(Position {
                                page: page.checked_add(1)?,
                                before: seen,
                            })
                        })
                        .flatten(),
                })
            }
        },
    ))
}

macro_rules! stream_method {
    ($($builder:ident($operation:literal) => $item:ident),* $(,)?) => {$(
        impl<'a> builder::$builder<'a> {
            /// Every item of every page, fetched one page at a time as the stream is consumed.
            ///
            /// The other parameters set on this builder apply to every page; the stream sets
            /// `page` itself, starting at the `page` set on this builder (to resume a walk),
            /// else at 1. Set `per_page` (at most 100) for fewer requests. The stream ends
            /// after the last page or after the first error (a `page` the builder refused, such
            /// as 0, is that error, before any request). (A walk resumed without
            /// `per_page` cannot count the items before it, so it ends at the first empty
            /// page: one request more.)
            pub fn stream(self) -> impl Stream<Item = ApiResult<types::$item>> + Send + Unpin + 'a {
                let first = self.page.clone().ok().flatten().map_or(1, |page| page.get());
                let before = self
                    .per_page
                    .clone()
                    .ok()
                    .flatten()
                    // The items the server put on each earlier page: it serves at most
                    // `MAX_PER_PAGE`, whatever was asked.
                    .map_or(0, |per_page| {
                        (first - 1).saturating_mul(per_page.get().min(MAX_PER_PAGE))
                    });
                // A `page` the builder refused (0) stays refused: the first request fails with
                // it, as `send` would, rather than the walk starting at 1.
                let refused = self.page.is_err();
                walk($operation, first, before, move |page| {
                    let request = self.clone();
                    if refused { request } else { request.page(page) }.send()
                })
            }
        }
    )*};
}

stream_method!(
    ListUsers("list_users") => User,
    ListDeletedUsers("list_deleted_users") => User,
    GetUserAudits("get_user_audits") => Audit,
    GetUserTransactions("get_user_transactions") => Transaction,
);
