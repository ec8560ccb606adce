//! Lazy streams over Mattermost's paged lists, which page with `page` (counting from 0) and a
//! page size, and say nothing about how many items remain.

use std::future::Future;

use futures_core::Stream;
use user_apis_runtime::{Page, paginate};

use crate::generated::{Error, ResponseValue, builder, types};

/// The error every Mattermost operation returns.
type ApiResult<T> = Result<T, Error<types::AppError>>;

/// The page size the server uses when a request names none.
const DEFAULT_PER_PAGE: i32 = 60;

/// The largest page the server sends, whatever a request asks for.
const MAX_PER_PAGE: i32 = 200;

/// The number of items a full page holds when a request asks for `per_page`: the server's
/// default when none (or a negative one) is given, and never more than its maximum.
fn page_size(per_page: Option<i32>) -> usize {
    let size = match per_page {
        Some(size) if size >= 0 => size.min(MAX_PER_PAGE),
        _ => DEFAULT_PER_PAGE,
    };
    usize::try_from(size).unwrap_or(0)
}

/// The page a stream starts at: the one set on the builder (0 for a negative one), else 0.
fn first_page(page: &Result<Option<i32>, String>) -> i32 {
    page.clone().ok().flatten().map_or(0, |page| page.max(0))
}

/// Walks pages `first`, `first + 1`, ... of `operation` and stops after a page with fewer than `full` items
/// (the last one), or an empty one (a page size of 0 asks for none, and gets none).
fn walk<'a, T, Fut>(
    operation: &'static str,
    first: i32,
    full: usize,
    mut fetch: impl FnMut(i32) -> Fut + Send + 'a,
) -> impl Stream<Item = ApiResult<T>> + Send + Unpin + 'a
where
    T: Send + 'a,
    Fut: Future<Output = ApiResult<ResponseValue<Vec<T>>>> + Send + 'a,
{
    Box::pin(paginate(operation, first, move |&page: &i32| {
        let response = fetch(page);
        async move {
            let items = response.await?.into_inner();
            let more = !items.is_empty() && items.len() >= full;
            Ok(Page {
                next: more.then(|| page.checked_add(1)).flatten(),
                items,
            })
        }
    }))
}

macro_rules! per_page_stream {
    ($($builder:ident($operation:literal, $size:ident) => $item:ident),* $(,)?) => {$(
        impl<'a> builder::$builder<'a> {
            /// Every item of every page, fetched one page at a time as the stream is consumed.
            ///
            /// The stream sets `page` itself, from the `page` set on this builder (to resume a
            /// walk), else from 0; the other parameters set on this builder apply to every
            #[doc = concat!(
                "page. Pages hold `", stringify!($size), "` items (60 when it is not set, at ",
                "most 200), and the stream ends after the first page shorter than that, which ",
                "is the last one, or after the first error (a `page` the builder refused, ",
                "out of range, is that error, before any request)."
            )]
            pub fn stream(self) -> impl Stream<Item = ApiResult<types::$item>> + Send + Unpin + 'a {
                let full = page_size(self.$size.clone().ok().flatten());
                // A `page` the builder refused (out of range) stays refused: the first request
                // fails with it, as `send` would, rather than the walk starting at 0.
                let refused = self.page.is_err();
                walk($operation, first_page(&self.page), full, move |page| {
                    let request = self.clone();
                    if refused { request } else { request.page(page) }.send()
                })
            }
        }
    )*};
}

per_page_stream!(
    ListUsers("list_users", per_page) => User,
    ListUserAccessTokens("list_user_access_tokens", per_page) => AccessTokenInfo,
    ListUserAccessTokensForUser("list_user_access_tokens_for_user", per_page) => AccessTokenInfo,
    // `page_size` is sent as `per_page`.
    ListChannelMembersForUser("list_channel_members_for_user", page_size) => ChannelMemberWithTeamData,
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_page_follows_the_server_rules() {
        assert_eq!(page_size(None), 60);
        assert_eq!(page_size(Some(-1)), 60);
        assert_eq!(page_size(Some(0)), 0);
        assert_eq!(page_size(Some(25)), 25);
        assert_eq!(page_size(Some(200)), 200);
        assert_eq!(page_size(Some(1000)), 200);
    }
}
