//! The checker's command line: parse, dispatch to grading or `verify`, and
//! turn the outcome into an exit status. The work is in the library.

mod cli;

use std::process::ExitCode;

use anyhow::Context as _;
use checker::{build::BuildPaths, grading::Grader, manifest::Manifest, paths, report, verify};
use clap::Parser as _;

use crate::cli::{Cli, Command, CommonArgs, GradeArgs, VerifyArgs};

/// Grading ran, and the score is below `--min-score`; or `verify` found a problem.
const FELL_SHORT: u8 = 1;
/// Grading could not run (as clap's usage errors).
const CANNOT_GRADE: u8 = 2;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let outcome = match &cli.command {
        None => grade(&cli.grade),
        Some(Command::Verify(args)) => run_verify(args),
    };
    match outcome {
        Ok(code) => code,
        Err(error) => {
            eprintln!("checker: {error:#}");
            ExitCode::from(CANNOT_GRADE)
        }
    }
}

/// The grader the common options describe.
fn grader(common: &CommonArgs) -> anyhow::Result<Grader> {
    let repo = paths::repo_root()?;
    let mut manifest = Manifest::load(&common.suites_dir(&repo))?;
    if let Some(secs) = common.test_timeout {
        manifest.override_test_timeout(std::time::Duration::from_secs(secs));
    }
    Ok(Grader {
        manifest,
        paths: BuildPaths::for_repo(&repo),
        jobs: common.jobs(),
        quiet: common.quiet,
    })
}

/// Grades as asked, writes the report, and says how to exit.
fn grade(args: &GradeArgs) -> anyhow::Result<ExitCode> {
    let grader = grader(&args.common)?;
    let tasks = grader.select_tasks(&args.common.tasks)?;
    let crates_root = args.crates_root(&grader.paths.repo);
    let crates_root = crates_root
        .canonicalize()
        .with_context(|| format!("no folder of task crates at {}", crates_root.display()))?;
    let grade = grader.grade(&tasks, &crates_root)?;

    let text = report::render(&grade, args.format, args.verbose);
    match &args.output {
        Some(path) => std::fs::write(path, text)
            .with_context(|| format!("cannot write {}", path.display()))?,
        None => print!("{text}"),
    }
    Ok(match args.min_score {
        Some(minimum) if grade.score < minimum => ExitCode::from(FELL_SHORT),
        _ => ExitCode::SUCCESS,
    })
}

/// Proves the suites against the solutions, the stubs and the mutants.
fn run_verify(args: &VerifyArgs) -> anyhow::Result<ExitCode> {
    let grader = grader(&args.common)?;
    let tasks = grader.select_tasks(&args.common.tasks)?;
    let verification = verify::verify(&grader, &tasks)?;
    print!("{}", verify::render(&verification));
    Ok(if verification.problems.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(FELL_SHORT)
    })
}
