//! Bulk work: one operation applied to many items, a bounded number at a time, each item's
//! result returned in the order of the items.

use std::future::Future;

use futures_util::StreamExt;

/// Runs `operation` on every item of `items`, at most `concurrency` at a time (at least one),
/// and returns each item's result, in the order of `items`.
///
/// A new item starts as soon as any running one ends, so a slow item does not hold the others
/// back. Every item runs, whatever the others' results: failures are in the results, at their
/// items' places. Each call of a client goes through its pacing and its cap on requests in
/// flight as usual, so `concurrency` may be larger than what the server allows at once.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// use user_apis_runtime::bulk;
///
/// let ids = ["00u1", "00u2", "bad id", "00u4"];
/// let results = bulk(ids, 16, |id| async move {
///     // A client call, such as `client.deactivate_user().user_id(id).send().await`.
///     if id.contains(' ') { Err(format!("{id:?} is not an id")) } else { Ok(id.len()) }
/// })
/// .await;
/// // Which failed, and why.
/// let failed: Vec<_> = ids.iter().zip(&results).filter_map(|(id, result)| {
///     result.as_ref().err().map(|error| (*id, error.clone()))
/// }).collect();
/// assert_eq!(failed, [("bad id", "\"bad id\" is not an id".to_string())]);
/// assert_eq!(results[3], Ok(4));
/// # }
/// ```
pub async fn bulk<I, F, Fut>(items: I, concurrency: usize, mut operation: F) -> Vec<Fut::Output>
where
    I: IntoIterator,
    F: FnMut(I::Item) -> Fut,
    Fut: Future,
{
    let mut results: Vec<Option<Fut::Output>> = Vec::new();
    let mut done = futures_util::stream::iter(items.into_iter().enumerate())
        .map(|(index, item)| {
            let running = operation(item);
            async move { (index, running.await) }
        })
        .buffer_unordered(concurrency.max(1));
    while let Some((index, result)) = done.next().await {
        if results.len() <= index {
            results.resize_with(index + 1, || None);
        }
        results[index] = Some(result);
    }
    // Every item's future ran to its end, so every place is filled.
    results.into_iter().flatten().collect()
}
