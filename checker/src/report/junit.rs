//! The JUnit XML report, for the test views of GitLab, Jenkins and GitHub
//! Actions: one `<testsuite>` per task, one `<testcase>` per graded test.
//!
//! A test that ran and did not pass is a `<failure>` (its type is the
//! checker's status: `failed`, `timed_out`, `not_started`); one that could
//! not run is an `<error>` (`not_compiled`, `missing`). Points travel as
//! properties, since JUnit has no notion of them. `quick-junit` writes the
//! XML (escaping included).

use std::time::Duration;

use quick_junit::{NonSuccessKind, Property, Report, TestCase, TestCaseStatus, TestSuite};

use super::visible::plain;
use crate::verdict::{Grade, TaskGrade, TestGrade, TestStatus};

pub fn render(grade: &Grade) -> String {
    let mut report = Report::new(grade.title.as_str());
    report.set_time(seconds(grade.timings.build_secs + grade.timings.run_secs));
    report.add_test_suites(grade.tasks.iter().map(|task| suite(grade, task)));
    report
        .to_string()
        .expect("a report of plain strings serializes")
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
            if let Some(message) = task.message_of(test) {
                status.set_message(plain(message));
            }
            if let Some(location) = &test.location {
                status.set_description(format!("at {location}"));
            }
            status
        }
    };
    let mut case = TestCase::new(test.name.as_str(), status);
    case.set_classname(task.slug.as_str());
    case.set_time(seconds(test.duration_secs));
    case.add_property(Property::new("points", test.points.to_string()));
    case.add_property(Property::new("max_points", test.max_points.to_string()));
    case.add_property(Property::new("bonus", test.bonus.to_string()));
    if let Some(output) = &test.output {
        case.set_system_out(plain(output));
    }
    case
}

fn seconds(secs: f64) -> Duration {
    Duration::try_from_secs_f64(secs).unwrap_or_default()
}
