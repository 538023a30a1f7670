//! One grading, start to finish: build the suites of some tasks against a
//! folder of task crates, run them, judge the results.

use std::{path::Path, time::Instant};

use crate::{
    build::{self, BuildPaths},
    integrity::Snapshot,
    manifest::{Manifest, Task},
    messages::Lang,
    paths, run,
    sandbox::Sandbox,
    submission,
    verdict::{self, Grade, Timings},
};

/// Grades task crates against a manifest's suites.
pub struct Grader {
    pub manifest: Manifest,
    pub paths: BuildPaths,
    /// How each test process is confined.
    pub sandbox: Sandbox,
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

    /// Grades `tasks` of the crates under `crates_root` (canonical), as they
    /// are: the student's own checkout, or the solutions.
    pub fn grade(&self, tasks: &[&Task], crates_root: &Path) -> anyhow::Result<Grade> {
        let _workspace = build::lock_workspace(crates_root, &self.paths, self.quiet)?;
        self.grade_crates(tasks, crates_root, crates_root, &[])
    }

    /// Grades a submission handed in at `submitted` (canonical): only the
    /// student's source files are taken from it, over the course's crates in
    /// `trusted` (see [`submission`]). The report names the submission's
    /// files, lists what was ignored, and marks tasks not handed in.
    pub fn grade_submission(
        &self,
        tasks: &[&Task],
        submitted: &Path,
        trusted: &Path,
    ) -> anyhow::Result<Grade> {
        let _workspace = build::lock_workspace(submitted, &self.paths, self.quiet)?;
        let copies = self
            .paths
            .grading
            .join("submissions")
            .join(build::label_for(submitted));
        let intake = submission::take(tasks, submitted, trusted, &copies)?;
        let mut grade = self.grade_crates(tasks, &intake.crates_root, submitted, &[trusted])?;
        grade.replace_in_messages(
            &paths::display(&intake.crates_root, &self.paths.repo),
            &paths::display(submitted, &self.paths.repo),
        );
        for (task, taken) in grade.tasks.iter_mut().zip(&intake.tasks) {
            task.ignored_files = taken.ignored.clone();
            if taken.missing {
                task.mark_missing(self.lang);
            }
        }
        Ok(grade)
    }

    /// Builds and runs the crates under `crates_root`; the report calls them
    /// `shown_root`. What grades — the suites, the harness, and `also_guarded`
    /// — must come out of it as it went in, or there is no grade.
    fn grade_crates(
        &self,
        tasks: &[&Task],
        crates_root: &Path,
        shown_root: &Path,
        also_guarded: &[&Path],
    ) -> anyhow::Result<Grade> {
        let protocol = self.paths.repo.join("checker").join("protocol");
        let mut guarded = vec![
            self.manifest.suites_dir.as_path(),
            self.paths.harness.as_path(),
            protocol.as_path(),
        ];
        guarded.extend_from_slice(also_guarded);
        let before = Snapshot::take(&guarded)?;
        let started = Instant::now();
        let builds = build::build(
            &self.manifest,
            tasks,
            crates_root,
            &self.paths,
            &self.sandbox,
            self.quiet,
        )?;
        let built = Instant::now();
        let bar = self.progress_bar();
        let runs = run::run(
            &self.manifest,
            tasks,
            &builds,
            &self.sandbox,
            self.jobs,
            &|done, total| {
                bar.set_length(total as u64);
                bar.set_position(done as u64);
            },
        )?;
        bar.finish_and_clear();
        let timings = Timings {
            build_secs: (built - started).as_secs_f64(),
            run_secs: built.elapsed().as_secs_f64(),
        };
        let mut grade = verdict::judge(
            &self.manifest,
            tasks,
            runs,
            shown_root,
            &self.paths.repo,
            timings,
            self.lang,
        );
        grade.sandbox = self.sandbox.protections;
        before.ensure_unchanged(&Snapshot::take(&guarded)?)?;
        Ok(grade)
    }
}
