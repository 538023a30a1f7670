//! The machine-readable report: the [`Grade`] as pretty JSON. Its shape is
//! the verdict types' serde form, documented in README.md and versioned by
//! `schema_version`.

use crate::verdict::Grade;

pub fn render(grade: &Grade) -> String {
    let mut text = serde_json::to_string_pretty(grade).expect("a grade is plain data");
    text.push('\n');
    text
}
