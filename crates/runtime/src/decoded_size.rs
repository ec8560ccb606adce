//! JSON decoding with a bound on the memory the decoded value takes, so that a body of tiny
//! items (`[{},{},...]`, each `{}` a whole struct once decoded) cannot cost far more than its
//! own length.
//!
//! The bound needs no knowledge of the decoded type: the body is decoded through a thin
//! wrapper around `serde_json`'s deserializer, which charges every element of a list and every
//! entry of a map the inline size of its decoded value (`size_of`), and every string its
//! length, and fails the decoding as soon as the charges pass the budget. Fields of a struct
//! live inside it, and are charged with it; strings are charged once.

use std::cell::Cell;
use std::fmt;
use std::mem::size_of;

use serde::de::{
    self, DeserializeOwned, DeserializeSeed, Deserializer, EnumAccess, MapAccess, SeqAccess,
    VariantAccess, Visitor,
};

/// How many times a body's limit ([`crate::ClientConfig::max_body_size`]) its decoded value
/// may take, as charged here: the inline size of every list element and map entry, and the
/// length of every string.
///
/// Real data stays well within it (a list of Okta users is charged about 2.5 times its body
/// length); a body of tiny items that decode into large values reaches it after a fraction of
/// the limit, and is refused.
pub const DECODED_SIZE_FACTOR: usize = 8;

/// The most bytes of decoded inline size one byte of a body is assumed to yield: a body of
/// `n` bytes holds at most `n / 2` values, and no generated type is 2 KiB inline (the
/// integration tests check the largest). A body short enough that even this cannot pass the
/// budget is decoded without the wrapper, which costs up to a tenth of decoding time.
const MAX_INLINE_PER_BODY_BYTE: usize = 1024;

/// Decodes `body` as JSON into a `T`, failing once the decoded value's charges (see the module
/// documentation) pass `budget` bytes.
///
/// # Errors
///
/// `serde_json`'s, for a body that is not a `T`, and one whose message says that the decoded
/// value would pass `budget` bytes.
pub fn from_slice_within<T: DeserializeOwned>(
    body: &[u8],
    budget: usize,
) -> Result<T, serde_json::Error> {
    if body.len().saturating_mul(MAX_INLINE_PER_BODY_BYTE) <= budget {
        return serde_json::from_slice(body);
    }
    let mut json = serde_json::Deserializer::from_slice(body);
    let budget = Budget {
        left: Cell::new(budget),
        total: budget,
    };
    budget.charge::<serde_json::Error>(size_of::<T>())?;
    let value = T::deserialize(Charged {
        inner: &mut json,
        budget: &budget,
    })?;
    json.end()?;
    Ok(value)
}

/// The bytes a decoding may still charge, and its whole budget, for the error message.
struct Budget {
    left: Cell<usize>,
    total: usize,
}

impl Budget {
    fn charge<E: de::Error>(&self, bytes: usize) -> Result<(), E> {
        match self.left.get().checked_sub(bytes) {
            Some(left) => {
                self.left.set(left);
                Ok(())
            }
            None => Err(E::custom(OverBudget(self.total))),
        }
    }
}

/// The message of a decoding stopped by its budget.
struct OverBudget(usize);

impl fmt::Display for OverBudget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the decoded body would take more than {} bytes of memory ({DECODED_SIZE_FACTOR} \
             times the body size limit), so it is refused",
            self.0
        )
    }
}

/// A deserializer whose visitors are [`ChargedVisitor`]s.
struct Charged<'b, D> {
    inner: D,
    budget: &'b Budget,
}

/// A visitor whose lists and maps charge their elements and entries, and whose strings charge
/// their length. `inline` is set for a struct or tuple, whose fields live inside the value
/// already charged.
struct ChargedVisitor<'b, V> {
    inner: V,
    budget: &'b Budget,
    inline: bool,
}

/// A seed that deserializes through [`Charged`].
struct ChargedSeed<'b, S> {
    inner: S,
    budget: &'b Budget,
}

/// A list's or map's access, charging what it yields (a map's entries unless `inline`).
struct ChargedAccess<'b, A> {
    inner: A,
    budget: &'b Budget,
    inline: bool,
}

