//! evcxr display: each Rust value a notebook cell ends with shows through
//! the same MIME bundle as in the native kernel ([`crate::script::value`]).
//!
//! evcxr turns every `EVCXR_BEGIN_CONTENT <mime>` block a value prints from
//! its `evcxr_display(&self)` into one output with several MIME types, and
//! the front end picks the richest it can show.

use rhai::Dynamic;

use crate::allocation::Allocation;
use crate::laws::Law;
use crate::plot::{Chart, Figure};
use crate::script::value::{self, Cx, MimeBundle};
use crate::table::Table;

fn show(bundle: MimeBundle) {
    for (mime, content) in bundle {
        println!("EVCXR_BEGIN_CONTENT {mime}\n{content}\nEVCXR_END_CONTENT");
    }
}

fn show_value(v: Dynamic) {
    show(value::bundle(&v, Cx::detached()));
}

impl Table {
    /// evcxr display: HTML table and text table.
    pub fn evcxr_display(&self) {
        show_value(Dynamic::from(self.clone()));
    }
}

impl Figure {
    /// evcxr display: inline PNG.
    pub fn evcxr_display(&self) {
        show_value(Dynamic::from(self.clone()));
    }
}

impl Chart {
    /// evcxr display: the chart alone at matplotlib's default size, inline PNG.
    pub fn evcxr_display(&self) {
        show_value(Dynamic::from(self.clone()));
    }
}

impl Law {
    /// evcxr display: formula in LaTeX with coefficients and source.
    pub fn evcxr_display(&self) {
        show_value(Dynamic::from(self.clone()));
    }
}

impl crate::vector::Vector {
    /// evcxr display: like numpy, as text and a one-row HTML table.
    pub fn evcxr_display(&self) {
        show_value(Dynamic::from(self.clone()));
    }
}

impl Allocation {
    /// evcxr display: the allocation as a one-row table.
    pub fn evcxr_display(&self) {
        match Table::from_records(&[*self]) {
            Ok(t) => show_value(Dynamic::from(t)),
            Err(_) => println!("{self}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn evcxr_blocks_come_from_the_value_model() {
        let b = value::bundle(&Dynamic::from(Law::chinchilla()), Cx::detached());
        assert_eq!(b[0].0, "text/plain");
        assert!(b
            .iter()
            .any(|(m, c)| *m == "text/markdown" && c.contains("\\frac{A}")));
    }
}
