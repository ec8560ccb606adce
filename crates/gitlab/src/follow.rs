//! Following and unfollowing as idempotent calls: GitLab's `304 Not Modified`, which it sends
//! when nothing changed, read as `Ok(None)`.

use progenitor_client::ResponseValue;
use reqwest::StatusCode;

use crate::{Error, builder, types};

/// What a follow or unfollow returns when it may find nothing to change.
type Unchanged = Result<Option<ResponseValue<types::PublicUser>>, Error<types::ApiError>>;

impl builder::FollowUser<'_> {
    /// Sends the request as [`send`](Self::send) does, except that GitLab's answer when the
    /// caller already follows the user, `304 Not Modified`, is `Ok(None)` rather than an
    /// unexpected response: following becomes idempotent. `Ok(Some(user))` is the user now
    /// followed.
    ///
    /// # Errors
    ///
    /// As `send`, for every answer but 201 and 304.
    pub async fn send_or_unchanged(self) -> Unchanged {
        not_modified_is_none(self.send().await)
    }
}

impl builder::UnfollowUser<'_> {
    /// Sends the request as [`send`](Self::send) does, except that GitLab's answer when the
    /// caller does not follow the user, `304 Not Modified`, is `Ok(None)` rather than an
    /// unexpected response: unfollowing becomes idempotent. `Ok(Some(user))` is the user no
    /// longer followed.
    ///
    /// # Errors
    ///
    /// As `send`, for every answer but 201 and 304.
    pub async fn send_or_unchanged(self) -> Unchanged {
        not_modified_is_none(self.send().await)
    }
}

/// `Ok(None)` for a `304 Not Modified`, which the operations do not document (so `send`
/// reports it as an unexpected response); anything else as it came.
// The error type is the one every generated operation returns, large or not.
#[allow(clippy::result_large_err)]
fn not_modified_is_none(
    result: Result<ResponseValue<types::PublicUser>, Error<types::ApiError>>,
) -> Unchanged {
    match result {
        Ok(user) => Ok(Some(user)),
        Err(Error::UnexpectedResponse(response))
            if response.status() == StatusCode::NOT_MODIFIED =>
        {
            Ok(None)
        }
        Err(error) => Err(error),
    }
}
