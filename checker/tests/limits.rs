//! Time limits and parallelism: `--jobs`, a test's limit, and a task's limit
//! with the tests it skips. Task 2's `report()` spins forever here, so each
//! test that calls it runs until its limit: the run's length is a sum of
//! limits that no machine can beat, which makes these bounds safe to assert.

mod support;

use checker::mutants::Base;
use support::{grade_json, hostile, task, test, tree};

/// Task 2's tests that call `report()` and so hang under the fixture.
const HANGING: [&str; 4] = [
    "report_format_is_exact",
    "timeit_prints_the_report",
    "output_passes_through",
    "errors_pass_through",
];

/// A tree of its own for each test (`name`), so that tests running at once
/// do not grade each other's.
fn hanging_tree(name: &str) -> checker::mutants::Tree {
    let endless = hostile("02-timing-decorator", "endless_loop");
    tree(name, Base::Solutions, &[("02-timing-decorator", &endless)])
}

#[test]
fn jobs_bounds_the_tests_that_run_at_once() {
    let tree = hanging_tree("limits-jobs");
    let exercises = tree.root.to_str().unwrap();
    let run_secs = |jobs: &str| {
        let report = grade_json(&[
            "--task",
            "2",
            "--test-timeout",
            "2",
            "--jobs",
            jobs,
            "--exercises",
            exercises,
        ]);
        for name in HANGING {
            let result = test(task(&report, "02-timing-decorator"), name);
            assert_eq!(
                result["status"], "timed_out",
                "--jobs {jobs}, {name}: {result:#}"
            );
        }
        report["timings"]["run_secs"].as_f64().unwrap()
    };
    // One at a time, four hanging tests take four limits at least.
    let one = run_secs("1");
    assert!(one >= 4.0 * 2.0, "--jobs 1 ran them together: {one} s");
    // Eight at once, they overlap: about one limit, far below four.
    let eight = run_secs("8");
    assert!(eight < 6.0, "--jobs 8 ran them one by one: {eight} s");
}

/// A task's tests share its limit: once used up, the rest are not started
/// and say why; the run ends soon after the limit.
#[test]
fn a_task_out_of_time_skips_its_remaining_tests() {
    let tree = hanging_tree("limits-task");
    let scratch = tempfile::tempdir().unwrap();
    let suites = scratch.path().join("suites");
    support::copy_tree(&support::repo().join("checker/suites"), &suites);
    let manifest = suites.join("tasks.toml");
    let text = std::fs::read_to_string(&manifest).unwrap();
    let short = text.replacen("task_timeout_secs = 60", "task_timeout_secs = 3", 1);
    assert_ne!(short, text, "the task limit line changed");
    std::fs::write(&manifest, short).unwrap();

    let report = grade_json(&[
        "--task",
        "2",
        "--jobs",
        "1",
        "--unproven",
        "--suites",
        suites.to_str().unwrap(),
        "--exercises",
        tree.root.to_str().unwrap(),
    ]);
    let graded = task(&report, "02-timing-decorator");
    let skipped: Vec<&str> = graded["tests"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|test| {
            test["message"]
                .as_str()
                .is_some_and(|message| message.contains("had used up their 3 s already"))
        })
        .map(|test| test["name"].as_str().unwrap())
        .collect();
    assert!(!skipped.is_empty(), "nothing was skipped: {graded:#}");
    for name in &skipped {
        assert_eq!(test(graded, name)["status"], "timed_out");
        assert_eq!(test(graded, name)["points"], 0);
    }
    let run_secs = report["timings"]["run_secs"].as_f64().unwrap();
    assert!(run_secs < 10.0, "the task ran {run_secs} s past its 3 s");
}
