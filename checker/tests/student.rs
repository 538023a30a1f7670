//! The student's commands: `hint` (progressive, remembered), `solution`
//! (only once the task passes), `reset` (the stub back, the work kept), and
//! `list`.

mod support;

use checker::mutants::Base;
use support::{one_grading_at_a_time, repo, run, tree};

#[test]
fn hints_come_one_at_a_time_are_remembered_and_stop_at_the_last() {
    let tree = tree("hints", Base::PristineStubs, &[]);
    let _ = std::fs::remove_file(checker::state::path_for(
        &repo().canonicalize().unwrap(),
        &tree.root,
    ));
    let dir = tree.root.to_str().unwrap();

    let (code, first) = run(&["hint", "2", "--exercises", dir]);
    assert_eq!(code, 0);
    assert!(
        first.starts_with("Task 2, hint 1 of 3:\n  A future does nothing until polled."),
        "{first}"
    );
    let (_, second) = run(&["hint", "2", "--exercises", dir, "--lang", "ru"]);
    assert!(
        second.starts_with("Задача 2, подсказка 2 из 3:\n  `self.project()`"),
        "{second}"
    );
    let (_, third) = run(&["hint", "2", "--exercises", dir]);
    assert!(third.starts_with("Task 2, hint 3 of 3:"), "{third}");
    assert!(
        !third.contains("last hint"),
        "the third is shown for the first time: {third}"
    );
    let (_, again) = run(&["hint", "2", "--exercises", dir]);
    assert!(again.starts_with("Task 2, hint 3 of 3:"), "{again}");
    assert!(
        again.contains("That was the last hint for task 2"),
        "{again}"
    );
    // Each task counts on its own.
    let (_, other) = run(&["hint", "1", "--exercises", dir]);
    assert!(other.starts_with("Task 1, hint 1 of 3:"), "{other}");
}

#[test]
fn the_solution_opens_only_once_the_task_passes() {
    let stubs = tree("solution-stubs", Base::PristineStubs, &[]);
    let solved = tree("solution-solved", Base::Solutions, &[]);
    let _one = one_grading_at_a_time();

    let (code, locked) = run(&[
        "solution",
        "3",
        "--quiet",
        "--exercises",
        stubs.root.to_str().unwrap(),
    ]);
    assert_eq!(code, 1);
    assert!(
        locked.contains("Task 3 does not pass yet (not started)"),
        "{locked}"
    );
    assert!(!locked.contains("pub async fn req"), "{locked}");

    // Failing, not merely unstarted, is locked too.
    let mistake = support::suite_mutant("03-req", "ignores_headers");
    let failing = tree("solution-failing", Base::Solutions, &[("03-req", &mistake)]);
    let (code, locked) = run(&[
        "solution",
        "3",
        "--quiet",
        "--exercises",
        failing.root.to_str().unwrap(),
    ]);
    assert_eq!(code, 1, "{locked}");
    assert!(
        locked.contains("Task 3 does not pass yet (failing)"),
        "{locked}"
    );
    assert!(!locked.contains("pub async fn req"), "{locked}");

    let (code, open) = run(&[
        "solution",
        "3",
        "--quiet",
        "--exercises",
        solved.root.to_str().unwrap(),
    ]);
    assert_eq!(code, 0);
    assert!(
        open.starts_with("Task 3 passes. The reference solution, solutions/03-req/src/lib.rs:"),
        "{open}"
    );
    assert!(open.contains("pub async fn req("), "{open}");
}

#[test]
fn reset_puts_the_stub_back_and_keeps_the_work_as_a_backup() {
    let tree = tree("reset", Base::Solutions, &[]);
    let dir = tree.root.to_str().unwrap();
    let lib = tree.root.join("04-site-check/src/lib.rs");
    let work = std::fs::read_to_string(&lib).unwrap();
    for backup in 1..=2 {
        let _ = std::fs::remove_file(
            tree.root
                .join(format!("04-site-check/src/lib.rs.{backup}.bak")),
        );
    }

    // No terminal to confirm on, and no --yes: nothing happens.
    let (code, refused) = run(&["reset", "4", "--exercises", dir]);
    assert_eq!(code, 1);
    assert!(refused.contains("run with --yes"), "{refused}");
    assert_eq!(std::fs::read_to_string(&lib).unwrap(), work);

    let (code, done) = run(&["reset", "4", "--yes", "--exercises", dir]);
    assert_eq!(code, 0, "{done}");
    let pristine =
        std::fs::read_to_string(repo().join("checker/pristine/04-site-check/src/lib.rs")).unwrap();
    assert_eq!(std::fs::read_to_string(&lib).unwrap(), pristine);
    let backup = tree.root.join("04-site-check/src/lib.rs.1.bak");
    assert_eq!(
        std::fs::read_to_string(&backup).unwrap(),
        work,
        "the work is kept"
    );

    // A second reset of a pristine stub changes nothing; after new work, a
    // second backup is made beside the first, which is never overwritten.
    let (_, unchanged) = run(&["reset", "4", "--yes", "--exercises", dir]);
    assert!(
        unchanged.contains("already the original stub"),
        "{unchanged}"
    );
    std::fs::write(&lib, "// second attempt\n").unwrap();
    run(&["reset", "4", "--yes", "--exercises", dir]);
    assert_eq!(std::fs::read_to_string(&backup).unwrap(), work);
    let second = tree.root.join("04-site-check/src/lib.rs.2.bak");
    assert_eq!(
        std::fs::read_to_string(second).unwrap(),
        "// second attempt\n"
    );
}

