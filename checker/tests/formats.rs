//! Every report format from one grading (`--output FORMAT=FILE`, repeated),
//! each read back against the fields its platform documents: Gradescope's
//! results.json, GitHub Classroom's reporter input, JUnit XML, the Markdown
//! summary; and the student's id and commit carried into each.

mod support;

use std::path::Path;

use base64::Engine as _;
use checker::mutants::Base;
use support::{checker, one_grading_at_a_time, output_within_bound, task};

const COMMIT: &str = "c0ffee0000000000000000000000000000000001";

/// A submission in a git repository of its own (written as git writes it):
/// task 1 awaited in a loop (fails two tests), task 3 does not compile.
fn submission() -> checker::mutants::Tree {
    let sequential = support::suite_mutant("01-async-rewrite", "sequential_wrapper");
    let broken = support::hostile("03-req", "changed_signature");
    let tree = support::tree(
        "formats",
        Base::Solutions,
        &[("01-async-rewrite", &sequential), ("03-req", &broken)],
    );
    let git = tree.root.join(".git");
    std::fs::create_dir_all(git.join("refs/heads")).unwrap();
    std::fs::write(git.join("HEAD"), "ref: refs/heads/main\n").unwrap();
    std::fs::write(git.join("refs/heads/main"), format!("{COMMIT}\n")).unwrap();
    tree
}

