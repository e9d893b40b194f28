//! Records: small structs of named values (an allocation, a duration) that
//! become a map in scripts and a row in a table.
//!
//! Their fields come from `Serialize`, the one conversion every struct
//! uses; a record type only adds how its numeric fields print in a table.
//! A table of records is built column by column: each record is serialized
//! straight into the columns' buffers by [`RowWriter`] (no map per row, no
//! string per row for a text field that repeats), in parallel over chunks
//! of rows, after the caller has checked rows x columns against its limits.

use serde::ser::{self, Serialize, SerializeMap, SerializeStruct};

use super::text::Builder;
use super::{Column, NumFormat, Table, TextColumn};
use crate::budget::Budget;
use crate::error::{Error, Result};
use crate::vector::Vector;

/// A struct whose fields are numbers, text or flags, convertible to a table row.
pub trait Record: Serialize {
    /// How a field prints in a table.
    fn format(_field: &str) -> NumFormat {
        NumFormat::Auto
    }
}

/// What kind of value a field holds (flags read as text in a table).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Num,
    Text,
}

/// A field of the first record: its name and kind.
#[derive(Debug, Clone)]
struct FieldSpec {
    name: String,
    /// Where the record's own name string lives: a struct's field names
    /// are static, so later rows are checked by address before by text.
    at: usize,
    kind: Kind,
}

/// One field's value as the serializer saw it.
enum Scalar<'a> {
    Num(f64),
    Text(std::borrow::Cow<'a, str>),
}

/// Why a row could not be written.
#[derive(Debug)]
struct RowError(String);

impl std::fmt::Display for RowError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for RowError {}

impl ser::Error for RowError {
    fn custom<T: std::fmt::Display>(msg: T) -> Self {
        RowError(msg.to_string())
    }
}

/// Where a record's fields go, one (name, value) at a time.
trait Sink: FnMut(&str, Scalar) -> std::result::Result<(), RowError> {}

impl<F: FnMut(&str, Scalar) -> std::result::Result<(), RowError>> Sink for F {}

/// The fields of one record, in order, as (name, value) handed to `sink`
/// (generic, so the per-field work inlines: a table of 1e6 records has 7e6).
fn visit<R: Serialize, S: Sink>(r: &R, sink: &mut S) -> std::result::Result<(), RowError> {
    r.serialize(RowWriter { sink })
}

/// A serde serializer for one record: a struct or a map (serde's flatten
/// turns a struct into a map) of scalar fields.
struct RowWriter<'s, S: Sink> {
    sink: &'s mut S,
}

/// The serializer of one field's value.
struct ValueWriter<'s, 'k, S: Sink> {
    key: &'k str,
    sink: &'s mut S,
}

macro_rules! refuse {
    ($($f:ident($($t:ty),*)),* $(,)?) => {$(
        fn $f(self, $(_: $t),*) -> std::result::Result<Self::Ok, Self::Error> {
            Err(RowError("a record holds numbers, text and flags only".into()))
        }
    )*};
}

macro_rules! no_compound {
    () => {
        type SerializeSeq = ser::Impossible<(), RowError>;
        type SerializeTuple = ser::Impossible<(), RowError>;
        type SerializeTupleStruct = ser::Impossible<(), RowError>;
        type SerializeTupleVariant = ser::Impossible<(), RowError>;
        type SerializeStructVariant = ser::Impossible<(), RowError>;
        fn serialize_seq(
            self,
            _: Option<usize>,
        ) -> std::result::Result<Self::SerializeSeq, RowError> {
            Err(RowError(
                "a record holds numbers, text and flags only".into(),
            ))
        }
        fn serialize_tuple(self, _: usize) -> std::result::Result<Self::SerializeTuple, RowError> {
            Err(RowError(
                "a record holds numbers, text and flags only".into(),
            ))
        }
        fn serialize_tuple_struct(
            self,
            _: &'static str,
            _: usize,
        ) -> std::result::Result<Self::SerializeTupleStruct, RowError> {
            Err(RowError(
                "a record holds numbers, text and flags only".into(),
            ))
        }
        fn serialize_tuple_variant(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
            _: usize,
        ) -> std::result::Result<Self::SerializeTupleVariant, RowError> {
            Err(RowError(
                "a record holds numbers, text and flags only".into(),
            ))
        }
        fn serialize_struct_variant(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
            _: usize,
        ) -> std::result::Result<Self::SerializeStructVariant, RowError> {
            Err(RowError(
                "a record holds numbers, text and flags only".into(),
            ))
        }
    };
}

