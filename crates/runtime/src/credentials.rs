//! Credentials: how a client proves who it is, validated early and never printed.

use std::fmt;

use base64::Engine as _;
use reqwest::header::{AUTHORIZATION, HeaderName, HeaderValue};
use secrecy::{ExposeSecret, SecretString};

use crate::ConfigError;

/// A credential sent with every request, as one header.
///
/// Secrets are held in [`SecretString`]: they are zeroed on drop, `Debug` prints
/// `[REDACTED]`, and the header built from them is marked sensitive, so neither `reqwest`'s
/// `Debug` output nor logs show it.
#[derive(Clone)]
pub enum Credential {
    /// HTTP basic authentication: `Authorization: Basic base64(username:password)`.
    Basic {
        /// The user name, which may not contain `:`.
        username: String,
        /// The password.
        password: SecretString,
    },
    /// `Authorization: <scheme> <token>`, such as `Bearer` or Okta's `SSWS`.
    Scheme {
        /// The scheme word before the token.
        scheme: &'static str,
        /// The token.
        token: SecretString,
    },
    /// A token in a header of its own, such as GitLab's `PRIVATE-TOKEN`.
    Header {
        /// The header that carries the token.
        name: HeaderName,
        /// The token.
        token: SecretString,
    },
}

impl Credential {
    /// HTTP basic authentication.
    pub fn basic(username: impl Into<String>, password: impl Into<String>) -> Self {
        Self::Basic {
            username: username.into(),
            password: SecretString::from(password.into()),
        }
    }

    /// An OAuth 2.0 bearer token: `Authorization: Bearer <token>`.
    pub fn bearer(token: impl Into<String>) -> Self {
        Self::Scheme {
            scheme: "Bearer",
            token: SecretString::from(token.into()),
        }
    }

    /// `Authorization: <scheme> <token>` for a scheme other than `Bearer`.
    pub fn scheme(scheme: &'static str, token: impl Into<String>) -> Self {
        Self::Scheme {
            scheme,
            token: SecretString::from(token.into()),
        }
    }

    /// A token sent in its own header.
    pub fn header(name: HeaderName, token: impl Into<String>) -> Self {
        Self::Header {
            name,
            token: SecretString::from(token.into()),
        }
    }

    /// Checks the credential and builds its header, marked sensitive.
    ///
    /// # Errors
    ///
    /// [`ConfigError::InvalidCredential`] when a part is empty or holds a character that
    /// cannot travel in a header (a newline, another control character, or non-ASCII), or when
    /// a basic user name contains `:`. Basic authentication sends its user name and password
    /// base64-encoded as UTF-8 (RFC 7617), so they may hold any character but a control
    /// character. The message never contains the secret.
    pub fn to_header(&self) -> Result<(HeaderName, HeaderValue), ConfigError> {
        let (name, mut value) = match self {
            Self::Basic { username, password } => {
                check("user name", username, Allowed::Text)?;
                if username.contains(':') {
                    return Err(invalid("user name", "contains ':'"));
                }
                check("password", password.expose_secret(), Allowed::Text)?;
                let pair = format!("{username}:{}", password.expose_secret());
                let encoded = base64::engine::general_purpose::STANDARD.encode(pair);
                (AUTHORIZATION, header_value(&format!("Basic {encoded}"))?)
            }
            Self::Scheme { scheme, token } => {
                check("token", token.expose_secret(), Allowed::Visible)?;
                let text = format!("{scheme} {}", token.expose_secret());
                (AUTHORIZATION, header_value(&text)?)
            }
            Self::Header { name, token } => {
                check("token", token.expose_secret(), Allowed::Visible)?;
                (name.clone(), header_value(token.expose_secret())?)
            }
        };
        value.set_sensitive(true);
        Ok((name, value))
    }
}

impl fmt::Debug for Credential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Basic { username, .. } => f
                .debug_struct("Basic")
                .field("username", username)
                .field("password", &"[REDACTED]")
                .finish(),
            Self::Scheme { scheme, .. } => f
                .debug_struct("Scheme")
                .field("scheme", scheme)
                .field("token", &"[REDACTED]")
                .finish(),
            Self::Header { name, .. } => f
                .debug_struct("Header")
                .field("name", name)
                .field("token", &"[REDACTED]")
                .finish(),
        }
    }
}

