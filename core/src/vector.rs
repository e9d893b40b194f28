//! `Vector` and `Mask`: numpy's 1-D float and boolean arrays, as plain data.
//!
//! A vector is a contiguous `f64` buffer shared by reference (`Arc`):
//! passing one to a function, keeping it in a variable or in a table column
//! copies no numbers. An operation on a vector that nobody else holds (a
//! temporary such as `N / 1e9` inside `(N / 1e9) * l`) writes its result
//! into that buffer instead of allocating ([`Vector::unique_mut`]).
//!
//! The arithmetic lives in [`crate::numeric`]; scripts reach it through
//! `script::vector`. Vectors built from script values hold finite numbers
//! only (every entry point checks), so reductions need not look for NaN.

use std::fmt;
use std::sync::Arc;

use serde::{Serialize, Serializer};

use crate::error::{Error, Result};

/// A shared, immutable-by-default buffer of `f64`.
#[derive(Clone, Default, PartialEq)]
pub struct Vector(Arc<Vec<f64>>);

impl Vector {
    /// Wrap numbers without copying them.
    pub fn new(values: Vec<f64>) -> Vector {
        Vector(Arc::new(values))
    }

    /// Wrap numbers after checking that every one is finite; the error
    /// names `arg` and the first bad index.
    pub fn finite(arg: &str, values: Vec<f64>) -> Result<Vector> {
        if let Some((i, x)) = values.iter().enumerate().find(|(_, x)| !x.is_finite()) {
            return Err(Error::invalid(format!("{arg}[{i}]"), "a finite number", *x));
        }
        Ok(Vector::new(values))
    }

    /// The numbers.
    pub fn as_slice(&self) -> &[f64] {
        &self.0
    }

    /// True when no other vector shares this buffer.
    pub fn is_unique(&self) -> bool {
        Arc::strong_count(&self.0) == 1 && Arc::weak_count(&self.0) == 0
    }

    /// The buffer for writing, if this is the only holder of it (no copy is made).
    pub fn unique_mut(&mut self) -> Option<&mut [f64]> {
        Arc::get_mut(&mut self.0).map(|v| v.as_mut_slice())
    }

    /// The buffer for writing, copied first if it is shared.
    pub fn make_mut(&mut self) -> &mut Vec<f64> {
        Arc::make_mut(&mut self.0)
    }

    /// The numbers as an owned `Vec` (no copy when unshared).
    pub fn into_vec(self) -> Vec<f64> {
        Arc::try_unwrap(self.0).unwrap_or_else(|shared| (*shared).clone())
    }
}

impl std::ops::Deref for Vector {
    type Target = [f64];
    fn deref(&self) -> &[f64] {
        &self.0
    }
}

impl From<Vec<f64>> for Vector {
    fn from(v: Vec<f64>) -> Vector {
        Vector::new(v)
    }
}

impl FromIterator<f64> for Vector {
    fn from_iter<I: IntoIterator<Item = f64>>(iter: I) -> Vector {
        Vector::new(iter.into_iter().collect())
    }
}

impl fmt::Debug for Vector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Vector(len {}: ", self.len())?;
        f.debug_list().entries(self.iter().take(8)).finish()?;
        if self.len() > 8 {
            f.write_str(" ...")?;
        }
        f.write_str(")")
    }
}

impl Serialize for Vector {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        self.as_slice().serialize(s)
    }
}

/// Iterates a vector's numbers by value (for `for x in v` in scripts).
#[derive(Clone)]
pub struct VectorIter {
    v: Vector,
    i: usize,
}

impl Iterator for VectorIter {
    type Item = f64;
    fn next(&mut self) -> Option<f64> {
        let x = self.v.get(self.i).copied();
        self.i += 1;
        x
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = self.v.len().saturating_sub(self.i);
        (n, Some(n))
    }
}

impl IntoIterator for Vector {
    type Item = f64;
    type IntoIter = VectorIter;
    fn into_iter(self) -> VectorIter {
        VectorIter { v: self, i: 0 }
    }
}

/// A shared buffer of booleans: the result of comparing vectors (numpy's
/// boolean array), used to pick elements (`v[v > 2]`) or rows.
#[derive(Clone, Default, PartialEq)]
pub struct Mask(Arc<Vec<bool>>);

impl Mask {
    /// Wrap booleans without copying them.
    pub fn new(values: Vec<bool>) -> Mask {
        Mask(Arc::new(values))
    }

    /// The booleans.
    pub fn as_slice(&self) -> &[bool] {
        &self.0
    }

    /// How many are true.
    pub fn count(&self) -> usize {
        self.0.iter().filter(|b| **b).count()
    }

    /// Positions of the true entries.
    pub fn positions(&self) -> Vec<usize> {
        self.0
            .iter()
            .enumerate()
            .filter_map(|(i, b)| b.then_some(i))
            .collect()
    }
}

impl std::ops::Deref for Mask {
    type Target = [bool];
    fn deref(&self) -> &[bool] {
        &self.0
    }
}

impl From<Vec<bool>> for Mask {
    fn from(v: Vec<bool>) -> Mask {
        Mask::new(v)
    }
}

impl fmt::Debug for Mask {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Mask(len {}, {} true)", self.len(), self.count())
    }
}

impl Serialize for Mask {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        self.as_slice().serialize(s)
    }
}

/// Iterates a mask's booleans by value.
#[derive(Clone)]
pub struct MaskIter {
    m: Mask,
    i: usize,
}

impl Iterator for MaskIter {
    type Item = bool;
    fn next(&mut self) -> Option<bool> {
        let x = self.m.get(self.i).copied();
        self.i += 1;
        x
    }
}

impl IntoIterator for Mask {
    type Item = bool;
    type IntoIter = MaskIter;
    fn into_iter(self) -> MaskIter {
        MaskIter { m: self, i: 0 }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shared_until_written() {
        let mut a = Vector::new(vec![1.0, 2.0]);
        assert!(a.unique_mut().is_some());
        let b = a.clone();
        assert!(a.unique_mut().is_none(), "a clone shares the buffer");
        a.make_mut()[0] = 5.0;
        assert_eq!(
            (a.as_slice(), b.as_slice()),
            (&[5.0, 2.0][..], &[1.0, 2.0][..])
        );
        assert_eq!(b.into_iter().collect::<Vec<_>>(), [1.0, 2.0]);
    }

    #[test]
    fn finite_names_the_first_bad_index() {
        let e = Vector::finite("xs", vec![1.0, f64::NAN, f64::INFINITY]).unwrap_err();
        assert_eq!(e.to_string(), "xs[1] must be a finite number, got NaN");
    }

    #[test]
    fn masks_count_and_locate() {
        let m = Mask::new(vec![true, false, true]);
        assert_eq!((m.count(), m.positions()), (2, vec![0, 2]));
        assert_eq!(serde_json::to_string(&m).unwrap(), "[true,false,true]");
    }
}
