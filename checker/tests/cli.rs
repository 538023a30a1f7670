//! The checker's command line: exit statuses, output files, and the errors a
//! user can make. Runs that grade use `--task` to stay quick.

mod support;

use support::{checker, one_grading_at_a_time};

/// Runs the checker with `args`, asserts it exits 2, and returns its stderr.
fn cannot_grade(args: &[&std::ffi::OsStr]) -> String {
    let output = checker().args(args).output().unwrap();
    assert_eq!(output.status.code(), Some(2), "{args:?}");
    String::from_utf8(output.stderr).unwrap()
}

#[test]
fn an_unknown_task_is_a_usage_error() {
    let stderr = cannot_grade(&["--task".as_ref(), "9".as_ref()]);
    assert!(
        stderr.contains("there is no task 9; the tasks are 1, 2, 3, 4"),
        "{stderr}"
    );
    // Commands that take a task number say the same.
    let stderr = cannot_grade(&["hint".as_ref(), "9".as_ref()]);
    assert!(
        stderr.contains("there is no task 9; the tasks are 1, 2, 3, 4"),
        "{stderr}"
    );
}

#[test]
fn a_missing_exercises_folder_is_reported() {
    let stderr = cannot_grade(&["--exercises".as_ref(), "/no/such/folder".as_ref()]);
    assert!(
        stderr.contains("no folder of task crates at /no/such/folder"),
        "{stderr}"
    );
}

#[test]
fn a_suites_folder_without_a_manifest_is_reported() {
    let empty = tempfile::tempdir().unwrap();
    let stderr = cannot_grade(&["--suites".as_ref(), empty.path().as_os_str()]);
    assert!(stderr.contains("tasks.toml"), "{stderr}");
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
