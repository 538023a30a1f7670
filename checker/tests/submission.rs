//! What a submission is: only the student's source files, laid over the
//! course's crates. Everything else is listed as ignored, and a task folder
//! not handed in is missing.

mod support;

use checker::mutants::Base;
use support::{checker, grade_json, one_grading_at_a_time, task, tree};

#[test]
fn only_source_files_count_and_a_missing_task_is_missing() {
    let tree = tree("submission-shape", Base::Solutions, &[]);
    let root = &tree.root;
    // Task 1: the code split into a module (graded), and a Cargo.toml asking
    // for a crate the course does not have (ignored).
    let lib = root.join("01-async-rewrite/src/lib.rs");
    let mut source = std::fs::read_to_string(&lib).unwrap();
    if !source.contains("mod helper;") {
        source.push_str("\nmod helper;\npub use helper::helper_is_compiled;\n");
        std::fs::write(&lib, source).unwrap();
    }
    std::fs::write(
        root.join("01-async-rewrite/src/helper.rs"),
        "pub fn helper_is_compiled() {}\n",
    )
    .unwrap();
    let manifest = root.join("01-async-rewrite/Cargo.toml");
    let text = std::fs::read_to_string(&manifest).unwrap();
    if !text.contains("no-such-crate") {
        std::fs::write(
            &manifest,
            text + "\n[dependencies.no-such-crate]\nversion = \"1\"\n",
        )
        .unwrap();
    }
    // Task 4: not handed in.
    let _ = std::fs::remove_dir_all(root.join("04-site-check"));

    let report = grade_json(&["--exercises", root.to_str().unwrap()]);
    let first = task(&report, "01-async-rewrite");
    assert_eq!(first["points"], 25, "{first:#}");
    assert_eq!(first["ignored_files"], serde_json::json!(["Cargo.toml"]));
    let missing = task(&report, "04-site-check");
    assert_eq!(missing["status"], "missing", "{missing:#}");
    assert_eq!(missing["points"], 0);
    let message = missing["message"].as_str().unwrap();
    assert!(
        message.contains("not handed in") && message.contains("04-site-check"),
        "{message}"
    );
    for test in missing["tests"].as_array().unwrap() {
        assert_eq!(test["status"], "missing", "{test:#}");
    }
    assert_eq!(report["score"], 75, "{report:#}");

    let _one = one_grading_at_a_time();
    let output = checker()
        .args(["--quiet", "--color", "never", "--exercises"])
        .arg(root)
        .output()
        .unwrap();
    let human = String::from_utf8_lossy(&output.stdout);
    assert!(
        human.contains(" 4  site-check        0/13     0/25  missing"),
        "{human}"
    );
    assert!(
        human.contains(
            "task 1: not graded, only source files under src/ are taken from a submission: Cargo.toml"
        ),
        "{human}"
    );
    assert!(
        human.contains("next: task 4 — the submission has no"),
        "{human}"
    );
}
