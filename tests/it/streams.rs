//! Page streams, for every provider, where a page is refused: by the builder, before any
//! request, or by the server amid the walk, whose error then surfaces at its place.

use httpmock::MockServer;
use user_apis_tests::{any_request, mock_config};

use crate::providers::{Provider, each_provider};

/// A first page the builder refuses is refused by the stream as by `send`, before any
/// request; the walk does not quietly start at another page instead.
async fn a_stream_from_a_page_the_builder_refused_fails_without_a_request(provider: Provider) {
    let server = MockServer::start_async().await;
    let any = any_request(&server, provider.empty_list()).await;
    let page = provider.refused_page().expect("numbered pages");

    let results = provider
        .client(mock_config(&server))
        .stream(Some(page))
        .await;

    assert_eq!(results.len(), 1, "{results:?}");
    let refused = results[0].as_ref().expect_err("refused");
    assert_eq!(refused.variant, "InvalidRequest", "{refused:?}");
    assert!(refused.message.contains("page"), "{refused:?}");
    any.assert_calls_async(0).await;
}
each_provider!(a_stream_from_a_page_the_builder_refused_fails_without_a_request: gitlab, mattermost, sendauth);

/// Page 2 of 4 is refused: the stream yields page 1's item, then the error, and nothing
/// after. One page at a time, the pages after it are never asked for; with pages fetched
/// ahead, the error still surfaces at its place, after the items before it.
async fn an_error_amid_the_pages_surfaces_at_its_place(provider: Provider) {
    for concurrency in [1, 4] {
        let server = MockServer::start_async().await;
        let mut pages = Vec::new();
        for n in 1..=4 {
            let status = if n == 2 { 403 } else { 200 };
            pages.push(provider.serve_page(&server, n, 4, status).await);
        }
        let client = provider.client(mock_config(&server).walk_concurrency(concurrency));

        let results = client.stream(None).await;

        let context = format!("{concurrency} at a time: {results:?}");
        assert_eq!(results.len(), 2, "{context}");
        assert_eq!(
            results[0].as_ref().ok(),
            Some(&provider.item(1)),
            "{context}"
        );
        let refused = results[1].as_ref().err();
        assert_eq!(refused.and_then(|e| e.status), Some(403), "{context}");
        pages[0].assert_calls_async(1).await;
        pages[1].assert_calls_async(1).await;
        if concurrency == 1 {
            pages[2].assert_calls_async(0).await;
            pages[3].assert_calls_async(0).await;
        }
    }
}
each_provider!(an_error_amid_the_pages_surfaces_at_its_place);