#[test]
fn list_shows_each_task_with_status_points_and_file() {
    let tree = tree("solution-stubs", Base::PristineStubs, &[]);
    let _one = one_grading_at_a_time();
    let (code, listed) = run(&[
        "list",
        "--quiet",
        "--exercises",
        tree.root.to_str().unwrap(),
    ]);
    assert_eq!(code, 0);
    assert!(listed.starts_with(" #  task"), "{listed}");
    assert!(
        listed.contains(" 3  req               0/14     0/25  not started"),
        "{listed}"
    );
    assert!(listed.contains("03-req/src/lib.rs"), "{listed}");
}

#[test]
fn reset_restores_a_changed_bonus_file_too() {
    let tree = tree("reset-bonus", Base::PristineStubs, &[]);
    let dir = tree.root.to_str().unwrap();
    let macro_file = tree.root.join("02-timing-decorator/macros/src/lib.rs");
    let _ = std::fs::remove_file(
        tree.root
            .join("02-timing-decorator/macros/src/lib.rs.1.bak"),
    );
    std::fs::write(&macro_file, "// my attribute\n").unwrap();

    let (code, done) = run(&["reset", "2", "--yes", "--exercises", dir]);
    assert_eq!(code, 0, "{done}");
    assert!(
        done.contains("macros/src/lib.rs is the original stub again"),
        "{done}"
    );
    // The main file was untouched: only the bonus file is reset and backed up.
    assert_eq!(done.matches(".bak").count(), 1, "{done}");
    let pristine = std::fs::read_to_string(
        repo().join("checker/pristine/02-timing-decorator/macros/src/lib.rs"),
    )
    .unwrap();
    assert_eq!(std::fs::read_to_string(&macro_file).unwrap(), pristine);
    let backup = tree
        .root
        .join("02-timing-decorator/macros/src/lib.rs.1.bak");
    assert_eq!(
        std::fs::read_to_string(backup).unwrap(),
        "// my attribute\n"
    );
}

#[test]
fn reset_of_a_deleted_file_restores_it_and_announces_no_backup() {
    let tree = tree("reset-deleted", Base::Solutions, &[]);
    let dir = tree.root.to_str().unwrap();
    let lib = tree.root.join("03-req/src/lib.rs");
    let backup = tree.root.join("03-req/src/lib.rs.1.bak");
    let _ = std::fs::remove_file(&backup);
    std::fs::remove_file(&lib).unwrap();

    let (code, done) = run(&["reset", "3", "--yes", "--exercises", dir]);
    assert_eq!(code, 0, "{done}");
    assert!(
        done.contains("03-req/src/lib.rs was missing; it is the original stub again"),
        "{done}"
    );
    assert!(!done.contains(".bak"), "a backup announced: {done}");
    assert!(!backup.exists(), "a backup of nothing was made");
    let pristine =
        std::fs::read_to_string(repo().join("checker/pristine/03-req/src/lib.rs")).unwrap();
    assert_eq!(std::fs::read_to_string(&lib).unwrap(), pristine);
}

/// On a terminal, `reset` asks first: "n" keeps the file, "y" resets it.
/// Needs `script` (util-linux) for a terminal; skipped, saying so, without.
#[cfg(unix)]
#[test]
fn reset_asks_on_a_terminal_and_does_only_what_it_is_told() {
    let tree = tree("reset-asks", Base::Solutions, &[]);
    let lib = tree.root.join("04-site-check/src/lib.rs");
    let work = std::fs::read_to_string(&lib).unwrap();
    let _ = std::fs::remove_file(tree.root.join("04-site-check/src/lib.rs.1.bak"));
    let on_a_terminal = |answer: &str| {
        let command = format!(
            "{} reset 4 --lang en --exercises {}",
            env!("CARGO_BIN_EXE_checker"),
            tree.root.display()
        );
        let mut child = std::process::Command::new("script")
            .args(["-qec", &command, "/dev/null"])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .ok()?;
        use std::io::Write as _;
        writeln!(child.stdin.take().unwrap(), "{answer}").unwrap();
        let output = child.wait_with_output().unwrap();
        Some(String::from_utf8_lossy(&output.stdout).into_owned())
    };
    let Some(declined) = on_a_terminal("n") else {
        eprintln!("skipped: no `script` to give the checker a terminal");
        return;
    };
    assert!(
        declined.contains("Put the original stub back"),
        "{declined}"
    );
    assert!(declined.contains("Nothing changed."), "{declined}");
    assert_eq!(std::fs::read_to_string(&lib).unwrap(), work);

    let accepted = on_a_terminal("y").unwrap();
    assert!(
        accepted.contains("is the original stub again"),
        "{accepted}"
    );
    let pristine =
        std::fs::read_to_string(repo().join("checker/pristine/04-site-check/src/lib.rs")).unwrap();
    assert_eq!(std::fs::read_to_string(&lib).unwrap(), pristine);
}
