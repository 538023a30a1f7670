//! The class report: one self-contained HTML file (no scripts, no network)
//! with what an instructor asks of a class — how the scores spread, where
//! each task stands, which tests most students fail and with what message,
//! next to the lecture's idea each checks, and who did not compile.
//!
//! The figures come from [`ClassSummary`], computed apart from the drawing
//! so that a test can hold them against `class.json`; the charts are inline
//! SVG written here (a bar chart needs no plotting crate).

use std::{collections::HashMap, fmt::Write as _};

use super::record::ClassRecord;
use crate::verdict::{TaskStatus, TestStatus};

/// The task statuses, in the order the report counts them.
pub const STATUSES: [TaskStatus; 5] = [
    TaskStatus::Passed,
    TaskStatus::Failing,
    TaskStatus::NotStarted,
    TaskStatus::NotCompiled,
    TaskStatus::Missing,
];

/// How many of a test's most common failure messages the report shows.
const COMMON_MESSAGES: usize = 3;

/// The class's figures.
#[derive(Debug, Clone, PartialEq)]
pub struct ClassSummary {
    pub students: usize,
    /// Students with a grade (not an `error`, not `missing`).
    pub graded: usize,
    pub complete: usize,
    pub mean_score: f64,
    /// Students per score band: 0–9, 10–19, …, 90–99, 100 (as a share of
    /// the maximum, so any maximum fits 11 bands).
    pub histogram: [usize; 11],
    /// Per task: its number and slug, and how many students are in each of
    /// [`STATUSES`].
    pub task_statuses: Vec<(u32, String, [usize; 5])>,
    /// Every test, the most failed first.
    pub tests: Vec<TestSummary>,
    /// Students with a task that did not compile, and those tasks.
    pub not_compiled: Vec<(String, Vec<u32>)>,
    /// Students who could not be graded, and why.
    pub errors: Vec<(String, String)>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TestSummary {
    pub task: u32,
    pub name: String,
    pub about: Option<String>,
    /// Graded students who did not pass it.
    pub failed: usize,
    pub graded: usize,
    /// The same among students who tried its task (it compiled, or failed
    /// to: neither an untouched stub nor a task not handed in), which is
    /// what the tests are ranked by: which idea did not land among those
    /// who tried.
    pub attempted_failed: usize,
    pub attempted: usize,
    /// The most common first lines of its failures, with their counts.
    pub messages: Vec<(String, usize)>,
}

impl TestSummary {
    /// The share of graded students who did not pass, 0 to 1.
    pub fn failure_rate(&self) -> f64 {
        share(self.failed, self.graded)
    }

    /// The share of students who tried its task and did not pass, 0 to 1.
    pub fn attempted_failure_rate(&self) -> f64 {
        share(self.attempted_failed, self.attempted)
    }
}

fn share(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 / whole as f64
    }
}

impl ClassSummary {
    pub fn of(class: &ClassRecord) -> ClassSummary {
        // A student on the roster who handed nothing in has no grade to
        // count: listed apart, left out of the figures.
        let graded: Vec<_> = class
            .students
            .iter()
            .filter(|s| s.error.is_none() && !s.missing)
            .collect();
        let mut histogram = [0; 11];
        for student in &graded {
            let band = (student.score as usize * 10)
                .checked_div(class.max_score as usize)
                .unwrap_or(10)
                .min(10);
            histogram[band] += 1;
        }
        let task_statuses = class
            .tasks
            .iter()
            .map(|task| {
                let mut counts = [0; 5];
                for student in &graded {
                    if let Some(done) = student.tasks.iter().find(|t| t.number == task.number) {
                        let slot = STATUSES.iter().position(|status| *status == done.status);
                        counts[slot.expect("every status is counted")] += 1;
                    }
                }
                (task.number, task.slug.clone(), counts)
            })
            .collect();
        let mut tests: Vec<TestSummary> = class
            .tasks
            .iter()
            .flat_map(|task| {
                task.tests.iter().map(|test| {
                    let mut summary = TestSummary {
                        task: task.number,
                        name: test.name.clone(),
                        about: test.about.clone(),
                        failed: 0,
                        graded: 0,
                        attempted_failed: 0,
                        attempted: 0,
                        messages: Vec::new(),
                    };
                    let mut messages: HashMap<&str, usize> = HashMap::new();
                    for student in &graded {
                        let Some(done) = student.tasks.iter().find(|t| t.number == task.number)
                        else {
                            continue;
                        };
                        let Some(result) = done.tests.iter().find(|t| t.name == test.name) else {
                            continue;
                        };
                        let tried =
                            !matches!(done.status, TaskStatus::NotStarted | TaskStatus::Missing);
                        let failed = result.status != TestStatus::Passed;
                        summary.graded += 1;
                        summary.failed += usize::from(failed);
                        summary.attempted += usize::from(tried);
                        summary.attempted_failed += usize::from(tried && failed);
                        // The messages of those who tried: "not yet
                        // implemented" from untouched stubs says nothing.
                        if tried && failed {
                            let message = result.message.as_deref().unwrap_or("(no message)");
                            *messages.entry(message).or_default() += 1;
                        }
                    }
                    let mut messages: Vec<(String, usize)> = messages
                        .into_iter()
                        .map(|(message, count)| (message.to_owned(), count))
                        .collect();
                    messages.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
                    messages.truncate(COMMON_MESSAGES);
                    summary.messages = messages;
                    summary
                })
            })
            .collect();
        tests.sort_by(|a, b| {
            b.attempted_failure_rate()
                .total_cmp(&a.attempted_failure_rate())
                .then_with(|| b.failure_rate().total_cmp(&a.failure_rate()))
                .then_with(|| (a.task, &a.name).cmp(&(b.task, &b.name)))
        });
        ClassSummary {
            students: class.students.len(),
            graded: graded.len(),
            complete: graded.iter().filter(|student| student.complete).count(),
            mean_score: if graded.is_empty() {
                0.0
            } else {
                graded.iter().map(|s| f64::from(s.score)).sum::<f64>() / graded.len() as f64
            },
            histogram,
            task_statuses,
            tests,
            not_compiled: graded
                .iter()
                .filter_map(|student| {
                    let tasks: Vec<u32> = student
                        .tasks
                        .iter()
                        .filter(|task| task.status == TaskStatus::NotCompiled)
                        .map(|task| task.number)
                        .collect();
                    (!tasks.is_empty()).then(|| (student.student.clone(), tasks))
                })
                .collect(),
            errors: class
                .students
                .iter()
                .filter_map(|s| Some((s.student.clone(), s.error.clone()?)))
                .collect(),
        }
    }
}

