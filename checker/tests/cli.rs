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
        stderr.contains("there is no task 9; the tasks are 0, 1, 2, 3, 4"),
        "{stderr}"
    );
    // Commands that take a task number say the same.
    let stderr = cannot_grade(&["hint".as_ref(), "9".as_ref()]);
    assert!(
        stderr.contains("there is no task 9; the tasks are 0, 1, 2, 3, 4"),
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

/// The pristine stubs, as a tree of their own.
fn stubs() -> String {
    support::tree("stubs", checker::mutants::Base::PristineStubs, &[])
        .root
        .to_str()
        .unwrap()
        .to_owned()
}

#[test]
fn verbose_shows_every_failing_test_and_the_default_only_the_first() {
    // Exits mid-test: twelve of task 3's tests fail, each saying so.
    let exits = support::hostile("03-req", "process_exit");
    let tree = support::tree(
        "verbose",
        checker::mutants::Base::Solutions,
        &[("03-req", &exits)],
    );
    let dir = tree.root.to_str().unwrap();
    let _one = one_grading_at_a_time();
    let args = ["--quiet", "--task", "3", "--exercises", dir];
    let (_, short) = support::run(&args);
    assert!(short.contains("--verbose shows them all"), "{short}");
    let mut verbose_args = args.to_vec();
    verbose_args.push("--verbose");
    let (_, verbose) = support::run(&verbose_args);
    assert!(!verbose.contains("--verbose shows them all"), "{verbose}");
    let exited = "exited with status 0";
    assert_eq!(short.matches(exited).count(), 1, "{short}");
    assert_eq!(verbose.matches(exited).count(), 13, "{verbose}");
}

#[test]
fn colours_come_when_asked_and_never_into_a_file() {
    let stubs = stubs();
    let _one = one_grading_at_a_time();
    let args = ["--quiet", "--task", "3", "--exercises", &stubs];
    let escape = "\u{1b}[";
    let coloured = |extra: &[&str], no_color: bool| {
        let mut command = checker();
        command.args(args).args(extra);
        if no_color {
            command.env("NO_COLOR", "1");
        } else {
            command.env_remove("NO_COLOR");
        }
        String::from_utf8(command.output().unwrap().stdout).unwrap()
    };
    assert!(coloured(&["--color", "always"], false).contains(escape));
    assert!(!coloured(&["--color", "never"], false).contains(escape));
    // stdout is a pipe: auto means none, NO_COLOR or not.
    assert!(!coloured(&[], false).contains(escape));
    assert!(!coloured(&[], true).contains(escape));

    let out = tempfile::tempdir().unwrap();
    let file = out.path().join("report.txt");
    let output = checker()
        .args(args)
        .arg("--output")
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert!(output.stdout.is_empty(), "the report went to the file");
    let report = std::fs::read_to_string(&file).unwrap();
    assert!(report.contains(" 3  req"), "{report}");
    assert!(!report.contains(escape), "a file gets no colours unasked");
}

/// Bonus points come on top of the score: they never lift it over
/// `--min-score`.
#[test]
fn min_score_compares_the_score_without_the_bonus() {
    let _one = one_grading_at_a_time();
    let output = checker()
        .args([
            "--quiet",
            "--solutions",
            "--task",
            "2",
            "--format",
            "json",
            "--min-score",
            "30",
        ])
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(
        (report["score"].as_u64(), report["bonus"].as_u64()),
        (Some(25), Some(5))
    );
    assert_eq!(output.status.code(), Some(1), "25 + 5 bonus is not 30");
}

/// `--format junit` is JUnit XML that a JUnit reader takes: one suite per
/// task, a test case per graded test, failures and errors with the
/// checker's status as their type and its message, points as properties.
#[test]
fn the_junit_report_is_read_back_with_every_verdict() {
    let broken = support::hostile("01-async-rewrite", "compile_error");
    let tree = support::tree(
        "junit",
        checker::mutants::Base::Solutions,
        &[("01-async-rewrite", &broken)],
    );
    let dir = tree.root.to_str().unwrap();
    let _one = one_grading_at_a_time();
    let (code, xml) = support::run(&[
        "--quiet",
        "--format",
        "junit",
        "--task",
        "1",
        "--task",
        "3",
        "--exercises",
        dir,
    ]);
    assert_eq!(code, 0, "{xml}");
    let report = quick_junit::Report::deserialize_from_str(&xml).unwrap();
    assert_eq!(report.name.as_str(), "async-exercises");
    let suites: Vec<&str> = report
        .test_suites
        .iter()
        .map(|suite| suite.name.as_str())
        .collect();
    assert_eq!(suites, ["task 1 (async-rewrite)", "task 3 (req)"]);

    let (broken, passing) = (&report.test_suites[0], &report.test_suites[1]);
    assert_eq!((broken.tests, broken.errors, broken.failures), (7, 7, 0));
    assert_eq!(
        (passing.tests, passing.errors, passing.failures),
        (14, 0, 0)
    );
    for case in &broken.test_cases {
        match &case.status {
            quick_junit::TestCaseStatus::NonSuccess {
                kind,
                ty,
                message,
                description,
                ..
            } => {
                assert_eq!(*kind, quick_junit::NonSuccessKind::Error);
                assert_eq!(ty.as_ref().map(|ty| ty.as_str()), Some("not_compiled"));
                // The attribute has the error's first line; the text, all of it.
                let message = message.as_ref().map(|m| m.as_str()).unwrap_or_default();
                assert!(message.starts_with("error"), "{message}");
                let text = description.as_ref().map(|d| d.as_str()).unwrap_or_default();
                assert!(text.contains("01-async-rewrite/src/lib.rs"), "{text}");
            }
            other => panic!("{}: {other:?}", case.name.as_str()),
        }
    }
    let property = |suite: &quick_junit::TestSuite, name: &str| {
        suite
            .properties
            .iter()
            .find(|property| property.name.as_str() == name)
            .map(|property| property.value.as_str().to_owned())
    };
    assert_eq!(property(passing, "points").as_deref(), Some("25"));
    assert_eq!(property(broken, "points").as_deref(), Some("0"));
    assert_eq!(property(broken, "max_points").as_deref(), Some("25"));

    // A test that runs and fails is a failure, typed and with its message.
    let sequential = support::suite_mutant("01-async-rewrite", "await_in_loop");
    let tree = support::tree(
        "junit-failing",
        checker::mutants::Base::Solutions,
        &[("01-async-rewrite", &sequential)],
    );
    let dir = tree.root.to_str().unwrap();
    let (_, xml) = support::run(&[
        "--quiet",
        "--format",
        "junit",
        "--task",
        "1",
        "--exercises",
        dir,
    ]);
    let report = quick_junit::Report::deserialize_from_str(&xml).unwrap();
    let suite = &report.test_suites[0];
    assert_eq!((suite.tests, suite.errors, suite.failures), (7, 0, 2));
    let in_flight = suite
        .test_cases
        .iter()
        .find(|case| case.name.as_str() == "all_requests_are_in_flight_together")
        .unwrap();
    match &in_flight.status {
        quick_junit::TestCaseStatus::NonSuccess {
            kind,
            ty,
            description,
            ..
        } => {
            assert_eq!(*kind, quick_junit::NonSuccessKind::Failure);
            assert_eq!(ty.as_ref().map(|ty| ty.as_str()), Some("failed"));
            let text = description.as_ref().map(|d| d.as_str()).unwrap_or_default();
            assert!(text.contains("requests were in flight together"), "{text}");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(property(suite, "points").as_deref(), Some("10"));
}

/// A compile-fail test is a file of the suites' probe (`probe/refused/`):
/// once that file is gone, the test is declared nowhere, and the grading
/// says so, even where an earlier grading copied the file (a copy must
/// not stand in for the suites).
#[test]
fn a_compile_fail_test_without_its_file_is_the_instructors_error() {
    let suites = tempfile::tempdir().unwrap();
    support::copy_tree(&support::repo().join("checker/suites"), suites.path());
    let refused = suites.path().join(
        "02-timing-decorator/probe/refused/the_attribute_refuses_a_function_that_is_not_async.rs",
    );
    let suites_arg = suites.path().to_str().unwrap();
    let args = [
        "--quiet",
        "--unproven",
        "--solutions",
        "--task",
        "2",
        "--suites",
        suites_arg,
    ];
    let _one = one_grading_at_a_time();
    let (code, report) = support::run(&args);
    assert_eq!(code, 0, "{report}");
    std::fs::remove_file(&refused).unwrap();
    let output = checker().args(args).output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("the_attribute_refuses_a_function_that_is_not_async")
            && stderr.contains("probe/refused/"),
        "{stderr}"
    );
}
