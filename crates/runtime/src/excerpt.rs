//! What an error shows of what a server sent: the values of secret fields masked, control
//! characters escaped, long text cut.

use std::borrow::Cow;
use std::fmt::{self, Write as _};

/// How many characters of a server's text (an error message, an error body) an error shows.
/// Longer text is cut there, and the message says how long it was.
pub const SHOWN_CHARS: usize = 300;

/// What takes the place of a secret value in an excerpt, as `Debug` shows a [`Password`](crate::Password).
const REDACTED: &str = "[REDACTED]";

/// Parts of a key name that make its value secret, matched in any case: `token`
/// (`private_token`, `activationToken`), `password` (`new_password`, `tempPassword`,
/// `resetPasswordUrl`), `passwd` and `secret`.
const SECRET_PARTS: [&str; 4] = ["token", "password", "passwd", "secret"];

/// Key names, matched whole in any case, of the values the specs mark `format: password`
/// without a secret-sounding name: one-time codes (`code`, `mfa_code`), the MFA secret's
/// `qr_code`, a recovery `answer`, a password hash's `salt`, and `activationUrl`, which
/// carries an activation token.
const SECRET_NAMES: [&str; 7] = [
    "code",
    "mfa_code",
    "qr_code",
    "answer",
    "salt",
    "activationurl",
    "activation_url",
];

/// Whether the value of a field named `key` is masked in excerpts.
pub(crate) fn is_secret_key(key: &str) -> bool {
    let key = key.as_bytes();
    SECRET_NAMES
        .iter()
        .any(|name| key.eq_ignore_ascii_case(name.as_bytes()))
        || SECRET_PARTS.iter().any(|part| {
            key.windows(part.len())
                .any(|window| window.eq_ignore_ascii_case(part.as_bytes()))
        })
}

/// `text` with the value of every secret field replaced by `[REDACTED]`.
///
/// `text` is the start of a body, which may be JSON cut anywhere, invalid JSON or no JSON at
/// all, so this is a scanner of `"key": value` pairs rather than a parser: a string, number or
/// other scalar after a secret key is masked, and so is every scalar inside an object or array
/// that is the value of one (Okta's `"password": {"value": ...}`). A string cut short is
/// masked to the end of the text. Keys are matched by [`is_secret_key`]. Text without a secret
/// value is returned as it is.
pub(crate) fn mask_secrets(text: &str) -> Cow<'_, str> {
    let bytes = text.as_bytes();
    let mut masked = String::new();
    // How much of `text` is already in `masked`.
    let mut copied = 0;
    // Nesting of objects and arrays.
    let mut depth = 0_usize;
    // The depth inside which every value is masked, when inside a secret object or array.
    let mut secret_from: Option<usize> = None;
    // Whether the value about to come follows a secret key.
    let mut secret_value = false;
    let mut i = 0;
    while i < bytes.len() {
        let masking = secret_value || secret_from.is_some();
        match bytes[i] {
            b'"' => {
                let (end, closed) = string_end(bytes, i);
                let after = skip_whitespace(bytes, end);
                if closed && bytes.get(after) == Some(&b':') {
                    secret_value = secret_from.is_none() && is_secret_key(&key_text(&text[i..end]));
                    i = after + 1;
                    continue;
                }
                if masking {
                    masked.push_str(&text[copied..i]);
                    masked.push('"');
                    masked.push_str(REDACTED);
                    if closed {
                        masked.push('"');
                    }
                    copied = end;
                }
                secret_value = false;
                i = end;
            }
            b'{' | b'[' => {
                depth += 1;
                if secret_value && secret_from.is_none() {
                    secret_from = Some(depth);
                }
                secret_value = false;
                i += 1;
            }
            b'}' | b']' => {
                if secret_from == Some(depth) {
                    secret_from = None;
                }
                depth = depth.saturating_sub(1);
                secret_value = false;
                i += 1;
            }
            b',' => {
                secret_value = false;
                i += 1;
            }
            byte if byte.is_ascii_whitespace() || byte == b':' => i += 1,
            // A number, a literal or, in text that is not JSON, a bare word: masked whole,
            // but for the literals, which hold no secret.
            _ => {
                let end = i + bytes[i..]
                    .iter()
                    .position(|b| {
                        b.is_ascii_whitespace()
                            || matches!(b, b',' | b'{' | b'}' | b'[' | b']' | b'"' | b':')
                    })
                    .unwrap_or(bytes.len() - i);
                if masking && !matches!(&text[i..end], "true" | "false" | "null") {
                    masked.push_str(&text[copied..i]);
                    masked.push('"');
                    masked.push_str(REDACTED);
                    masked.push('"');
                    copied = end;
                }
                secret_value = false;
                i = end;
            }
        }
    }
    if copied == 0 {
        return Cow::Borrowed(text);
    }
    masked.push_str(&text[copied..]);
    Cow::Owned(masked)
}

