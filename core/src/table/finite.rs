//! Finding a non-finite number anywhere inside a serialisable value.
//!
//! serde_json turns NaN and infinities into `null`, so a record that
//! overflowed would reach a script as a field holding `()`. Records are
//! checked with this walk before they are converted, and the error names
//! the field (`days`, `stderr.alpha`).

use serde::ser::{self, Serialize, Serializer};

/// The path of the first field holding NaN or an infinity, if any.
pub fn first_non_finite<T: Serialize + ?Sized>(v: &T) -> Option<String> {
    let mut w = Walk::default();
    let _ = v.serialize(&mut w);
    w.found
}

#[derive(Default)]
struct Walk {
    path: Vec<String>,
    found: Option<String>,
}

#[derive(Debug)]
struct Stop;

impl std::fmt::Display for Stop {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("stop")
    }
}

impl std::error::Error for Stop {}

impl ser::Error for Stop {
    fn custom<M: std::fmt::Display>(_: M) -> Self {
        Stop
    }
}

type R = Result<(), Stop>;

impl Walk {
    fn number(&mut self, x: f64) -> R {
        if x.is_finite() {
            return Ok(());
        }
        self.found = Some(if self.path.is_empty() {
            "the value".into()
        } else {
            self.path.join(".")
        });
        Err(Stop)
    }

    fn nested<T: Serialize + ?Sized>(&mut self, key: String, v: &T) -> R {
        self.path.push(key);
        let r = v.serialize(&mut *self);
        self.path.pop();
        r
    }
}

impl Serializer for &mut Walk {
    type Ok = ();
    type Error = Stop;
    type SerializeSeq = Self;
    type SerializeTuple = Self;
    type SerializeTupleStruct = Self;
    type SerializeTupleVariant = Self;
    type SerializeMap = Self;
    type SerializeStruct = Self;
    type SerializeStructVariant = Self;

    fn serialize_f64(self, v: f64) -> R {
        self.number(v)
    }
    fn serialize_f32(self, v: f32) -> R {
        self.number(v as f64)
    }
    fn serialize_bool(self, _: bool) -> R {
        Ok(())
    }
    fn serialize_i8(self, _: i8) -> R {
        Ok(())
    }
    fn serialize_i16(self, _: i16) -> R {
        Ok(())
    }
    fn serialize_i32(self, _: i32) -> R {
        Ok(())
    }
    fn serialize_i64(self, _: i64) -> R {
        Ok(())
    }
    fn serialize_u8(self, _: u8) -> R {
        Ok(())
    }
    fn serialize_u16(self, _: u16) -> R {
        Ok(())
    }
    fn serialize_u32(self, _: u32) -> R {
        Ok(())
    }
    fn serialize_u64(self, _: u64) -> R {
        Ok(())
    }
    fn serialize_char(self, _: char) -> R {
        Ok(())
    }
    fn serialize_str(self, _: &str) -> R {
        Ok(())
    }
    fn serialize_bytes(self, _: &[u8]) -> R {
        Ok(())
    }
    fn serialize_none(self) -> R {
        Ok(())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, v: &T) -> R {
        v.serialize(self)
    }
    fn serialize_unit(self) -> R {
        Ok(())
    }
    fn serialize_unit_struct(self, _: &'static str) -> R {
        Ok(())
    }
    fn serialize_unit_variant(self, _: &'static str, _: u32, _: &'static str) -> R {
        Ok(())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, _: &'static str, v: &T) -> R {
        v.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        v: &T,
    ) -> R {
        self.nested(variant.into(), v)
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self, Stop> {
        self.path.push("[]".into());
        Ok(self)
    }
    fn serialize_tuple(self, len: usize) -> Result<Self, Stop> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(self, _: &'static str, len: usize) -> Result<Self, Stop> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        len: usize,
    ) -> Result<Self, Stop> {
        self.serialize_seq(Some(len))
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self, Stop> {
        self.path.push(String::new());
        Ok(self)
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self, Stop> {
        self.path.push(String::new());
        Ok(self)
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self, Stop> {
        self.path.push(String::new());
        Ok(self)
    }
}

/// The last path element while inside a container (`[]` for sequences,
/// the current key for maps and structs).
fn set_key(w: &mut Walk, key: String) {
    if let Some(last) = w.path.last_mut() {
        *last = key;
    }
}

fn done(w: &mut Walk) -> R {
    w.path.pop();
    Ok(())
}

impl ser::SerializeSeq for &mut Walk {
    type Ok = ();
    type Error = Stop;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, v: &T) -> R {
        v.serialize(&mut **self)
    }
    fn end(self) -> R {
        done(self)
    }
}

impl ser::SerializeTuple for &mut Walk {
    type Ok = ();
    type Error = Stop;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, v: &T) -> R {
        v.serialize(&mut **self)
    }
    fn end(self) -> R {
        done(self)
    }
}

impl ser::SerializeTupleStruct for &mut Walk {
    type Ok = ();
    type Error = Stop;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, v: &T) -> R {
        v.serialize(&mut **self)
    }
    fn end(self) -> R {
        done(self)
    }
}

impl ser::SerializeTupleVariant for &mut Walk {
    type Ok = ();
    type Error = Stop;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, v: &T) -> R {
        v.serialize(&mut **self)
    }
    fn end(self) -> R {
        done(self)
    }
}

impl ser::SerializeMap for &mut Walk {
    type Ok = ();
    type Error = Stop;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> R {
        let k = serde_json::to_value(key)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        set_key(self, k);
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, v: &T) -> R {
        v.serialize(&mut **self)
    }
    fn end(self) -> R {
        done(self)
    }
}

impl ser::SerializeStruct for &mut Walk {
    type Ok = ();
    type Error = Stop;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, v: &T) -> R {
        set_key(self, key.into());
        v.serialize(&mut **self)
    }
    fn end(self) -> R {
        done(self)
    }
}

impl ser::SerializeStructVariant for &mut Walk {
    type Ok = ();
    type Error = Stop;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, v: &T) -> R {
        set_key(self, key.into());
        v.serialize(&mut **self)
    }
    fn end(self) -> R {
        done(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Serialize)]
    struct Inner {
        alpha: f64,
    }

    #[derive(serde::Serialize)]
    struct Outer {
        days: f64,
        stderr: Inner,
        list: Vec<f64>,
    }

    #[test]
    fn names_the_field() {
        let ok = Outer {
            days: 1.0,
            stderr: Inner { alpha: 0.1 },
            list: vec![1.0],
        };
        assert_eq!(first_non_finite(&ok), None);
        let bad = Outer {
            stderr: Inner { alpha: f64::NAN },
            ..ok
        };
        assert_eq!(first_non_finite(&bad).as_deref(), Some("stderr.alpha"));
        let bad = Outer {
            days: f64::INFINITY,
            stderr: Inner { alpha: 0.1 },
            list: vec![],
        };
        assert_eq!(first_non_finite(&bad).as_deref(), Some("days"));
        assert_eq!(
            first_non_finite(&vec![1.0, f64::NAN]).as_deref(),
            Some("[]")
        );
        assert_eq!(first_non_finite(&f64::NAN).as_deref(), Some("the value"));
    }
}
