//! The Markdown summary, for `$GITHUB_STEP_SUMMARY`, a pull-request comment,
//! or the text Gradescope shows above the tests: the score, a table of
//! tasks, and each failing test with its message, folded away.

use std::fmt::Write as _;

use crate::{
    messages::{Lang, shortened},
    verdict::{Grade, TaskGrade, TaskStatus, TestStatus},
};

use super::human;

/// How much of a message a table cell or a list item shows.
const SHOWN_CHARS: usize = 400;

pub fn render(grade: &Grade, lang: Lang) -> String {
    let text = lang.text();
    let mut out = String::new();
    let _ = writeln!(out, "## {} — {}\n", grade.title, human::score(grade, text));
    let mut origin = vec![format!("graded {}", code_span(&grade.graded))];
    if let Some(student) = &grade.student {
        origin.insert(0, format!("student {}", code_span(student)));
    }
    if let Some(commit) = &grade.commit {
        origin.push(format!("commit `{commit}`"));
    }
    let _ = writeln!(out, "{}\n", origin.join(" · "));
    // It names the upload's files: student text, so a code span.
    if let Some(note) = &grade.upload_note {
        let _ = writeln!(out, "> {}\n", code_span(note));
    }
    let _ = writeln!(
        out,
        "| {} | {} | {} | {} |\n|---|---|---:|---:|",
        text.column_task, text.column_status, text.column_points, text.column_tests
    );
    for task in &grade.tasks {
        let (status, _) = human::status_word(task.status, text);
        let points = if task.bonus {
            format!("+{}/{}", task.bonus_points, task.max_bonus_points)
        } else {
            format!("{}/{}", task.points, task.max_points)
        };
        let _ = writeln!(
            out,
            "| {} {} | {} {} | {points} | {}/{} |",
            task.number,
            escape(&task.slug),
            icon(task.status),
            status,
            task.tests_passed,
            task.tests_total
        );
    }
    for task in &grade.tasks {
        failures(&mut out, task);
    }
    out.push('\n');
    // The closing line without the terminal's styles.
    let closing = human::closing(grade, text);
    out.push_str(&anstream::adapter::strip_str(&closing).to_string());
    super::visible::plain(&out).into_owned()
}

fn icon(status: TaskStatus) -> &'static str {
    match status {
        TaskStatus::Passed => "✅",
        TaskStatus::Failing => "⚠️",
        TaskStatus::NotStarted => "⏳",
        TaskStatus::NotCompiled | TaskStatus::Missing => "❌",
    }
}

/// A folded list of the task's failing tests, each with its first message line.
fn failures(out: &mut String, task: &TaskGrade) {
    let failing: Vec<_> = task
        .tests
        .iter()
        .filter(|test| test.status != TestStatus::Passed)
        .collect();
    if failing.is_empty() {
        return;
    }
    // An untouched or absent task: one line says it all.
    if matches!(task.status, TaskStatus::NotStarted | TaskStatus::Missing) {
        let first = task
            .message
            .as_deref()
            .and_then(|message| message.lines().next());
        let _ = writeln!(
            out,
            "\n- Task {} ({}): {}",
            task.number,
            escape(&task.slug),
            code_span(&cut(first.unwrap_or_default()))
        );
        return;
    }
    // The table counts required tests; say so here when bonus tests make
    // the totals differ (7/8 there, "1 of 9" here).
    let bonus = task.tests.len() - task.tests_total;
    let split = if bonus > 0 && !task.bonus {
        format!(" ({} required, {bonus} bonus)", task.tests_total)
    } else {
        String::new()
    };
    let _ = writeln!(
        out,
        "\n<details><summary>Task {} ({}): {} of {} tests not passing{split}</summary>\n",
        task.number,
        escape(&task.slug),
        failing.len(),
        task.tests.len()
    );
    if let Some(message) = task
        .message
        .as_deref()
        .filter(|_| task.status == TaskStatus::NotCompiled)
    {
        let _ = writeln!(
            out,
            "```text\n{}\n```\n",
            cut(message).replace("```", "'''")
        );
    }
    for test in failing {
        let status = test.status.name();
        let _ = write!(out, "- `{}` — {status}, 0/{}", test.name, test.max_points);
        if let Some(message) = test
            .message
            .as_deref()
            .filter(|_| test.status != TestStatus::NotCompiled)
        {
            let first = message.lines().next().unwrap_or_default();
            let _ = write!(out, ": {}", code_span(&cut(first)));
        }
        if let Some(about) = &test.about {
            let _ = write!(out, " _({})_", escape(about));
        }
        out.push('\n');
    }
    out.push_str("\n</details>\n");
}

/// At most [`SHOWN_CHARS`] of `text`.
fn cut(text: &str) -> String {
    shortened(text, SHOWN_CHARS)
}

/// Student text in a table cell or a list item, as an inline code span:
/// Markdown makes no link, image, HTML or emphasis of what is inside one
/// (GitHub does not even auto-link a URL there). The fence is one backtick
/// longer than any run of them in the text, so the text cannot close it.
fn code_span(text: &str) -> String {
    let text = text.replace('\n', " ").replace('|', "\\|");
    let longest_run = text
        .split(|c| c != '`')
        .map(str::len)
        .max()
        .unwrap_or_default();
    let fence = "`".repeat(longest_run + 1);
    // A space inside the fence, which Markdown strips, lets the text start
    // or end with a backtick.
    let pad = if text.starts_with('`') || text.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{text}{pad}{fence}")
}

/// Course text (a slug, a test's idea) safe in a table cell or a list item:
/// no HTML, no cell breaks.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('|', "\\|")
        .replace('\n', " ")
}
