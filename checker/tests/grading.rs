//! End-to-end: the checker grades real crates — the reference solutions, the
//! untouched stubs, and trees with planted mistakes — and every verdict lands
//! on the task it belongs to.
//!
//! These build and run the real suites, so they take a while (a minute or
//! two on a cold build); they run one at a time.

mod support;

use support::{Tree, checker, grade_json, one_grading_at_a_time, task, test};

/// Durations vary from run to run; everything else in a report must not.
fn redact_durations(report: &mut serde_json::Value) {
    report["timings"] = "[timings]".into();
    for task in report["tasks"].as_array_mut().unwrap() {
        task["duration_secs"] = "[duration]".into();
        for test in task["tests"].as_array_mut().unwrap() {
            test["duration_secs"] = "[duration]".into();
        }
    }
}

#[test]
fn the_solutions_score_100() {
    let mut report = grade_json(&["--solutions"]);
    assert_eq!(report["score"], 100);
    assert_eq!(report["max_score"], 100);
    redact_durations(&mut report);
    insta::assert_json_snapshot!("solutions_json", report);
}

#[test]
fn the_untouched_stubs_score_0_and_are_not_started() {
    let mut report = grade_json(&[]);
    assert_eq!(report["score"], 0);
    for task in report["tasks"].as_array().unwrap() {
        assert_eq!(task["status"], "not_started", "{task:#}");
    }
    redact_durations(&mut report);
    // The panic hook's stderr names the thread and is noise in a snapshot.
    for task in report["tasks"].as_array_mut().unwrap() {
        for test in task["tests"].as_array_mut().unwrap() {
            test["output"] = serde_json::Value::Null;
        }
    }
    insta::assert_json_snapshot!("stubs_json", report);
}

#[test]
fn the_human_report_of_the_stubs_points_at_the_first_todo() {
    let _one = one_grading_at_a_time();
    let output = checker().output().unwrap();
    assert!(output.status.success());
    insta::assert_snapshot!("stubs_human", String::from_utf8(output.stdout).unwrap());
}

#[test]
fn the_human_report_of_the_solutions_sends_you_to_sasha() {
    let _one = one_grading_at_a_time();
    let output = checker().arg("--solutions").output().unwrap();
    assert!(output.status.success());
    insta::assert_snapshot!("solutions_human", String::from_utf8(output.stdout).unwrap());
}

/// Grades `tree` and checks that each planted task fails the tests its
/// mutant names, while every other task keeps all its points.
fn assert_each_mistake_costs_only_its_task(
    tree: &Tree,
    planted: &[(&str, support::Mutant)],
    extra_args: &[&str],
) {
    let mut args = vec!["--exercises", tree.path()];
    args.extend_from_slice(extra_args);
    let report = grade_json(&args);
    for dir in support::TASKS {
        let graded = task(&report, dir);
        match planted.iter().find(|(planted_dir, _)| *planted_dir == dir) {
            Some((_, mutant)) => {
                assert!(
                    graded["points"].as_u64().unwrap() < 25,
                    "task {dir} ({}) kept all its points: {graded:#}",
                    mutant.description
                );
                for name in &mutant.fails {
                    assert_ne!(
                        test(graded, name)["status"],
                        "passed",
                        "task {dir} ({}): {name} passed",
                        mutant.description
                    );
                }
            }
            None => assert_eq!(
                graded["points"], 25,
                "untouched task {dir} lost points: {graded:#}"
            ),
        }
    }
}

#[test]
fn sequential_requests_and_an_early_clock_are_caught() {
    let tree = Tree::solved("await-in-loop+clock-at-creation");
    let planted = [
        (
            "01-async-rewrite",
            tree.plant("01-async-rewrite", "await_in_loop"),
        ),
        (
            "02-timing-decorator",
            tree.plant("02-timing-decorator", "clock_at_creation"),
        ),
    ];
    assert_each_mistake_costs_only_its_task(&tree, &planted, &[]);
}

#[test]
fn completion_order_and_a_wrong_format_are_caught() {
    let tree = Tree::solved("completion-order+two-decimals");
    let planted = [
        (
            "01-async-rewrite",
            tree.plant("01-async-rewrite", "completion_order"),
        ),
        (
            "02-timing-decorator",
            tree.plant("02-timing-decorator", "two_decimals"),
        ),
    ];
    assert_each_mistake_costs_only_its_task(&tree, &planted, &[]);
}

#[test]
fn dropped_params_and_an_ignored_limit_are_caught() {
    let tree = Tree::solved("drops-params+no-limit");
    let planted = [
        ("03-req", tree.plant("03-req", "drops_params")),
        ("04-site-check", tree.plant("04-site-check", "no_limit")),
    ];
    assert_each_mistake_costs_only_its_task(&tree, &planted, &[]);
}

#[test]
fn an_unchecked_status_and_completion_order_are_caught() {
    let tree = Tree::solved("no-status-check+completion-order");
    let planted = [
        ("03-req", tree.plant("03-req", "no_status_check")),
        (
            "04-site-check",
            tree.plant("04-site-check", "completion_order"),
        ),
    ];
    assert_each_mistake_costs_only_its_task(&tree, &planted, &[]);
}

#[test]
fn a_compile_error_and_an_endless_loop_cost_only_their_tasks() {
    let tree = Tree::solved("compile-error+endless-loop");
    let planted = [
        (
            "01-async-rewrite",
            tree.plant("01-async-rewrite", "compile_error"),
        ),
        (
            "02-timing-decorator",
            tree.plant("02-timing-decorator", "endless_loop"),
        ),
    ];
    // A short limit keeps the hanging tests from dragging the run out; the
    // healthy tests need well under 2 s.
    assert_each_mistake_costs_only_its_task(&tree, &planted, &["--test-timeout", "5"]);

    let report = grade_json(&[
        "--exercises",
        tree.path(),
        "--test-timeout",
        "5",
        "--task",
        "1",
        "--task",
        "2",
    ]);
    let broken = task(&report, "01-async-rewrite");
    assert_eq!(broken["status"], "not_compiled");
    let error = broken["message"].as_str().unwrap();
    assert!(
        error.contains("error[E0308]") && error.contains("src/lib.rs"),
        "{error}"
    );

    let hanging = task(&report, "02-timing-decorator");
    assert_eq!(
        test(hanging, "report_format_is_exact")["status"],
        "timed_out"
    );
    assert_eq!(
        test(hanging, "clock_starts_at_first_poll")["status"],
        "passed"
    );
}
