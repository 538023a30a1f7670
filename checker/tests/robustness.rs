//! The checker on real machines: moved and copied checkouts, proxies in the
//! environment, two checkers at once, an interrupted grading, a full temporary
//! folder. Each test here reproduces a defect that once gave correct code a
//! wrong score or left a mess behind.

mod support;

use std::{
    path::{Path, PathBuf},
    time::{Duration, Instant},
};

use checker::mutants::Base;
use support::{TASKS, checker, grade_json, one_grading_at_a_time, repo, task, tree};

/// Copies the files under `from` into `to`.
fn copy_tree(from: &Path, to: &Path) {
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

/// A checkout's skeleton in `root`: what the checker needs to recognise a
/// repository and give hints (no build), with task 1's first hint replaced
/// by `marker`, so that output shows which repository was used.
fn checkout_copy(root: &Path, marker: &str) -> PathBuf {
    let copy = root.join("moved-checkout");
    std::fs::create_dir_all(copy.join("checker/harness")).unwrap();
    std::fs::create_dir_all(copy.join("exercises")).unwrap();
    std::fs::copy(repo().join("Cargo.toml"), copy.join("Cargo.toml")).unwrap();
    std::fs::copy(
        repo().join("checker/harness/Cargo.toml"),
        copy.join("checker/harness/Cargo.toml"),
    )
    .unwrap();
    copy_tree(&repo().join("checker/suites"), &copy.join("checker/suites"));
    let manifest = copy.join("checker/suites/tasks.toml");
    let text = std::fs::read_to_string(&manifest).unwrap();
    let first_hint = "Calling an async fn does not run it: it makes a future.";
    assert!(text.contains(first_hint), "task 1's first hint changed");
    std::fs::write(&manifest, text.replacen(first_hint, marker, 1)).unwrap();
    copy
}

/// `hint 1` run by `binary` in `cwd` with `args`: its stdout. The copy's
/// remembered hints are forgotten first, so it is always the first hint.
fn first_hint(binary: &Path, cwd: &Path, args: &[&str], copy: &Path) -> String {
    let _ = std::fs::remove_dir_all(copy.join(".checker-state"));
    let output = std::process::Command::new(binary)
        .args(["hint", "1", "--lang", "en"])
        .args(args)
        .current_dir(cwd)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

/// A checkout moved or copied after its checker was built grades its own
/// files: the repository is found when the checker runs, not when it is built.
#[test]
fn a_moved_checkout_uses_its_own_files() {
    let scratch = tempfile::tempdir().unwrap();
    let marker = "MARKER: the hint of the moved checkout";
    let copy = checkout_copy(scratch.path(), marker);
    let built = Path::new(env!("CARGO_BIN_EXE_checker"));
    let elsewhere = tempfile::tempdir().unwrap();

    // The binary travels with its checkout (target/ is inside it).
    let moved_binary = copy.join("target/debug").join(built.file_name().unwrap());
    std::fs::create_dir_all(moved_binary.parent().unwrap()).unwrap();
    std::fs::copy(built, &moved_binary).unwrap();
    let hint = first_hint(&moved_binary, elsewhere.path(), &[], &copy);
    assert!(hint.contains(marker), "graded another checkout: {hint}");
    assert!(
        copy.join(".checker-state").is_dir(),
        "hints are remembered in the moved checkout"
    );

    // A binary outside any checkout (a shared CARGO_TARGET_DIR) uses the
    // checkout around the current folder.
    let outside = elsewhere.path().join(built.file_name().unwrap());
    std::fs::copy(built, &outside).unwrap();
    let hint = first_hint(&outside, &copy.join("exercises"), &[], &copy);
    assert!(hint.contains(marker), "{hint}");

    // --repo names it outright; and without it, this repository's own
    // binary keeps to this repository even when run from inside the copy.
    let repo_arg = copy.to_str().unwrap();
    let hint = first_hint(built, elsewhere.path(), &["--repo", repo_arg], &copy);
    assert!(hint.contains(marker), "{hint}");
    let copied_exercises = copy.join("exercises").canonicalize().unwrap();
    let state = checker::state::path_for(&repo().canonicalize().unwrap(), &copied_exercises);
    let _ = std::fs::remove_file(&state);
    let exercises_arg = copied_exercises.to_str().unwrap();
    let own = first_hint(built, &copy, &["--exercises", exercises_arg], &copy);
    let _ = std::fs::remove_file(&state);
    assert!(!own.contains(marker), "{own}");

    let output = checker()
        .args(["list", "--repo"])
        .arg(elsewhere.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("not an async-exercises repository"));
}

/// A proxy in the environment (university and office networks set one) is
/// not used for the suites' loopback servers: correct code keeps its points.
#[test]
fn a_proxy_in_the_environment_does_not_fail_correct_code() {
    // Port 9 (discard) on loopback: nothing answers, as with a proxy that
    // cannot reach this machine's own servers.
    let proxy = "http://127.0.0.1:9";
    let _one = one_grading_at_a_time();
    let mut command = checker();
    command.args(["--quiet", "--format", "json", "--solutions"]);
    for name in [
        "HTTP_PROXY",
        "http_proxy",
        "HTTPS_PROXY",
        "https_proxy",
        "ALL_PROXY",
        "all_proxy",
    ] {
        command.env(name, proxy);
    }
    command.env_remove("NO_PROXY").env_remove("no_proxy");
    let output = command.output().unwrap();
    assert!(output.status.success());
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["score"], 100, "{report:#}");
}
