//! Profile images: the upload, written by hand because its body is `multipart/form-data`, and
//! [`Image`], a downloaded image with its content type.

use futures_util::TryStreamExt;
use progenitor_client::{ByteStream, ClientHooks, OperationInfo, ResponseValue};
use reqwest::header::{CONTENT_TYPE, HeaderValue};
use reqwest::multipart::{Form, Part};

use crate::{Client, Error, builder, types};

/// An image as the server sent it: its bytes and its media type.
#[derive(Clone, PartialEq, Eq)]
pub struct Image {
    /// The `Content-Type` of the answer (such as `image/png`), when the server sent one.
    pub content_type: Option<String>,
    /// The image itself.
    pub bytes: Vec<u8>,
}

impl std::fmt::Debug for Image {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Image")
            .field("content_type", &self.content_type)
            .field("bytes", &format_args!("[{} bytes]", self.bytes.len()))
            .finish()
    }
}

impl Image {
    /// Reads a streamed image answer to its end, however long: for an answer from `send`.
    /// `send_image` reads it up to the client's `max_body_size` instead.
    ///
    /// # Errors
    ///
    /// [`Error::CommunicationError`] when the body cannot be read to its end.
    pub async fn collect<E>(
        response: ResponseValue<ByteStream>,
    ) -> Result<ResponseValue<Self>, Error<E>> {
        // No limit, so never an error naming the operation.
        Self::read(response, "", usize::MAX).await
    }

    /// Reads `operation`'s image answer, refusing one longer than `limit` bytes.
    async fn read<E>(
        response: ResponseValue<ByteStream>,
        operation: &'static str,
        limit: usize,
    ) -> Result<ResponseValue<Self>, Error<E>> {
        let response = user_apis_runtime::read_binary(response, operation, limit).await?;
        let status = response.status();
        let headers = response.headers().clone();
        let content_type = headers
            .get(CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .map(str::to_string);
        Ok(ResponseValue::new(
            Self {
                content_type,
                bytes: response.into_inner(),
            },
            status,
            headers,
        ))
    }
}

impl builder::GetProfileImage<'_> {
    /// Sends the request and reads the whole image, with its content type, up to the
    /// client's `max_body_size` (see `ClientConfig::max_body_size`).
    ///
    /// # Errors
    ///
    /// As `send`; [`Error::InvalidResponse`] with `InvalidResponseCause::TooLarge` when the
    /// image is longer than that; [`Error::CommunicationError`] when the body cannot be read to
    /// its end.
    pub async fn send_image(self) -> Result<ResponseValue<Image>, Error<types::AppError>> {
        let limit = self.client.inner.max_body_size();
        Image::read(self.send().await?, "get_profile_image", limit).await
    }
}

impl builder::GetDefaultProfileImage<'_> {
    /// Sends the request and reads the whole image, with its content type, up to the
    /// client's `max_body_size` (see `ClientConfig::max_body_size`).
    ///
    /// # Errors
    ///
    /// As `send`; [`Error::InvalidResponse`] with `InvalidResponseCause::TooLarge` when the
    /// image is longer than that; [`Error::CommunicationError`] when the body cannot be read to
    /// its end.
    pub async fn send_image(self) -> Result<ResponseValue<Image>, Error<types::AppError>> {
        let limit = self.client.inner.max_body_size();
        Image::read(self.send().await?, "get_default_profile_image", limit).await
    }
}

/// The file part of an upload.
#[derive(Clone)]
struct ImageFile {
    bytes: Vec<u8>,
    file_name: String,
    content_type: String,
}

/// Builder for [`Client::set_profile_image`].
///
/// The upload is a `multipart/form-data` body with one part, `image`, which the generator
/// cannot produce; this builder writes it and sends it like every generated operation: the
/// client's token, user agent and timeouts apply, and the retry policy (the body is held in
/// memory, so a rate-limited upload can be sent again).
#[derive(Clone)]
#[must_use = "a request builder does nothing until `send` is awaited"]
pub struct SetProfileImage<'a> {
    client: &'a Client,
    user_id: Option<String>,
    image: Option<ImageFile>,
}

impl std::fmt::Debug for SetProfileImage<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let image = self.image.as_ref().map(|image| {
            format!(
                "{:?} ({}, {} bytes)",
                image.file_name,
                image.content_type,
                image.bytes.len()
            )
        });
        f.debug_struct("SetProfileImage")
            .field("client", &self.client)
            .field("user_id", &self.user_id)
            .field("image", &image)
            .finish()
    }
}