/// Where the JSON string starting at `start` (a `"`) ends: just past its closing quote and
/// `true`, or at the end of `bytes` and `false` when it is cut short.
fn string_end(bytes: &[u8], start: usize) -> (usize, bool) {
    let mut i = start + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => return (i + 1, true),
            _ => i += 1,
        }
    }
    (bytes.len(), false)
}

/// The first index from `from` that is not JSON whitespace.
fn skip_whitespace(bytes: &[u8], from: usize) -> usize {
    from + bytes
        .get(from..)
        .unwrap_or_default()
        .iter()
        .take_while(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
        .count()
}

/// The text of a key given as its JSON string, quotes included: its escapes decoded when it
/// has any.
fn key_text(quoted: &str) -> Cow<'_, str> {
    if quoted.contains('\\')
        && let Ok(decoded) = serde_json::from_str::<String>(quoted)
    {
        return Cow::Owned(decoded);
    }
    Cow::Borrowed(
        quoted
            .strip_prefix('"')
            .and_then(|rest| rest.strip_suffix('"'))
            .unwrap_or(quoted),
    )
}

/// Whether a character is escaped when shown: control characters (which can move the cursor,
/// clear the screen or start a new line of output that looks like the program's own) and the
/// characters that reorder text on screen.
fn escaped(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
        )
}

/// A writer that shows server text through `out`: each character [`escaped`] as Rust escapes
/// it (`\n`, `\u{1b}`), at most `max` characters, and once [`finish`](Self::finish)ed, an
/// ellipsis and the full length when the text was longer.
pub(crate) struct Shown<'a, W: fmt::Write + ?Sized> {
    out: &'a mut W,
    max: usize,
    chars: usize,
    bytes: usize,
}

impl<'a, W: fmt::Write + ?Sized> Shown<'a, W> {
    pub(crate) fn new(out: &'a mut W, max: usize) -> Self {
        Self {
            out,
            max,
            chars: 0,
            bytes: 0,
        }
    }

    /// Ends the text: says how long it was when it was cut.
    pub(crate) fn finish(self) -> fmt::Result {
        if self.chars > self.max {
            write!(self.out, "… ({} bytes in all)", self.bytes)?;
        }
        Ok(())
    }
}

impl<W: fmt::Write + ?Sized> fmt::Write for Shown<'_, W> {
    fn write_str(&mut self, text: &str) -> fmt::Result {
        self.bytes += text.len();
        if self.chars > self.max {
            return Ok(());
        }
        for c in text.chars() {
            self.chars += 1;
            if self.chars > self.max {
                break;
            }
            if escaped(c) {
                write!(self.out, "{}", c.escape_default())?;
            } else {
                self.out.write_char(c)?;
            }
        }
        Ok(())
    }
}

/// Writes `text` into `out` as [`Shown`] does, cut after `max` characters.
pub(crate) fn write_shown<W: fmt::Write + ?Sized>(
    out: &mut W,
    text: impl fmt::Display,
    max: usize,
) -> fmt::Result {
    let mut shown = Shown::new(out, max);
    write!(shown, "{text}")?;
    shown.finish()
}

/// Text a server sent, made safe to print on a terminal: control characters and the
/// characters that reorder text are escaped as Rust escapes them (`\n`, `\u{1b}`), and text
/// longer than [`SHOWN_CHARS`] characters is cut there, on a character boundary, followed by
/// `…` and its full length in bytes.
///
/// The errors use it for every piece of a server's text they show; a program that prints a
/// server's message itself (as the `user-apis` command line does) can too.
///
/// ```
/// let message = "Forbidden\r\n\u{1b}[2Kerror: forged";
/// assert_eq!(
///     user_apis_runtime::printable(message).to_string(),
///     r"Forbidden\r\n\u{1b}[2Kerror: forged"
/// );
/// let long = "x".repeat(1000);
/// let shown = user_apis_runtime::printable(&long).to_string();
/// assert_eq!(shown, format!("{}… (1000 bytes in all)", "x".repeat(300)));
/// ```
pub fn printable(text: &str) -> impl fmt::Display + '_ {
    Printable(text)
}

/// See [`printable`].
struct Printable<'a>(&'a str);

