//! The result GitHub Classroom's reporter reads
//! (`classroom-resources/autograding-grading-reporter`): base64 of a JSON
//! object, which a workflow step writes as `result=<base64>` to
//! `$GITHUB_OUTPUT` and hands the reporter as `<RUNNER>_RESULTS`.
//!
//! The reporter adds up the tests' `score` and sets the job to failed when
//! `status` is `fail`; Classroom reads the `Points X/Y` it prints, where Y
//! is `max_score`. Bonus points are in the tests' scores, so a full grade
//! with a bonus reads above 100%, as Classroom allows.

use base64::Engine as _;
use serde::Serialize;

use super::visible::plain;
use crate::verdict::{Grade, TaskGrade, TestGrade, TestStatus};

#[derive(Serialize)]
struct RunnerResult {
    version: u32,
    status: &'static str,
    max_score: u32,
    tests: Vec<TestResult>,
}

#[derive(Serialize)]
struct TestResult {
    name: String,
    status: &'static str,
    score: u32,
    message: Option<String>,
    filename: String,
    line_no: Option<u32>,
    execution_time: String,
}

pub fn render(grade: &Grade) -> String {
    let result = RunnerResult {
        version: 1,
        status: if grade.complete() { "pass" } else { "fail" },
        max_score: grade.max_score,
        tests: grade
            .tasks
            .iter()
            .flat_map(|task| task.tests.iter().map(move |test| result(task, test)))
            .collect(),
    };
    let json = serde_json::to_vec(&result).expect("results are plain data");
    let mut text = base64::engine::general_purpose::STANDARD.encode(json);
    text.push('\n');
    text
}

fn result(task: &TaskGrade, test: &TestGrade) -> TestResult {
    let status = match test.status {
        TestStatus::Passed => "pass",
        TestStatus::NotCompiled | TestStatus::Missing => "error",
        _ => "fail",
    };
    let message = (test.status != TestStatus::Passed)
        .then(|| {
            task.message_of(test)
                .map(|message| plain(message).into_owned())
        })
        .flatten();
    let line_no = test
        .location
        .as_deref()
        .and_then(|location| location.rsplit(':').find_map(|part| part.parse().ok()));
    TestResult {
        name: format!("task {} ({}): {}", task.number, task.slug, test.name),
        status,
        score: test.points,
        message,
        filename: task.file.clone(),
        line_no,
        execution_time: format!("{:.2}s", test.duration_secs),
    }
}