impl<'s, S: Sink> ser::Serializer for RowWriter<'s, S> {
    type Ok = ();
    type Error = RowError;
    type SerializeMap = MapWriter<'s, S>;
    type SerializeStruct = Self;
    no_compound!();
    refuse!(
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
        serialize_str(&str),
        serialize_bytes(&[u8]),
        serialize_unit(),
        serialize_unit_struct(&'static str),
        serialize_none(),
    );
    fn serialize_some<T: ?Sized + Serialize>(self, v: &T) -> std::result::Result<(), RowError> {
        v.serialize(self)
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
    ) -> std::result::Result<(), RowError> {
        Err(RowError("a record is a struct of named fields".into()))
    }
    fn serialize_newtype_struct<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        v: &T,
    ) -> std::result::Result<(), RowError> {
        v.serialize(self)
    }
    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> std::result::Result<(), RowError> {
        Err(RowError("a record is a struct of named fields".into()))
    }
    fn serialize_map(self, _: Option<usize>) -> std::result::Result<MapWriter<'s, S>, RowError> {
        Ok(MapWriter {
            sink: self.sink,
            key: String::new(),
        })
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> std::result::Result<Self, RowError> {
        Ok(self)
    }
}

impl<S: Sink> SerializeStruct for RowWriter<'_, S> {
    type Ok = ();
    type Error = RowError;
    fn serialize_field<T: ?Sized + Serialize>(
        &mut self,
        key: &'static str,
        v: &T,
    ) -> std::result::Result<(), RowError> {
        v.serialize(ValueWriter {
            key,
            sink: &mut *self.sink,
        })
    }
    fn skip_field(&mut self, _: &'static str) -> std::result::Result<(), RowError> {
        Ok(())
    }
    fn end(self) -> std::result::Result<(), RowError> {
        Ok(())
    }
}

/// Fields that arrive as map entries (serde's flatten); the key's buffer
/// is reused from entry to entry.
struct MapWriter<'s, S: Sink> {
    sink: &'s mut S,
    key: String,
}

impl<S: Sink> SerializeMap for MapWriter<'_, S> {
    type Ok = ();
    type Error = RowError;
    fn serialize_key<T: ?Sized + Serialize>(&mut self, k: &T) -> std::result::Result<(), RowError> {
        let key = &mut self.key;
        key.clear();
        k.serialize(ValueWriter {
            key: "",
            sink: &mut |_: &str, s: Scalar| match s {
                Scalar::Text(t) => {
                    key.push_str(&t);
                    Ok(())
                }
                Scalar::Num(_) => Err(RowError("a record's keys are names".into())),
            },
        })
    }
    fn serialize_value<T: ?Sized + Serialize>(
        &mut self,
        v: &T,
    ) -> std::result::Result<(), RowError> {
        v.serialize(ValueWriter {
            key: &self.key,
            sink: &mut *self.sink,
        })
    }
    fn end(self) -> std::result::Result<(), RowError> {
        Ok(())
    }
}

