//! Charts and figures: a one-line summary as text, the picture in
//! notebooks, their data as JSON.

use serde_json::Value;

use super::Show;
use crate::plot::{Chart, Figure};

impl Show for Figure {
    fn type_name(&self) -> &'static str {
        "Figure"
    }
    fn text(&self) -> String {
        self.to_string()
    }
    fn json(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }
    fn png(&self) -> Option<crate::Result<Vec<u8>>> {
        Some(self.to_png())
    }
    fn svg(&self) -> Option<crate::Result<String>> {
        Some(self.to_svg())
    }
}

impl Show for Chart {
    fn type_name(&self) -> &'static str {
        "Chart"
    }
    fn text(&self) -> String {
        self.to_string()
    }
    fn json(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }
    /// A chart alone is drawn at matplotlib's default size.
    fn png(&self) -> Option<crate::Result<Vec<u8>>> {
        Some(Figure::single(self.clone()).to_png())
    }
    fn svg(&self) -> Option<crate::Result<String>> {
        Some(Figure::single(self.clone()).to_svg())
    }
}
