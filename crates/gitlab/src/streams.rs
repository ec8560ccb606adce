//! Lazy streams over GitLab's paged lists, which page with `page` and `per_page` and announce
//! the next page in the `X-Next-Page` header or the `Link` header.

use std::future::Future;

use futures_core::Stream;
use reqwest::header::HeaderMap;
use user_apis_runtime::{Page, next_link_param, paginate};

use crate::generated::{Error, ResponseValue, builder, types};

/// The error every GitLab operation returns.
type ApiResult<T> = Result<T, Error<types::ApiError>>;

/// The page after `current`, from `X-Next-Page` or else from the `Link` header's `rel="next"`.
///
/// GitLab sends an empty `X-Next-Page` on the last page, and leaves out the `X-` headers on
/// very large lists, where only `Link` remains. A next page that is not after `current` is
/// ignored, so a confused server cannot make a stream go round in circles.
fn next_page(headers: &HeaderMap, current: u64) -> Option<u64> {
    let parse = |text: &str| text.trim().parse::<u64>().ok();
    let next = headers
        .get("x-next-page")
        .and_then(|value| value.to_str().ok())
        .and_then(parse)
        .or_else(|| next_link_param(headers, "page").as_deref().and_then(parse))?;
    (next > current).then_some(next)
}

/// Walks pages `first`, `first + 1`, ... for as long as GitLab announces a next page.
fn walk<'a, T, Fut>(
    first: u64,
    mut fetch: impl FnMut(u64) -> Fut + Send + 'a,
) -> impl Stream<Item = ApiResult<T>> + Send + Unpin + 'a
where
    T: Send + 'a,
    Fut: Future<Output = ApiResult<ResponseValue<Vec<T>>>> + Send + 'a,
{
    Box::pin(paginate(first, move |page| {
        let response = fetch(page);
        async move {
            let response = response.await?;
            let next = next_page(response.headers(), page);
            Ok(Page {
                items: response.into_inner(),
                next,
            })
        }
    }))
}

macro_rules! stream_method {
    ($($builder:ident => $item:ident),* $(,)?) => {$(
        impl<'a> builder::$builder<'a> {
            /// Every item of every page, fetched one page at a time as the stream is consumed.
            ///
            /// The other parameters set on this builder (filters, `per_page`, `sudo`) apply to
            /// every page; the stream sets `page` itself, starting at the `page` set on this
            /// builder (to resume a walk), else at 1. Set `per_page` (at most 100) for fewer
            /// requests. The stream ends after the last page or after the first error (a `page`
            /// the builder refused, such as 0, is that error, before any request).
            pub fn stream(self) -> impl Stream<Item = ApiResult<types::$item>> + Send + Unpin + 'a {
                let first = self.page.clone().ok().flatten().map_or(1, |page| page.get());
                // A `page` the builder refused (0) stays refused: the first request fails with
                // it, as `send` would, rather than the walk starting at 1.
                let refused = self.page.is_err();
                walk(first, move |page| {
                    let request = self.clone();
                    if refused { request } else { request.page(page) }.send()
                })
            }
        }
    )*};
}

stream_method!(
    ListUsers => UserWithAdmin,
    ListUserFollowers => UserBasic,
    ListUserFollowing => UserBasic,
    ListUserEmails => Email,
    ListUserGpgKeys => GpgKey,
    ListUserSshKeys => SshKey,
    ListUserProjectDeployKeys => DeployKey,
    ListUserMemberships => Membership,
    ListImpersonationTokens => ImpersonationToken,
);

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
        assert_eq!(next_page(&headers(&[("x-next-page", "3")]), 2), Some(3));
        let link = r#"<https://gitlab.example.com/api/v4/users?page=4&per_page=2>; rel="next""#;
        assert_eq!(next_page(&headers(&[("link", link)]), 3), Some(4));
        // An empty X-Next-Page (the last page) falls back to Link, which has no next either.
        let last = r#"<https://gitlab.example.com/api/v4/users?page=1>; rel="first""#;
        assert_eq!(
            next_page(&headers(&[("x-next-page", ""), ("link", last)]), 5),
            None
        );
        assert_eq!(next_page(&HeaderMap::new(), 1), None);
    }

    #[test]
    fn a_next_page_that_goes_backwards_or_is_garbage_ends_the_walk() {
        assert_eq!(next_page(&headers(&[("x-next-page", "2")]), 2), None);
        assert_eq!(next_page(&headers(&[("x-next-page", "1")]), 4), None);
        assert_eq!(next_page(&headers(&[("x-next-page", "soon")]), 1), None);
        assert_eq!(next_page(&headers(&[("x-next-page", "-1")]), 1), None);
    }
}
