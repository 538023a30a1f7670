//! `checker` with no command: grade, report, and exit by the score.

use std::process::ExitCode;

use anyhow::Context as _;
use checker::report;

use super::{Context, FELL_SHORT, existing_dir};
use crate::cli::GradeArgs;

pub fn run(context: &Context, args: &GradeArgs) -> anyhow::Result<ExitCode> {
    // A report with nowhere to go is known before minutes of grading.
    for output in &args.output {
        let folder = match output.path.parent() {
            Some(folder) if !folder.as_os_str().is_empty() => folder,
            _ => std::path::Path::new("."),
        };
        anyhow::ensure!(
            folder.is_dir(),
            "cannot write the report {}: there is no folder {}",
            output.path.display(),
            folder.display()
        );
    }
    let grader = context.grader(args.place.suites.as_ref(), &args.run)?;
    let tasks = grader.select_tasks(&args.tasks)?;
    if args.place.suites.is_some() && !args.unproven {
        // An instructor's own suites must pass the solutions and fail the
        // stubs before they grade anyone (once per version of the suites).
        let quiet = args.run.quiet;
        checker::proof::ensure_proven(&grader, &tasks, &|suites| {
            if !quiet {
                eprintln!(
                    "proving the suites in {} on the reference solutions and the stubs (once per version of the suites)...",
                    suites.display()
                );
            }
        })?;
    }
    let crates_root = if args.solutions {
        context.repo.join("solutions")
    } else {
        args.place.crates_root(&context.repo)
    };
    let crates_root = existing_dir(crates_root)?;
    let course = checker::paths::canonical(&context.repo.join("exercises"))?;
    let mut grade = if args.as_is || args.solutions || crates_root == course {
        grader.grade(&tasks, &crates_root)?
    } else {
        grader.grade_submission(&tasks, &crates_root, &course)?
    };
    grade.student = args.student.clone();
    if !args.solutions {
        grade.commit = checker::provenance::git_commit(&crates_root, &context.repo);
    }

    if args.output.is_empty() {
        let text = report::render(&grade, args.format, args.verbose, context.lang);
        context.print(&text)?;
    }
    for output in &args.output {
        let format = output.format.unwrap_or(args.format);
        let text = report::render(&grade, format, args.verbose, context.lang);
        write_report(context, &output.path, &text)?;
    }
    Ok(match args.min_score {
        Some(minimum) if grade.score < minimum => ExitCode::from(FELL_SHORT),
        _ => ExitCode::SUCCESS,
    })
}

/// Writes a report to `path`, whole or not at all: a reader never sees half
/// a report. A file gets styles only when asked for them outright.
fn write_report(context: &Context, path: &std::path::Path, text: &str) -> anyhow::Result<()> {
    let choice = match context.color {
        anstream::ColorChoice::Always | anstream::ColorChoice::AlwaysAnsi => context.color,
        _ => anstream::ColorChoice::Never,
    };
    let mut styled = Vec::new();
    std::io::Write::write_all(
        &mut anstream::AutoStream::new(&mut styled, choice),
        text.as_bytes(),
    )?;
    checker::paths::write_atomically(path, &styled)
        .with_context(|| format!("cannot write {}", path.display()))
}
