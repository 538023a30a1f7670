//! The report a student reads: the score, a table of tasks, what went wrong,
//! and the one thing to do next — in the student's language, styled for a
//! terminal (the caller strips the styles where they do not belong).

use std::fmt::Write as _;

use anstyle::{AnsiColor, Style};

use crate::{
    messages::{Lang, Text, fill},
    verdict::{Grade, TaskGrade, TaskStatus, TestGrade, TestStatus},
};

/// How many lines of a compiler error or a message the report shows.
const SHOWN_LINES: usize = 25;
/// How much of what a failing test printed the report shows.
const SHOWN_OUTPUT_CHARS: usize = 2000;

const BOLD: Style = Style::new().bold();
const DIM: Style = Style::new().dimmed();
const GREEN: Style = AnsiColor::Green.on_default().bold();
const YELLOW: Style = AnsiColor::Yellow.on_default().bold();
const RED: Style = AnsiColor::Red.on_default().bold();
const CYAN: Style = AnsiColor::Cyan.on_default();

/// `text` in `style`.
fn styled(style: Style, text: &str) -> String {
    format!("{style}{text}{style:#}")
}

/// The score, and the bonus when there is one to earn.
pub fn score(grade: &Grade, text: &Text) -> String {
    let score = format!("{}/{}", grade.score, grade.max_score);
    if grade.max_bonus == 0 {
        return score;
    }
    let bonus = fill(
        text.bonus,
        &[("bonus", &grade.bonus), ("max", &grade.max_bonus)],
    );
    format!("{score} {bonus}")
}

/// The whole report.
pub fn render(grade: &Grade, verbose: bool, lang: Lang) -> String {
    let text = lang.text();
    let mut out = String::new();
    let score = score(grade, text);
    let _ = writeln!(
        out,
        "{} — {}   ({})\n",
        grade.title,
        styled(BOLD, &score),
        origin(grade)
    );
    if let Some(note) = &grade.upload_note {
        let _ = writeln!(out, "{}\n", styled(DIM, note));
    }
    table(&mut out, &grade.tasks, text);
    for task in &grade.tasks {
        details(&mut out, task, verbose, text);
    }
    let missing = grade.sandbox.missing();
    if !missing.is_empty() {
        let line = fill(text.sandbox_missing, &[("missing", &missing.join(", "))]);
        let _ = writeln!(out, "\n{}", styled(DIM, &line));
    }
    out.push('\n');
    out.push_str(&closing(grade, text));
    // Student text is all through the report: its controls are shown, not run.
    super::visible::for_terminal(&out).into_owned()
}

/// After a re-grade in watch mode: the table, what went wrong in the
/// re-graded tasks, and the next step.
pub fn render_update(grade: &Grade, regraded: &[u32], lang: Lang) -> String {
    let text = lang.text();
    let mut out = String::new();
    let score = score(grade, text);
    let _ = writeln!(out, "{} — {}\n", grade.title, styled(BOLD, &score));
    table(&mut out, &grade.tasks, text);
    for task in grade
        .tasks
        .iter()
        .filter(|task| regraded.contains(&task.number))
    {
        details(&mut out, task, false, text);
    }
    out.push('\n');
    out.push_str(&closing(grade, text));
    // Student text is all through the report: its controls are shown, not run.
    super::visible::for_terminal(&out).into_owned()
}

/// What was graded: the folder, and whose work at which commit when known.
fn origin(grade: &Grade) -> String {
    let mut origin = grade.graded.clone();
    if let Some(student) = &grade.student {
        origin = format!("{student}: {origin}");
    }
    if let Some(commit) = &grade.commit {
        origin.push_str(&format!(" @ {}", &commit[..commit.len().min(12)]));
    }
    origin
}

/// The last lines: the finale, or the next step. A student edition leaves
/// the finale to the grading with every test.
pub fn closing(grade: &Grade, text: &Text) -> String {
    if let Some(later) = grade.graded_later {
        let line = fill(
            text.graded_later,
            &[("tests", &later.tests), ("points", &later.points)],
        );
        if grade.complete() {
            return format!("{}\n{line}\n", styled(GREEN, text.edition_complete));
        }
        return format!("{}{}\n", next_or_all_pass(grade, text), styled(DIM, &line));
    }
    if grade.complete() {
        return format!("{}\n", styled(GREEN, text.finale));
    }
    next_or_all_pass(grade, text)
}