/// The statuses at which the server answers an upload with its error object.
const UPLOAD_ERROR_STATUSES: &[u16] = &[400, 401, 403, 404, 409, 413, 500, 501];

impl<'a> SetProfileImage<'a> {
    fn new(client: &'a Client) -> Self {
        Self {
            client,
            user_id: None,
            image: None,
        }
    }

    /// The user whose image to set: an id, or `me`.
    pub fn user_id(mut self, user_id: impl Into<String>) -> Self {
        self.user_id = Some(user_id.into());
        self
    }

    /// The image: its bytes, the file name to send (such as `me.png`) and its media type (such
    /// as `image/png`; the server accepts the formats it can decode, such as PNG, JPEG, GIF
    /// and BMP).
    pub fn image(
        mut self,
        bytes: impl Into<Vec<u8>>,
        file_name: impl Into<String>,
        content_type: impl Into<String>,
    ) -> Self {
        self.image = Some(ImageFile {
            bytes: bytes.into(),
            file_name: file_name.into(),
            content_type: content_type.into(),
        });
        self
    }

    /// Sends a `POST` request to `/api/v4/users/{user_id}/image`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidRequest`] when the user or the image is missing or the media type is not
    /// one; [`Error::ErrorResponse`] with Mattermost's [`AppError`](types::AppError) for the
    /// error statuses the server documents (too large, no file storage, ...); the other
    /// variants as for any operation.
    pub async fn send(self) -> Result<ResponseValue<types::StatusOk>, Error<types::AppError>> {
        let Self {
            client,
            user_id,
            image,
        } = self;
        let user_id =
            user_id.ok_or_else(|| Error::InvalidRequest("user_id was not initialized".into()))?;
        let image =
            image.ok_or_else(|| Error::InvalidRequest("image was not initialized".into()))?;
        let (content_type, body) = multipart_body(image).await?;

        let url = client.inner.url(
            &client.baseurl,
            &[
                "api",
                "v4",
                "users",
                &user_apis_runtime::path_segment(&user_id)?,
                "image",
            ],
        )?;
        let info = OperationInfo {
            operation_id: "set_profile_image",
        };
        // `exec`, the one hook, as the generated operations call it.
        let request = client
            .client
            .post(url)
            .header(CONTENT_TYPE, content_type)
            .body(body)
            .build()?;
        let response = client.exec(request, &info).await?;
        // An acknowledgement, like the generated operations' (see `x-acknowledgement` on
        // `StatusOk` in the spec): any 2xx is a success, whatever its body.
        client
            .inner
            .answer_acknowledged(response, &info, UPLOAD_ERROR_STATUSES)
            .await
    }
}

/// The spec's path template of a Mattermost operation, for the request's trace. The upload is
/// not in the spec, but its path is the spec's path of `get_profile_image`.
pub(crate) fn path_template(operation_id: &str) -> Option<&'static str> {
    match operation_id {
        "set_profile_image" => crate::generated::path_template("get_profile_image"),
        other => crate::generated::path_template(other),
    }
}

/// Encodes the form with its one part, `image`, in memory: the body and its `Content-Type`
/// (which names the boundary).
async fn multipart_body(
    image: ImageFile,
) -> Result<(HeaderValue, Vec<u8>), Error<types::AppError>> {
    let ImageFile {
        bytes,
        file_name,
        content_type,
    } = image;
    let part = Part::bytes(bytes)
        .file_name(file_name)
        .mime_str(&content_type)
        .map_err(|_| Error::InvalidRequest(format!("{content_type:?} is not a media type")))?;
    let form = Form::new().part("image", part);
    let header = HeaderValue::from_str(&format!(
        "multipart/form-data; boundary={}",
        form.boundary()
    ))?;
    let body = form
        .into_stream()
        .try_fold(Vec::new(), |mut body, chunk| async move {
            body.extend_from_slice(&chunk);
            Ok(body)
        })
        .await
        .map_err(|e| Error::InvalidRequest(format!("cannot encode the upload: {e}")))?;
    Ok((header, body))
}

impl Client {
    /// Sets a user's profile image (`POST /api/v4/users/{user_id}/image`), uploaded as
    /// `multipart/form-data`:
    ///
    /// ```no_run
    /// # async fn run(client: user_apis_mattermost::Client) -> Result<(), Box<dyn std::error::Error>> {
    /// let png = std::fs::read("me.png")?;
    /// client.set_profile_image().user_id("me").image(png, "me.png", "image/png").send().await?;
    /// # Ok(()) }
    /// ```
    pub fn set_profile_image(&self) -> SetProfileImage<'_> {
        SetProfileImage::new(self)
    }
}
