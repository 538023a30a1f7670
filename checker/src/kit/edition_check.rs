//! Proving a student edition before anyone receives it: its checker
//! compiles, its stubs grade 0, and the reference solutions, handed in to
//! it as a student would hand in, earn every point its tests offer.

use std::{path::Path, process::Command, time::Instant};

use anyhow::{Context as _, bail, ensure};

use crate::{grading::Grader, verdict::Grade};

use super::{edition::Edition, files::copy_dir};

/// What the check measured.
#[derive(Debug, Clone, Copy)]
pub struct EditionCheck {
    /// `cargo check` of the edition's checker.
    pub compile_secs: f64,
    /// Grading the edition's stubs.
    pub stubs_secs: f64,
    /// Grading the reference solutions as a submission to the edition.
    pub solutions_secs: f64,
    /// The points the solutions earned, of the edition's maximum.
    pub solutions_score: u32,
    pub max_score: u32,
}

/// Checks `edition` with `grader` (whose manifest and paths are the
/// edition's), the reference solutions in `solutions`, and cargo's output
/// for the compile check in `check_target` (shared between editions, so
/// that the dependencies compile once).
pub fn check(
    edition: &Edition,
    grader: &Grader,
    solutions: &Path,
    check_target: &Path,
) -> anyhow::Result<EditionCheck> {
    let started = Instant::now();
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let status = Command::new(cargo)
        .args(["check", "--quiet", "--package", "checker"])
        .current_dir(&edition.root)
        .env("CARGO_TARGET_DIR", check_target)
        .status()
        .context("cannot run cargo")?;
    ensure!(
        status.success(),
        "the student edition's checker does not compile (cargo check: {status})"
    );
    let compile_secs = started.elapsed().as_secs_f64();

    let tasks: Vec<_> = grader.manifest.tasks.iter().collect();
    let started = Instant::now();
    let stubs = grader.grade(&tasks, &edition.root.join("exercises"))?;
    let earning: Vec<String> = stubs
        .tasks
        .iter()
        .filter(|task| task.points + task.bonus_points > 0)
        .map(|task| {
            format!(
                "task {} ({} points)",
                task.number,
                task.points + task.bonus_points
            )
        })
        .collect();
    ensure!(
        earning.is_empty(),
        "the student edition's stubs earn points: {}",
        earning.join(", ")
    );
    let stubs_secs = started.elapsed().as_secs_f64();

    let started = Instant::now();
    let handed_in = grader.paths.grading.join("edition-check").join("solutions");
    std::fs::remove_dir_all(&handed_in).ok();
    for task in &tasks {
        copy_dir(&solutions.join(&task.dir), &handed_in.join(&task.dir))?;
    }
    let handed_in = crate::paths::canonical(&handed_in)?;
    let trusted = crate::paths::canonical(&edition.root.join("exercises"))?;
    let graded = grader.grade_submission(&tasks, &handed_in, &trusted)?;
    if graded.score < graded.max_score || graded.bonus < graded.max_bonus {
        bail!(
            "the reference solutions do not pass the student edition's tests: {}",
            failing(&graded)
        );
    }
    Ok(EditionCheck {
        compile_secs,
        stubs_secs,
        solutions_secs: started.elapsed().as_secs_f64(),
        solutions_score: graded.score + graded.bonus,
        max_score: graded.max_score + graded.max_bonus,
    })
}

/// `task 2: name (failed), ...`
fn failing(grade: &Grade) -> String {
    grade
        .tasks
        .iter()
        .flat_map(|task| {
            task.tests
                .iter()
                .filter(|test| test.points < test.max_points)
                .map(move |test| {
                    format!(
                        "task {}: {} ({})",
                        task.number,
                        test.name,
                        test.status.name()
                    )
                })
        })
        .collect::<Vec<_>>()
        .join(", ")
}
