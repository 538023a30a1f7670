//! The checker: grades the task crates against the hidden suites and reports.
//!
//! The layers, each in its own module and each replaceable on its own:
//! [`manifest`] (what the tasks and tests are) → [`build`] (compile each
//! task's suites against its crate) → [`run`] (every test in its own process)
//! → [`verdict`] (statuses and points) → [`report`] (terminal or JSON).

mod build;
mod cli;
mod manifest;
mod paths;
mod report;
mod run;
mod verdict;

use std::{process::ExitCode, time::Instant};

use anyhow::{Context as _, bail};
use clap::Parser as _;

use crate::{build::BuildPaths, cli::Cli, manifest::Manifest};

/// Grading ran, and the score is below `--min-score`.
const BELOW_MIN_SCORE: u8 = 1;
/// Grading could not run (as clap's usage errors).
const CANNOT_GRADE: u8 = 2;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match grade(&cli) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("checker: {error:#}");
            ExitCode::from(CANNOT_GRADE)
        }
    }
}

/// Grades as `cli` asks, writes the report, and says how to exit.
fn grade(cli: &Cli) -> anyhow::Result<ExitCode> {
    let repo = paths::repo_root()?;
    let mut manifest = Manifest::load(&cli.suites_dir(&repo))?;
    if let Some(secs) = cli.test_timeout {
        manifest.override_test_timeout(std::time::Duration::from_secs(secs));
    }
    let tasks = select_tasks(&manifest, &cli.tasks)?;
    let crates_root = cli.crates_root(&repo);
    let crates_root = crates_root
        .canonicalize()
        .with_context(|| format!("no folder of task crates at {}", crates_root.display()))?;

    let build_paths = BuildPaths {
        harness: repo.join("checker").join("harness"),
        lockfile: repo.join("Cargo.lock"),
        grading: repo.join("target").join("grading"),
        repo: repo.clone(),
    };
    let started = Instant::now();
    let builds = build::build(&manifest, &tasks, &crates_root, &build_paths, cli.quiet)?;
    let built = Instant::now();
    let runs = run::run(&manifest, &tasks, &builds, cli.jobs())?;
    let timings = verdict::Timings {
        build_secs: (built - started).as_secs_f64(),
        run_secs: built.elapsed().as_secs_f64(),
    };
    let grade = verdict::judge(&manifest, &tasks, runs, &crates_root, &repo, timings);

    let text = report::render(&grade, cli.format, cli.verbose);
    match &cli.output {
        Some(path) => std::fs::write(path, text)
            .with_context(|| format!("cannot write {}", path.display()))?,
        None => print!("{text}"),
    }
    Ok(match cli.min_score {
        Some(minimum) if grade.score < minimum => ExitCode::from(BELOW_MIN_SCORE),
        _ => ExitCode::SUCCESS,
    })
}

/// The tasks `numbers` names, in manifest order; all of them if none.
fn select_tasks<'m>(
    manifest: &'m Manifest,
    numbers: &[u32],
) -> anyhow::Result<Vec<&'m manifest::Task>> {
    for number in numbers {
        if !manifest.tasks.iter().any(|task| task.number == *number) {
            let known: Vec<String> = manifest
                .tasks
                .iter()
                .map(|task| task.number.to_string())
                .collect();
            bail!(
                "there is no task {number}; the tasks are {}",
                known.join(", ")
            );
        }
    }
    Ok(manifest
        .tasks
        .iter()
        .filter(|task| numbers.is_empty() || numbers.contains(&task.number))
        .collect())
}