#[derive(Clone, Copy)]
enum Allowed {
    /// Any character but a control character: text that travels encoded (basic
    /// authentication's user name and password, as UTF-8 in base64).
    Text,
    /// Printable ASCII without the space (tokens).
    Visible,
}

fn check(what: &'static str, text: &str, allowed: Allowed) -> Result<(), ConfigError> {
    if text.is_empty() {
        return Err(invalid(what, "is empty"));
    }
    for c in text.chars() {
        if c == '\n' || c == '\r' {
            return Err(invalid(what, "contains a line break"));
        }
        if c.is_control() {
            return Err(invalid(what, "contains a control character"));
        }
        if !c.is_ascii() && !matches!(allowed, Allowed::Text) {
            return Err(invalid(what, "contains a non-ASCII character"));
        }
        if c == ' ' && matches!(allowed, Allowed::Visible) {
            return Err(invalid(what, "contains a space"));
        }
    }
    Ok(())
}

fn header_value(text: &str) -> Result<HeaderValue, ConfigError> {
    HeaderValue::from_str(text).map_err(|_| invalid("credential", "is not a valid header value"))
}

fn invalid(what: &'static str, problem: &'static str) -> ConfigError {
    ConfigError::InvalidCredential { what, problem }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_credentials_encode_and_are_sensitive() {
        let (name, value) = Credential::basic("api", "s3cret pass")
            .to_header()
            .expect("valid credential");
        assert_eq!(name, AUTHORIZATION);
        // base64("api:s3cret pass")
        assert_eq!(value, "Basic YXBpOnMzY3JldCBwYXNz");
        assert!(value.is_sensitive());
        assert_eq!(format!("{value:?}"), "Sensitive");
    }

    #[test]
    fn basic_credentials_may_hold_any_text_as_utf8() {
        let (_, value) = Credential::basic("zoë", "pässwörd €")
            .to_header()
            .expect("basic authentication sends UTF-8");
        let encoded = value.to_str().expect("ASCII").strip_prefix("Basic ");
        let decoded = encoded.map(|text| base64::engine::general_purpose::STANDARD.decode(text));
        assert_eq!(
            decoded.and_then(Result::ok).as_deref(),
            Some("zoë:pässwörd €".as_bytes())
        );
    }

    #[test]
    fn schemes_and_headers_carry_the_token() {
        let (name, value) = Credential::scheme("SSWS", "tok")
            .to_header()
            .expect("valid");
        assert_eq!(
            (name.as_str(), value.to_str().ok()),
            ("authorization", Some("SSWS tok"))
        );
        let private = HeaderName::from_static("private-token");
        let (name, value) = Credential::header(private, "glpat-1")
            .to_header()
            .expect("valid");
        assert_eq!(
            (name.as_str(), value.to_str().ok()),
            ("private-token", Some("glpat-1"))
        );
        assert!(value.is_sensitive());
    }

    #[test]
    fn bad_credentials_fail_clearly_without_the_secret() {
        let cases = [
            (
                Credential::bearer("abc\ndef"),
                "token contains a line break",
            ),
            (Credential::bearer("abc def"), "token contains a space"),
            (
                Credential::bearer("tökén"),
                "token contains a non-ASCII character",
            ),
            (Credential::bearer(""), "token is empty"),
            (Credential::basic("a:b", "pw"), "user name contains ':'"),
            (
                Credential::basic("api", "pw\u{7}"),
                "password contains a control character",
            ),
        ];
        for (credential, expected) in cases {
            let error = credential.to_header().expect_err("invalid credential");
            let text = error.to_string();
            assert!(
                text.ends_with(expected),
                "{text:?} should end with {expected:?}"
            );
            assert!(!text.contains("abc") && !text.contains("tök"), "{text}");
        }
    }

    #[test]
    fn debug_never_shows_secrets() {
        let shown = format!(
            "{:?} {:?} {:?}",
            Credential::basic("api", "hunter2"),
            Credential::bearer("tok-123"),
            Credential::header(HeaderName::from_static("private-token"), "glpat-9"),
        );
        for secret in ["hunter2", "tok-123", "glpat-9"] {
            assert!(!shown.contains(secret), "{shown}");
        }
        assert!(
            shown.contains("api"),
            "the user name is not secret: {shown}"
        );
    }
}
