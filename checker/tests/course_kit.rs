//! The course kit: the student edition `checker assign` writes, what its
//! checker says, and what it refuses to write.

mod support;

use std::path::Path;

use support::{checker, one_grading_at_a_time, output_within_bound, repo};

/// Runs the checker with `args`, returning its exit code, stdout and stderr.
fn run_checker(args: &[&str]) -> (i32, String, String) {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_checker"));
    command.env("LC_ALL", "C").args(args);
    let output = output_within_bound(&mut command);
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn the_student_edition_has_the_visible_tests_and_no_solutions() {
    let out = tempfile::tempdir().unwrap();
    let edition = out.path().join("edition");
    let dir = edition.to_str().unwrap();
    let _one = one_grading_at_a_time();
    let (code, stdout, stderr) = run_checker(&["assign", "--quiet", "--git", "--out", dir]);
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    assert!(
        stdout.contains("1 of the course's tests (3 points) are graded on hand-in only"),
        "{stdout}"
    );
    assert!(stdout.contains("grade 112/112"), "{stdout}");

    // What a student receives, and what stays with the instructor.
    for kept in [
        "README.md",
        ".github/workflows/classroom.yml",
        "exercises/01-async-rewrite/src/lib.rs",
        "checker/src/main.rs",
        "checker/harness/src/lib.rs",
        "checker/suites/02-timing-decorator/grading.rs",
        "checker/suites/02-timing-decorator/bonus_macro.rs",
    ] {
        assert!(edition.join(kept).is_file(), "{kept} is missing");
    }
    for left_out in [
        "solutions",
        "checker/tests",
        "checker/suites/01-async-rewrite/mutants",
        "checker/suites/02-timing-decorator/not_send.rs",
        "scripts",
        ".ci",
    ] {
        assert!(!edition.join(left_out).exists(), "{left_out} was shipped");
    }
    for task in support::TASKS {
        let stub = format!("exercises/{task}/src/lib.rs");
        assert_eq!(
            std::fs::read(edition.join(&stub)).unwrap(),
            std::fs::read(
                repo()
                    .join("checker/pristine")
                    .join(task)
                    .join("src/lib.rs")
            )
            .unwrap(),
            "{stub} is not the pristine stub"
        );
    }
    let workspace = std::fs::read_to_string(edition.join("Cargo.toml")).unwrap();
    assert!(!workspace.contains("solutions/"), "{workspace}");
    let commits = std::process::Command::new("git")
        .args(["-C", dir, "rev-list", "--count", "HEAD"])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&commits.stdout).trim(), "1");

    // Its checker grades the visible tests and says more come later.
    let (code, report, stderr) =
        run_checker(&["--repo", dir, "--quiet", "--format", "json", "--task", "2"]);
    assert_eq!(code, 0, "{stderr}");
    let report: serde_json::Value = serde_json::from_str(&report).unwrap();
    assert_eq!(
        report["graded_later"],
        serde_json::json!({"tests": 1, "points": 3})
    );
    let names: Vec<&str> = report["tasks"][0]["tests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|test| test["name"].as_str().unwrap())
        .collect();
    assert_eq!(names.len(), 8, "{names:?}");
    assert!(!names.contains(&"works_with_futures_that_are_not_send"));
    let (_, human, _) = run_checker(&["--repo", dir, "--quiet", "--color", "never", "--task", "1"]);
    assert!(
        human.contains("1 more tests (3 points) are graded when you hand your work in"),
        "{human}"
    );

    // No solutions to show, and verify says why it cannot run.
    let (code, said, _) = run_checker(&["solution", "1", "--repo", dir]);
    assert_eq!(code, 1);
    assert!(
        said.contains("the reference solutions are not in it"),
        "{said}"
    );
    let (code, _, refused) = run_checker(&["verify", "--repo", dir]);
    assert_eq!(code, 2);
    assert!(refused.contains("reference solutions"), "{refused}");
}

/// A suite file with hidden and visible tests cannot be split: the edition
/// is refused before anything is written, naming the file.
#[test]
fn a_suite_file_mixing_hidden_and_visible_tests_is_refused() {
    let suites = tempfile::tempdir().unwrap();
    support::copy_tree(&repo().join("checker/suites"), suites.path());
    let manifest = suites.path().join("tasks.toml");
    let text = std::fs::read_to_string(&manifest).unwrap().replace(
        "name = \"statuses_come_back_in_order_of_i\"\n",
        "name = \"statuses_come_back_in_order_of_i\"\nvisibility = \"hidden\"\n",
    );
    std::fs::write(&manifest, text).unwrap();
    let out = tempfile::tempdir().unwrap();
    let edition = out.path().join("edition");
    let output = checker()
        .args(["assign", "--suites"])
        .arg(suites.path())
        .arg("--out")
        .arg(&edition)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("01-async-rewrite/grading.rs")
            && stderr.contains("declares both visible and hidden tests"),
        "{stderr}"
    );
    assert!(!Path::new(&edition).exists(), "nothing is written");
}