/// The next step, for a grade that is not complete.
fn next_or_all_pass(grade: &Grade, text: &Text) -> String {
    match grade
        .tasks
        .iter()
        .find(|task| task.status != TaskStatus::Passed)
    {
        Some(task) => next_step(task, text),
        None => format!("{}\n", text.all_graded_pass),
    }
}

/// A task's status in words, styled.
pub fn status_word(status: TaskStatus, text: &Text) -> (&'static str, Style) {
    match status {
        TaskStatus::Passed => (text.status_passed, GREEN),
        TaskStatus::Failing => (text.status_failing, YELLOW),
        TaskStatus::NotStarted => (text.status_not_started, DIM),
        TaskStatus::NotCompiled => (text.status_not_compiled, RED),
        TaskStatus::Missing => (text.status_missing, RED),
    }
}

/// The table of tasks: number, slug, tests, points, status, file to edit.
pub fn table(out: &mut String, tasks: &[TaskGrade], text: &Text) {
    let width = |strings: &mut dyn Iterator<Item = usize>, header: &str| {
        strings.max().unwrap_or(0).max(header.chars().count())
    };
    let slug_width = width(
        &mut tasks.iter().map(|task| task.slug.len()),
        text.column_task,
    );
    let tests_width = width(&mut std::iter::once(5), text.column_tests);
    let points_width = width(&mut std::iter::once(6), text.column_points);
    let status_width = [
        text.status_passed,
        text.status_failing,
        text.status_not_started,
        text.status_not_compiled,
        text.status_missing,
        text.column_status,
    ]
    .iter()
    .map(|word| word.chars().count())
    .max()
    .unwrap_or(0);
    let header = format!(
        " #  {:slug_width$}  {:tests_width$}  {:>points_width$}  {}",
        text.column_task, text.column_tests, text.column_points, text.column_status
    );
    let _ = writeln!(out, "{}", styled(BOLD, &header));
    for task in tasks {
        let tests = format!("{}/{}", task.tests_passed, task.tests_total);
        // A warm-up's points are all bonus: shown as such.
        let points = if task.bonus {
            format!("+{}/{}", task.bonus_points, task.max_bonus_points)
        } else {
            format!("{}/{}", task.points, task.max_points)
        };
        let (word, style) = status_word(task.status, text);
        // A passed task has no file to point at, and no padding after its status.
        let (status, file) = if task.status == TaskStatus::Passed {
            (styled(style, word), String::new())
        } else {
            let padded = format!("{word:status_width$}");
            (
                styled(style, &padded),
                format!("  {}", styled(CYAN, &task.file)),
            )
        };
        let _ = writeln!(
            out,
            "{:>2}  {:slug_width$}  {tests:tests_width$}  {points:>points_width$}  {status}{file}",
            task.number, task.slug
        );
    }
}

/// What went wrong in a failing or uncompiled task.
fn details(out: &mut String, task: &TaskGrade, verbose: bool, text: &Text) {
    let values: [(&str, &dyn std::fmt::Display); 2] =
        [("number", &task.number), ("slug", &task.slug)];
    if !task.ignored_files.is_empty() {
        let line = fill(
            text.ignored_files,
            &[values[0], ("files", &task.ignored_files.join(", "))],
        );
        let _ = writeln!(out, "\n{}", styled(YELLOW, &line));
    }
    match task.status {
        TaskStatus::NotCompiled => {
            let _ = writeln!(
                out,
                "\n{}",
                styled(RED, &fill(text.task_does_not_compile, &values))
            );
            indented(out, task.message.as_deref().unwrap_or("?"));
        }
        TaskStatus::Failing => {
            let heading = fill(
                text.task_tests_pass,
                &[
                    values[0],
                    values[1],
                    ("passed", &task.tests_passed),
                    ("total", &task.tests_total),
                ],
            );
            let _ = writeln!(out, "\n{}", styled(YELLOW, &heading));
            let failing: Vec<&TestGrade> = task
                .tests
                .iter()
                .filter(|test| (task.bonus || !test.bonus) && test.status != TestStatus::Passed)
                .collect();
            let shown = if verbose { failing.len() } else { 1 };
            for test in &failing[..shown] {
                failure(out, test, text);
            }
            if failing.len() > shown {
                let more = fill(text.and_more, &[("count", &(failing.len() - shown))]);
                let _ = writeln!(out, "  {}", styled(DIM, &more));
            }
        }
        TaskStatus::Missing => {
            let _ = writeln!(
                out,
                "\n{}",
                styled(RED, task.message.as_deref().unwrap_or("?"))
            );
        }
        TaskStatus::Passed | TaskStatus::NotStarted => {}
    }
}

