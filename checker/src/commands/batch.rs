//! `checker batch`: grade a class, then say what came of it.

use std::{
    path::{Path, PathBuf},
    process::ExitCode,
};

use checker::class::{
    batch::{self, BatchOptions},
    roster::Roster,
    submissions::{self, Shard},
};
use checker::manifest::Manifest;

use super::Context;
use crate::cli::BatchArgs;

/// `class`, canonical, unless it looks like one student's submission (it
/// holds task folders itself) and `force` is not given.
pub fn class_folder(class: &Path, manifest: &Manifest, force: bool) -> anyhow::Result<PathBuf> {
    let class = super::existing_dir(class.to_path_buf())?;
    let task_dirs: Vec<&str> = manifest
        .tasks
        .iter()
        .map(|task| task.dir.as_str())
        .collect();
    if let Some(found) = submissions::looks_like_one_submission(&class, &task_dirs)
        && !force
    {
        anyhow::bail!(
            "{} looks like one student's submission, not a class: it holds {}. Grade it with `checker --exercises {}`; a class folder holds one folder per student. Pass --force to take each of its folders as a student all the same.",
            class.display(),
            found.display(),
            class.display()
        );
    }
    Ok(class)
}

/// Tests per CPU while the batch builds the next submission beside them.
const BATCH_TESTS_PER_CPU: usize = 4;

pub fn run(context: &Context, args: &BatchArgs) -> anyhow::Result<ExitCode> {
    // The inner gradings draw no bars of their own: the batch has one.
    let mut run = args.run.clone();
    run.quiet = true;
    // Four tests per CPU, half a single grading's: the suites mostly wait
    // on timers and mock servers, and the next submission's build beside
    // them is what keeps the CPUs busy (measured: 100 submissions, 348 s at
    // 2 per CPU, 279 s at 4, the same 4900 verdicts). Fewer where memory is
    // short, as for a single grading.
    if run.jobs.is_none() {
        let jobs = checker::run::test_jobs(BATCH_TESTS_PER_CPU);
        run.jobs = Some(u16::try_from(jobs).unwrap_or(u16::MAX));
    }
    let grader = context.grader(args.suites.as_ref(), &run)?;
    if args.suites.is_some() {
        let tasks: Vec<_> = grader.manifest.tasks.iter().collect();
        checker::proof::ensure_proven(&grader, &tasks, &|suites| {
            eprintln!("proving the suites in {} first...", suites.display());
        })?;
    }
    let roster = match &args.roster {
        Some(path) => Roster::load(path)?,
        None => Roster::default(),
    };
    let class = class_folder(&args.class, &grader.manifest, args.force)?;
    let shard = args.shard.unwrap_or(Shard::ALL);
    let found = submissions::discover(&class, &roster, shard, &args.out)?;
    // The roster's students with no folder are recorded as missing, by the
    // first shard only, so that merged shards list each once.
    let folders: Vec<String> = submissions::class_folders(&class, &args.out)?
        .into_iter()
        .map(|(folder, _)| folder)
        .collect();
    let missing: Vec<(String, String)> = if shard.index == 1 {
        roster
            .without_folder(&folders)
            .into_iter()
            .map(|(folder, student)| (folder.to_owned(), student.to_owned()))
            .collect()
    } else {
        Vec::new()
    };
    let strangers: Vec<&String> = folders
        .iter()
        .filter(|folder| !roster.is_empty() && !roster.knows(folder))
        .collect();
    if !strangers.is_empty() {
        eprintln!(
            "warning: {} folder(s) of {} are not in the roster, so each is graded under its folder name: {}",
            strangers.len(),
            class.display(),
            strangers
                .iter()
                .map(|folder| checker::report::visible::plain(folder).into_owned())
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    let trusted = checker::paths::canonical(&context.repo.join("exercises"))?;
    // The whole class is compared, by the first shard only (merging keeps
    // one comparison): a copy may well be in another shard.
    // Grades do not wait on it: a comparison that fails is said, and the
    // class is graded all the same.
    let similarity = if shard.index == 1 {
        submissions::discover(&class, &roster, Shard::ALL, &args.out)
            .and_then(|all| super::similar::compare(context, &grader.manifest, &all, &trusted))
            .inspect_err(|error| eprintln!("warning: similar code was not compared: {error:#}"))
            .ok()
    } else {
        None
    };
    let salt =
        submissions::grader_salt(&[&grader.manifest.suites_dir, &grader.paths.harness, &trusted])?;
    let summary = batch::grade_class(
        &grader,
        &trusted,
        &found,
        &BatchOptions {
            out: &args.out,
            formats: &args.formats,
            lang: context.lang,
            salt,
            progress: !args.run.quiet,
            missing: &missing,
            similarity: similarity.as_ref(),
        },
    )?;
    let per = summary.secs / summary.graded.max(1) as f64;
    context.print(&format!(
        "Graded {} submissions in {:.1} s ({per:.1} s each), {} unchanged since the last run, {} could not be graded.\nWrote {} and {}, and each student's reports under {}.\n",
        summary.graded,
        summary.secs,
        summary.skipped,
        summary.failed,
        args.out.join("class.json").display(),
        args.out.join("class.csv").display(),
        args.out.join("students").display(),
    ))?;
    if let Some(similarity) = &similarity {
        context.print(&super::similar::summary(similarity))?;
    }
    if !missing.is_empty() {
        context.print(&format!(
            "{} roster student(s) handed nothing in (recorded as missing): {}\n",
            missing.len(),
            missing
                .iter()
                .map(|(_, student)| checker::report::visible::plain(student).into_owned())
                .collect::<Vec<_>>()
                .join(", ")
        ))?;
    }
    Ok(ExitCode::SUCCESS)
}