impl<S: Sink> ser::Serializer for ValueWriter<'_, '_, S> {
    type Ok = ();
    type Error = RowError;
    type SerializeMap = ser::Impossible<(), RowError>;
    type SerializeStruct = ser::Impossible<(), RowError>;
    no_compound!();
    fn serialize_bool(self, v: bool) -> std::result::Result<(), RowError> {
        (self.sink)(
            self.key,
            Scalar::Text(if v { "true" } else { "false" }.into()),
        )
    }
    fn serialize_i8(self, v: i8) -> std::result::Result<(), RowError> {
        self.serialize_f64(v.into())
    }
    fn serialize_i16(self, v: i16) -> std::result::Result<(), RowError> {
        self.serialize_f64(v.into())
    }
    fn serialize_i32(self, v: i32) -> std::result::Result<(), RowError> {
        self.serialize_f64(v.into())
    }
    fn serialize_i64(self, v: i64) -> std::result::Result<(), RowError> {
        self.serialize_f64(v as f64)
    }
    fn serialize_u8(self, v: u8) -> std::result::Result<(), RowError> {
        self.serialize_f64(v.into())
    }
    fn serialize_u16(self, v: u16) -> std::result::Result<(), RowError> {
        self.serialize_f64(v.into())
    }
    fn serialize_u32(self, v: u32) -> std::result::Result<(), RowError> {
        self.serialize_f64(v.into())
    }
    fn serialize_u64(self, v: u64) -> std::result::Result<(), RowError> {
        self.serialize_f64(v as f64)
    }
    fn serialize_f32(self, v: f32) -> std::result::Result<(), RowError> {
        self.serialize_f64(v.into())
    }
    fn serialize_f64(self, v: f64) -> std::result::Result<(), RowError> {
        (self.sink)(self.key, Scalar::Num(v))
    }
    fn serialize_char(self, v: char) -> std::result::Result<(), RowError> {
        (self.sink)(self.key, Scalar::Text(v.to_string().into()))
    }
    fn serialize_str(self, v: &str) -> std::result::Result<(), RowError> {
        (self.sink)(self.key, Scalar::Text(v.into()))
    }
    fn serialize_bytes(self, _: &[u8]) -> std::result::Result<(), RowError> {
        Err(RowError(format!(
            "field '{}' is not a number or text",
            self.key
        )))
    }
    fn serialize_none(self) -> std::result::Result<(), RowError> {
        Err(RowError(format!(
            "field '{}' has no value (every row needs one)",
            self.key
        )))
    }
    fn serialize_some<T: ?Sized + Serialize>(self, v: &T) -> std::result::Result<(), RowError> {
        v.serialize(self)
    }
    fn serialize_unit(self) -> std::result::Result<(), RowError> {
        self.serialize_none()
    }
    fn serialize_unit_struct(self, _: &'static str) -> std::result::Result<(), RowError> {
        self.serialize_none()
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> std::result::Result<(), RowError> {
        self.serialize_str(variant)
    }
    fn serialize_newtype_struct<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        v: &T,
    ) -> std::result::Result<(), RowError> {
        v.serialize(self)
    }
    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> std::result::Result<(), RowError> {
        Err(RowError(format!(
            "field '{}' is not a number or text",
            self.key
        )))
    }
    fn serialize_map(self, _: Option<usize>) -> std::result::Result<Self::SerializeMap, RowError> {
        Err(RowError(format!(
            "field '{}' is not a number or text",
            self.key
        )))
    }
    fn serialize_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> std::result::Result<Self::SerializeStruct, RowError> {
        Err(RowError(format!(
            "field '{}' is not a number or text",
            self.key
        )))
    }
}

/// The fields of a record, in order.
fn fields_of<R: Serialize>(r: &R) -> Result<Vec<FieldSpec>> {
    let mut out = Vec::new();
    visit(r, &mut |name, v| {
        out.push(FieldSpec {
            name: name.to_string(),
            at: name.as_ptr() as usize,
            kind: match v {
                Scalar::Num(_) => Kind::Num,
                Scalar::Text(_) => Kind::Text,
            },
        });
        Ok(())
    })
    .map_err(|e| Error::InvalidArgument {
        arg: "record".into(),
        expected: "a struct of numbers, text and flags",
        value: e.0,
    })?;
    Ok(out)
}

/// One chunk's part of a column being filled.
enum Slot<'a> {
    /// The chunk's slice of a numeric column, filled in place.
    Num(&'a mut [f64]),
    /// The chunk's text codes and the values they stand for (joined into
    /// the column afterwards).
    Text(Builder, Vec<u32>),
}

/// Write row `r` at position `j` of its chunk's slots, checking that its
/// fields are those of row 0 and its numbers finite. A text value equal to
/// the one above it shares its string.
fn write_row<R: Serialize>(
    r: &R,
    row: usize,
    j: usize,
    specs: &[FieldSpec],
    slots: &mut [Slot],
) -> Result<()> {
    let mut k = 0;
    visit(r, &mut |name, v| {
        let spec = specs
            .get(k)
            .filter(|s| s.at == name.as_ptr() as usize || s.name == name)
            .ok_or_else(|| RowError(format!("field '{name}' is not where row 0 has it")))?;
        match (&mut slots[k], v) {
            (Slot::Num(b), Scalar::Num(x)) if x.is_finite() => b[j] = x,
            (Slot::Num(_), Scalar::Num(_)) => {
                return Err(RowError(format!(
                    "{} would not be a finite number; an input is outside the range where it is defined",
                    spec.name
                )))
            }
            (Slot::Text(values, codes), Scalar::Text(t)) => codes.push(values.code(&t)),
            _ => return Err(RowError(format!("field '{name}' changes kind from row 0"))),
        }
        k += 1;
        Ok(())
    })
    .and_then(|()| {
        if k == specs.len() {
            Ok(())
        } else {
            Err(RowError(format!("it has {k} fields where row 0 has {}", specs.len())))
        }
    })
    .map_err(|e| Error::NotFinite(format!("row {row}: {e}")))
}

