//! One grading, start to finish: build the suites of some tasks against a
//! folder of task crates, run them, judge the results.

use std::{path::Path, time::Instant};

use crate::{
    build::{self, BuildPaths},
    manifest::{Manifest, Task},
    messages::Lang,
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
    /// The language of messages the checker words itself.
    pub lang: Lang,
}

impl Grader {
    /// The tasks `numbers` names, in manifest order; all of them if none.
    pub fn select_tasks(&self, numbers: &[u32]) -> anyhow::Result<Vec<&Task>> {
        for number in numbers {
            self.manifest.task(*number)?;
        }
        let tasks = &self.manifest.tasks;
        Ok(tasks
            .iter()
            .filter(|task| numbers.is_empty() || numbers.contains(&task.number))
            .collect())
    }

    /// A bar on stderr that counts finished tests; drawn only on a terminal
    /// (indicatif hides it elsewhere), and not at all with `quiet`.
    fn progress_bar(&self) -> indicatif::ProgressBar {
        if self.quiet {
            return indicatif::ProgressBar::hidden();
        }
        let style = indicatif::ProgressStyle::with_template("testing [{bar:30}] {pos}/{len}")
            .expect("a valid template")
            .progress_chars("=> ");
        indicatif::ProgressBar::new(0).with_style(style)
    }

    /// Grades `tasks` of the crates under `crates_root` (canonical).
    pub fn grade(&self, tasks: &[&Task], crates_root: &Path) -> anyhow::Result<Grade> {
        let started = Instant::now();
        let _workspace = build::lock_workspace(crates_root, &self.paths, self.quiet)?;
        let builds = build::build(&self.manifest, tasks, crates_root, &self.paths, self.quiet)?;
        let built = Instant::now();
        let bar = self.progress_bar();
        let runs = run::run(&self.manifest, tasks, &builds, self.jobs, &|done, total| {
            bar.set_length(total as u64);
            bar.set_position(done as u64);
        })?;
        bar.finish_and_clear();
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
            self.lang,
        ))
    }
}
