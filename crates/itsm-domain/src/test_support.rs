//! Test-only helpers that read what serde derives produce without pulling in a serialization format crate.

use serde::de::value::{Error, StrDeserializer};
use serde::de::{DeserializeOwned, IntoDeserializer};
use serde::ser::{Impossible, Serialize, Serializer};

/// What a value serializes to, if it serializes to a bare string or a unit variant name.
pub(crate) fn serde_text<T: Serialize>(value: &T) -> Result<String, String> {
    value.serialize(TextSerializer).map_err(|e| e.to_string())
}

/// The value serde would build from a bare string.
pub(crate) fn from_serde_text<T: DeserializeOwned>(text: &str) -> Result<T, String> {
    let de: StrDeserializer<'_, Error> = text.into_deserializer();
    T::deserialize(de).map_err(|e| e.to_string())
}

/// Accepts only the two shapes a text encoding can take; anything else is a test failure.
struct TextSerializer;

fn not_text<T>() -> Result<T, Error> {
    Err(serde::ser::Error::custom("not serialized as text"))
}

macro_rules! reject {
    ($($method:ident($ty:ty)),+ $(,)?) => {
        $(fn $method(self, _: $ty) -> Result<String, Error> { not_text() })+
    };
}

impl Serializer for TextSerializer {
    type Ok = String;
    type Error = Error;
    type SerializeSeq = Impossible<String, Error>;
    type SerializeTuple = Impossible<String, Error>;
    type SerializeTupleStruct = Impossible<String, Error>;
    type SerializeTupleVariant = Impossible<String, Error>;
    type SerializeMap = Impossible<String, Error>;
    type SerializeStruct = Impossible<String, Error>;
    type SerializeStructVariant = Impossible<String, Error>;

    fn serialize_str(self, v: &str) -> Result<String, Error> {
        Ok(v.to_owned())
    }

    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<String, Error> {
        Ok(variant.to_owned())
    }

    fn serialize_newtype_struct<T: ?Sized + Serialize>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<String, Error> {
        value.serialize(self)
    }

    reject!(
        serialize_bool(bool),
        serialize_i8(i8),
        serialize_i16(i16),
        serialize_i32(i32),
        serialize_i64(i64),
        serialize_u8(u8),
        serialize_u16(u16),
        serialize_u32(u32),
        serialize_u64(u64),
        serialize_f32(f32),
        serialize_f64(f64),
        serialize_char(char),
        serialize_bytes(&[u8]),
        serialize_unit_struct(&'static str),
    );

    fn serialize_none(self) -> Result<String, Error> {
        not_text()
    }

    fn serialize_some<T: ?Sized + Serialize>(self, _: &T) -> Result<String, Error> {
        not_text()
    }

    fn serialize_unit(self) -> Result<String, Error> {
        not_text()
    }

    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<String, Error> {
        not_text()
    }

    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, Error> {
        not_text()
    }

    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, Error> {
        not_text()
    }

    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, Error> {
        not_text()
    }

    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, Error> {
        not_text()
    }

    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, Error> {
        not_text()
    }

    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self::SerializeStruct, Error> {
        not_text()
    }

    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, Error> {
        not_text()
    }
}

/// The checks every text-encoded enum owes: `parse` inverts `as_str`, and serde agrees with both.
pub(crate) fn assert_text_encoding<T>(value: T, as_str: &str, parse: fn(&str) -> Result<T, String>)
where
    T: Serialize + DeserializeOwned + PartialEq + std::fmt::Debug + std::fmt::Display + Copy,
{
    assert_eq!(parse(as_str), Ok(value));
    assert_eq!(value.to_string(), as_str);
    assert_eq!(serde_text(&value), Ok(as_str.to_owned()));
    assert_eq!(from_serde_text::<T>(as_str), Ok(value));
}
