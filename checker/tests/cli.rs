//! The checker's command line: exit statuses, output files, and the errors a
//! user can make. Runs that grade use `--task` to stay quick.

mod support;

use support::{checker, one_grading_at_a_time};

#[test]
fn an_unknown_task_is_a_usage_error() {
    let output = checker().args(["--task", "9"]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.contains("there is no task 9; the tasks are 1, 2, 3, 4"),
        "{stderr}"
    );
}

#[test]
fn a_missing_exercises_folder_is_reported() {
    let output = checker()
        .args(["--exercises", "/no/such/folder"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        String::from_utf8(output.stderr)
            .unwrap()
            .contains("no folder of task crates at /no/such/folder")
    );
}

#[test]
fn a_suites_folder_without_a_manifest_is_reported() {
    let empty = tempfile::tempdir().unwrap();
    let output = checker()
        .arg("--suites")
        .arg(empty.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        String::from_utf8(output.stderr)
            .unwrap()
            .contains("tasks.toml")
    );
}

#[test]
fn a_bad_flag_is_a_usage_error() {
    assert_eq!(
        checker()
            .arg("--no-such-flag")
            .output()
            .unwrap()
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn min_score_turns_a_low_score_into_exit_1_and_json_goes_to_a_file() {
    let _one = one_grading_at_a_time();
    let out = tempfile::tempdir().unwrap();
    let report = out.path().join("report.json");
    let output = checker()
        .args([
            "--task",
            "3",
            "--min-score",
            "1",
            "--format",
            "json",
            "--output",
        ])
        .arg(&report)
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        output.stdout.is_empty(),
        "the report went to the file, not stdout"
    );
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&report).unwrap()).unwrap();
    assert_eq!(report["score"], 0);
    assert_eq!(report["partial"], true);
    assert_eq!(report["tasks"].as_array().unwrap().len(), 1);
}

#[test]
fn min_score_met_exits_0() {
    let _one = one_grading_at_a_time();
    let output = checker()
        .args(["--quiet", "--solutions", "--task", "3", "--min-score", "25"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(stdout.contains("25/25"), "{stdout}");
    assert!(
        !stdout.contains("Sasha"),
        "one task passing is not the whole course: {stdout}"
    );
}
