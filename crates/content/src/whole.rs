//! Whole numbers in JSON as JSON Schema counts them: `3` and `3.0` alike
//! (an OpenAPI `integer` is either). A number with a fraction, a negative
//! one or anything else is refused with serde's own message (which
//! [`crate::plain_data_error`] words as "a whole number, 0 or more"); one
//! too large for the machine is taken as the largest there is, for the
//! field's own check to refuse in its own words (no article has that many
//! sentences).

use std::fmt;

use serde::Deserializer;
use serde::de::{self, Unexpected, Visitor};

struct Whole;

impl Visitor<'_> for Whole {
    type Value = usize;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // What serde says of a `usize` field, so messages stay as they were.
        f.write_str("usize")
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<usize, E> {
        Ok(usize::try_from(v).unwrap_or(usize::MAX))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<usize, E> {
        match u64::try_from(v) {
            Ok(v) => self.visit_u64(v),
            Err(_) => Err(E::invalid_value(Unexpected::Signed(v), &self)),
        }
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<usize, E> {
        if v.is_finite() && v >= 0.0 && v.fract() == 0.0 {
            // `as` saturates: a whole number beyond usize is usize::MAX.
            Ok(v as usize)
        } else {
            Err(E::invalid_value(Unexpected::Float(v), &self))
        }
    }
}

/// A whole number, `null` or absent (`#[serde(default, deserialize_with = "whole::option")]`).
pub fn option<'de, D: Deserializer<'de>>(d: D) -> Result<Option<usize>, D::Error> {
    struct Opt;
    impl<'de> Visitor<'de> for Opt {
        type Value = Option<usize>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("usize")
        }
        fn visit_none<E: de::Error>(self) -> Result<Option<usize>, E> {
            Ok(None)
        }
        fn visit_unit<E: de::Error>(self) -> Result<Option<usize>, E> {
            Ok(None)
        }
        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Option<usize>, D::Error> {
            d.deserialize_any(Whole).map(Some)
        }
    }
    d.deserialize_option(Opt)
}

/// A list of whole numbers, `null` or absent.
pub fn option_list<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<usize>>, D::Error> {
    struct Item(usize);
    impl<'de> serde::Deserialize<'de> for Item {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Item, D::Error> {
            d.deserialize_any(Whole).map(Item)
        }
    }
    let list: Option<Vec<Item>> = serde::Deserialize::deserialize(d)?;
    Ok(list.map(|items| items.into_iter().map(|Item(n)| n).collect()))
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    #[derive(Deserialize, Debug, PartialEq)]
    struct T {
        #[serde(default, deserialize_with = "super::option")]
        n: Option<usize>,
        #[serde(default, deserialize_with = "super::option_list")]
        list: Option<Vec<usize>>,
    }

    fn parse(json: &str) -> Result<T, String> {
        serde_json::from_str(json).map_err(|e| e.to_string())
    }

    #[test]
    fn whole_numbers_with_or_without_a_point() {
        assert_eq!(parse(r#"{"n": 3, "list": [0, 3.0]}"#), Ok(T { n: Some(3), list: Some(vec![0, 3]) }));
        assert_eq!(parse(r#"{"n": 23.0}"#), Ok(T { n: Some(23), list: None }));
        assert_eq!(parse(r#"{"n": null, "list": null}"#), Ok(T { n: None, list: None }));
        assert_eq!(parse("{}"), Ok(T { n: None, list: None }));
        assert_eq!(parse(r#"{"n": 1e300}"#), Ok(T { n: Some(usize::MAX), list: None }));
        assert_eq!(parse(r#"{"list": [99999999999999999999999]}"#), Ok(T { n: None, list: Some(vec![usize::MAX]) }));
    }

    #[test]
    fn other_numbers_and_values_are_refused_as_before() {
        for bad in
            [r#"{"n": 2.5}"#, r#"{"n": -1}"#, r#"{"n": -0.5}"#, r#"{"n": "3"}"#, r#"{"list": [1.5]}"#, r#"{"list": 3}"#]
        {
            let e = parse(bad).unwrap_err();
            assert!(e.contains("expected usize") || e.contains("expected a sequence"), "{bad}: {e}");
        }
    }
}
