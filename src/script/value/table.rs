//! Tables, shown like a pandas DataFrame.

use serde_json::Value;

use super::{Cx, Show};
use crate::table::{render, Table};

impl Show for Table {
    fn type_name(&self) -> &'static str {
        "Table"
    }
    fn text(&self, _: Cx) -> String {
        render::to_text(self)
    }
    fn inline(&self, _: Cx) -> String {
        format!(
            "<Table: {} rows x {} columns>",
            self.len(),
            self.names().len()
        )
    }
    fn json(&self, _: Cx) -> Value {
        render::to_json(self)
    }
    fn html(&self, _: Cx) -> Option<String> {
        Some(render::to_html(self))
    }
    fn csv(&self) -> Option<crate::Result<String>> {
        Some(render::to_csv(self))
    }
}