/// One failing test: what, why, where, the idea, and what it printed.
pub fn failure(out: &mut String, test: &TestGrade, text: &Text) {
    let what = match test.status {
        TestStatus::TimedOut => text.test_timed_out,
        TestStatus::NotCompiled => text.test_not_compiled,
        TestStatus::NotStarted => text.test_not_started,
        TestStatus::Missing => text.status_missing,
        TestStatus::Failed | TestStatus::Passed => text.test_failed,
    };
    let line = fill(
        text.failure_line,
        &[
            ("name", &test.name),
            ("what", &what),
            ("points", &test.max_points),
        ],
    );
    let _ = writeln!(out, "  {}", styled(RED, &line));
    if let Some(message) = &test.message {
        indented(out, message);
    }
    if let Some(location) = &test.location {
        let _ = writeln!(
            out,
            "    {}",
            fill(text.at, &[("location", &styled(CYAN, location))])
        );
    }
    if let Some(about) = &test.about {
        let _ = writeln!(
            out,
            "    {}",
            styled(BOLD, &fill(text.idea, &[("about", about)]))
        );
    }
    if !test.checks.is_empty() {
        let tags: Vec<String> = test.checks.iter().map(|id| format!("[{id}]")).collect();
        let _ = writeln!(
            out,
            "    {}",
            fill(text.statement, &[("tags", &tags.join(" "))])
        );
    }
    if let Some(output) = &test.output {
        let _ = writeln!(out, "    {}", styled(DIM, text.it_printed));
        indented(out, output);
        let hidden = output.chars().count().saturating_sub(SHOWN_OUTPUT_CHARS);
        if hidden > 0 {
            let _ = writeln!(
                out,
                "    {}",
                styled(DIM, &fill(text.output_cut, &[("count", &hidden)]))
            );
        }
    }
}

/// The one thing to do next about `task`.
fn next_step(task: &TaskGrade, text: &Text) -> String {
    let number: &dyn std::fmt::Display = &task.number;
    let line = match task.status {
        TaskStatus::NotStarted => {
            let place = task.location.as_deref().unwrap_or(&task.file);
            let todo = task
                .message
                .as_deref()
                .map(|message| message.trim_start_matches("not yet implemented: "))
                .unwrap_or_default();
            fill(
                text.next_todo,
                &[
                    ("number", number),
                    ("place", &styled(CYAN, place)),
                    ("todo", &todo),
                ],
            )
        }
        TaskStatus::NotCompiled => fill(
            text.next_compile,
            &[("number", number), ("file", &styled(CYAN, &task.file))],
        ),
        TaskStatus::Missing => fill(
            text.next_missing,
            &[("number", number), ("file", &styled(CYAN, &task.file))],
        ),
        TaskStatus::Failing | TaskStatus::Passed => fill(
            text.next_fix,
            &[("number", number), ("file", &styled(CYAN, &task.file))],
        ),
    };
    let mut out = format!("{}\n", styled(BOLD, &line));
    if task.status == TaskStatus::NotStarted
        && let Some(hint) = &task.first_hint
    {
        let _ = writeln!(out, "  {}", fill(text.hint_line, &[("hint", hint)]));
    }
    out
}

/// Writes `text` indented by four spaces, cut to [`SHOWN_LINES`] lines and
/// [`SHOWN_OUTPUT_CHARS`] characters.
fn indented(out: &mut String, text: &str) {
    let text: String = text.chars().take(SHOWN_OUTPUT_CHARS).collect();
    let lines: Vec<&str> = text.lines().collect();
    for line in lines.iter().take(SHOWN_LINES) {
        let _ = writeln!(out, "    {line}");
    }
    if lines.len() > SHOWN_LINES {
        let _ = writeln!(out, "    [... {} more lines]", lines.len() - SHOWN_LINES);
    }
}
