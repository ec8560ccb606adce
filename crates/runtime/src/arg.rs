//! What a setter takes: the value it stores, or what a caller has at hand.

use std::borrow::Cow;
use std::convert::Infallible;
use std::fmt;
use std::num::NonZeroU64;

/// A value a setter takes for a field or parameter of type `T`.
///
/// Every setter of a generated client takes `T` itself, and for an optional `T` the bare
/// value too, so a caller writes what they have:
///
/// - a string field takes `&str`, `&String`, `String`, `Box<str>` or `Cow<str>`, optional or
///   not: `.first_name("Ada")`;
/// - a list of strings takes `Vec<&str>`, `&[&str]` or an array: `.tags(["a", "b"])`;
/// - a number takes a literal of any size its type holds, optional or not:
///   `.id(3_000_000_000)`; a 32-bit one also takes other integer types, and refuses a value
///   beyond its range when the request is built;
/// - a page size (`NonZeroU64`) takes a plain number and refuses zero or a negative one when
///   the request is built: `.per_page(100)`;
/// - an optional value takes `None`, to leave it out again.
///
/// The conversion runs when the setter is called; a value that does not fit is reported by
/// `send()` (or the type builder's `try_into()`), naming the field.
///
/// ```
/// use std::num::NonZeroU64;
/// use user_apis_runtime::IntoArg;
///
/// fn per_page(value: impl IntoArg<Option<NonZeroU64>>) -> Option<NonZeroU64> {
///     value.into_arg().unwrap_or_default()
/// }
/// fn name(value: impl IntoArg<Option<String>>) -> Option<String> {
///     value.into_arg().unwrap_or_default()
/// }
/// assert_eq!(per_page(100), NonZeroU64::new(100));
/// assert_eq!(per_page(None), None);
/// assert_eq!(name("Ada"), Some("Ada".to_string()));
/// assert!(IntoArg::<NonZeroU64>::into_arg(0).is_err());
/// ```
#[diagnostic::on_unimplemented(
    message = "a setter for `{T}` does not take `{Self}`",
    label = "expected `{T}` here",
    note = "convert it first: `.into()`, or `.try_into()?` for a number of another type"
)]
pub trait IntoArg<T> {
    /// Why the value does not fit.
    type Error: fmt::Display;

    /// The value as the setter stores it.
    ///
    /// # Errors
    ///
    /// When the value does not fit `T`: a page size of zero, say.
    fn into_arg(self) -> Result<T, Self::Error>;
}

impl<T> IntoArg<T> for T {
    type Error = Infallible;

    fn into_arg(self) -> Result<T, Infallible> {
        Ok(self)
    }
}

impl<T> IntoArg<Option<T>> for T {
    type Error = Infallible;

    fn into_arg(self) -> Result<Option<T>, Infallible> {
        Ok(Some(self))
    }
}

macro_rules! string_args {
    ($($source:ty),*) => {$(
        impl IntoArg<String> for $source {
            type Error = Infallible;

            fn into_arg(self) -> Result<String, Infallible> {
                Ok(self.into())
            }
        }

        impl IntoArg<Option<String>> for $source {
            type Error = Infallible;

            fn into_arg(self) -> Result<Option<String>, Infallible> {
                Ok(Some(self.into()))
            }
        }
    )*};
}

string_args!(&str, &String, Box<str>, Cow<'_, str>);

impl IntoArg<Vec<String>> for Vec<&str> {
    type Error = Infallible;

    fn into_arg(self) -> Result<Vec<String>, Infallible> {
        Ok(self.into_iter().map(String::from).collect())
    }
}

impl IntoArg<Vec<String>> for &[&str] {
    type Error = Infallible;

    fn into_arg(self) -> Result<Vec<String>, Infallible> {
        Ok(self.iter().copied().map(String::from).collect())
    }
}

impl IntoArg<Vec<String>> for &[String] {
    type Error = Infallible;

    fn into_arg(self) -> Result<Vec<String>, Infallible> {
        Ok(self.to_vec())
    }
}

impl<const N: usize> IntoArg<Vec<String>> for [&str; N] {
    type Error = Infallible;

    fn into_arg(self) -> Result<Vec<String>, Infallible> {
        Ok(self.into_iter().map(String::from).collect())
    }
}

/// A number outside what a parameter takes, such as a page size of zero.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutOfRange {
    value: i128,
    expected: &'static str,
}