/// The whole page.
pub fn render(class: &ClassRecord) -> String {
    let summary = ClassSummary::of(class);
    let mut page = String::new();
    let title = escape(&class.title);
    let _ = write!(
        page,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{title}: class report</title>\n<style>{STYLE}{}</style>\n</head>\n<body>\n<h1>{title}: class report</h1>\n",
        super::similar_html::STYLE
    );
    let _ = writeln!(
        page,
        "<p class=\"facts\"><span data-students=\"{}\">{} students</span> · <span data-graded=\"{}\">{} graded</span> · <span data-complete=\"{}\">{} with every task passing</span> · mean score <span data-mean=\"{:.1}\">{:.1}</span> of {}</p>",
        summary.students,
        summary.students,
        summary.graded,
        summary.graded,
        summary.complete,
        summary.complete,
        summary.mean_score,
        summary.mean_score,
        class.max_score
    );
    page.push_str("<h2>Scores</h2>\n");
    histogram(&mut page, &summary.histogram, class.max_score);
    page.push_str("<h2>Tasks</h2>\n");
    task_table(&mut page, &summary);
    page.push_str("<h2>Tests, most failed first among those who tried</h2>\n<p>A student tried a task when it is neither the untouched stub nor missing; the share among all students is beside it.</p>\n");
    test_table(&mut page, &summary);
    page.push_str("<h2>Did not compile</h2>\n");
    if summary.not_compiled.is_empty() {
        page.push_str("<p>Every graded submission compiled.</p>\n");
    } else {
        page.push_str("<ul class=\"not-compiled\">\n");
        for (student, tasks) in &summary.not_compiled {
            let tasks: Vec<String> = tasks.iter().map(u32::to_string).collect();
            let _ = writeln!(
                page,
                "<li data-student=\"{0}\">{0}: task {1}</li>",
                escape(student),
                tasks.join(", ")
            );
        }
        page.push_str("</ul>\n");
    }
    let missing: Vec<&str> = class
        .students
        .iter()
        .filter(|student| student.missing)
        .map(|student| student.student.as_str())
        .collect();
    if !missing.is_empty() {
        page.push_str("<h2>On the roster, nothing handed in</h2>\n<ul class=\"missing\">\n");
        for student in missing {
            let _ = writeln!(page, "<li data-missing=\"{0}\">{0}</li>", escape(student));
        }
        page.push_str("</ul>\n");
    }
    if !summary.errors.is_empty() {
        page.push_str("<h2>Could not be graded</h2>\n<ul class=\"errors\">\n");
        for (student, error) in &summary.errors {
            let _ = writeln!(page, "<li>{}: {}</li>", escape(student), escape(error));
        }
        page.push_str("</ul>\n");
    }
    if let Some(similarity) = &class.similarity {
        super::similar_html::section(&mut page, similarity);
    }
    page.push_str("<h2>Students</h2>\n<table class=\"students\">\n<tr><th>student</th><th>score</th><th>bonus</th><th>status</th></tr>\n");
    for student in &class.students {
        let _ = writeln!(
            page,
            "<tr data-student=\"{0}\" data-score=\"{1}\"><td>{0}</td><td>{1}</td><td>{2}</td><td>{3}</td></tr>",
            escape(&student.student),
            student.score,
            student.bonus,
            student.status()
        );
    }
    page.push_str("</table>\n</body>\n</html>\n");
    page
}

