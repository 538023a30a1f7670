//! Student code that misbehaves costs its own task and nothing else: each
//! test plants two misbehaving fixtures (checker/tests/fixtures/hostile) into
//! a tree of reference solutions, grades it, and checks that the planted
//! tasks lose the tests their fixtures name, that the others keep every
//! point, and that the run ends with the right status for each.

mod support;

use checker::mutants::Base;
use support::{assert_each_costs_only_its_task, hostile, suite_mutant, task, test, tree};

/// Hanging fixtures would each hold a test for the full limit; healthy tests
/// need under 2 s, so 5 s keeps runs short and still far from flaky.
const SHORT_LIMIT: [&str; 2] = ["--test-timeout", "5"];

#[test]
fn compile_errors_cost_only_their_task_with_the_compilers_message() {
    let (type_error, signature) = (
        hostile("01-async-rewrite", "compile_error"),
        hostile("03-req", "changed_signature"),
    );
    let syntax = hostile("04-site-check", "syntax_error");
    let planted = [
        ("01-async-rewrite", &type_error),
        ("03-req", &signature),
        ("04-site-check", &syntax),
    ];
    let tree = tree("compile-errors", Base::Solutions, &planted);
    let report = assert_each_costs_only_its_task(&tree, &planted, &[]);

    for (dir, expected) in [
        ("01-async-rewrite", "error[E0308]"),
        ("03-req", "error[E0061]"),
        (
            "04-site-check",
            "error: this file contains an unclosed delimiter",
        ),
    ] {
        let broken = task(&report, dir);
        assert_eq!(broken["status"], "not_compiled", "{broken:#}");
        let message = broken["message"].as_str().unwrap();
        assert!(message.contains(expected), "{dir}: {message}");
    }
}

#[test]
fn panics_in_the_code_and_in_spawned_tasks_are_failures_with_their_message() {
    let (spawned, direct) = (
        hostile("01-async-rewrite", "panic_in_spawned_task"),
        hostile("03-req", "panic_in_function"),
    );
    let planted = [("01-async-rewrite", &spawned), ("03-req", &direct)];
    let tree = tree("panics", Base::Solutions, &planted);
    let report = assert_each_costs_only_its_task(&tree, &planted, &[]);

    let req = test(task(&report, "03-req"), "json_body_is_parsed");
    assert_eq!(req["status"], "failed");
    assert!(
        req["message"].as_str().unwrap().contains("req exploded"),
        "{req:#}"
    );
    assert!(
        req["location"]
            .as_str()
            .unwrap()
            .contains("03-req/src/lib.rs"),
        "{req:#}"
    );
    // The swallowed panic shows in the test's output, where the student can find it.
    let swallowed = test(
        task(&report, "01-async-rewrite"),
        "sends_exactly_n_requests",
    );
    assert!(
        swallowed["output"]
            .as_str()
            .unwrap()
            .contains("request 3 exploded"),
        "{swallowed:#}"
    );
}

#[test]
fn hangs_time_out_and_the_run_still_ends() {
    let (endless, deadlock) = (
        hostile("02-timing-decorator", "endless_loop"),
        hostile("01-async-rewrite", "mutex_deadlock"),
    );
    let pending = hostile("04-site-check", "pending_forever");
    let planted = [
        ("01-async-rewrite", &deadlock),
        ("02-timing-decorator", &endless),
        ("04-site-check", &pending),
    ];
    let tree = tree("hangs", Base::Solutions, &planted);
    let report = assert_each_costs_only_its_task(&tree, &planted, &SHORT_LIMIT);

    for (dir, name) in [
        ("01-async-rewrite", "sends_exactly_n_requests"),
        ("02-timing-decorator", "report_format_is_exact"),
        ("04-site-check", "results_keep_input_order"),
    ] {
        let hung = test(task(&report, dir), name);
        assert_eq!(hung["status"], "timed_out", "{hung:#}");
        assert!(
            hung["message"]
                .as_str()
                .unwrap()
                .contains("did not finish within 5 s")
        );
    }
    // The endless loop is only where report() is called; the rest still passes.
    assert_eq!(
        test(
            task(&report, "02-timing-decorator"),
            "clock_starts_at_first_poll"
        )["status"],
        "passed"
    );
}

#[test]
fn spinning_tests_cost_the_timing_tests_of_other_tasks_nothing() {
    // Seven of task 2's tests spin on every core until they are killed,
    // while tasks 1 and 4 time their requests: their timing tests must
    // judge the solution, not the load one student's other task made.
    let spinning = hostile("02-timing-decorator", "spins_on_every_thread");
    let planted = [("02-timing-decorator", &spinning)];
    let tree = tree("spinning-neighbours", Base::Solutions, &planted);
    assert_each_costs_only_its_task(&tree, &planted, &SHORT_LIMIT);
}

#[test]
fn blocking_the_runtime_fails_the_timing_test_instead_of_hanging() {
    let blocking = suite_mutant("01-async-rewrite", "blocking_pause");
    let planted = [("01-async-rewrite", &blocking)];
    let tree = tree("blocking", Base::Solutions, &planted);
    let report = assert_each_costs_only_its_task(&tree, &planted, &[]);

    let timing = test(task(&report, "01-async-rewrite"), "requests_run_at_once");
    assert_eq!(timing["status"], "failed", "{timing:#}");
    assert!(
        timing["message"]
            .as_str()
            .unwrap()
            .contains("are you awaiting inside the loop?")
    );
}

