//! Lazy streams over Okta's cursor-paged lists, which name the next page in the `Link` header
//! (`<...?after=CURSOR&limit=N>; rel="next"`).

use std::future::Future;

use futures_core::Stream;
use user_apis_runtime::{Page, next_link_param, paginate};

use crate::generated::{Error, ResponseValue, builder, types};

/// The error every Okta operation returns.
type ApiResult<T> = Result<T, Error<types::ApiError>>;

/// Walks pages of `operation` from the first (`None`) through each `after` cursor the server
/// announces.
fn walk<'a, T, Fut>(
    operation: &'static str,
    mut fetch: impl FnMut(Option<String>) -> Fut + Send + 'a,
) -> impl Stream<Item = ApiResult<T>> + Send + Unpin + 'a
where
    T: Send + 'a,
    Fut: Future<Output = ApiResult<ResponseValue<Vec<T>>>> + Send + 'a,
{
    Box::pin(paginate(operation, None, move |after: &Option<String>| {
        let response = fetch(after.clone());
        async move {
            let response = response.await?;
            // A cursor already followed (the one just sent included) ends the walk in
            // `paginate`, with an error.
            let next = next_link_param(response.headers(), "after").map(Some);
            Ok(Page {
                items: response.into_inner(),
                next,
            })
        }
    }))
}

macro_rules! stream_method {
    ($($builder:ident($operation:literal) => $item:ident),* $(,)?) => {$(
        impl<'a> builder::$builder<'a> {
            /// Every item of every page, fetched one page at a time as the stream is consumed.
            ///
            /// The other parameters set on this builder (such as `limit`, the page size) apply
            /// to every page; the stream starts at the `after` cursor set on this builder, if
            /// any (to resume a walk), and follows the `after` cursor of each response's `Link`
            /// header. It ends after the last page or after the first error; a cursor the
            /// stream has already followed is that error (`Error::RepeatedPage`), rather than
            /// a walk round in circles.
            pub fn stream(self) -> impl Stream<Item = ApiResult<types::$item>> + Send + Unpin + 'a {
                walk($operation, move |after| match after {
                    Some(after) => self.clone().after(after).send(),
                    None => self.clone().send(),
                })
            }
        }
    )*};
}

stream_method!(
    ListUsers("list_users") => User,
    ListUserGroups("list_user_groups") => Group,
    ListGroupTargetsForRole("list_group_targets_for_role") => Group,
);