#[test]
fn one_grading_writes_every_format_each_as_its_platform_reads_it() {
    let tree = submission();
    let out = tempfile::tempdir().unwrap();
    let file = |name: &str| out.path().join(name);
    let output = |format: &str, name: &str| format!("{format}={}", file(name).display());
    let _one = one_grading_at_a_time();
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_checker"));
    command
        .env("LC_ALL", "C")
        .args(["--quiet", "--student", "alice", "--exercises"])
        .arg(&tree.root)
        .args(["--output", &output("json", "grade.json")])
        .args(["--output", &output("gradescope", "results.json")])
        .args(["--output", &output("classroom", "classroom.b64")])
        .args(["--output", &output("markdown", "summary.md")])
        .args(["--output", &output("junit", "grade.xml")]);
    let graded = output_within_bound(&mut command);
    assert!(graded.status.success(), "{graded:?}");
    assert!(graded.stdout.is_empty(), "every report went to a file");

    let read = |name: &str| std::fs::read_to_string(file(name)).unwrap();
    let report: serde_json::Value = serde_json::from_str(&read("grade.json")).unwrap();
    assert_eq!(report["student"], "alice");
    assert_eq!(report["commit"], COMMIT);
    assert_eq!(
        task(&report, "01-async-rewrite")["points"],
        10,
        "{report:#}"
    );
    assert_eq!(task(&report, "03-req")["status"], "not_compiled");
    let earned = report["score"].as_u64().unwrap() + report["bonus"].as_u64().unwrap();
    let tests_total: usize = report["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|task| task["tests"].as_array().unwrap().len())
        .sum();

    gradescope(&read("results.json"), earned, tests_total);
    classroom(&read("classroom.b64"), &report, earned, tests_total);
    markdown(&read("summary.md"));
    junit(&file("grade.xml"));
}

/// Gradescope: the score, and a test per graded test with `score`,
/// `max_score`, `status` passed|failed, `name`, `number`, `visibility`; bonus
/// tests as extra credit (max 0).
fn gradescope(text: &str, earned: u64, tests_total: usize) {
    let results: serde_json::Value = serde_json::from_str(text).unwrap();
    assert_eq!(results["score"], earned, "{results:#}");
    assert!(results["execution_time"].is_u64());
    assert_eq!(results["output_format"], "md");
    assert!(results["output"].as_str().unwrap().contains("| 3 req |"));
    let tests = results["tests"].as_array().unwrap();
    assert_eq!(tests.len(), tests_total);
    let mut sum = 0;
    let mut max = 0;
    for test in tests {
        let (score, max_score) = (
            test["score"].as_u64().unwrap(),
            test["max_score"].as_u64().unwrap(),
        );
        let bonus = test["tags"]
            .as_array()
            .unwrap()
            .iter()
            .any(|tag| tag == "bonus");
        assert!(bonus || score <= max_score, "{test:#}");
        sum += score;
        max += max_score;
        let status = test["status"].as_str().unwrap();
        if !bonus {
            assert_eq!(status == "passed", score == max_score, "{test:#}");
        }
        assert!(["passed", "failed"].contains(&status), "{test:#}");
        assert!(test["number"].as_str().unwrap().contains('.'));
        assert!(
            ["visible", "hidden", "after_due_date", "after_published"]
                .contains(&test["visibility"].as_str().unwrap())
        );
    }
    assert_eq!(sum, earned);
    assert_eq!(max, 100, "the bonus is extra credit");
    let in_flight = tests
        .iter()
        .find(|test| {
            test["name"]
                .as_str()
                .unwrap()
                .ends_with("all_requests_are_in_flight_together")
        })
        .unwrap();
    assert_eq!(in_flight["status"], "failed");
    assert_eq!(in_flight["score"], 0);
    assert_eq!(in_flight["max_score"], 9);
}

/// Classroom's reporter: base64 JSON, version 1, `fail` unless complete, the
/// tests' scores adding up to the points, compile errors as `error`.
fn classroom(text: &str, report: &serde_json::Value, earned: u64, tests_total: usize) {
    let json = base64::engine::general_purpose::STANDARD
        .decode(text.trim())
        .expect("one line of base64");
    let result: serde_json::Value = serde_json::from_slice(&json).unwrap();
    assert_eq!(result["version"], 1);
    assert_eq!(result["status"], "fail");
    assert_eq!(result["max_score"], report["max_score"]);
    let tests = result["tests"].as_array().unwrap();
    assert_eq!(tests.len(), tests_total);
    let scores: u64 = tests
        .iter()
        .map(|test| test["score"].as_u64().unwrap())
        .sum();
    // The reporter prints `Points <sum of scores>/<max_score>`: the score
    // alone, never above the maximum; Classroom has no bonus to show.
    assert_eq!(
        scores,
        report["score"].as_u64().unwrap(),
        "the reporter's Points X/Y adds these up"
    );
    assert!(earned > scores, "this submission earns a bonus: {earned}");
    for test in tests {
        let name = test["name"].as_str().unwrap();
        // ` - line null` is what the reporter prints for a null line.
        assert!(test["line_no"].is_u64(), "{test:#}");
        if test["score"] == 0 && test["status"] == "pass" {
            assert!(
                name.contains("[bonus "),
                "only a bonus test passes for 0: {test:#}"
            );
        }
        let expected = if name.starts_with("task 3 ") {
            "error"
        } else if name.ends_with("requests_run_at_once")
            || name.ends_with("all_requests_are_in_flight_together")
        {
            "fail"
        } else {
            "pass"
        };
        assert_eq!(test["status"], expected, "{test:#}");
        assert_eq!(test["message"].is_null(), expected == "pass", "{test:#}");
    }
}

fn markdown(text: &str) {
    assert!(text.starts_with("## async-exercises — "), "{text}");
    assert!(text.contains("student `alice`"), "{text}");
    assert!(text.contains(&format!("commit `{COMMIT}`")), "{text}");
    assert!(
        text.contains("| 1 async-rewrite | ⚠️ failing | 10/25 | 5/7 |"),
        "{text}"
    );
    assert!(
        text.contains("| 3 req | ❌ not compiled | 0/25 | 0/14 |"),
        "{text}"
    );
    assert!(
        text.contains("- `requests_run_at_once` — failed, 0/6"),
        "{text}"
    );
    assert!(!text.contains('\x1b'), "no terminal styles: {text:?}");
}

fn junit(path: &Path) {
    let xml = std::fs::read_to_string(path).unwrap();
    // Jenkins' junit-10.xsd: no `disabled` on a suite, no properties in a
    // test case (only failure, error, skipped, system-out, system-err).
    assert!(!xml.contains("disabled="), "{xml}");
    for case in xml.split("<testcase ").skip(1) {
        let case = case.split("</testcase>").next().unwrap();
        assert!(!case.contains("<properties"), "{case}");
    }
    let report = quick_junit::Report::deserialize_from_str(&xml).unwrap();
    // A compile error is in the element's text, whole; the attribute has
    // its first line.
    let req = report
        .test_suites
        .iter()
        .find(|suite| suite.name.as_str() == "task 3 (req)")
        .unwrap();
    let quick_junit::TestCaseStatus::NonSuccess {
        message,
        description,
        ..
    } = &req.test_cases[0].status
    else {
        panic!("task 3 does not compile: {:?}", req.test_cases[0].status);
    };
    let (message, description) = (
        message.as_ref().unwrap().as_str(),
        description.as_ref().unwrap().as_str(),
    );
    assert!(
        !message.contains('\n') && description.starts_with(message),
        "{description}"
    );
    assert!(
        description.lines().count() > 1,
        "the whole compiler error: {description}"
    );
    let points = req
        .properties
        .iter()
        .find(|property| property.name.as_str() == "points:params_reach_the_server_encoded")
        .unwrap();
    assert_eq!(points.value.as_str(), "0/3");
    for suite in &report.test_suites {
        let student = suite
            .properties
            .iter()
            .find(|property| property.name.as_str() == "student")
            .map(|property| property.value.as_str());
        assert_eq!(student, Some("alice"), "{}", suite.name.as_str());
    }
}

/// Without a format of its own, an output takes `--format`'s; with no
/// output at all, the report goes to stdout.
#[test]
fn an_output_without_a_format_takes_the_format_option() {
    let out = tempfile::tempdir().unwrap();
    let path = out.path().join("report.md");
    let _one = one_grading_at_a_time();
    let graded = checker()
        .args(["--quiet", "--task", "1", "--format", "markdown", "--output"])
        .arg(&path)
        .output()
        .unwrap();
    assert!(graded.status.success(), "{graded:?}");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.starts_with("## async-exercises"), "{text}");
    assert!(
        !text.contains("student `"),
        "no --student, no student: {text}"
    );
}