macro_rules! forward_deserialize {
    ($($method:ident($($arg:ident: $type:ty),*) $inline:literal;)*) => {$(
        fn $method<V: Visitor<'de>>(self, $($arg: $type,)* visitor: V) -> Result<V::Value, D::Error> {
            self.inner.$method($($arg,)* ChargedVisitor {
                inner: visitor,
                budget: self.budget,
                inline: $inline,
            })
        }
    )*};
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for Charged<'_, D> {
    type Error = D::Error;

    forward_deserialize! {
        deserialize_any() false;
        deserialize_bool() false;
        deserialize_i8() false;
        deserialize_i16() false;
        deserialize_i32() false;
        deserialize_i64() false;
        deserialize_i128() false;
        deserialize_u8() false;
        deserialize_u16() false;
        deserialize_u32() false;
        deserialize_u64() false;
        deserialize_u128() false;
        deserialize_f32() false;
        deserialize_f64() false;
        deserialize_char() false;
        deserialize_str() false;
        deserialize_string() false;
        deserialize_bytes() false;
        deserialize_byte_buf() false;
        deserialize_option() false;
        deserialize_unit() false;
        deserialize_unit_struct(name: &'static str) false;
        deserialize_newtype_struct(name: &'static str) false;
        deserialize_seq() false;
        deserialize_tuple(len: usize) true;
        deserialize_tuple_struct(name: &'static str, len: usize) true;
        deserialize_map() false;
        deserialize_struct(name: &'static str, fields: &'static [&'static str]) true;
        deserialize_enum(name: &'static str, variants: &'static [&'static str]) false;
        deserialize_identifier() false;
        deserialize_ignored_any() false;
    }

    fn is_human_readable(&self) -> bool {
        self.inner.is_human_readable()
    }
}

impl<'de, S: DeserializeSeed<'de>> DeserializeSeed<'de> for ChargedSeed<'_, S> {
    type Value = S::Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<S::Value, D::Error> {
        self.inner.deserialize(Charged {
            inner: deserializer,
            budget: self.budget,
        })
    }
}

macro_rules! forward_visit {
    ($($method:ident($type:ty);)*) => {$(
        fn $method<E: de::Error>(self, value: $type) -> Result<V::Value, E> {
            self.inner.$method(value)
        }
    )*};
}

macro_rules! charge_visit {
    ($($method:ident($type:ty);)*) => {$(
        fn $method<E: de::Error>(self, value: $type) -> Result<V::Value, E> {
            self.budget.charge(value.len())?;
            self.inner.$method(value)
        }
    )*};
}

impl<'de, V: Visitor<'de>> Visitor<'de> for ChargedVisitor<'_, V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.inner.expecting(f)
    }

    forward_visit! {
        visit_bool(bool);
        visit_i8(i8);
        visit_i16(i16);
        visit_i32(i32);
        visit_i64(i64);
        visit_i128(i128);
        visit_u8(u8);
        visit_u16(u16);
        visit_u32(u32);
        visit_u64(u64);
        visit_u128(u128);
        visit_f32(f32);
        visit_f64(f64);
        visit_char(char);
    }

    charge_visit! {
        visit_str(&str);
        visit_borrowed_str(&'de str);
        visit_string(String);
        visit_bytes(&[u8]);
        visit_borrowed_bytes(&'de [u8]);
        visit_byte_buf(Vec<u8>);
    }

    fn visit_none<E: de::Error>(self) -> Result<V::Value, E> {
        self.inner.visit_none()
    }

    fn visit_unit<E: de::Error>(self) -> Result<V::Value, E> {
        self.inner.visit_unit()
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<V::Value, D::Error> {
        self.inner.visit_some(Charged {
            inner: deserializer,
            budget: self.budget,
        })
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<V::Value, D::Error> {
        self.inner.visit_newtype_struct(Charged {
            inner: deserializer,
            budget: self.budget,
        })
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<V::Value, A::Error> {
        self.inner.visit_seq(ChargedAccess {
            inner: seq,
            budget: self.budget,
            inline: self.inline,
        })
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<V::Value, A::Error> {
        self.inner.visit_map(ChargedAccess {
            inner: map,
            budget: self.budget,
            inline: self.inline,
        })
    }

    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<V::Value, A::Error> {
        self.inner.visit_enum(ChargedAccess {
            inner: data,
            budget: self.budget,
            inline: true,
        })
    }
}

impl<'de, A: SeqAccess<'de>> SeqAccess<'de> for ChargedAccess<'_, A> {
    type Error = A::Error;

    fn next_element_seed<S: DeserializeSeed<'de>>(
        &mut self,
        seed: S,
    ) -> Result<Option<S::Value>, A::Error> {
        let element = self.inner.next_element_seed(ChargedSeed {
            inner: seed,
            budget: self.budget,
        })?;
        // A tuple's elements live inside it; a list's are each a new element of its buffer.
        // Charged once decoded (at most one element past the budget), since only then is it
        // known that there was one.
        if !self.inline && element.is_some() {
            self.budget.charge(size_of::<S::Value>())?;
        }
        Ok(element)
    }

    fn size_hint(&self) -> Option<usize> {
        self.inner.size_hint()
    }
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for ChargedAccess<'_, A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        let key = self.inner.next_key_seed(ChargedSeed {
            inner: seed,
            budget: self.budget,
        })?;
        if !self.inline && key.is_some() {
            self.budget.charge(size_of::<K::Value>())?;
        }
        Ok(key)
    }

    fn next_value_seed<S: DeserializeSeed<'de>>(&mut self, seed: S) -> Result<S::Value, A::Error> {
        if !self.inline {
            self.budget.charge(size_of::<S::Value>())?;
        }
        self.inner.next_value_seed(ChargedSeed {
            inner: seed,
            budget: self.budget,
        })
    }

    fn size_hint(&self) -> Option<usize> {
        self.inner.size_hint()
    }
}

impl<'b, 'de, A: EnumAccess<'de>> EnumAccess<'de> for ChargedAccess<'b, A> {
    type Error = A::Error;
    type Variant = ChargedAccess<'b, A::Variant>;

    fn variant_seed<S: DeserializeSeed<'de>>(
        self,
        seed: S,
    ) -> Result<(S::Value, Self::Variant), A::Error> {
        let (value, variant) = self.inner.variant_seed(ChargedSeed {
            inner: seed,
            budget: self.budget,
        })?;
        Ok((
            value,
            ChargedAccess {
                inner: variant,
                budget: self.budget,
                inline: true,
            },
        ))
    }
}

impl<'de, A: VariantAccess<'de>> VariantAccess<'de> for ChargedAccess<'_, A> {
    type Error = A::Error;

    fn unit_variant(self) -> Result<(), A::Error> {
        self.inner.unit_variant()
    }

    fn newtype_variant_seed<S: DeserializeSeed<'de>>(self, seed: S) -> Result<S::Value, A::Error> {
        self.inner.newtype_variant_seed(ChargedSeed {
            inner: seed,
            budget: self.budget,
        })
    }

    fn tuple_variant<V: Visitor<'de>>(self, len: usize, visitor: V) -> Result<V::Value, A::Error> {
        self.inner.tuple_variant(
            len,
            ChargedVisitor {
                inner: visitor,
                budget: self.budget,
                inline: true,
            },
        )
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, A::Error> {
        self.inner.struct_variant(
            fields,
            ChargedVisitor {
                inner: visitor,
                budget: self.budget,
                inline: true,
            },
        )
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    /// A value much larger than the `{}` it decodes from.
    #[derive(Debug, Default, PartialEq, serde::Deserialize)]
    #[serde(default)]
    struct Big {
        a: Option<[u64; 16]>,
        name: Option<String>,
        tags: Vec<String>,
        extra: HashMap<String, serde_json::Value>,
    }

    /// `[{},{},...]` with `items` items.
    fn empty_objects(items: usize) -> Vec<u8> {
        let mut body = b"[".to_vec();
        for i in 0..items {
            body.extend_from_slice(if i == 0 { b"{}" } else { b",{}" });
        }
        body.push(b']');
        body
    }

    #[test]
    fn a_value_within_the_budget_decodes_as_plain_serde_does() {
        let body = br#"[{"name": "ada", "tags": ["x", "y"], "extra": {"k": [1, {"z": null}]}},
            {"a": [1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16]}, {}]"#;
        let plain: Vec<Big> = serde_json::from_slice(body).expect("plain");
        // A budget small enough that the wrapper is used, large enough for the value.
        let bounded: Vec<Big> = from_slice_within(body, 10_000).expect("bounded");
        assert_eq!(bounded, plain);
        let value: serde_json::Value = from_slice_within(body, 10_000).expect("a value");
        assert_eq!(
            value,
            serde_json::from_slice::<serde_json::Value>(body).expect("plain")
        );
        // Trailing data is refused, as by `serde_json::from_slice`.
        assert!(from_slice_within::<Vec<Big>>(b"[] []", 10_000).is_err());
    }

    #[test]
    fn tiny_items_are_refused_once_their_decoded_size_passes_the_budget() {
        let each = size_of::<Big>();
        let whole = |items: usize| size_of::<Vec<Big>>() + items * each;
        // A budget that holds exactly 1,000 items.
        let budget = whole(1_000);
        let decoded: Vec<Big> =
            from_slice_within(&empty_objects(1_000), budget).expect("1,000 items fit");
        assert_eq!(decoded.len(), 1_000);
        let error =
            from_slice_within::<Vec<Big>>(&empty_objects(1_001), budget).expect_err("1,001 do not");
        assert_eq!(
            error.to_string(),
            format!(
                "the decoded body would take more than {budget} bytes of memory (8 times the \
                 body size limit), so it is refused at line 1 column {}",
                3 * 1_001 + 1
            )
        );
    }

    #[test]
    fn strings_and_map_entries_are_charged() {
        let body = br#"{"extra": {"abcdefghij": "0123456789"}}"#;
        let entry = size_of::<String>() + size_of::<serde_json::Value>();
        // The struct, the key's and the value's text, the entry; the field name's text too.
        let needed = size_of::<Big>() + "extra".len() + 10 + 10 + entry;
        assert!(from_slice_within::<Big>(body, needed).is_ok());
        assert!(from_slice_within::<Big>(body, needed - 1).is_err());
    }
}