impl fmt::Display for OutOfRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} is out of range: {}", self.value, self.expected)
    }
}

impl std::error::Error for OutOfRange {}

/// `IntoArg<$target>` and `IntoArg<Option<$target>>` for each integer `$source`, through
/// `$convert` (`None` when the value does not fit, reported as out of range, `$expected`).
macro_rules! number_args {
    ($target:ty, $expected:literal, $convert:expr; $($source:ty),*) => {$(
        impl IntoArg<$target> for $source {
            type Error = OutOfRange;

            // `$convert` is written once for every source, some of which always fit.
            #[allow(clippy::unnecessary_fallible_conversions, clippy::useless_conversion)]
            fn into_arg(self) -> Result<$target, OutOfRange> {
                let convert: fn($source) -> Option<$target> = $convert;
                convert(self).ok_or(OutOfRange {
                    value: i128::from(self),
                    expected: $expected,
                })
            }
        }

        impl IntoArg<Option<$target>> for $source {
            type Error = OutOfRange;

            fn into_arg(self) -> Result<Option<$target>, OutOfRange> {
                IntoArg::<$target>::into_arg(self).map(Some)
            }
        }
    )*};
}

number_args!(
    NonZeroU64,
    "a number from 1 up",
    |value| u64::try_from(value).ok().and_then(NonZeroU64::new);
    u8, u16, u32, u64, i8, i16, i32, i64
);

// A literal given to an `i32` is an `i32` (the type Rust falls back to), so other sources do
// no harm here. An `i64` takes only itself: with others, a literal beyond `i32` would fail to
// compile.
number_args!(
    i32,
    "a 32-bit number",
    |value| i32::try_from(value).ok();
    u8, u16, u32, u64, i8, i16, i64
);

#[cfg(test)]
mod tests {
    use super::*;

    fn set<T, V: IntoArg<T>>(value: V) -> Result<T, String> {
        value.into_arg().map_err(|e| e.to_string())
    }

    #[test]
    fn strings_come_as_a_caller_has_them() {
        let owned = String::from("Ada");
        assert_eq!(set::<Option<String>, _>("Ada"), Ok(Some(owned.clone())));
        assert_eq!(set::<Option<String>, _>(&owned), Ok(Some(owned.clone())));
        assert_eq!(
            set::<Option<String>, _>(owned.clone()),
            Ok(Some(owned.clone()))
        );
        assert_eq!(
            set::<Option<String>, _>(Some(owned.clone())),
            Ok(Some(owned.clone()))
        );
        assert_eq!(set::<Option<String>, _>(None), Ok(None));
        assert_eq!(set::<String, _>(Cow::Borrowed("Ada")), Ok(owned));
        assert_eq!(
            set::<Vec<String>, _>(["a", "b"]),
            Ok(vec!["a".to_string(), "b".to_string()])
        );
    }

    #[test]
    fn numbers_take_literals_of_their_size() {
        assert_eq!(set::<i64, _>(3_000_000_000), Ok(3_000_000_000));
        assert_eq!(
            set::<Option<i64>, _>(3_000_000_000),
            Ok(Some(3_000_000_000))
        );
        assert_eq!(set::<Option<bool>, _>(true), Ok(Some(true)));
        assert_eq!(set::<Option<i32>, _>(200), Ok(Some(200)));
        assert_eq!(set::<i32, _>(7_u64), Ok(7));
        assert_eq!(
            set::<Option<i32>, _>(1_i64 << 40),
            Err("1099511627776 is out of range: a 32-bit number".to_string())
        );
    }

    #[test]
    fn a_page_size_is_a_plain_positive_number() {
        assert_eq!(set::<NonZeroU64, _>(100), Ok(NonZeroU64::new(100).unwrap()));
        assert_eq!(
            set::<Option<NonZeroU64>, _>(100_u64),
            Ok(NonZeroU64::new(100))
        );
        assert_eq!(
            set::<NonZeroU64, _>(0),
            Err("0 is out of range: a number from 1 up".to_string())
        );
        assert_eq!(
            set::<Option<NonZeroU64>, _>(-3),
            Err("-3 is out of range: a number from 1 up".to_string())
        );
        assert_eq!(set::<Option<NonZeroU64>, _>(None), Ok(None));
    }
}
