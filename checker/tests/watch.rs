//! `checker watch`, driven the way a student drives it: the checker runs with
//! a pipe for stdin (no terminal: the line-based keys must still work), a file
//! is changed on disk, and the task is re-graded without being asked.

mod support;

use std::{
    io::{BufRead as _, BufReader, Write as _},
    path::Path,
    process::{Child, Command, Stdio},
    sync::mpsc,
    time::{Duration, Instant},
};

use checker::mutants::Base;
use support::{one_grading_at_a_time, repo, tree};

/// Generous: the first grading may compile a tree's crates.
const PATIENCE: Duration = Duration::from_secs(240);

/// For an answer to a key or a save, once the first grading is done: at
/// most one task crate and its suites to rebuild. Far from what a loaded
/// machine needs, and short enough that a broken key fails quickly.
const REACTION: Duration = Duration::from_secs(60);

/// Reads lines until one contains `wanted`, for at most [`PATIENCE`];
/// returns everything read.
fn read_until(lines: &mpsc::Receiver<String>, wanted: &str) -> String {
    read_within(lines, wanted, PATIENCE)
}

/// Reads lines until one contains `wanted`, for at most [`REACTION`].
fn answer(lines: &mpsc::Receiver<String>, wanted: &str) -> String {
    read_within(lines, wanted, REACTION)
}

fn read_within(lines: &mpsc::Receiver<String>, wanted: &str, limit: Duration) -> String {
    let deadline = Instant::now() + limit;
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

/// The lines `stream` prints, as they come.
fn lines_of(stream: impl std::io::Read + Send + 'static) -> mpsc::Receiver<String> {
    let (sender, lines) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stream).lines().map_while(Result::ok) {
            if sender.send(line).is_err() {
                return;
            }
        }
    });
    lines
}

/// A running `checker watch`, killed if a test fails before it quits.
struct Watch(Child);

impl Drop for Watch {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `checker watch` on `tree` with `args`, in English, stdin a pipe; with
/// the lines of its stdout and stderr.
fn start_watch(
    tree: &Path,
    args: &[&str],
) -> (Watch, mpsc::Receiver<String>, mpsc::Receiver<String>) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_checker"))
        .args(["watch", "--lang", "en", "--exercises"])
        .arg(tree)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = lines_of(child.stdout.take().unwrap());
    let stderr = lines_of(child.stderr.take().unwrap());
    (Watch(child), stdout, stderr)
}

/// Types `q` and waits for watch to say goodbye and exit successfully.
fn quit(Watch(child): &mut Watch, lines: &mpsc::Receiver<String>) {
    writeln!(child.stdin.as_mut().unwrap(), "q").unwrap();
    answer(lines, "bye");
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            assert!(status.success());
            break;
        }
        assert!(Instant::now() < deadline, "watch did not exit after q");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Saves the reference solution of task 3 into `tree`, as editors that
/// write a new file and rename it over the old one do: the watcher never
/// sees the file half-written. (Written in place, a busy machine could
/// show it the emptied file first and the solution in a second event, a
/// second re-grade the test would take for one made without a save.)
fn save_req_solution(tree: &Path) {
    let solution = std::fs::read_to_string(repo().join("solutions/03-req/src/lib.rs")).unwrap();
    let file = tree.join("03-req/src/lib.rs");
    let saving = tree.join("03-req/src/lib.rs.saving");
    std::fs::write(&saving, solution).unwrap();
    std::fs::rename(&saving, &file).unwrap();
}

