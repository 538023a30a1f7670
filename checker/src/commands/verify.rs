//! `checker verify`: the suites proved against solutions, stubs and mutants.

use std::process::ExitCode;

use checker::verify;

use super::{Context, FELL_SHORT};
use crate::cli::VerifyArgs;

pub fn run(context: &Context, args: &VerifyArgs) -> anyhow::Result<ExitCode> {
    anyhow::ensure!(
        context.repo.join("solutions").is_dir(),
        "verify proves the suites against the reference solutions, which this repository (a student edition?) does not have"
    );
    let grader = context.grader(args.suites.as_ref(), &args.run)?;
    let tasks = grader.select_tasks(&args.tasks)?;
    if args.trace {
        // The trace alone needs no grading: seconds, not minutes.
        let traces = verify::traces(&grader, &tasks)?;
        let problems = verify::trace_problems(&traces);
        let mut text = checker::statement::render(&traces);
        if problems.is_empty() {
            let requirements: usize = traces.iter().map(|trace| trace.requirements.len()).sum();
            text.push_str(&format!(
                "trace: ok — {requirements} requirements, each held by a test; every test holds one\n"
            ));
        }
        for problem in &problems {
            text.push_str(&format!("  ! {problem}\n"));
        }
        context.print(&text)?;
        return Ok(if problems.is_empty() {
            ExitCode::SUCCESS
        } else {
            ExitCode::from(FELL_SHORT)
        });
    }
    let verification = verify::verify(&grader, &tasks)?;
    context.print(&verify::render(&verification))?;
    Ok(if verification.problems.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(FELL_SHORT)
    })
}
