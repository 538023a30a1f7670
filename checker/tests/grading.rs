//! End-to-end: the checker grades the reference solutions and the untouched
//! stubs, reports them as people and machines expect, and `verify` proves
//! every hidden test against the solutions, the stubs and the mutants.
//!
//! These build and run the real suites, one grading at a time.

mod support;

use checker::mutants::Base;
use support::{checker, grade_json, one_grading_at_a_time, run, tree};

/// Durations vary from run to run, and the protections in force from
/// machine to machine (the report must show this machine's, as its probe
/// found them); everything else in a report must not. Each is replaced
/// where it is, and must be there: indexing a JSON object by a missing key
/// would add it, hiding a report that lost the field.
fn redact_durations(report: &mut serde_json::Value) {
    fn redact(object: &mut serde_json::Value, key: &str, with: &str) {
        let value = object
            .get_mut(key)
            .unwrap_or_else(|| panic!("the report lacks {key}"));
        assert!(value.is_number() || value.is_object(), "{key}: {value}");
        *value = with.into();
    }
    redact(report, "timings", "[timings]");
    assert_eq!(report["sandbox"], support::probed_protections());
    redact(report, "sandbox", "[this machine's protections]");
    for task in report["tasks"].as_array_mut().unwrap() {
        redact(task, "summed_test_secs", "[duration]");
        for test in task["tests"].as_array_mut().unwrap() {
            redact(test, "duration_secs", "[duration]");
        }
    }
}

/// A human report without the line that names the protections not in
/// force, which depend on the machine: it must be there exactly when the
/// probe found one missing.
fn without_sandbox_line(report: &str) -> String {
    let mut lines: Vec<&str> = report.lines().collect();
    let at = lines
        .iter()
        .position(|line| line.starts_with("sandbox: ") || line.starts_with("песочница: "));
    assert_eq!(at.is_some(), !support::every_protection(), "{report}");
    if let Some(at) = at {
        // The line and the blank line after it.
        lines.drain(at..(at + 2).min(lines.len()));
    }
    let mut kept = lines.join("\n");
    if report.ends_with('\n') {
        kept.push('\n');
    }
    kept
}

/// The stubs as shipped, whatever a student has done to `exercises/`.
fn pristine_stubs() -> String {
    tree("stubs", Base::PristineStubs, &[])
        .root
        .to_str()
        .unwrap()
        .to_owned()
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
    let mut report = grade_json(&["--exercises", &pristine_stubs()]);
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
    let stubs = pristine_stubs();
    let _one = one_grading_at_a_time();
    let (code, report) = run(&["--quiet", "--exercises", &stubs]);
    assert_eq!(code, 0);
    insta::assert_snapshot!("stubs_human", without_sandbox_line(&report));
}

#[test]
fn the_human_report_speaks_russian_when_asked() {
    let stubs = pristine_stubs();
    let _one = one_grading_at_a_time();
    let (code, report) = run(&["--quiet", "--lang", "ru", "--exercises", &stubs]);
    assert_eq!(code, 0);
    insta::assert_snapshot!("stubs_human_ru", without_sandbox_line(&report));
}

#[test]
fn the_language_follows_lang_when_no_flag_is_given() {
    let _one = one_grading_at_a_time();
    let output = checker()
        .args(["--quiet", "--solutions", "--task", "3"])
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("LANG", "ru_RU.UTF-8")
        .output()
        .unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(
        stdout.contains("задача") && stdout.contains("решена"),
        "{stdout}"
    );
}

#[test]
fn a_failing_test_shows_its_idea_and_what_it_printed() {
    let mutant = support::suite_mutant("01-async-rewrite", "await_in_loop");
    let tree = tree(
        "await-in-loop",
        Base::Solutions,
        &[("01-async-rewrite", &mutant)],
    );
    let dir = tree.root.to_str().unwrap();
    let _one = one_grading_at_a_time();
    let (_, stdout) = run(&["--quiet", "--task", "1", "--exercises", dir]);
    // The first failure is the one that says the rewrite is not done.
    assert!(
        stdout.contains("✗ all_requests_are_in_flight_together (failed, 9 points)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("only 1 of 15 requests were in flight together: the rewrite is not done"),
        "{stdout}"
    );
    assert!(
        stdout
            .contains("the idea: at once means every request is sent before any answer is awaited"),
        "{stdout}"
    );
    // long_func prints each i: the student's own println! output is shown
    // (here only the first request ever started).
    assert!(
        stdout.contains("it printed:\n    --- stdout ---\n    0\n    --- stderr ---"),
        "{stdout}"
    );
    // A sequential rewrite keeps at most 40% of the task.
    assert!(stdout.contains("10/25"), "{stdout}");
    let (_, verbose) = run(&["--quiet", "--verbose", "--task", "1", "--exercises", dir]);
    assert!(
        verbose.contains("are you awaiting inside the loop?"),
        "{verbose}"
    );

    let (_, russian) = run(&["--quiet", "--lang", "ru", "--task", "1", "--exercises", dir]);
    assert!(
        russian.contains("переделка не закончена, пока запросы идут по одному"),
        "{russian}"
    );
    assert!(
        russian.contains("в чём идея: одновременно — значит, все запросы отправлены"),
        "{russian}"
    );
}

#[test]
fn the_human_report_of_the_solutions_sends_you_to_sasha() {
    let _one = one_grading_at_a_time();
    let (code, report) = run(&["--quiet", "--solutions"]);
    assert_eq!(code, 0);
    insta::assert_snapshot!("solutions_human", without_sandbox_line(&report));
}

/// Every test passes on its solution and fails on its stub; every mistake
/// among the mutants fails a test, costing only its own task; every correct
/// variant passes.
#[test]
fn verify_finds_every_hidden_test_has_teeth() {
    let _one = one_grading_at_a_time();
    let output = checker().args(["verify", "--quiet"]).output().unwrap();
    let table = String::from_utf8(output.stdout).unwrap();
    assert!(
        output.status.success(),
        "{table}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    // Every test and every mutant that is not merely hostile was judged.
    let manifest =
        checker::manifest::Manifest::load(&support::repo().join("checker/suites")).unwrap();
    let tests: usize = manifest.tasks.iter().map(|task| task.tests.len()).sum();
    let mutants: usize = manifest
        .tasks
        .iter()
        .map(|task| {
            checker::mutants::of_task(&manifest, task)
                .unwrap()
                .iter()
                .filter(|named| named.mutant.kind != checker::mutants::Kind::Hostile)
                .count()
        })
        .sum();
    assert!(mutants >= 29, "the suites' mutants went missing: {mutants}");
    let requirements = format!(
        "{} requirements each held by a test",
        table.matches("\n  [R").count()
    );
    let verdict = format!(
        "verify: ok — {requirements}; {tests} tests pass on the solutions and fail on the stubs; {mutants} mutants are judged right"
    );
    assert!(table.contains(&verdict), "{table}");
}
