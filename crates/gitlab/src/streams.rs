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
/// very large lists, where only `Link` remains. A next page that is not after the current one
/// ends the walk in `paginate`, with an error, so a confused server cannot make a stream go
/// round in circles.
fn next_page(headers: &HeaderMap) -> Option<u64> {
    let parse = |text: &str| text.trim().parse::<u64>().ok();
    headers
        .get("x-next-page")
        .and_then(|value| value.to_str().ok())
        .and_then(parse)
        .or_else(|| next_link_param(headers, "page").as_deref().and_then(parse))
}

/// Walks pages `first`, `first + 1`, ... of `operation` for as long as GitLab announces a next
/// page.
fn walk<'a, T, Fut>(
    operation: &'static str,
    first: u64,
    mut fetch: impl FnMut(u64) -> Fut + Send + 'a,
) -> impl Stream<Item = ApiResult<T>> + Send + Unpin + 'a
where
    T: Send + 'a,
    Fut: Future<Output = ApiResult<ResponseValue<Vec<T>>>> + Send + 'a,
{
    Box::pin(paginate(operation, first, move |&page: &u64| {
        let response = fetch(page);
        async move {
            let response = response.await?;
            let next = next_page(response.headers());
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
            /// The other parameters set on this builder (filters, `per_page`, `sudo`) apply to
            /// every page; the stream sets `page` itself, starting at the `page` set on this
            /// builder (to resume a walk), else at 1. Set `per_page` (at most 100) for fewer
            /// requests. The stream ends after the last page or after the first error (a `page`
            /// the builder refused, such as 0, is that error, before any request; a next page
            /// that is not after the current one is that error too, `Error::RepeatedPage`).
            pub fn stream(self) -> impl Stream<Item = ApiResult<types::$item>> + Send + Unpin + 'a {
                let first = self.page.clone().ok().flatten().map_or(1, |page| page.get());
                // A `page` the builder refused (0) stays refused: the first request fails with
                // it, as `send` would, rather than the walk starting at 1.
                let refused = self.page.is_err();
                walk($operation, first, move |page| {
                    let request = self.clone();
                    if refused { request } else { request.page(page) }.send()
                })
            }
        }
    )*};
}

stream_method!(
    ListUsers("list_users") => UserWithAdmin,
    ListUserFollowers("list_user_followers") => UserBasic,
    ListUserFollowing("list_user_following") => UserBasic,
    ListUserEmails("list_user_emails") => Email,
    ListUserGpgKeys("list_user_gpg_keys") => GpgKey,
    ListUserSshKeys("list_user_ssh_keys") => SshKey,
    ListUserProjectDeployKeys("list_user_project_deploy_keys") => DeployKey,
    ListUserMemberships("list_user_memberships") => Membership,
    ListImpersonationTokens("list_impersonation_tokens") => ImpersonationToken,
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
}
