//! Building each task's suite against the crate being graded.
//!
//! The checker never links student code. For every graded task it generates a
//! small package (in `target/grading/`) whose test targets are the task's
//! suite files and whose dependencies are the task's crate and the harness,
//! then lets cargo build them all, with `--keep-going` so one task's compile
//! error does not stop the others. What comes out, per task, is the suite
//! binaries that built and the compiler's first error if something did not.

mod cargo;
mod workspace;

use anyhow::Context as _;

use crate::paths::relative_to;

pub use workspace::label_for;

use std::path::{Path, PathBuf};

use crate::manifest::{Manifest, Task};
use crate::sandbox::Sandbox;

/// Where the build reads from and writes to.
#[derive(Debug, Clone)]
pub struct BuildPaths {
    /// The repository root: compiler messages are shown relative to it.
    pub repo: PathBuf,
    /// The harness crate the suites link.
    pub harness: PathBuf,
    /// The Cargo.lock whose versions the suites build with.
    pub lockfile: PathBuf,
    /// `target/grading`: generated packages and their build output.
    pub grading: PathBuf,
}

impl BuildPaths {
    /// The standard places in the repository at `repo`.
    pub fn for_repo(repo: &Path) -> BuildPaths {
        BuildPaths {
            repo: repo.to_path_buf(),
            harness: repo.join("checker").join("harness"),
            lockfile: repo.join("Cargo.lock"),
            grading: repo.join("target").join("grading"),
        }
    }
}

/// Held while one grading builds and runs the generated workspace of a
/// folder of task crates: a second checker grading the same folder (`watch`
/// in one terminal, a grading in another) waits for it instead of rewriting
/// the workspace under it. The operating system releases it if the holder dies.
pub struct WorkspaceLock {
    _file: std::fs::File,
}

/// Takes the [`WorkspaceLock`] for `crates_root`, saying on stderr (unless
/// `quiet`) when it has to wait.
pub fn lock_workspace(
    crates_root: &Path,
    paths: &BuildPaths,
    quiet: bool,
) -> anyhow::Result<WorkspaceLock> {
    let path = paths
        .grading
        .join("workspaces")
        .join(format!("{}.lock", workspace::label_for(crates_root)));
    let file = crate::paths::open_lock_file(&path)?;
    if file.try_lock().is_err() {
        if !quiet {
            eprintln!("waiting for another checker that is grading the same folder...");
        }
        file.lock()
            .with_context(|| format!("cannot lock {}", path.display()))?;
    }
    Ok(WorkspaceLock { _file: file })
}

/// One task's part of a build.
#[derive(Debug, Clone, Default)]
pub struct TaskBuild {
    /// Suite binaries that compiled.
    pub binaries: Vec<SuiteBinary>,
    /// The compiler's first error in this task's crate or suites, if any.
    pub compile_error: Option<String>,
}

/// One compiled suite file.
#[derive(Debug, Clone)]
pub struct SuiteBinary {
    /// The suite file's stem (`grading` for `grading.rs`).
    pub name: String,
    /// The executable.
    pub path: PathBuf,
}

/// Builds the suites of `tasks` against the crates under `crates_root`, and
/// returns one [`TaskBuild`] per task, in the same order.
///
/// An error here is the grader's own failure (cargo missing, target dir not
/// writable); anything a student's code can cause ends up in a
/// [`TaskBuild::compile_error`].
pub fn build(
    manifest: &Manifest,
    tasks: &[&Task],
    crates_root: &Path,
    paths: &BuildPaths,
    sandbox: &Sandbox,
    quiet: bool,
) -> anyhow::Result<Vec<TaskBuild>> {
    let label = workspace::label_for(crates_root);
    let plans: Vec<workspace::TaskPlan> = tasks
        .iter()
        .map(|task| workspace::TaskPlan::new(manifest, task, crates_root))
        .collect::<anyhow::Result<_>>()?;

    let mut builds: Vec<TaskBuild> = plans
        .iter()
        .map(|plan| TaskBuild {
            compile_error: plan.manifest_error.clone(),
            ..TaskBuild::default()
        })
        .collect();
    let buildable: Vec<usize> = (0..plans.len())
        .filter(|&index| plans[index].manifest_error.is_none())
        .collect();
    if buildable.is_empty() {
        return Ok(builds);
    }

    // One cargo run for every task: the tasks compile in parallel and share
    // one lock file and one set of dependency builds.
    let members: Vec<&workspace::TaskPlan> = buildable.iter().map(|&i| &plans[i]).collect();
    let dir = workspace::write(
        &paths.grading.join("workspaces").join(&label),
        manifest,
        &members,
        paths,
    )?;
    let outcome = cargo::build(&dir, &members, paths, sandbox, quiet)?;
    let mut unexplained = Vec::new();
    for (&index, result) in buildable.iter().zip(outcome.tasks) {
        let explained = !result.binaries.is_empty() || result.compile_error.is_some();
        builds[index] = result;
        if !explained && !outcome.success {
            unexplained.push(index);
        }
    }

    // A failure cargo could not pin on a task — a dependency that does not
    // resolve, say — stops the whole workspace. Build those tasks one by one,
    // each in a workspace of its own, so that it costs only its own task.
    // What still fails with no compiler message is the student's only if
    // cargo names the task's crate (its Cargo.toml, a dependency it asks
    // for); anything else is the grader's own failure, and says so.
    for index in unexplained {
        let plan = &plans[index];
        let dir = paths
            .grading
            .join("workspaces")
            .join(format!("{label}-task-{}", plan.task_number));
        let dir = workspace::write(&dir, manifest, &[plan], paths)?;
        let alone = cargo::build(&dir, &[plan], paths, sandbox, quiet)?;
        let mut result = alone.tasks.into_iter().next().unwrap_or_default();
        if result.binaries.is_empty() && result.compile_error.is_none() {
            let crate_dir = plan.crate_dir.to_string_lossy();
            anyhow::ensure!(
                alone.stderr_tail.contains(crate_dir.as_ref()),
                "cargo could not build the suites of task {}, for a reason outside the task's crate:\n{}",
                plan.task_number,
                alone.stderr_tail
            );
            result.compile_error = Some(relative_to(&alone.stderr_tail, &paths.repo));
        }
        builds[index] = result;
    }
    Ok(builds)
}
