//! The report a student reads: the score, a table of tasks, what went wrong,
//! and the one thing to do next.

use std::fmt::Write as _;

use crate::verdict::{Grade, TaskGrade, TaskStatus, TestGrade, TestStatus};

/// How many lines of a compiler error or a test's output the report shows.
const SHOWN_LINES: usize = 25;

pub fn render(grade: &Grade, verbose: bool) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} — {}/{}   ({})\n",
        grade.title, grade.score, grade.max_score, grade.graded
    );
    table(&mut out, &grade.tasks);
    for task in &grade.tasks {
        details(&mut out, task, verbose);
    }
    out.push('\n');
    if grade.complete() {
        out.push_str("Every task passes. The lecture's fifth and last task: go see Sasha.\n");
        out.push_str("Все задачи решены. Пятое и последнее задание лекции: сходите к Саше.\n");
    } else if let Some(task) = grade
        .tasks
        .iter()
        .find(|task| task.status != TaskStatus::Passed)
    {
        let _ = writeln!(out, "next: {}", next_step(task));
    } else {
        out.push_str("every graded task passes\n");
    }
    out
}

fn status_word(status: TaskStatus) -> &'static str {
    match status {
        TaskStatus::Passed => "passed",
        TaskStatus::Failing => "failing",
        TaskStatus::NotStarted => "not started",
        TaskStatus::NotCompiled => "not compiled",
    }
}

fn table(out: &mut String, tasks: &[TaskGrade]) {
    let slug_width = tasks
        .iter()
        .map(|task| task.slug.len())
        .max()
        .unwrap_or(4)
        .max(4);
    let _ = writeln!(out, " #  {:slug_width$}  tests  points  status", "task");
    for task in tasks {
        let tests = format!("{}/{}", task.tests_passed, task.tests_total);
        let points = format!("{}/{}", task.points, task.max_points);
        let status = status_word(task.status);
        let file = if task.status == TaskStatus::Passed {
            ""
        } else {
            task.file.as_str()
        };
        let line = format!(
            "{:>2}  {:slug_width$}  {tests:<5}  {points:>6}  {status:<12}  {file}",
            task.number, task.slug
        );
        let _ = writeln!(out, "{}", line.trim_end());
    }
}

/// What went wrong in a failing or uncompiled task.
fn details(out: &mut String, task: &TaskGrade, verbose: bool) {
    match task.status {
        TaskStatus::NotCompiled => {
            let _ = writeln!(
                out,
                "\ntask {} ({}) does not compile:",
                task.number, task.slug
            );
            indented(
                out,
                task.message
                    .as_deref()
                    .unwrap_or("(cargo gave no error message)"),
            );
        }
        TaskStatus::Failing => {
            let _ = writeln!(
                out,
                "\ntask {} ({}): {} of {} tests pass",
                task.number, task.slug, task.tests_passed, task.tests_total
            );
            let failing: Vec<&TestGrade> = task
                .tests
                .iter()
                .filter(|test| test.status != TestStatus::Passed)
                .collect();
            let shown = if verbose { failing.len() } else { 1 };
            for test in &failing[..shown] {
                failure(out, test, verbose);
            }
            if failing.len() > shown {
                let _ = writeln!(
                    out,
                    "  (and {} more; --verbose shows them all)",
                    failing.len() - shown
                );
            }
        }
        TaskStatus::Passed | TaskStatus::NotStarted => {}
    }
}

fn failure(out: &mut String, test: &TestGrade, verbose: bool) {
    let what = match test.status {
        TestStatus::TimedOut => "timed out",
        TestStatus::NotCompiled => "does not compile",
        TestStatus::NotStarted => "not started",
        TestStatus::Failed | TestStatus::Passed => "failed",
    };
    let _ = writeln!(
        out,
        "  ✗ {} ({what}, {} points)",
        test.name, test.max_points
    );
    if let Some(message) = &test.message {
        indented(out, message);
    }
    if let Some(location) = &test.location {
        let _ = writeln!(out, "    at {location}");
    }
    if verbose && let Some(output) = &test.output {
        indented(out, output);
    }
}

/// The one thing to do next about `task`.
fn next_step(task: &TaskGrade) -> String {
    match task.status {
        TaskStatus::NotStarted => {
            let place = task.location.as_deref().unwrap_or(&task.file);
            let todo = task
                .message
                .as_deref()
                .map(|message| message.trim_start_matches("not yet implemented: "))
                .unwrap_or("write it");
            let hint = task
                .first_hint
                .as_ref()
                .map(|hint| format!("\n  hint:      {}\n  подсказка: {}", hint.en, hint.ru))
                .unwrap_or_default();
            format!(
                "task {} — {place} is still todo!(): {todo}{hint}",
                task.number
            )
        }
        TaskStatus::NotCompiled => format!(
            "task {} — make {} compile (the compiler's first error is above)",
            task.number, task.file
        ),
        TaskStatus::Failing | TaskStatus::Passed => format!(
            "task {} — fix the failing test above, in {}",
            task.number, task.file
        ),
    }
}

/// Writes `text` indented by four spaces, cut to [`SHOWN_LINES`] lines.
fn indented(out: &mut String, text: &str) {
    let lines: Vec<&str> = text.lines().collect();
    for line in lines.iter().take(SHOWN_LINES) {
        let _ = writeln!(out, "    {line}").map(|()| ());
    }
    if lines.len() > SHOWN_LINES {
        let _ = writeln!(out, "    [... {} more lines]", lines.len() - SHOWN_LINES);
    }
}