/// Gradescope shows results.json's top `output` at once, whatever the tests'
/// visibility: a failing `after_published` test must be in its own entry
/// only, not named or counted in the summary above the tests.
#[test]
fn gradescope_shows_nothing_of_a_test_students_may_not_see_yet() {
    let requires_send = support::suite_mutant("02-timing-decorator", "requires_send");
    let tree = support::tree(
        "gradescope-visibility",
        Base::Solutions,
        &[("02-timing-decorator", &requires_send)],
    );
    let out = tempfile::tempdir().unwrap();
    let results_path = out.path().join("results.json");
    let summary_path = out.path().join("summary.md");
    let _one = one_grading_at_a_time();
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_checker"));
    command
        .env("LC_ALL", "C")
        .args(["--quiet", "--task", "2", "--exercises"])
        .arg(&tree.root)
        .arg("--output")
        .arg(format!("gradescope={}", results_path.display()))
        .arg("--output")
        .arg(format!("markdown={}", summary_path.display()));
    let graded = output_within_bound(&mut command);
    assert!(graded.status.success(), "{graded:?}");
    // The instructor's own summary has everything, its counts explained.
    let markdown = std::fs::read_to_string(&summary_path).unwrap();
    assert!(
        markdown.contains("| 2 timing-decorator | ⚠️ failing | 22/25 | 7/8 |")
            && markdown.contains("1 of 11 tests not passing (8 required, 3 bonus)"),
        "{markdown}"
    );
    let results: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&results_path).unwrap()).unwrap();
    let hidden = results["tests"]
        .as_array()
        .unwrap()
        .iter()
        .find(|test| test["visibility"] == "after_published")
        .unwrap();
    assert_eq!(hidden["status"], "failed", "{hidden:#}");
    assert_eq!(
        results["score"], 27,
        "22 of the visible points and the bonus 5"
    );
    let summary = results["output"].as_str().unwrap();
    assert!(
        !summary.contains("not_send") && !summary.contains("failing"),
        "{summary}"
    );
    assert!(
        summary.contains("| 2 timing-decorator | ✅ passed | 22/22 | 7/7 |"),
        "{summary}"
    );
    assert!(summary.contains("More tests are shown here"), "{summary}");
}
