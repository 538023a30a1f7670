//! One grading, start to finish: build the suites of some tasks against a
//! folder of task crates, run them, judge the results.

use std::{path::Path, time::Instant};

use anyhow::bail;

use crate::{
    build::{self, BuildPaths},
    manifest::{Manifest, Task},
    run,
    verdict::{self, Grade, Timings},
};

/// Grades task crates against a manifest's suites.
pub struct Grader {
    pub manifest: Manifest,
    pub paths: BuildPaths,
    /// Tests run at once.
    pub jobs: usize,
    /// Hide cargo's progress.
    pub quiet: bool,
}

impl Grader {
    /// The tasks `numbers` names, in manifest order; all of them if none.
    pub fn select_tasks(&self, numbers: &[u32]) -> anyhow::Result<Vec<&Task>> {
        let tasks = &self.manifest.tasks;
        for number in numbers {
            if !tasks.iter().any(|task| task.number == *number) {
                let known: Vec<String> = tasks.iter().map(|task| task.number.to_string()).collect();
                bail!(
                    "there is no task {number}; the tasks are {}",
                    known.join(", ")
                );
            }
        }
        Ok(tasks
            .iter()
            .filter(|task| numbers.is_empty() || numbers.contains(&task.number))
            .collect())
    }

    /// Grades `tasks` of the crates under `crates_root` (canonical).
    pub fn grade(&self, tasks: &[&Task], crates_root: &Path) -> anyhow::Result<Grade> {
        let started = Instant::now();
        let builds = build::build(&self.manifest, tasks, crates_root, &self.paths, self.quiet)?;
        let built = Instant::now();
        let runs = run::run(&self.manifest, tasks, &builds, self.jobs)?;
        let timings = Timings {
            build_secs: (built - started).as_secs_f64(),
            run_secs: built.elapsed().as_secs_f64(),
        };
        Ok(verdict::judge(
            &self.manifest,
            tasks,
            runs,
            crates_root,
            &self.paths.repo,
            timings,
        ))
    }
}