/// A save made while the first grading runs — the long one — is graded as
/// soon as it ends; it once went unnoticed until the next save.
#[test]
fn watch_grades_a_save_made_during_its_first_grading() {
    // Task 2's tests hang until their limit: the first grading lasts a while.
    let hang = support::hostile("02-timing-decorator", "endless_loop");
    let tree = tree(
        "watch-early-save",
        Base::PristineStubs,
        &[("02-timing-decorator", &hang)],
    );
    let _one = one_grading_at_a_time();
    let (mut child, stdout, stderr) = start_watch(&tree.root, &["--test-timeout", "3"]);
    // Cargo says it finished building: the tests are running now.
    read_until(&stderr, "Finished");
    save_req_solution(&tree.root);
    let seen = read_until(&stdout, "watching");
    assert!(
        seen.contains(" 3  req               0/14     0/25  not started"),
        "the first grading saw the old file: {seen}"
    );
    let regraded = answer(&stdout, "next:");
    assert!(
        regraded.contains(" 3  req               14/14   25/25  passed"),
        "{regraded}"
    );
    quit(&mut child, &stdout);
}

/// Starts `checker watch` on a fresh tree of stubs, solves task 3 on disk,
/// and checks the re-grade, a hint, and `q`.
fn watch_once(name: &str, extra_args: &[&str]) {
    let tree = tree(name, Base::PristineStubs, &[]);
    // The warm-up and task 1 are done already: the first task to work on is
    // task 2, which tells the focus apart from "the first row".
    for done in ["00-round-robin", "01-async-rewrite"] {
        let solution = repo().join("solutions").join(done).join("src/lib.rs");
        std::fs::copy(solution, tree.root.join(done).join("src/lib.rs")).unwrap();
    }
    let state = checker::state::path_for(&repo().canonicalize().unwrap(), &tree.root);
    let _ = std::fs::remove_file(&state);
    let _one = one_grading_at_a_time();

    let mut args = vec!["--quiet"];
    args.extend_from_slice(extra_args);
    let (mut child, lines, _) = start_watch(&tree.root, &args);

    let first = read_until(&lines, "watching");
    assert!(
        first.contains(" 3  req               0/14     0/25  not started"),
        "{first}"
    );

    // The student solves task 3 and saves.
    save_req_solution(&tree.root);
    let regraded = answer(&lines, "next:");
    assert!(
        regraded.contains("03-req/src/lib.rs changed: grading task 3"),
        "{regraded}"
    );
    assert!(
        regraded.contains(" 3  req               14/14   25/25  passed"),
        "{regraded}"
    );
    assert!(regraded.contains("async-exercises — 50/100"), "{regraded}");

    // Building reads files (cargo reads every Cargo.toml); that is not a
    // change, so nothing more is graded until the next save.
    // Longer than the debounce (0.3 s) plus a poll (0.5 s), several times.
    std::thread::sleep(Duration::from_millis(1500));
    writeln!(child.0.stdin.as_mut().unwrap(), "h").unwrap();
    // Tasks 1 and 3 pass: the hint is the first unpassed task's, task 2's.
    let hint = answer(&lines, "Task 2, hint 1 of 3:");
    assert!(
        hint.contains("A future does nothing until polled."),
        "not task 2's first hint: {hint}"
    );
    // The other keys: Enter alone (nothing), the next task, a key it does
    // not know, all again.
    let stdin = child.0.stdin.as_mut().unwrap();
    writeln!(stdin).unwrap();
    writeln!(stdin, "n").unwrap();
    let next = answer(&lines, "now: task");
    assert!(next.contains("now: task 3 (req), passed"), "{next}");
    assert!(!next.contains("keys:"), "Enter alone is not a key: {next}");
    writeln!(stdin, "h").unwrap();
    answer(&lines, "Task 3, hint 1 of 3:");
    writeln!(stdin, "zzz").unwrap();
    answer(&lines, "keys: h hint, n next task, r re-grade all, q quit");
    writeln!(stdin, "r").unwrap();
    let all = answer(&lines, " 4  site-check");
    assert!(
        all.contains("async-exercises — 50/100") && all.contains(" 1  async-rewrite"),
        "r re-grades every task: {all}"
    );
    assert!(
        !hint.contains("changed"),
        "re-graded with nothing saved: {hint}"
    );
    quit(&mut child, &lines);
    let _ = std::fs::remove_file(&state);
}