#[test]
fn exiting_or_aborting_the_process_never_passes_a_test() {
    let (abort, exit) = (
        hostile("02-timing-decorator", "abort"),
        hostile("03-req", "process_exit"),
    );
    let planted = [("02-timing-decorator", &abort), ("03-req", &exit)];
    let tree = tree("exits", Base::Solutions, &planted);
    let report = assert_each_costs_only_its_task(&tree, &planted, &[]);

    let aborted = test(
        task(&report, "02-timing-decorator"),
        "output_passes_through",
    );
    assert_eq!(aborted["status"], "failed");
    assert!(
        aborted["message"]
            .as_str()
            .unwrap()
            .contains("aborted (SIGABRT)"),
        "{aborted:#}"
    );
    let exited = test(task(&report, "03-req"), "json_body_is_parsed");
    assert_eq!(exited["status"], "failed");
    assert!(
        exited["message"]
            .as_str()
            .unwrap()
            .contains("exited with status 0"),
        "{exited:#}"
    );
    // exit(0) before any request: the only test that sends none must not pass either.
    assert_ne!(
        test(task(&report, "03-req"), "unknown_type_sends_no_request")["status"],
        "passed"
    );
}

#[test]
fn floods_and_forgeries_change_nothing() {
    let (flood, forge) = (
        hostile("02-timing-decorator", "flood"),
        hostile("04-site-check", "forge"),
    );
    let planted = [("02-timing-decorator", &flood), ("04-site-check", &forge)];
    let tree = tree("flood-and-forge", Base::Solutions, &planted);
    let report = assert_each_costs_only_its_task(&tree, &planted, &[]);

    // 100 MB went to stdout; the report keeps a few KiB and says so.
    let report_size = serde_json::to_string(&report).unwrap().len();
    assert!(
        report_size < 512 * 1024,
        "the report is {report_size} bytes"
    );
    let flooded = test(
        task(&report, "02-timing-decorator"),
        "timeit_prints_the_report",
    );
    assert_eq!(flooded["status"], "failed");
    // The test captures stdout in a file: in the sandbox, the file-size
    // limit ends the flood; without it, the output is kept cut.
    if report["sandbox"]["limits"] == true {
        assert!(
            flooded["message"].as_str().unwrap().contains("SIGXFSZ"),
            "{flooded:#}"
        );
    } else {
        assert!(
            flooded["output"]
                .as_str()
                .unwrap()
                .contains("more bytes not kept"),
            "{flooded:#}"
        );
    }

    // Fake "test ... ok" lines and fake records earn nothing: only the tests
    // that a do-nothing answer satisfies pass.
    let forged = task(&report, "04-site-check");
    for test in forged["tests"].as_array().unwrap() {
        if test["name"] != "empty_and_zero_limit_are_handled" {
            assert_ne!(test["status"], "passed", "forged pass: {test:#}");
        }
    }
}

/// A record planted where records go, passing a test under a made-up token,
/// is not believed; nor is a record naming another test. One test at a time,
/// so the only record folder the forger finds is its own test's: without
/// the token check, `json_body_is_parsed` would pass.
#[test]
fn records_forged_into_the_record_folders_are_not_believed() {
    let forge = hostile("03-req", "forge_records");
    let planted = [("03-req", &forge)];
    let tree = tree("forge-records", Base::Solutions, &planted);
    assert_each_costs_only_its_task(&tree, &planted, &["--jobs", "1"]);
}

/// A suite binary that does not compile against the student's code costs
/// only the tests in it (task 2's `not_send.rs`); code that would run before
/// `main` (and so before the harness) needs `unsafe`, which graded crates
/// forbid: the compiler's refusal is the task's message.
#[test]
fn a_suite_binary_that_does_not_build_costs_only_its_tests_and_unsafe_does_not_compile() {
    let (demands_send, dies) = (
        hostile("02-timing-decorator", "demands_send"),
        hostile("03-req", "dies_at_load"),
    );
    let planted = [("02-timing-decorator", &demands_send), ("03-req", &dies)];
    let tree = tree("suite-binaries", Base::Solutions, &planted);
    let report = assert_each_costs_only_its_task(&tree, &planted, &[]);

    let timing = task(&report, "02-timing-decorator");
    assert_eq!(timing["status"], "failing", "{timing:#}");
    let not_send = test(timing, "works_with_futures_that_are_not_send");
    assert_eq!(not_send["status"], "not_compiled", "{not_send:#}");
    let req = task(&report, "03-req");
    assert_eq!(req["status"], "not_compiled", "{req:#}");
    let message = req["message"].as_str().unwrap();
    assert!(
        message.contains("unsafe") && message.contains("03-req/src/lib.rs"),
        "{message}"
    );
    assert!(!message.contains("target/grading"), "{message}");
}

/// Graded as it is (`--as-is`, a student's own folder), a Cargo.toml that
/// cargo cannot resolve stops a whole workspace; the checker builds that task
/// on its own, reports cargo's words as its compile error, and grades the
/// rest as usual.
#[test]
fn a_broken_cargo_toml_costs_only_its_task() {
    let tree = tree("broken-manifest", Base::Solutions, &[]);
    let manifest = tree.root.join("04-site-check/Cargo.toml");
    let mut text = std::fs::read_to_string(&manifest).unwrap();
    text.push_str("\n[dependencies.no-such-helper]\npath = \"../no-such-helper\"\n");
    std::fs::write(&manifest, text).unwrap();

    let report = support::grade_json(&["--as-is", "--exercises", tree.root.to_str().unwrap()]);
    for dir in support::TASKS {
        let graded = task(&report, dir);
        if dir == "04-site-check" {
            assert_eq!(graded["status"], "not_compiled", "{graded:#}");
            assert_eq!(graded["points"], 0);
            let message = graded["message"].as_str().unwrap();
            assert!(message.contains("no-such-helper"), "{message}");
        } else {
            assert_eq!(graded["status"], "passed", "{graded:#}");
            assert_eq!(graded["points"], graded["max_points"], "{graded:#}");
        }
    }
}
