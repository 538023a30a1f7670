//! One grading, start to finish: build the suites of some tasks against a
//! folder of task crates, run them, judge the results.

use std::{
    path::{Path, PathBuf},
    time::Instant,
};

use crate::{
    build::{self, BuildPaths, WorkspaceLock},
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
        let lock = build::lock_workspace(crates_root, &self.paths, self.quiet)?;
        let built = self.build_crates(tasks, crates_root, crates_root, crates_root, &[], lock)?;
        self.finish(built)
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
        let copies = self
            .paths
            .grading
            .join("submissions")
            .join(build::label_for(submitted));
        let built = self.build_submission(tasks, submitted, trusted, &copies)?;
        self.finish(built)
    }

    /// The first half of grading a submission: takes its files into
    /// `copies` (a folder a batch reuses from one student to the next, so
    /// that artifacts are replaced rather than piled up) and builds them.
    /// [`Grader::finish`] runs the tests; a batch builds the next
    /// submission meanwhile, in another folder.
    pub fn build_submission<'t>(
        &self,
        tasks: &[&'t Task],
        submitted: &Path,
        trusted: &Path,
        copies: &Path,
    ) -> anyhow::Result<Built<'t>> {
        let lock = build::lock_workspace(copies, &self.paths, self.quiet)?;
        let intake = submission::take(tasks, submitted, trusted, copies)?;
        let mut built = self.build_crates(
            tasks,
            &intake.crates_root,
            trusted,
            &intake.root,
            &[trusted],
            lock,
        )?;
        built.intake = Some(intake);
        Ok(built)
    }

    /// Builds the crates under `crates_root`, whose manifests are those of
    /// `course_root` (a submission's copies are the course's crates with
    /// the student's sources: their units start from nothing each time);
    /// the report calls them `shown_root`. What grades — the suites, the
    /// harness, and `also_guarded` — is read now and again when the tests
    /// are done.
    fn build_crates<'t>(
        &self,
        tasks: &[&'t Task],
        crates_root: &Path,
        course_root: &Path,
        shown_root: &Path,
        also_guarded: &[&Path],
        lock: WorkspaceLock,
    ) -> anyhow::Result<Built<'t>> {
        let protocol = self.paths.repo.join("checker").join("protocol");
        let mut guarded = vec![
            self.manifest.suites_dir.clone(),
            self.paths.harness.clone(),
            protocol,
        ];
        guarded.extend(also_guarded.iter().map(|path| path.to_path_buf()));
        let before = Snapshot::take(&guarded.iter().map(PathBuf::as_path).collect::<Vec<_>>())?;
        let started = Instant::now();
        let builds = build::build(
            &build::BuildRequest {
                manifest: &self.manifest,
                tasks,
                crates_root,
                course_root,
                fresh: crates_root != course_root,
                jobs: std::thread::available_parallelism().map_or(2, usize::from),
                quiet: self.quiet,
            },
            &self.paths,
            &self.sandbox,
        )?;
        let build_secs = started.elapsed().as_secs_f64();
        if !self.quiet {
            // Cargo speaks only when the course's plan is built; this line
            // says, every time, that the tests start now.
            eprintln!(
                "    Finished building the graded crates and their suites in {build_secs:.2}s"
            );
        }
        Ok(Built {
            tasks: tasks.to_vec(),
            builds,
            build_secs,
            shown_root: shown_root.to_path_buf(),
            guarded,
            before,
            intake: None,
            _lock: lock,
        })
    }

    /// Runs the tests of what [`Grader::build_crates`] built and judges
    /// them. What grades must come out of it as it went in, or there is no
    /// grade.
    pub fn finish(&self, built: Built<'_>) -> anyhow::Result<Grade> {
        let started = Instant::now();
        let bar = self.progress_bar();
        let mut memory = run::Memory::load(&self.paths.grading);
        let runs = run::run(
            &self.manifest,
            &built.tasks,
            &built.builds,
            &self.sandbox,
            self.jobs,
            &mut memory,
            &|done, total| {
                bar.set_length(total as u64);
                bar.set_position(done as u64);
            },
        )?;
        bar.finish_and_clear();
        for (task, task_runs) in built.tasks.iter().zip(&runs) {
            for (spec, test_run) in task.tests.iter().zip(task_runs) {
                if !test_run.duration.is_zero() {
                    memory
                        .durations
                        .record(task.number, &spec.name, test_run.duration);
                }
            }
        }
        // Only how quick the next run is depends on it: not saved, it is
        // only slower.
        memory.save(&self.paths.grading);
        let timings = Timings {
            build_secs: built.build_secs,
            run_secs: started.elapsed().as_secs_f64(),
        };
        let mut grade = verdict::judge(
            &self.manifest,
            &built.tasks,
            runs,
            &built.shown_root,
            &self.paths.repo,
            timings,
            self.lang,
        );
        grade.sandbox = self.sandbox.protections;
        let guarded: Vec<&Path> = built.guarded.iter().map(PathBuf::as_path).collect();
        built.before.ensure_unchanged(&Snapshot::take(&guarded)?)?;
        if let Some(intake) = &built.intake {
            grade.replace_in_messages(
                &paths::display(&intake.crates_root, &self.paths.repo),
                &paths::display(&built.shown_root, &self.paths.repo),
            );
            grade.upload_note = intake.note.clone();
            for (task, taken) in grade.tasks.iter_mut().zip(&intake.tasks) {
                task.ignored_files = taken.ignored.clone();
                if taken.missing {
                    task.mark_missing(self.lang);
                }
            }
        }
        Ok(grade)
    }
}

/// Crates built and waiting for their tests: the first half of a grading.
/// It holds the folder's lock, so nobody rebuilds it before the tests ran.
pub struct Built<'t> {
    tasks: Vec<&'t Task>,
    builds: Vec<build::TaskBuild>,
    build_secs: f64,
    shown_root: PathBuf,
    guarded: Vec<PathBuf>,
    before: Snapshot,
    /// For a submission: what was taken of it.
    intake: Option<submission::Intake>,
    _lock: WorkspaceLock,
}