/// Rows per parallel chunk.
const CHUNK: usize = 16_384;

/// A failure while building a table of records: which input, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct RowFailure {
    /// The input's position (`None` when not about one input).
    pub index: Option<usize>,
    /// Why.
    pub error: Error,
}

impl From<Error> for RowFailure {
    fn from(error: Error) -> Self {
        RowFailure { index: None, error }
    }
}

/// How many cells a table of `n` records would have, and its bytes, from
/// the first record: for checking against limits before building it.
pub fn record_shape<R: Record>(first: &R, n: usize) -> Result<(f64, f64)> {
    let specs = fields_of(first)?;
    let cols = specs.len() as f64;
    // Numbers 8 bytes, text a 4-byte code (its distinct values aside),
    // the row index 8.
    let bytes: f64 = specs
        .iter()
        .map(|s| match s.kind {
            Kind::Num => 8.0,
            Kind::Text => 4.0,
        })
        .sum::<f64>()
        + 8.0;
    Ok((n as f64 * cols, n as f64 * bytes))
}

impl Table {
    /// Records as a table, one row each, columns in the record's field order.
    pub fn from_records<R: Record + Sync>(rows: &[R]) -> Result<Table> {
        Table::build_records(rows.len(), None, 0, |i| Ok(&rows[i])).map_err(|f| f.error)
    }

    /// A table of `n` records made by `f(i)` for each i, column by column
    /// and in parallel: `budget` (if any) is charged `ns_each` nanoseconds
    /// per record as chunks finish, so an interrupt or an exhausted budget
    /// stops the work. The first failing input is named.
    pub fn build_records<R: Record + Sync>(
        n: usize,
        budget: Option<&Budget>,
        ns_each: u64,
        f: impl Fn(usize) -> Result<R> + Sync,
    ) -> std::result::Result<Table, RowFailure> {
        use rayon::prelude::*;
        if n == 0 {
            return Ok(Table::new());
        }
        let at = |i: usize| {
            move |error: Error| RowFailure {
                index: Some(i),
                error,
            }
        };
        let first = f(0).map_err(at(0))?;
        let specs = fields_of(&first)?;
        // Numeric columns allocated once, at their full length (zeroed
        // pages cost nothing until written), and filled in place.
        let mut nums: Vec<Vec<f64>> = specs
            .iter()
            .filter(|s| s.kind == Kind::Num)
            .map(|_| vec![0.0; n])
            .collect();
        let text_columns = specs.iter().filter(|s| s.kind == Kind::Text).count();
        let chunks = n.div_ceil(CHUNK);
        let mut per_chunk: Vec<Vec<Slot>> = (0..chunks).map(|_| Vec::new()).collect();
        {
            let mut num_chunks: Vec<std::slice::ChunksMut<f64>> =
                nums.iter_mut().map(|c| c.chunks_mut(CHUNK)).collect();
            for (c, slots) in per_chunk.iter_mut().enumerate() {
                let len = CHUNK.min(n - c * CHUNK);
                let mut a = 0;
                for s in &specs {
                    slots.push(match s.kind {
                        Kind::Num => {
                            a += 1;
                            Slot::Num(num_chunks[a - 1].next().expect("one slice per chunk"))
                        }
                        Kind::Text => Slot::Text(Builder::default(), Vec::with_capacity(len)),
                    });
                }
            }
        }
        let done: Vec<std::result::Result<Vec<TextColumn>, RowFailure>> = per_chunk
            .into_par_iter()
            .enumerate()
            .map(|(c, mut slots)| {
                let a = c * CHUNK;
                let b = (a + CHUNK).min(n);
                if let Some(budget) = budget {
                    budget.charge_elements(b - a, ns_each)?;
                }
                for i in a..b {
                    let r = if i == 0 {
                        write_row(&first, 0, 0, &specs, &mut slots)
                    } else {
                        f(i).and_then(|r| write_row(&r, i, i - a, &specs, &mut slots))
                    };
                    r.map_err(at(i))?;
                }
                Ok(slots
                    .into_iter()
                    .filter_map(|s| match s {
                        Slot::Text(values, codes) => Some(values.finish(codes)),
                        Slot::Num(_) => None,
                    })
                    .collect())
            })
            .collect();
        let mut texts: Vec<Vec<TextColumn>> = (0..text_columns).map(|_| Vec::new()).collect();
        let mut failures = Vec::new();
        for d in done {
            match d {
                Ok(parts) => {
                    for (col, part) in texts.iter_mut().zip(parts) {
                        col.push(part);
                    }
                }
                Err(f) => failures.push(f),
            }
        }
        let mut texts = texts.into_iter().map(TextColumn::join);
        // The first input that failed (a stop from the budget outranks all).
        if let Some(f) = failures
            .iter()
            .find(|f| f.index.is_none())
            .or_else(|| failures.iter().min_by_key(|f| f.index))
        {
            return Err(f.clone());
        }
        let mut nums = nums.into_iter();
        let columns: Vec<Column> = specs
            .iter()
            .map(|s| match s.kind {
                Kind::Num => Column::Num(Vector::new(nums.next().expect("a column per field"))),
                Kind::Text => Column::Text(texts.next().expect("a column per field")),
            })
            .collect();
        let names: Vec<String> = specs.iter().map(|s| s.name.clone()).collect();
        let mut t = Table::from_parts(names, columns)?;
        for s in &specs {
            t.set_format(&s.name, R::format(&s.name))?;
        }
        Ok(t)
    }
}

