//! The commands that help a student past a task: `hint`, `solution`, `reset`.

use std::{
    io::{BufRead as _, IsTerminal as _},
    path::{Path, PathBuf},
    process::ExitCode,
};

use anyhow::Context as _;
use checker::{
    manifest::Task,
    messages::fill,
    report::human,
    state::{self, State},
    verdict::TaskStatus,
};

use super::{Context, FELL_SHORT, existing_dir};
use crate::cli::{ResetArgs, SolutionArgs, TaskArgs};

/// `hint N`: one more hint than last time, remembered per folder of crates.
pub fn hint(context: &Context, args: &TaskArgs) -> anyhow::Result<ExitCode> {
    let manifest = context.manifest(args.place.suites.as_ref())?;
    let task = manifest.task(args.number)?;
    let crates_root = existing_dir(args.place.crates_root(&context.repo))?;
    context.print(&next_hint(context, task, &crates_root)?)?;
    Ok(ExitCode::SUCCESS)
}

/// Shows one more hint of `task` than last time (the last one again once
/// all are shown, saying so) and remembers it: for `hint N` and watch's `h`.
pub fn next_hint(context: &Context, task: &Task, crates_root: &Path) -> anyhow::Result<String> {
    let text = context.lang.text();
    anyhow::ensure!(!task.hints.is_empty(), "task {} has no hints", task.number);
    let state_path = state::path_for(&context.repo, crates_root);
    let (already, shown) = State::update(&state_path, |state| {
        let already = state.hints_shown.get(&task.number).copied().unwrap_or(0);
        (already, state.next_hint(task.number, task.hints.len()))
    })?;

    let header = fill(
        text.hint_header,
        &[
            ("number", &task.number),
            ("shown", &shown),
            ("total", &task.hints.len()),
        ],
    );
    let mut out = format!("{header}\n  {}\n", task.hints[shown - 1].get(context.lang));
    if already == task.hints.len() {
        let readme = crates_root.join(&task.dir).join("README.md");
        let readme = checker::paths::display(&readme, &context.repo);
        out.push_str(&fill(
            text.hint_last,
            &[("number", &task.number), ("readme", &readme)],
        ));
        out.push('\n');
    }
    Ok(out)
}

/// `solution N`: the reference solution, once task N passes.
pub fn solution(context: &Context, args: &SolutionArgs) -> anyhow::Result<ExitCode> {
    let text = context.lang.text();
    if !context.repo.join("solutions").is_dir() {
        let number = args.task.number;
        context.print(&format!(
            "{}\n",
            fill(text.solution_not_in_edition, &[("number", &number)])
        ))?;
        return Ok(ExitCode::from(FELL_SHORT));
    }
    let grader = context.grader(args.task.place.suites.as_ref(), &args.run)?;
    let task = grader.manifest.task(args.task.number)?;
    let crates_root = existing_dir(args.task.place.crates_root(&context.repo))?;
    let grade = grader.grade(&[task], &crates_root)?;
    let graded = &grade.tasks[0];
    if graded.status != TaskStatus::Passed {
        let (status, _) = human::status_word(graded.status, text);
        context.print(&format!(
            "{}\n",
            fill(
                text.solution_locked,
                &[("number", &task.number), ("status", &status)]
            )
        ))?;
        return Ok(ExitCode::from(FELL_SHORT));
    }
    for edited in task.edited_files() {
        let file = context.repo.join("solutions").join(&task.dir).join(edited);
        let source = std::fs::read_to_string(&file)
            .with_context(|| format!("cannot read {}", file.display()))?;
        let shown = checker::paths::display(&file, &context.repo);
        context.print(&format!(
            "{}\n\n{source}\n",
            fill(
                text.solution_header,
                &[("number", &task.number), ("file", &shown)]
            )
        ))?;
    }
    Ok(ExitCode::SUCCESS)
}

/// `reset N`: the original stubs back in place (the bonus file too, if it
/// was changed); each replaced file kept beside it as a backup that is
/// never overwritten.
pub fn reset(context: &Context, args: &ResetArgs) -> anyhow::Result<ExitCode> {
    let manifest = context.manifest(args.task.place.suites.as_ref())?;
    let task = manifest.task(args.task.number)?;
    let crates_root = existing_dir(args.task.place.crates_root(&context.repo))?;
    let text = context.lang.text();
    let pristine_dir = context
        .repo
        .join("checker")
        .join("pristine")
        .join(&task.dir);

    let mut changed = Vec::new();
    for edited in task.edited_files() {
        let pristine_file = pristine_dir.join(edited);
        let pristine = std::fs::read(&pristine_file)
            .with_context(|| format!("cannot read {}", pristine_file.display()))?;
        let file = crates_root.join(&task.dir).join(edited);
        let current = std::fs::read(&file).ok();
        if current.as_deref() != Some(pristine.as_slice()) {
            changed.push((file, pristine, current.is_some()));
        }
    }
    if changed.is_empty() {
        let file = crates_root.join(&task.dir).join(&task.edit);
        let shown = checker::paths::display(&file, &context.repo);
        context.print(&format!(
            "{}\n",
            fill(text.reset_unchanged, &[("file", &shown)])
        ))?;
        return Ok(ExitCode::SUCCESS);
    }

    for (file, pristine, exists) in changed {
        let shown = checker::paths::display(&file, &context.repo);
        let backup = free_backup_path(&file);
        let shown_backup = checker::paths::display(&backup, &context.repo);
        if !args.yes {
            let stdin = std::io::stdin();
            if !stdin.is_terminal() {
                context.print(&format!(
                    "{}\n",
                    fill(text.reset_needs_yes, &[("file", &shown)])
                ))?;
                return Ok(ExitCode::from(FELL_SHORT));
            }
            let question = if exists {
                text.reset_confirm
            } else {
                text.reset_confirm_missing
            };
            context.print(&fill(
                question,
                &[("file", &shown), ("backup", &shown_backup)],
            ))?;
            let mut answer = String::new();
            stdin.lock().read_line(&mut answer)?;
            if !matches!(answer.trim(), "y" | "Y" | "yes" | "д" | "Д" | "да") {
                context.print(&format!("{}\n", text.reset_cancelled))?;
                continue;
            }
        }
        // A missing file has nothing to keep: no backup, and none announced.
        if exists {
            std::fs::copy(&file, &backup)
                .with_context(|| format!("cannot keep a backup at {}", backup.display()))?;
        }
        if let Some(folder) = file.parent() {
            std::fs::create_dir_all(folder)
                .with_context(|| format!("cannot create {}", folder.display()))?;
        }
        std::fs::write(&file, &pristine)
            .with_context(|| format!("cannot write {}", file.display()))?;
        let done = if exists {
            text.reset_done
        } else {
            text.reset_restored
        };
        context.print(&format!(
            "{}\n",
            fill(done, &[("file", &shown), ("backup", &shown_backup)])
        ))?;
    }
    Ok(ExitCode::SUCCESS)
}

/// `lib.rs.1.bak`, or the first of `lib.rs.2.bak`, ... that does not exist.
fn free_backup_path(file: &Path) -> PathBuf {
    let name = file
        .file_name()
        .unwrap_or_default()
        .to_string_lossy()
        .into_owned();
    (1..)
        .map(|n| file.with_file_name(format!("{name}.{n}.bak")))
        .find(|candidate| !candidate.exists())
        .expect("some backup name is free")
}
