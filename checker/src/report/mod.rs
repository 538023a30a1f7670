//! Reporting a [`Grade`]: the same verdicts, rendered for a person or for a
//! machine. Each format is a function from a grade to text; adding one
//! touches nothing upstream.

mod classroom;
mod gradescope;
pub mod human;
mod json;
mod junit;
mod markdown;
pub mod visible;

use clap::ValueEnum;

use crate::{messages::Lang, verdict::Grade};

/// The report formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// A table and what to do next, for a person at a terminal.
    Human,
    /// Every verdict as JSON (schema in README.md), for CI and gradebooks.
    Json,
    /// JUnit XML, for the test views of GitLab, Jenkins and GitHub Actions.
    Junit,
    /// A Markdown summary, for $GITHUB_STEP_SUMMARY or a pull-request comment.
    Markdown,
    /// Gradescope's results.json (see `checker gradescope`).
    Gradescope,
    /// GitHub Classroom's reporter input: base64 JSON, for `result=` in $GITHUB_OUTPUT.
    Classroom,
}

/// Renders `grade` in `format`. `verbose` shows every failure of the human
/// report, instead of the first failure of each task. The human report
/// carries ANSI styles; write it through `anstream` to drop them where they
/// do not belong.
pub fn render(grade: &Grade, format: Format, verbose: bool, lang: Lang) -> String {
    match format {
        Format::Human => human::render(grade, verbose, lang),
        Format::Json => json::render(grade),
        Format::Junit => junit::render(grade),
        Format::Markdown => markdown::render(grade, lang),
        Format::Gradescope => gradescope::render(grade, lang),
        Format::Classroom => classroom::render(grade),
    }
}
