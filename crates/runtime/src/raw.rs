//! `RawBodies`: the bodies of a client's success answers as the server sent them, kept for a
//! caller that prints them (the command-line tool).

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, PoisonError};

use bytes::Bytes;
use reqwest::{StatusCode, Url};

/// How many bodies a [`RawBodies`] holds at most: the pages a walk may hold at once.
const KEPT: usize = 16;

/// The JSON bodies of the last success (2xx) answers a client read, as the server sent them.
///
/// A client configured with [`ClientConfig::keep_raw_bodies`](crate::ClientConfig::keep_raw_bodies)
/// keeps here each 2xx JSON body it reads for an operation's result, whether it decoded or not:
/// the whole body, or the start of one cut short, with the URL it answered. A body longer than
/// the maximum body size is not kept. The last 16 are kept, in the order they were read;
/// [`take`](Self::take) and [`take_all`](Self::take_all) empty the place. Clones share the
/// place. A client without it keeps nothing and does no work for it.
#[derive(Debug, Clone, Default)]
pub struct RawBodies(Arc<Mutex<VecDeque<(Url, Bytes)>>>);

impl RawBodies {
    /// An empty place, to hand to `ClientConfig::keep_raw_bodies`.
    pub fn new() -> Self {
        Self::default()
    }

    /// The last body kept since the previous `take`, if any; the others are dropped.
    pub fn take(&self) -> Option<Bytes> {
        self.take_all().pop().map(|(_, body)| body)
    }

    /// Every body kept since the previous `take`, in the order they were read, each with the
    /// URL it answered.
    pub fn take_all(&self) -> Vec<(Url, Bytes)> {
        std::mem::take(&mut *self.0.lock().unwrap_or_else(PoisonError::into_inner)).into()
    }

    /// The body of the page a walk yields next, after the page numbered `after` (`None`
    /// before the first), and its `page` number: of the bodies kept, the one answering the
    /// lowest `page` query parameter after `after` (a walk by page numbers reads several pages
    /// at once, in any order), else the first read (a walk by cursors reads one page at a time,
    /// in order). Bodies of pages at or before `after`, which the walk read ahead and dropped,
    /// are dropped; the others stay kept.
    pub fn take_page(&self, after: Option<u64>) -> Option<(Option<u64>, Bytes)> {
        let number = |url: &Url| {
            url.query_pairs()
                .find(|(name, _)| name == "page")
                .and_then(|(_, value)| value.parse::<u64>().ok())
        };
        let mut kept = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        kept.retain(|(url, _)| number(url).is_none_or(|page| after.is_none_or(|a| page > a)));
        let next = kept
            .iter()
            .enumerate()
            .filter_map(|(index, (url, _))| number(url).map(|page| (page, index)))
            .min();
        let (page, index) = match next {
            Some((page, index)) => (Some(page), index),
            None => (None, 0),
        };
        kept.remove(index).map(|(_, body)| (page, body))
    }

    /// Keeps `body`, the answer to `url`, when `status` is a success.
    pub(crate) fn keep(&self, status: StatusCode, url: &Url, body: &Bytes) {
        if status.is_success() {
            let mut kept = self.0.lock().unwrap_or_else(PoisonError::into_inner);
            if kept.len() == KEPT {
                kept.pop_front();
            }
            kept.push_back((url.clone(), body.clone()));
        }
    }
}
