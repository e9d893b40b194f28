//! Tables, shown like a pandas DataFrame.

use serde_json::Value;

use super::Show;
use crate::table::{render, Table};

impl Show for Table {
    fn type_name(&self) -> &'static str {
        "Table"
    }
    fn text(&self) -> String {
        render::to_text(self)
    }
    fn inline(&self) -> String {
        format!(
            "<Table: {} rows x {} columns>",
            self.len(),
            self.names().len()
        )
    }
    fn json(&self) -> Value {
        render::to_json(self)
    }
    fn html(&self) -> Option<String> {
        Some(render::to_html(self))
    }
    fn csv(&self) -> Option<crate::Result<String>> {
        Some(render::to_csv(self))
    }
}
