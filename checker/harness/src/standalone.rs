//! Running a suite by hand: every test (or those whose name contains a filter)
//! in this process, one after another, with a libtest-like summary.
//!
//! Meant for suite authors trying a suite out. It has no per-test time limit
//! and no process isolation; grading always goes through the checker.

use grading_protocol::Outcome;

use crate::{Test, test_body};

/// Runs the selected tests and exits 0 if they all passed, 1 otherwise.
pub fn run(tests: &[Test], filter: Option<&str>) -> ! {
    test_body::install_panic_hook();
    let selected = tests
        .iter()
        .filter(|test| filter.is_none_or(|filter| test.name.contains(filter)));
    let (mut passed, mut failed) = (0, 0);
    for test in selected {
        match test_body::run(test) {
            Outcome::Passed => {
                passed += 1;
                println!("test {} ... ok", test.name);
            }
            Outcome::Failed {
                message, location, ..
            } => {
                failed += 1;
                let at = location.map(|at| format!(" at {at}")).unwrap_or_default();
                println!("test {} ... FAILED{at}\n    {message}", test.name);
            }
        }
    }
    println!("\n{passed} passed, {failed} failed");
    std::process::exit(if failed == 0 { 0 } else { 1 })
}