impl fmt::Display for Printable<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_shown(f, self.0, SHOWN_CHARS)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_values_are_masked_in_cut_and_invalid_json() {
        let cases = [
            // A token-creating answer cut short, in the middle of the token.
            (
                r#"{"id":7,"name":"ci","token":"glpat-abcdef"#,
                r#"{"id":7,"name":"ci","token":"[REDACTED]"#,
            ),
            (
                r#"{"id": "t1", "token" : "6a3b", "user_id": "u1"}"#,
                r#"{"id": "t1", "token" : "[REDACTED]", "user_id": "u1"}"#,
            ),
            // Keys in any case; a number; the values inside a secret object.
            (
                r#"{"Private_Token":"a","mfa_code":123456,"credentials":{"password":{"value":"pw","hash":{"salt":"s","value":"v"}},"provider":{"type":"OKTA"}}}"#,
                r#"{"Private_Token":"[REDACTED]","mfa_code":"[REDACTED]","credentials":{"password":{"value":"[REDACTED]","hash":{"salt":"[REDACTED]","value":"[REDACTED]"}},"provider":{"type":"OKTA"}}}"#,
            ),
            // An escaped quote inside a secret value, an escaped key, `true` kept.
            (
                r#"{"secret":"a\"b","tok\u0065n":"c","password_set":true}"#,
                r#"{"secret":"[REDACTED]","tok\u0065n":"[REDACTED]","password_set":true}"#,
            ),
            (
                r#"[{"activationUrl":"https://x/activate/T0K","activationToken":"T0K"}]"#,
                r#"[{"activationUrl":"[REDACTED]","activationToken":"[REDACTED]"}]"#,
            ),
            // A secret list.
            (
                r#"{"tokens":["a","b"],"n":1}"#,
                r#"{"tokens":["[REDACTED]","[REDACTED]"],"n":1}"#,
            ),
            // Cut after the key, or inside the key: nothing to mask yet.
            (r#"{"token": "#, r#"{"token": "#),
            (r#"{"tok"#, r#"{"tok"#),
            (r#"{"token":""#, r#"{"token":"[REDACTED]"#),
            // Not JSON: a bare word after a secret key; a literal is kept.
            (
                r#"{"token": glpat-abc, "code": null}"#,
                r#"{"token": "[REDACTED]", "code": null}"#,
            ),
        ];
        for (text, expected) in cases {
            assert_eq!(mask_secrets(text), expected, "{text}");
        }
        for text in [
            "<html>token: abc</html>",
            r#"{"id":1,"username":"ada"}"#,
            "",
            "\"",
            "\\",
            "{\"a\":\"\\",
        ] {
            assert!(
                matches!(mask_secrets(text), Cow::Borrowed(kept) if kept == text),
                "{text}"
            );
        }
    }

    /// Every field a spec marks `format: password` is masked by its name, but Okta's
    /// `value`, which the specs use only inside a `password` object (masked whole).
    #[test]
    fn every_password_field_of_the_specs_is_masked() {
        let specs = concat!(env!("CARGO_MANIFEST_DIR"), "/../../specs");
        let mut checked = 0;
        for entry in std::fs::read_dir(specs).expect("the specs folder") {
            let path = entry.expect("a spec").path();
            let text = std::fs::read_to_string(&path).expect("a readable spec");
            let lines: Vec<&str> = text.lines().collect();
            let indent = |line: &str| line.len() - line.trim_start().len();
            for (at, line) in lines.iter().enumerate() {
                if line.trim() != "format: password" {
                    continue;
                }
                // The property is the nearest line above that is indented less.
                let name = lines[..at]
                    .iter()
                    .rev()
                    .find(|above| indent(above) < indent(line))
                    .map(|above| above.trim().trim_end_matches(':'))
                    .expect("a property above");
                checked += 1;
                if name == "value" {
                    let nested = format!(r#"{{"password":{{"{name}":"s3cr3t"}}}}"#);
                    assert!(!mask_secrets(&nested).contains("s3cr3t"), "{path:?}");
                } else {
                    assert!(is_secret_key(name), "{name} in {path:?}");
                }
            }
        }
        assert!(checked > 30, "only {checked} fields found");
    }

    #[test]
    fn shown_text_is_escaped_and_cut_on_a_character_boundary() {
        let shown = |text: &str, max| {
            let mut out = String::new();
            write_shown(&mut out, text, max).expect("a string takes any text");
            out
        };
        assert_eq!(
            shown("a\u{1b}]0;x\u{7}b\rc\td\u{202e}e\u{85}", 100),
            r"a\u{1b}]0;x\u{7}b\rc\td\u{202e}e\u{85}"
        );
        assert_eq!(shown("ééééé", 3), "ééé… (10 bytes in all)");
        assert_eq!(shown("ééé", 3), "ééé");
        assert_eq!(shown("\n\n\n\n", 2), r"\n\n… (4 bytes in all)");
    }
}
