//! Compile time is run time: a submission's `#[path]`, `include!`,
//! `option_env!` and procedural macros run while it compiles, so they are
//! confined like its tests. Each fixture here is an attack a student who
//! cannot solve a task would try at build time (or against the record
//! channel), followed by `todo!()` or nothing: only a working attack could
//! pass. Graded twice — as the checker grades, and with the sandbox off —
//! to show that the protections, not luck, are what stop them.

#![cfg(target_os = "linux")]

mod support;

use checker::mutants::{Base, Mutant};
use support::{hostile, output_within_bound, task, test, tree};

/// What an instructor's CI holds in its environment.
const SECRETS: [(&str, &str); 2] = [
    ("STUDENT_REPOS_TOKEN", "ghp_fixtureSecretThatMustNotLeak1"),
    ("GITHUB_TOKEN", "ghs_fixtureSecretThatMustNotLeak2"),
];

/// Grades `tree` with the secrets in the environment and `extra` options.
fn grade_with_secrets(tree: &checker::mutants::Tree, extra: &[&str]) -> serde_json::Value {
    let _one = support::one_grading_at_a_time();
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_checker"));
    command
        .env("LC_ALL", "C")
        .envs(SECRETS)
        .args(["--quiet", "--format", "json", "--exercises"])
        .arg(&tree.root)
        .args(extra);
    let output = output_within_bound(&mut command);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

fn planted_tree(name: &str, fixtures: &[(&'static str, Mutant)]) -> checker::mutants::Tree {
    let planted: Vec<(&str, &Mutant)> = fixtures.iter().map(|(dir, m)| (*dir, m)).collect();
    tree(name, Base::Solutions, &planted)
}

#[test]
fn compile_time_reads_secrets_and_record_rewrites_earn_nothing() {
    let fixtures = [
        (
            "01-async-rewrite",
            hostile("01-async-rewrite", "path_to_solutions"),
        ),
        (
            "02-timing-decorator",
            hostile("02-timing-decorator", "macro_reads_the_suites"),
        ),
        ("03-req", hostile("03-req", "bakes_secrets")),
        (
            "04-site-check",
            hostile("04-site-check", "rewrites_its_record"),
        ),
    ];
    let tree = planted_tree("compile-time", &fixtures);
    let report = grade_with_secrets(&tree, &[]);
    if report["sandbox"]["build"] != true {
        eprintln!("note: builds cannot be confined here; the compile-time checks are skipped");
        return;
    }
    let text = report.to_string();

    // #[path] into solutions/: the file is out of the build's reach.
    let path = task(&report, "01-async-rewrite");
    assert_eq!(path["points"], 0, "{path:#}");
    assert_eq!(path["status"], "not_compiled", "{path:#}");
    // The bonus macro finds nothing to read: no suite text anywhere.
    let macro_task = task(&report, "02-timing-decorator");
    assert_eq!(macro_task["points"], 25, "{macro_task:#}");
    assert_eq!(macro_task["bonus_points"], 0, "{macro_task:#}");
    for leaked in [
        "LEAKED",
        "harness::suite!",
        "works_with_futures_that_are_not_send()",
    ] {
        assert!(
            !text.contains(leaked),
            "{leaked} reached the report: {text}"
        );
    }
    // option_env! sees no secret.
    let secrets = test(task(&report, "03-req"), "json_body_is_parsed");
    let message = secrets["message"].as_str().unwrap();
    assert!(
        message.contains("BAKED STUDENT_REPOS_TOKEN=None GITHUB_TOKEN=None"),
        "{message}"
    );
    for (_, secret) in SECRETS {
        assert!(
            !text.contains(secret),
            "a secret reached the report: {text}"
        );
    }
    // The helper finds no record to rewrite.
    assert_eq!(task(&report, "04-site-check")["points"], 0);
    assert_eq!(task(&report, "00-round-robin")["bonus_points"], 10);

    // The same tree with the sandbox off: the build reads what it likes.
    let unconfined = grade_with_secrets(&tree, &["--sandbox", "off"]);
    assert_eq!(
        task(&unconfined, "01-async-rewrite")["points"],
        25,
        "without the sandbox #[path] should reach the solution: {unconfined:#}"
    );
    assert!(
        unconfined.to_string().contains("LEAKED"),
        "without the sandbox the macro should find the suites"
    );
    // What does not depend on the sandbox holds without it too.
    let text = unconfined.to_string();
    for (_, secret) in SECRETS {
        assert!(
            !text.contains(secret),
            "a secret reached the report: {text}"
        );
    }
    assert_eq!(task(&unconfined, "04-site-check")["points"], 0);
}

#[test]
fn a_macro_that_expands_to_unsafe_code_earns_nothing() {
    let fixtures = [(
        "02-timing-decorator",
        hostile("02-timing-decorator", "macro_runs_before_main"),
    )];
    let tree = planted_tree("macro-unsafe", &fixtures);
    let report = grade_with_secrets(&tree, &["--task", "2"]);
    let graded = task(&report, "02-timing-decorator");
    assert_eq!(graded["points"], 25, "{graded:#}");
    assert_eq!(graded["bonus_points"], 0, "{graded:#}");
    let bonus = test(graded, "the_attribute_times_the_function_it_decorates");
    assert_eq!(bonus["status"], "not_compiled", "{bonus:#}");
    let message = bonus["message"].as_str().unwrap();
    assert!(
        message.contains("your macro's expansion uses `unsafe`"),
        "{message}"
    );
}
