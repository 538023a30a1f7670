//! Gradescope's `results.json`, which an autograder's `run_autograder`
//! writes to `/autograder/results/results.json`: the score, the Markdown
//! summary on top, and one entry per graded test with its points, status,
//! message and visibility (from `tasks.toml`).
//!
//! Fields as Gradescope documents them: a test's `score` and `max_score`,
//! `status` `passed` or `failed`, `visibility` `hidden`, `after_due_date`,
//! `after_published` or `visible`. Bonus tests are extra credit: their
//! `max_score` is 0, so what they earn goes on top of the assignment's total.

use std::fmt::Write as _;

use serde::Serialize;

use super::visible::plain;
use crate::{
    manifest::Visibility,
    messages::Lang,
    verdict::{Grade, TaskGrade, TestGrade, TestStatus},
};

/// The whole `results.json`.
#[derive(Serialize)]
struct Results {
    score: u32,
    execution_time: u64,
    output: String,
    output_format: &'static str,
    /// Test output is the student's own program: nothing to hide, nothing
    /// to show beyond the tests.
    stdout_visibility: Visibility,
    tests: Vec<TestResult>,
}

#[derive(Serialize)]
struct TestResult {
    name: String,
    number: String,
    score: u32,
    max_score: u32,
    status: &'static str,
    output: String,
    output_format: &'static str,
    tags: Vec<String>,
    visibility: Visibility,
}

pub fn render(grade: &Grade, lang: Lang) -> String {
    let results = Results {
        score: grade.score + grade.bonus,
        execution_time: (grade.timings.build_secs + grade.timings.run_secs).round() as u64,
        output: summary(grade, lang),
        output_format: "md",
        stdout_visibility: Visibility::Hidden,
        tests: grade
            .tasks
            .iter()
            .flat_map(|task| {
                task.tests
                    .iter()
                    .enumerate()
                    .map(move |(index, test)| result(task, index, test))
            })
            .collect(),
    };
    let mut text = serde_json::to_string_pretty(&results).expect("results are plain data");
    text.push('\n');
    text
}

/// The Markdown summary on top of the results. It has no visibility of its
/// own: students see it at once, so it is made from the visible tests
/// alone and neither names nor counts the others, which show up in their
/// own entries when their visibility says.
fn summary(grade: &Grade, lang: Lang) -> String {
    let visible = grade.visible_part(lang);
    let mut text = super::markdown::render(&visible, lang);
    let withheld = grade
        .tasks
        .iter()
        .flat_map(|task| &task.tests)
        .any(|test| !test.visibility.is_visible());
    if withheld {
        text.push_str(match lang {
            Lang::En => "\nMore tests are shown here once their results are released.\n",
            Lang::Ru => "\nОстальные тесты появятся здесь, когда их результаты откроют.\n",
        });
    }
    text
}

fn result(task: &TaskGrade, index: usize, test: &TestGrade) -> TestResult {
    let passed = test.status == TestStatus::Passed;
    TestResult {
        name: format!("Task {} ({}): {}", task.number, task.slug, test.name),
        number: format!("{}.{}", task.number, index + 1),
        score: test.points,
        max_score: if test.bonus { 0 } else { test.max_points },
        status: if passed { "passed" } else { "failed" },
        output: output(task, test),
        output_format: "md",
        tags: [Some(task.slug.clone()), test.bonus.then(|| "bonus".into())]
            .into_iter()
            .flatten()
            .collect(),
        visibility: test.visibility,
    }
}

/// What Gradescope shows under a test: the status, the message (the
/// compiler's, for a test that did not compile), where to look, the idea.
fn output(task: &TaskGrade, test: &TestGrade) -> String {
    let mut out = String::new();
    if test.status == TestStatus::Passed {
        let _ = writeln!(out, "passed");
    } else {
        let _ = writeln!(out, "**{}**\n", test.status.name());
        if let Some(message) = task.message_of(test) {
            let _ = writeln!(out, "```text\n{}\n```", message.replace("```", "'''"));
        }
        if let Some(location) = &test.location {
            let _ = writeln!(out, "\nat `{location}` in `{}`", task.file);
        }
    }
    if let Some(about) = &test.about {
        let _ = writeln!(out, "\n_{about}_");
    }
    plain(&out).into_owned()
}
