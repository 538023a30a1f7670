//! `checker assign`: write the student edition, prove it, and say what is
//! in it. An edition that fails its check is removed: nobody should hand
//! out a course whose stubs earn points or whose tests fail the solutions.

use std::process::ExitCode;

use anyhow::Context as _;
use checker::{
    build::BuildPaths,
    kit::{edition, edition_check},
    manifest::Manifest,
};

use super::Context;
use crate::cli::AssignArgs;

pub fn run(context: &Context, args: &AssignArgs) -> anyhow::Result<ExitCode> {
    super::ensure_course_kit(context, "assign")?;
    let manifest = context.manifest(args.suites.as_ref())?;
    let written = edition::write(&context.repo, &manifest, &args.out)?;
    let proven = prove(context, args, &written);
    let proven = match proven {
        Ok(proven) => proven,
        Err(error) => {
            std::fs::remove_dir_all(&written.root).ok();
            return Err(error.context(format!(
                "the student edition failed its check and was removed from {}",
                args.out.display()
            )));
        }
    };
    if args.git {
        edition::commit(&written.root, &manifest.title)?;
    }

    let shown_tests: usize = manifest
        .tasks
        .iter()
        .map(|task| task.tests.len())
        .sum::<usize>()
        - written.graded_later.tests;
    let mut text = format!(
        "Wrote the student edition of {} to {}{}.\n  {} tasks, {shown_tests} tests in the edition; {} of the course's tests ({} points) are graded on hand-in only",
        manifest.title,
        written.root.display(),
        if args.git {
            " (a git repository, one commit)"
        } else {
            ""
        },
        manifest.tasks.len(),
        written.graded_later.tests,
        written.graded_later.points,
    );
    if !written.withheld_files.is_empty() {
        text.push_str(&format!(
            " (left out: {})",
            written.withheld_files.join(", ")
        ));
    }
    text.push_str(&format!(
        ".\n  Checked: its checker compiles ({:.1} s), its stubs grade 0 ({:.1} s), the reference solutions handed in to it grade {}/{} ({:.1} s).\n",
        proven.compile_secs,
        proven.stubs_secs,
        proven.solutions_score,
        proven.max_score,
        proven.solutions_secs
    ));
    context.print(&text)?;
    Ok(ExitCode::SUCCESS)
}

/// Grades the edition with its own suites and harness, building in this
/// repository's `target/grading` so that the dependencies are built once.
fn prove(
    context: &Context,
    args: &AssignArgs,
    written: &edition::Edition,
) -> anyhow::Result<edition_check::EditionCheck> {
    let manifest = Manifest::load(&written.root.join("checker/suites"))
        .context("the student edition's manifest")?;
    let ours = BuildPaths::for_repo(&context.repo);
    let paths = BuildPaths {
        repo: written.root.clone(),
        harness: written.root.join("checker/harness"),
        lockfile: written.root.join("Cargo.lock"),
        pristine: written.root.join("checker/pristine"),
        grading: ours.grading.clone(),
    };
    let grader = context.grader_with(manifest, paths, &args.run)?;
    edition_check::check(
        written,
        &grader,
        &context.repo.join("solutions"),
        &context.repo.join("target/edition-check"),
    )
}
