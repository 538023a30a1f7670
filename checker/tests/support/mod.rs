//! Shared by the checker's integration tests: running the checker binary,
//! and building trees of task crates with planted mistakes.

#![allow(dead_code)] // each test file uses its own part of this module

use std::{
    path::{Path, PathBuf},
    sync::{Mutex, MutexGuard},
};

use assert_cmd::Command;
use serde::Deserialize;

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

/// The checker, quiet about cargo's progress.
pub fn checker() -> Command {
    let mut command = Command::cargo_bin("checker").unwrap();
    command.arg("--quiet");
    command
}

/// Grades with `args` and returns the JSON report, asserting exit status 0.
pub fn grade_json(args: &[&str]) -> serde_json::Value {
    let _one = one_grading_at_a_time();
    let output = checker()
        .args(["--format", "json"])
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

/// A task's entry in a JSON report.
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

/// A planted mistake: `checker/mutants/<task>/<name>.toml`.
#[derive(Deserialize)]
pub struct Mutant {
    pub description: String,
    pub fails: Vec<String>,
    #[serde(rename = "replace")]
    pub replacements: Vec<Replacement>,
}

#[derive(Deserialize)]
pub struct Replacement {
    pub find: String,
    pub with: String,
}

impl Mutant {
    pub fn load(task: &str, name: &str) -> Mutant {
        let path = repo()
            .join("checker/mutants")
            .join(task)
            .join(format!("{name}.toml"));
        toml::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
    }

    /// `source` with the mutant's edits made; each `find` must occur once.
    pub fn apply(&self, source: &str) -> String {
        let mut source = source.to_owned();
        for replacement in &self.replacements {
            assert_eq!(
                source.matches(&replacement.find).count(),
                1,
                "mutant ({}): {:?} must occur exactly once",
                self.description,
                replacement.find
            );
            source = source.replacen(&replacement.find, &replacement.with, 1);
        }
        source
    }
}

/// A folder of the four task crates, laid out like `exercises/`, whose
/// libraries are the reference solutions unless a test plants something
/// else. It lives at a fixed place under cargo's test scratch folder, so a
/// re-run rebuilds only what changed.
pub struct Tree {
    pub root: PathBuf,
}

impl Tree {
    /// The tree called `name`, every task a copy of the exercise crate with
    /// the solution's lib.rs.
    pub fn solved(name: &str) -> Tree {
        let root = Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join("trees")
            .join(name);
        for task in TASKS {
            let exercise = repo().join("exercises").join(task);
            copy_dir(&exercise, &root.join(task));
            let solution =
                std::fs::read_to_string(repo().join("solutions").join(task).join("src/lib.rs"))
                    .unwrap();
            write_if_changed(&root.join(task).join("src/lib.rs"), &solution);
        }
        Tree { root }
    }

    /// Plants `checker/mutants/<task>/<mutant>.toml` into task `task`.
    pub fn plant(&self, task: &str, mutant: &str) -> Mutant {
        let mutant = Mutant::load(task, mutant);
        let lib = self.root.join(task).join("src/lib.rs");
        let source = std::fs::read_to_string(&lib).unwrap();
        write_if_changed(&lib, &mutant.apply(&source));
        mutant
    }

    pub fn path(&self) -> &str {
        self.root.to_str().unwrap()
    }
}

/// Copies the files of `from` into `to` (recursively), leaving unchanged
/// files untouched.
fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            write_if_changed(&target, &std::fs::read_to_string(entry.path()).unwrap());
        }
    }
}

/// Writes `content` unless the file holds it already: cargo watches mtimes.
fn write_if_changed(path: &Path, content: &str) {
    if std::fs::read_to_string(path).is_ok_and(|existing| existing == content) {
        return;
    }
    std::fs::write(path, content).unwrap();
}
