//! `checker list`: the tasks, their status and points, and the file to edit.

use std::process::ExitCode;

use checker::report::human;

use super::{Context, existing_dir};
use crate::cli::ListArgs;

pub fn run(context: &Context, args: &ListArgs) -> anyhow::Result<ExitCode> {
    let grader = context.grader(args.place.suites.as_ref(), &args.run)?;
    let tasks = grader.select_tasks(&[])?;
    let grade = grader.grade(
        &tasks,
        &existing_dir(args.place.crates_root(&context.repo))?,
    )?;
    let mut out = String::new();
    human::table(&mut out, &grade.tasks, context.lang.text());
    context.print(&out)?;
    Ok(ExitCode::SUCCESS)
}
