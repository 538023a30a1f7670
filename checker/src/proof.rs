//! Suites proven before they grade anyone.
//!
//! An instructor's own suites (`--suites DIR`) could have a test that fails
//! on every correct solution, or passes on every stub; grading a class with
//! them would blame every student. So before a grading with such suites,
//! every test must pass on the reference solutions and fail on the untouched
//! stubs — `checker verify` without the mutants. That costs two gradings, so
//! it is done once per content of the suites (and of the solutions, stubs
//! and harness it ran with): a proof is remembered in `target/grading/proven/`.

use std::{path::Path, time::Instant};

use anyhow::bail;

use crate::{grading::Grader, integrity::digest_of, manifest::Task, verify};

/// How the suites came to be trusted.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Proof {
    /// Proven by an earlier grading, for the same content.
    Remembered,
    /// Proven now, in this many seconds.
    ProvenNow { secs: f64 },
}

/// Proves the grader's suites for `tasks` against the reference solutions
/// and the pristine stubs, or returns an error naming each test that fails the
/// proof. `announce` is told before a proof that takes gradings.
pub fn ensure_proven(
    grader: &Grader,
    tasks: &[&Task],
    announce: &dyn Fn(&Path),
) -> anyhow::Result<Proof> {
    let repo = &grader.paths.repo;
    let solutions = repo.join("solutions");
    if !solutions.is_dir() {
        bail!(
            "cannot prove the suites in {}: this repository has no reference solutions (solutions/) to prove them on",
            grader.manifest.suites_dir.display()
        );
    }
    let numbers: Vec<u32> = tasks.iter().map(|task| task.number).collect();
    let pristine = repo.join("checker/pristine");
    let key = digest_of(
        &[
            grader.manifest.suites_dir.as_path(),
            &solutions,
            &pristine,
            &grader.paths.harness,
        ],
        &numbers,
    )?;
    let record = grader
        .paths
        .grading
        .join("proven")
        .join(format!("{key:016x}"));
    if record.is_file() {
        return Ok(Proof::Remembered);
    }
    announce(&grader.manifest.suites_dir);
    let started = Instant::now();
    let problems = verify::solutions_pass_and_stubs_fail(grader, tasks)?;
    if !problems.is_empty() {
        bail!(
            "the suites in {} are not fit to grade anyone, so nobody was graded:\n  {}\n(every test must pass on the reference solution and fail on the untouched stub; `checker verify --suites DIR` shows the table)",
            grader.manifest.suites_dir.display(),
            problems.join("\n  ")
        );
    }
    if let Some(folder) = record.parent() {
        std::fs::create_dir_all(folder)?;
    }
    crate::paths::write_atomically(
        &record,
        grader.manifest.suites_dir.to_string_lossy().as_bytes(),
    )?;
    Ok(Proof::ProvenNow {
        secs: started.elapsed().as_secs_f64(),
    })
}
