//! Shared by the checker's integration tests: running the checker binary,
//! reading its JSON report, and making trees of task crates with planted code.

#![allow(dead_code)] // each test file uses its own part of this module

use std::{
    path::{Path, PathBuf},
    sync::{Mutex, MutexGuard},
};

use assert_cmd::Command;
use checker::{
    manifest::Manifest,
    mutants::{Base, Mutant, Tree},
};

/// The four task folders, in order.
pub const TASKS: [&str; 4] = [
    "01-async-rewrite",
    "02-timing-decorator",
    "03-req",
    "04-site-check",
];

/// The repository root.
pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// Gradings run one at a time: they share the grading build folder, and the
/// timing tests of one must not compete with another's for the two cores.
pub fn one_grading_at_a_time() -> MutexGuard<'static, ()> {
    static LOCK: Mutex<()> = Mutex::new(());
    LOCK.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The checker binary, in English whatever the environment says (`--lang`
/// still wins), so that what it prints can be compared. Its stdout is a pipe,
/// so it prints no colours.
pub fn checker() -> Command {
    let mut command = Command::cargo_bin("checker").unwrap();
    command.env("LC_ALL", "C");
    command
}

/// Runs the checker with `args`; returns its exit code and stdout.
pub fn run(args: &[&str]) -> (i32, String) {
    let output = checker().args(args).output().unwrap();
    (
        output.status.code().unwrap(),
        String::from_utf8(output.stdout).unwrap(),
    )
}

/// Grades with `args` and returns the JSON report, asserting exit status 0.
pub fn grade_json(args: &[&str]) -> serde_json::Value {
    let _one = one_grading_at_a_time();
    let output = checker()
        .args(["--quiet", "--format", "json"])
        .args(args)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "checker {args:?} failed: {}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

/// A task's entry in a JSON report, by task folder.
pub fn task<'a>(report: &'a serde_json::Value, dir: &str) -> &'a serde_json::Value {
    let number: u64 = dir[..2].parse().unwrap();
    report["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|task| task["number"] == number)
        .unwrap()
}

/// A test's entry in a task's entry.
pub fn test<'a>(task: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    task["tests"]
        .as_array()
        .unwrap()
        .iter()
        .find(|test| test["name"] == name)
        .unwrap_or_else(|| panic!("no test {name}"))
}

/// A fixture of misbehaving code: `checker/tests/fixtures/hostile/<task>/<name>.toml`.
pub fn hostile(task: &str, name: &str) -> Mutant {
    Mutant::load(
        &repo()
            .join("checker/tests/fixtures/hostile")
            .join(task)
            .join(format!("{name}.toml")),
    )
    .unwrap()
}

/// One of a suite's mutants: `checker/suites/<task>/mutants/<name>.toml`.
pub fn suite_mutant(task: &str, name: &str) -> Mutant {
    Mutant::load(
        &repo()
            .join("checker/suites")
            .join(task)
            .join("mutants")
            .join(format!("{name}.toml")),
    )
    .unwrap()
}

/// The tree `name` under cargo's test scratch folder (a fixed place, so a
/// re-run rebuilds only what changed), made from `base` with `plantings`.
pub fn tree(name: &str, base: Base, plantings: &[(&str, &Mutant)]) -> Tree {
    let manifest = Manifest::load(&repo().join("checker/suites")).unwrap();
    let plantings: Vec<(u32, &Mutant)> = plantings
        .iter()
        .map(|(dir, mutant)| (dir[..2].parse().unwrap(), *mutant))
        .collect();
    let root = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("trees")
        .join(name);
    Tree::make(&root, &repo(), &manifest, base, &plantings).unwrap()
}

/// Grades `tree` with `extra_args`, checks that each planted task fails the
/// tests its fixture names while every other task keeps all its points, and
/// returns the report.
pub fn assert_each_costs_only_its_task(
    tree: &Tree,
    planted: &[(&str, &Mutant)],
    extra_args: &[&str],
) -> serde_json::Value {
    let mut args = vec!["--exercises", tree.root.to_str().unwrap()];
    args.extend_from_slice(extra_args);
    let report = grade_json(&args);
    for dir in TASKS {
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
    report
}
