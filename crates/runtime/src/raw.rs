//! `RawBodies`: the bodies of a client's success answers as the server sent them, kept for a
//! caller that prints them (the command-line tool).

use std::sync::{Arc, Mutex, PoisonError};

use bytes::Bytes;
use reqwest::StatusCode;

/// The JSON body of the last success (2xx) answer a client read, as the server sent it.
///
/// A client configured with [`ClientConfig::keep_raw_bodies`](crate::ClientConfig::keep_raw_bodies)
/// keeps here each 2xx JSON body it reads for an operation's result, whether it decoded or not:
/// the whole body, or the start of one cut short. A body longer than the maximum body size is
/// not kept. Each body replaces the one before, and [`take`](Self::take) empties the place.
/// Clones share the place. A client without it keeps nothing and does no work for it.
#[derive(Debug, Clone, Default)]
pub struct RawBodies(Arc<Mutex<Option<Bytes>>>);

impl RawBodies {
    /// An empty place, to hand to `ClientConfig::keep_raw_bodies`.
    pub fn new() -> Self {
        Self::default()
    }

    /// The last body kept since the previous `take`, if any.
    pub fn take(&self) -> Option<Bytes> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).take()
    }

    /// Keeps `body` when `status` is a success.
    pub(crate) fn keep(&self, status: StatusCode, body: &Bytes) {
        if status.is_success() {
            *self.0.lock().unwrap_or_else(PoisonError::into_inner) = Some(body.clone());
        }
    }
}