/// A record by reference is a record (so [`Table::from_records`] reuses
/// the builder without cloning rows).
impl<R: Record> Record for &R {
    fn format(field: &str) -> NumFormat {
        R::format(field)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Serialize;

    #[derive(Serialize)]
    struct Run {
        name: &'static str,
        #[serde(rename = "N")]
        n: f64,
        loss: f64,
        ok: bool,
    }

    impl Record for Run {
        fn format(field: &str) -> NumFormat {
            match field {
                "N" => NumFormat::Si,
                _ => NumFormat::Auto,
            }
        }
    }

    #[test]
    fn fields_in_declaration_order_with_formats() {
        let t = Table::from_records(&[
            Run {
                name: "a",
                n: 1e9,
                loss: 2.5,
                ok: true,
            },
            Run {
                name: "b",
                n: 7e9,
                loss: 2.1,
                ok: false,
            },
        ])
        .unwrap();
        assert_eq!(t.names(), ["name", "N", "loss", "ok"]);
        assert_eq!(t.formats()[1], NumFormat::Si);
        assert_eq!(t.num_column("N").unwrap().as_slice(), [1e9, 7e9]);
        assert_eq!(
            t.row(1).unwrap()[3].1,
            super::super::Cell::Text("false".into())
        );
    }

    #[derive(Serialize)]
    struct Outer {
        law: String,
        #[serde(flatten)]
        inner: Inner,
    }

    #[derive(Serialize)]
    struct Inner {
        x: f64,
    }

    impl Record for Outer {}

    #[test]
    fn many_records_in_parallel_share_repeated_text() {
        let n = 100_000;
        let t = Table::build_records(n, None, 0, |i| {
            Ok(Outer {
                law: "chinchilla".into(),
                inner: Inner { x: i as f64 },
            })
        })
        .unwrap();
        assert_eq!(t.len(), n);
        assert_eq!(t.names(), ["law", "x"]);
        let x = t.num_column("x").unwrap();
        assert!(x.iter().enumerate().all(|(i, v)| *v == i as f64));
        let Column::Text(law) = t.column("law").unwrap() else {
            panic!("text")
        };
        // The name is stored once, not once per row.
        assert_eq!(law.distinct(), 1);
        assert!(law.iter().all(|s| s == "chinchilla"));
    }

    #[test]
    fn failures_name_the_first_bad_input() {
        let e = Table::build_records(50_000, None, 0, |i| {
            if i == 40_000 || i == 45_000 {
                Err(Error::invalid("C", "a positive finite number", -1.0))
            } else {
                Ok(Inner { x: 1.0 })
            }
        })
        .unwrap_err();
        assert_eq!(e.index, Some(40_000));
        let e = Table::build_records(10, None, 0, |i| {
            Ok(Inner {
                x: if i == 3 { f64::INFINITY } else { 1.0 },
            })
        })
        .unwrap_err();
        assert_eq!(e.index, Some(3));
        assert!(
            e.error
                .to_string()
                .contains("x would not be a finite number"),
            "{}",
            e.error
        );
    }

    impl Record for Inner {}
}
