//! `checker` with no command: grade, report, and exit by the score.

use std::process::ExitCode;

use anyhow::Context as _;
use checker::report;

use super::{Context, FELL_SHORT, existing_dir};
use crate::cli::GradeArgs;

pub fn run(context: &Context, args: &GradeArgs) -> anyhow::Result<ExitCode> {
    let grader = context.grader(args.place.suites.as_ref(), &args.run)?;
    let tasks = grader.select_tasks(&args.tasks)?;
    let crates_root = if args.solutions {
        context.repo.join("solutions")
    } else {
        args.place.crates_root(&context.repo)
    };
    let grade = grader.grade(&tasks, &existing_dir(crates_root)?)?;

    let text = report::render(&grade, args.format, args.verbose, context.lang);
    match &args.output {
        Some(path) => {
            // A file gets styles only when asked for them outright.
            let mut file = std::fs::File::create(path)
                .with_context(|| format!("cannot write {}", path.display()))?;
            let choice = match context.color {
                anstream::ColorChoice::Always | anstream::ColorChoice::AlwaysAnsi => context.color,
                _ => anstream::ColorChoice::Never,
            };
            std::io::Write::write_all(
                &mut anstream::AutoStream::new(&mut file, choice),
                text.as_bytes(),
            )?;
        }
        None => context.print(&text)?,
    }
    Ok(match args.min_score {
        Some(minimum) if grade.score < minimum => ExitCode::from(FELL_SHORT),
        _ => ExitCode::SUCCESS,
    })
}
