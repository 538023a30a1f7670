//! The result GitHub Classroom's reporter reads
//! (`classroom-resources/autograding-grading-reporter`): base64 of a JSON
//! object, which a workflow step writes as `result=<base64>` to
//! `$GITHUB_OUTPUT` and hands the reporter as `<RUNNER>_RESULTS`.
//!
//! The reporter (v1, `src/notify-classroom.js`) adds up the tests' `score`
//! and prints `Points X/Y`, Y being `max_score`, which Classroom reads; it
//! sets the job to failed when `status` is `fail`. Classroom has no notion
//! of a bonus: counted in the scores, a bonus made a full grade read
//! `112/97`. So a bonus test scores 0 here and says so in its name; the
//! points match the checker's score and maximum. A test's `line_no` is 0
//! when unknown: the reporter prints ` - line <line_no>` for anything else,
//! `null` included.

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
    line_no: u32,
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
        .and_then(|location| location.rsplit(':').find_map(|part| part.parse().ok()))
        .unwrap_or(0);
    let mut name = format!("task {} ({}): {}", task.number, task.slug, test.name);
    // A bonus task's tests are all bonus, whatever each says.
    let bonus = task.bonus || test.bonus;
    if bonus {
        name.push_str(&format!(
            " [bonus {}/{}: not in Classroom's points]",
            test.points, test.max_points
        ));
    }
    TestResult {
        name,
        status,
        score: if bonus { 0 } else { test.points },
        message,
        filename: task.file.clone(),
        line_no,
        execution_time: format!("{:.2}s", test.duration_secs),
    }
}
