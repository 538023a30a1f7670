//! Shared by the checker's integration tests: running the checker binary,
//! reading its JSON report, and making trees of task crates with planted code.

#![allow(dead_code)] // each test file uses its own part of this module

use std::{
    path::{Path, PathBuf},
    process::{Output, Stdio},
    sync::{Mutex, MutexGuard},
    time::{Duration, Instant},
};

use assert_cmd::Command;
use checker::{
    manifest::Manifest,
    mutants::{Base, Mutant, Tree},
};

/// The four task folders, in order.
pub const TASKS: [&str; 5] = [
    "00-round-robin",
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

/// Which protections the sandbox has on this machine (the launcher's probe).
pub fn probed_protections() -> serde_json::Value {
    let probe = checker()
        .args(["sandbox-exec", "--probe"])
        .output()
        .unwrap();
    serde_json::from_slice(&probe.stdout).unwrap()
}

/// Whether this machine has every protection, so that `--sandbox strict`
/// grades; says so when it does not, as the checks that need it are skipped.
pub fn every_protection() -> bool {
    let protections = probed_protections();
    let all = protections
        .as_object()
        .unwrap()
        .values()
        .all(|in_force| in_force == true);
    if !all {
        eprintln!(
            "note: not every protection is available here ({protections}): strict grading refuses"
        );
    }
    all
}

/// Runs the checker with `args`; returns its exit code and stdout.
pub fn run(args: &[&str]) -> (i32, String) {
    let output = checker().args(args).output().unwrap();
    (
        output.status.code().unwrap(),
        String::from_utf8(output.stdout).unwrap(),
    )
}

/// The longest one grading may take in these tests: a new tree's first
/// grading compiles its four crates and links every suite (about a minute on
/// two busy cores), and the hostile fixtures' hangs add at most a few test
/// limits. A checker that fails to kill a test would run past it.
pub const GRADING_BOUND: Duration = Duration::from_secs(300);

/// Runs `command`, killing it and failing the test if it takes longer than
/// [`GRADING_BOUND`]; returns its output.
pub fn output_within_bound(command: &mut std::process::Command) -> Output {
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (stdout, stderr) = (child.stdout.take().unwrap(), child.stderr.take().unwrap());
    let read = |mut stream: Box<dyn std::io::Read + Send>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            let _ = stream.read_to_end(&mut bytes);
            bytes
        })
    };
    let (stdout, stderr) = (read(Box::new(stdout)), read(Box::new(stderr)));
    let deadline = Instant::now() + GRADING_BOUND;
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("{command:?} ran past {GRADING_BOUND:?}: killed");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Output {
        status,
        stdout: stdout.join().unwrap(),
        stderr: stderr.join().unwrap(),
    }
}

/// Grades with `args` and returns the JSON report, asserting exit status 0
/// within [`GRADING_BOUND`].
pub fn grade_json(args: &[&str]) -> serde_json::Value {
    let _one = one_grading_at_a_time();
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_checker"));
    command
        .env("LC_ALL", "C")
        .args(["--quiet", "--format", "json"])
        .args(args);
    let output = output_within_bound(&mut command);
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

/// Grades `tree` with `extra_args` and checks that each planted task fails
/// exactly the tests its fixture names (the others pass: misbehaviour in one
/// place costs nothing elsewhere), while every other task keeps all its
/// points and its bonus; returns the report.
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
                    test(graded, name); // names a test that exists
                }
                for graded_test in graded["tests"].as_array().unwrap() {
                    let name = graded_test["name"].as_str().unwrap();
                    let passed = graded_test["status"] == "passed";
                    let named = mutant.fails.iter().any(|fails| fails == name);
                    assert_ne!(
                        passed,
                        named,
                        "task {dir} ({}): {name} {}: {graded_test:#}",
                        mutant.description,
                        if named {
                            "passed though the fixture names it"
                        } else {
                            "did not pass though the fixture leaves it alone"
                        }
                    );
                }
            }
            None => {
                assert_eq!(
                    graded["points"], graded["max_points"],
                    "untouched task {dir} lost points: {graded:#}"
                );
                assert_eq!(
                    graded["bonus_points"], graded["max_bonus_points"],
                    "untouched task {dir} lost its bonus: {graded:#}"
                );
            }
        }
    }
    report
}

/// Copies the files under `from` into `to`.
pub fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Processes alive on this machine whose command line has `needle` as one
/// of its arguments, or whose working folder is inside `folder`.
#[cfg(target_os = "linux")]
pub fn processes_with(needle: Option<&str>, folder: Option<&Path>) -> Vec<String> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let proc_dir = entry.path();
        let Ok(cmdline) = std::fs::read(proc_dir.join("cmdline")) else {
            continue;
        };
        let args: Vec<String> = cmdline
            .split(|byte| *byte == 0)
            .map(|arg| String::from_utf8_lossy(arg).into_owned())
            .collect();
        let by_arg = needle.is_some_and(|needle| args.iter().any(|arg| arg == needle));
        let by_folder = folder.is_some_and(|folder| {
            std::fs::read_link(proc_dir.join("cwd")).is_ok_and(|cwd| cwd.starts_with(folder))
        });
        if by_arg || by_folder {
            found.push(args.join(" "));
        }
    }
    found
}
