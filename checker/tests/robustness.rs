//! The checker on real machines: moved and copied checkouts, proxies in the
//! environment, two checkers at once, an interrupted grading, a full temporary
//! folder. Each test here reproduces a defect that once gave correct code a
//! wrong score or left a mess behind.

mod support;

use std::path::{Path, PathBuf};

use checker::mutants::Base;
use support::{checker, copy_tree, grade_json, one_grading_at_a_time, repo, tree};

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

/// Runs the checker with `args`, asserts that it could not grade (exit 2),
/// and returns what it said on stderr.
fn could_not_grade(command: &mut assert_cmd::Command) -> String {
    let output = command.output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(
        output.status.code(),
        Some(2),
        "graded anyway: {}\n{stderr}",
        String::from_utf8_lossy(&output.stdout)
    );
    stderr
}

/// A folder whose name is not UTF-8 cannot be named in a Cargo.toml. A
/// submission is graded from copies under a name of the checker's, so that
/// does not matter; graded as it is, it is said as such (exit 2), not
/// reported as every task's compile error.
#[cfg(unix)]
#[test]
fn a_folder_name_that_is_not_utf8_is_graded_from_copies_or_is_an_error_that_says_so() {
    use std::os::unix::ffi::OsStrExt as _;
    let scratch = tempfile::tempdir().unwrap();
    let odd = scratch
        .path()
        .join(std::ffi::OsStr::from_bytes(b"exercises-\xff"));
    copy_tree(&repo().join("solutions"), &odd);
    let _one = one_grading_at_a_time();
    let output = checker()
        .args(["--quiet", "--format", "json", "--exercises"])
        .arg(&odd)
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["score"], 100, "{report:#}");

    let stderr = could_not_grade(
        checker()
            .args(["--quiet", "--as-is", "--exercises"])
            .arg(&odd),
    );
    assert!(stderr.contains("is not valid UTF-8"), "{stderr}");
}

/// A failure cargo does not pin on the student's crate (here an
/// instructor's suites that ask for a dependency that is not there) is the
/// grader's, said on stderr with exit 2, never a student's compile error.
#[test]
fn a_build_failure_outside_the_students_crate_is_not_blamed_on_the_student() {
    let scratch = tempfile::tempdir().unwrap();
    let suites = scratch.path().join("suites");
    copy_tree(&repo().join("checker/suites"), &suites);
    let manifest = suites.join("tasks.toml");
    let text = std::fs::read_to_string(&manifest).unwrap();
    let missing = scratch.path().join("no-such-helper");
    let broken = text.replacen(
        "[dependencies]\n",
        &format!("[dependencies]\nhelper = {{ path = {:?} }}\n", missing),
        1,
    );
    assert_ne!(broken, text);
    std::fs::write(&manifest, broken).unwrap();
    let stubs = tree("infrastructure", Base::PristineStubs, &[]);

    let _one = one_grading_at_a_time();
    let stderr = could_not_grade(
        checker()
            .args(["--quiet", "--task", "3", "--suites"])
            .arg(&suites)
            .arg("--exercises")
            .arg(&stubs.root),
    );
    assert!(
        stderr.contains("for a reason outside the task's crate")
            && stderr.contains("no-such-helper"),
        "{stderr}"
    );
}

/// A temporary folder with no room left is the machine's problem: exit 2 and
/// a message naming it, not 0/25 for "code that exits the process". Needs a
/// tiny file system of its own, made in a user and mount namespace; skipped
/// (saying so) where the kernel does not allow one.
#[cfg(target_os = "linux")]
#[test]
fn a_full_temporary_folder_is_an_error_that_says_so() {
    // Built beforehand, so that nothing but the tests needs the folder.
    let warm = grade_json(&["--solutions", "--task", "3"]);
    assert_eq!(warm["score"], 25);
    let _one = one_grading_at_a_time();

    let tiny = tempfile::tempdir().unwrap();
    let tiny_path = tiny.path().to_str().unwrap();
    let script = format!(
        "mount -t tmpfs -o size=64k tmpfs {tiny_path} || exit 111
         head -c 1000000 /dev/zero > {tiny_path}/filler 2>/dev/null
         TMPDIR={tiny_path} exec \"$0\" --quiet --solutions --task 3"
    );
    let output = std::process::Command::new("unshare")
        .args(["--user", "--map-root-user", "--mount", "sh", "-c", &script])
        .arg(env!("CARGO_BIN_EXE_checker"))
        .env("LC_ALL", "C")
        .output();
    let output = match output {
        Ok(output) if output.status.code() != Some(111) && output.status.code().is_some() => output,
        _ => {
            eprintln!("skipped: no user and mount namespaces here to make a full file system in");
            return;
        }
    };
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(
        output.status.code(),
        Some(2),
        "{}\n{stderr}",
        String::from_utf8_lossy(&output.stdout)
    );
    assert!(stderr.contains("is the disk full?"), "{stderr}");
}

