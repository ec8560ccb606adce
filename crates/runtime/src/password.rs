//! `Password`: a secret carried in a request or response body, hidden from `Debug`.

use std::fmt;

use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A password, answer or temporary secret inside an API body.
///
/// Codegen gives every `format: password` field this type. It travels as a plain JSON string,
/// but `Debug` prints `[REDACTED]`, and the memory is zeroed when it is dropped, so logging a
/// request body or an error never reveals it.
#[derive(Clone)]
pub struct Password(SecretString);

impl Password {
    /// Wraps a secret.
    pub fn new(secret: impl Into<String>) -> Self {
        Self(SecretString::from(secret.into()))
    }

    /// The secret itself: call only where it must be used.
    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password([REDACTED])")
    }
}

impl PartialEq for Password {
    fn eq(&self, other: &Self) -> bool {
        self.expose() == other.expose()
    }
}

impl From<String> for Password {
    fn from(secret: String) -> Self {
        Self::new(secret)
    }
}

impl From<&str> for Password {
    fn from(secret: &str) -> Self {
        Self::new(secret)
    }
}

impl Serialize for Password {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.expose())
    }
}

impl<'de> Deserialize<'de> for Password {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Self::new)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn travels_as_a_string_but_never_prints() {
        let password = Password::from("correct horse");
        assert_eq!(
            serde_json::to_string(&password).expect("serializes"),
            r#""correct horse""#
        );
        let back: Password = serde_json::from_str(r#""correct horse""#).expect("deserializes");
        assert_eq!(back, password);
        assert_eq!(format!("{password:?}"), "Password([REDACTED])");
    }
}