/// The score histogram as an SVG bar chart.
fn histogram(page: &mut String, bands: &[usize; 11], max_score: u32) {
    const WIDTH: usize = 660;
    const HEIGHT: usize = 220;
    const BAR: usize = 56;
    let tallest = bands.iter().copied().max().unwrap_or(0).max(1);
    let _ = writeln!(
        page,
        "<svg class=\"histogram\" width=\"{WIDTH}\" height=\"{HEIGHT}\" viewBox=\"0 0 {WIDTH} {HEIGHT}\" role=\"img\" aria-label=\"score histogram\">"
    );
    for (band, &count) in bands.iter().enumerate() {
        let x = 10 + band * (BAR + 4);
        let height = count * 160 / tallest;
        let y = 180 - height;
        let label = if band == 10 {
            format!("{max_score}")
        } else {
            format!("{}–{}", band * 10, band * 10 + 9)
        };
        let _ = writeln!(
            page,
            "<g data-band=\"{band}\" data-count=\"{count}\"><rect x=\"{x}\" y=\"{y}\" width=\"{BAR}\" height=\"{height}\" fill=\"#4c78a8\"/><text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{count}</text><text x=\"{}\" y=\"200\" text-anchor=\"middle\" class=\"axis\">{label}</text></g>",
            x + BAR / 2,
            y.saturating_sub(4).max(12),
            x + BAR / 2,
        );
    }
    let _ = writeln!(
        page,
        "<text x=\"10\" y=\"216\" class=\"axis\">score bands, as a share of {max_score}</text>\n</svg>"
    );
}

/// Per task, the students in each status, with a stacked bar.
fn task_table(page: &mut String, summary: &ClassSummary) {
    const COLOURS: [&str; 5] = ["#54a24b", "#eeca3b", "#bab0ac", "#e45756", "#9d755d"];
    page.push_str("<table class=\"tasks\">\n<tr><th>task</th>");
    for (status, colour) in STATUSES.iter().zip(COLOURS) {
        let _ = write!(
            page,
            "<th><span class=\"swatch\" style=\"background:{colour}\"></span>{}</th>",
            status.name()
        );
    }
    page.push_str("<th></th></tr>\n");
    for (number, slug, counts) in &summary.task_statuses {
        let _ = write!(
            page,
            "<tr data-task=\"{number}\"><td>{number} {}</td>",
            escape(slug)
        );
        for (status, count) in STATUSES.iter().zip(counts) {
            let _ = write!(page, "<td data-status=\"{}\">{count}</td>", status.name());
        }
        let total: usize = counts.iter().sum::<usize>().max(1);
        page.push_str("<td><svg width=\"200\" height=\"14\">");
        let mut x = 0;
        for (count, colour) in counts.iter().zip(COLOURS) {
            let width = count * 200 / total;
            let _ = write!(
                page,
                "<rect x=\"{x}\" y=\"0\" width=\"{width}\" height=\"14\" fill=\"{colour}\"/>"
            );
            x += width;
        }
        page.push_str("</svg></td></tr>\n");
    }
    page.push_str("</table>\n");
}

/// Every test with its failure rate, its idea, and its common messages.
fn test_table(page: &mut String, summary: &ClassSummary) {
    page.push_str("<table class=\"tests\">\n<tr><th>task</th><th>test</th><th>failed, of those who tried</th><th>of all</th><th>the lecture's idea</th><th>most common failures</th></tr>\n");
    for test in &summary.tests {
        let tried = test.attempted_failure_rate() * 100.0;
        let all = test.failure_rate() * 100.0;
        let _ = write!(
            page,
            "<tr data-test=\"{}\" data-failed=\"{}\" data-graded=\"{}\" data-attempted-failed=\"{}\" data-attempted=\"{}\"><td>{}</td><td><code>{}</code></td><td><span class=\"rate\" style=\"width:{tried:.0}px\"></span>{tried:.0}% ({}/{})</td><td>{all:.0}% ({}/{})</td><td>{}</td><td>",
            escape(&test.name),
            test.failed,
            test.graded,
            test.attempted_failed,
            test.attempted,
            test.task,
            escape(&test.name),
            test.attempted_failed,
            test.attempted,
            test.failed,
            test.graded,
            escape(test.about.as_deref().unwrap_or(""))
        );
        for (message, count) in &test.messages {
            let _ = write!(
                page,
                "<div class=\"message\"><b>{count}×</b> {}</div>",
                escape(message)
            );
        }
        page.push_str("</td></tr>\n");
    }
    page.push_str("</table>\n");
}

/// Student text (a name, a message) as HTML text or an attribute value:
/// markup escaped, control characters shown.
pub fn escape(text: &str) -> String {
    crate::report::visible::plain(text)
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

pub const STYLE: &str = "body{font-family:system-ui,sans-serif;margin:2em;color:#222}\
table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ddd;padding:4px 8px;text-align:left;vertical-align:top}\
th{background:#f4f4f4}.facts{font-size:1.1em}.axis{font-size:11px;fill:#555}svg text{font-size:12px}\
.rate{display:inline-block;height:10px;background:#e45756;margin-right:6px}.message{font-size:.9em;color:#444}\
code{font-size:.9em}.swatch{display:inline-block;width:10px;height:10px;margin-right:4px}";
