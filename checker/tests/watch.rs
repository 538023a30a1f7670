//! `checker watch`, driven the way a student drives it: the checker runs with
//! a pipe for stdin (no terminal: the line-based keys must still work), a file
//! is changed on disk, and the task is re-graded without being asked.

mod support;

use std::{
    io::{BufRead as _, BufReader, Write as _},
    process::{Command, Stdio},
    sync::mpsc,
    time::{Duration, Instant},
};

use checker::mutants::Base;
use support::{one_grading_at_a_time, repo, tree};

/// Generous: the first grading may compile a tree's crates.
const PATIENCE: Duration = Duration::from_secs(240);

/// Reads lines until one contains `wanted`; returns everything read.
fn read_until(lines: &mpsc::Receiver<String>, wanted: &str) -> String {
    let deadline = Instant::now() + PATIENCE;
    let mut seen = String::new();
    while let Some(left) = deadline.checked_duration_since(Instant::now()) {
        match lines.recv_timeout(left) {
            Ok(line) => {
                seen.push_str(&line);
                seen.push('\n');
                if line.contains(wanted) {
                    return seen;
                }
            }
            Err(_) => break,
        }
    }
    panic!("no line with {wanted:?} in time; saw:\n{seen}");
}

#[test]
fn watch_regrades_a_task_when_its_file_changes_and_quits_on_q() {
    watch_once("watch-events", &[]);
}

#[test]
fn watch_with_poll_does_the_same_without_change_events() {
    watch_once("watch-poll", &["--poll"]);
}

/// Starts `checker watch` on a fresh tree of stubs, solves task 3 on disk,
/// and checks the re-grade, a hint, and `q`.
fn watch_once(name: &str, extra_args: &[&str]) {
    let tree = tree(name, Base::PristineStubs, &[]);
    let state = checker::state::path_for(&repo().canonicalize().unwrap(), &tree.root);
    let _ = std::fs::remove_file(&state);
    let solution = std::fs::read_to_string(repo().join("solutions/03-req/src/lib.rs")).unwrap();
    let _one = one_grading_at_a_time();

    let mut child = Command::new(env!("CARGO_BIN_EXE_checker"))
        .args(["watch", "--quiet", "--lang", "en", "--exercises"])
        .arg(&tree.root)
        .args(extra_args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (sender, lines) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if sender.send(line).is_err() {
                return;
            }
        }
    });

    let first = read_until(&lines, "watching");
    assert!(
        first.contains(" 3  req               0/9      0/25  not started"),
        "{first}"
    );

    // The student solves task 3 and saves.
    std::fs::write(tree.root.join("03-req/src/lib.rs"), &solution).unwrap();
    let regraded = read_until(&lines, "next:");
    assert!(
        regraded.contains("03-req/src/lib.rs changed: grading task 3"),
        "{regraded}"
    );
    assert!(
        regraded.contains(" 3  req               9/9     25/25  passed"),
        "{regraded}"
    );
    assert!(regraded.contains("async-exercises — 25/100"), "{regraded}");

    // Building reads files (cargo reads every Cargo.toml); that is not a
    // change, so nothing more is graded until the next save.
    std::thread::sleep(Duration::from_secs(3));
    let mut stdin = child.stdin.take().unwrap();
    writeln!(stdin, "h").unwrap();
    let hint = read_until(&lines, "hint 1 of 3");
    assert!(
        !hint.contains("changed"),
        "re-graded with nothing saved: {hint}"
    );
    writeln!(stdin, "q").unwrap();
    read_until(&lines, "bye");
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            assert!(status.success());
            break;
        }
        assert!(Instant::now() < deadline, "watch did not exit after q");
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = std::fs::remove_file(&state);
}
