//! The JUnit XML report, for the test views of GitLab, Jenkins and GitHub
//! Actions: one `<testsuite>` per task, one `<testcase>` per graded test.
//!
//! A test that ran and did not pass is a `<failure>` (its type is the
//! checker's status: `failed`, `timed_out`, `not_started`); one that could
//! not run is an `<error>` (`not_compiled`, `missing`). The message's first
//! line is the `message` attribute (attributes lose their line breaks); the
//! whole message — a compiler's error, say — is the element's text, where
//! GitLab and Jenkins show it. Points travel as the suite's properties,
//! since JUnit has no notion of them; Jenkins' schema (`junit-10.xsd` of
//! the xUnit plugin) allows properties on a `<testsuite>` only, and no
//! `disabled` attribute, which `quick-junit` writes and this module drops.
//! `quick-junit` writes the XML (escaping included).

use std::time::Duration;

use quick_junit::{NonSuccessKind, Property, Report, TestCase, TestCaseStatus, TestSuite};

use super::visible::plain;
use crate::verdict::{Grade, TaskGrade, TestGrade, TestStatus};

pub fn render(grade: &Grade) -> String {
    let mut report = Report::new(grade.title.as_str());
    report.set_time(seconds(grade.timings.build_secs + grade.timings.run_secs));
    report.add_test_suites(grade.tasks.iter().map(|task| suite(grade, task)));
    let xml = report
        .to_string()
        .expect("a report of plain strings serializes");
    without_disabled(&xml)
}

/// `xml` without the `disabled="0"` quick-junit puts on every
/// `<testsuite>`: Jenkins' schema has no such attribute. Attribute values
/// and text are escaped (`"` is `&quot;`), so the attribute can only be
/// the one written on a suite's start tag.
fn without_disabled(xml: &str) -> String {
    xml.lines()
        .map(|line| {
            if line.trim_start().starts_with("<testsuite ") {
                line.replacen(" disabled=\"0\"", "", 1)
            } else {
                line.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
        + if xml.ends_with('\n') { "\n" } else { "" }
}

fn suite(grade: &Grade, task: &TaskGrade) -> TestSuite {
    let mut suite = TestSuite::new(format!("task {} ({})", task.number, task.slug));
    suite.set_time(seconds(task.summed_test_secs));
    for (name, value) in [
        ("points", task.points),
        ("max_points", task.max_points),
        ("bonus_points", task.bonus_points),
        ("max_bonus_points", task.max_bonus_points),
    ] {
        suite.add_property(Property::new(name, value.to_string()));
    }
    suite.add_property(Property::new("file", task.file.as_str()));
    for (name, value) in [("student", &grade.student), ("commit", &grade.commit)] {
        if let Some(value) = value {
            suite.add_property(Property::new(name, plain(value)));
        }
    }
    // Each test's points: `points:<test>` = `earned/max`, and whether bonus.
    for test in &task.tests {
        let bonus = if test.bonus { " bonus" } else { "" };
        suite.add_property(Property::new(
            format!("points:{}", test.name),
            format!("{}/{}{bonus}", test.points, test.max_points),
        ));
    }
    suite.add_test_cases(task.tests.iter().map(|test| case(task, test)));
    suite
}

fn case(task: &TaskGrade, test: &TestGrade) -> TestCase {
    let status = match test.status {
        TestStatus::Passed => TestCaseStatus::success(),
        other => {
            let kind = match other {
                TestStatus::NotCompiled | TestStatus::Missing => NonSuccessKind::Error,
                _ => NonSuccessKind::Failure,
            };
            let mut status = TestCaseStatus::non_success(kind);
            status.set_type(other.name());
            let message = task.message_of(test).map(plain);
            if let Some(first) = message.as_deref().and_then(|text| text.lines().next()) {
                status.set_message(first);
            }
            let mut body = message.map(|text| text.into_owned()).unwrap_or_default();
            if let Some(location) = &test.location {
                if !body.is_empty() {
                    body.push('\n');
                }
                body.push_str(&format!("at {location}"));
            }
            if !body.is_empty() {
                status.set_description(body);
            }
            status
        }
    };
    let mut case = TestCase::new(test.name.as_str(), status);
    case.set_classname(task.slug.as_str());
    case.set_time(seconds(test.duration_secs));
    if let Some(output) = &test.output {
        case.set_system_out(plain(output));
    }
    case
}

fn seconds(secs: f64) -> Duration {
    Duration::try_from_secs_f64(secs).unwrap_or_default()
}