/// Children a test leaves running are killed with it, and their open pipes
/// do not make the checker wait: a `sleep` started by every call once cost
/// 4 s a test (two pipes waited for one after the other) and stayed behind.
#[cfg(target_os = "linux")]
#[test]
fn children_a_test_leaves_behind_neither_outlive_it_nor_slow_it_down() {
    let fixture = support::hostile("03-req", "leaves_children");
    let tree = tree("leaves-children", Base::Solutions, &[("03-req", &fixture)]);
    let report = grade_json(&[
        "--task",
        "3",
        "--jobs",
        "1",
        "--exercises",
        tree.root.to_str().unwrap(),
    ]);
    assert_eq!(support::task(&report, "03-req")["points"], 25, "{report:#}");
    // Nine tests, one at a time: 4 s each when every test waited out its
    // pipes, well under a second each when nothing does.
    let run_secs = report["timings"]["run_secs"].as_f64().unwrap();
    assert!(run_secs < 12.0, "the tests took {run_secs} s");
    // SIGKILL takes effect at once, but a process may take a moment to
    // leave the process table.
    wait_for(5, "the sleeps to be gone", || {
        support::processes_with(Some("9713"), None)
            .is_empty()
            .then_some(())
    });
}

/// Asks `check` every 50 ms until it answers, for at most `seconds`;
/// fails the test, saying what it waited for, past that.
#[cfg(target_os = "linux")]
fn wait_for<T>(seconds: u64, what: &str, mut check: impl FnMut() -> Option<T>) -> T {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(seconds);
    loop {
        if let Some(answer) = check() {
            return answer;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "waited {seconds} s for {what}"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

/// Ctrl-C (and SIGTERM, as CI sends) in the middle of a grading kills the
/// running tests and removes the checker's temporary folders.
#[cfg(target_os = "linux")]
#[test]
fn an_interrupted_grading_leaves_nothing_behind() {
    use nix::{sys::signal, unistd::Pid};
    let fixture = support::hostile("02-timing-decorator", "endless_loop");
    let tree = tree(
        "interrupted",
        Base::Solutions,
        &[("02-timing-decorator", &fixture)],
    );
    // Build first, so that the interrupt comes while tests run.
    let exercises = tree.root.to_str().unwrap();
    grade_json(&[
        "--task",
        "2",
        "--test-timeout",
        "1",
        "--exercises",
        exercises,
    ]);

    for interrupt in [signal::Signal::SIGINT, signal::Signal::SIGTERM] {
        let temporary = tempfile::tempdir().unwrap();
        let _one = one_grading_at_a_time();
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_checker"))
            .args([
                "--quiet",
                "--task",
                "2",
                "--test-timeout",
                "120",
                "--exercises",
                exercises,
            ])
            .env("TMPDIR", temporary.path())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        // Wait until tests are running: processes working in its folders.
        wait_for(60, "a test to start", || {
            (!support::processes_with(None, Some(temporary.path())).is_empty()).then_some(())
        });
        signal::kill(Pid::from_raw(child.id() as i32), interrupt).unwrap();
        let status = wait_for(30, "the checker to exit", || child.try_wait().unwrap());
        assert_eq!(status.code(), Some(130), "{interrupt}");
        let left: Vec<_> = std::fs::read_dir(temporary.path())
            .unwrap()
            .map(|entry| entry.unwrap().file_name())
            .collect();
        assert!(left.is_empty(), "{interrupt} left {left:?}");
        wait_for(5, "the tests to be gone", || {
            support::processes_with(None, Some(temporary.path()))
                .is_empty()
                .then_some(())
        });
    }
}

/// Two checkers grading one folder at once (`watch` in one terminal, a
/// grading in another) both give the right verdicts, and neither trips over
/// the other's generated workspace.
#[test]
fn two_checkers_at_once_on_one_folder_both_grade_right() {
    let tree = tree("two-at-once", Base::Solutions, &[]);
    let exercises = tree.root.to_str().unwrap();
    // Built once beforehand: the race is over the workspace, not the build.
    assert_eq!(grade_json(&["--exercises", exercises])["score"], 100);

    let _one = one_grading_at_a_time();
    for round in 0..3 {
        let start = |args: &[&str]| {
            std::process::Command::new(env!("CARGO_BIN_EXE_checker"))
                .args(["--format", "json", "--exercises", exercises])
                .args(args)
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        };
        let (all, one) = (start(&[]), start(&["--task", "3"]));
        for (child, expected) in [(all, 100), (one, 25)] {
            let output = child.wait_with_output().unwrap();
            let stderr = String::from_utf8_lossy(&output.stderr);
            assert!(output.status.success(), "round {round}: {stderr}");
            assert!(
                !stderr.contains("error"),
                "round {round}: cargo complained: {stderr}"
            );
            let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
            assert_eq!(report["score"], expected, "round {round}: {report:#}");
        }
    }
}
