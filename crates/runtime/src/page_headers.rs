//! The paging headers a provider sends with a page, for the typed mocks' `page` answers.

use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};

/// The headers GitLab sends with page `page` (from 1) of a list of `total` items in pages of
/// `per_page`: `X-Page`, `X-Per-Page`, `X-Total`, `X-Total-Pages`, `X-Next-Page` and
/// `X-Prev-Page` (empty at either end) and `Link` with `rel="next"`, `"prev"`, `"first"` and
/// `"last"`.
///
/// The `Link` targets are relative (`<?page=2&per_page=20>`): they carry the page parameters,
/// which is what a stream reads from them.
///
/// ```
/// let headers = user_apis_runtime::numbered_page_headers(1, 2, 3);
/// assert!(headers.contains(&("x-next-page", "2".to_string())));
/// assert!(headers.contains(&("x-total-pages", "2".to_string())));
/// ```
pub fn numbered_page_headers(page: u64, per_page: u64, total: u64) -> Vec<(&'static str, String)> {
    let pages = total.div_ceil(per_page.max(1)).max(1);
    let next = (page < pages).then(|| page + 1);
    let prev = (page > 1).then(|| page.saturating_sub(1).min(pages));
    let number = |n: Option<u64>| n.map(|n| n.to_string()).unwrap_or_default();
    let link = |n: u64, rel: &str| format!("<?page={n}&per_page={per_page}>; rel=\"{rel}\"");
    let mut links = Vec::new();
    if let Some(next) = next {
        links.push(link(next, "next"));
    }
    if let Some(prev) = prev {
        links.push(link(prev, "prev"));
    }
    links.push(link(1, "first"));
    links.push(link(pages, "last"));
    vec![
        ("x-page", page.to_string()),
        ("x-per-page", per_page.to_string()),
        ("x-total", total.to_string()),
        ("x-total-pages", pages.to_string()),
        ("x-next-page", number(next)),
        ("x-prev-page", number(prev)),
        ("link", links.join(", ")),
    ]
}

/// The `Link` header Okta sends with a page of a cursor-paged list: `rel="next"` naming the
/// `after` cursor of the next page, when there is one.
///
/// The target is relative (`<?after=00u2>`): it carries the cursor, which is what a stream
/// reads from it.
///
/// ```
/// let headers = user_apis_runtime::cursor_page_headers(Some("00u2"));
/// assert_eq!(headers, [("link", "<?after=00u2>; rel=\"next\"".to_string())]);
/// assert!(user_apis_runtime::cursor_page_headers(None).is_empty());
/// ```
pub fn cursor_page_headers(next: Option<&str>) -> Vec<(&'static str, String)> {
    next.map(|after| {
        let after = utf8_percent_encode(after, NON_ALPHANUMERIC);
        ("link", format!("<?after={after}>; rel=\"next\""))
    })
    .into_iter()
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::next_link_param;
    use reqwest::header::{HeaderMap, HeaderName, HeaderValue};

    fn map(headers: Vec<(&'static str, String)>) -> HeaderMap {
        headers
            .into_iter()
            .map(|(name, value)| {
                (
                    HeaderName::from_static(name),
                    HeaderValue::from_str(&value).expect("a header value"),
                )
            })
            .collect()
    }

    #[test]
    fn numbered_pages_name_their_neighbours_and_the_streams_read_them() {
        let middle = numbered_page_headers(2, 20, 45);
        assert_eq!(
            middle,
            [
                ("x-page", "2".to_string()),
                ("x-per-page", "20".to_string()),
                ("x-total", "45".to_string()),
                ("x-total-pages", "3".to_string()),
                ("x-next-page", "3".to_string()),
                ("x-prev-page", "1".to_string()),
                (
                    "link",
                    "<?page=3&per_page=20>; rel=\"next\", <?page=1&per_page=20>; rel=\"prev\", \
                     <?page=1&per_page=20>; rel=\"first\", <?page=3&per_page=20>; rel=\"last\""
                        .to_string()
                ),
            ]
        );
        assert_eq!(next_link_param(&map(middle), "page").as_deref(), Some("3"));
        let last = map(numbered_page_headers(3, 20, 45));
        assert_eq!(last["x-next-page"], "");
        assert_eq!(next_link_param(&last, "page"), None);
        // An empty list is one empty page.
        let empty = map(numbered_page_headers(1, 20, 0));
        assert_eq!(empty["x-total-pages"], "1");
        assert_eq!(empty["x-next-page"], "");
    }

    #[test]
    fn a_cursor_is_encoded_and_read_back() {
        let headers = map(cursor_page_headers(Some("a b&c")));
        assert_eq!(next_link_param(&headers, "after").as_deref(), Some("a b&c"));
    }
}
