//! Turning what the tests did into verdicts: a status and points for every
//! test and task, a message that says what went wrong, and a total.
//!
//! This is the one place that decides what counts: only a recorded pass
//! earns points; `todo!()` means "not started"; a process that died or hung
//! failed. The result, [`Grade`], is plain data that every report format
//! renders, and that `--format json` serializes as it is.

use std::{path::Path, time::Duration};

use serde::{Deserialize, Serialize};

use crate::{
    manifest::{GradedLater, Manifest, Task, TestSpec, Visibility},
    messages::{Lang, Text, fill},
    paths,
    run::{Captured, Ending, TestOutcome, TestRun},
    sandbox::Protections,
};

/// Version of the JSON schema (README documents it); bumped on any change
/// that could break a reader.
pub const SCHEMA_VERSION: u32 = 3;

/// The whole grading result.
#[derive(Debug, Clone, Serialize)]
pub struct Grade {
    pub schema_version: u32,
    pub title: String,
    /// Who handed the work in (`--student`), when the grader was told.
    pub student: Option<String>,
    /// The folder of task crates that was graded, relative to the repository.
    pub graded: String,
    /// The git commit of the graded folder, when it is in a repository.
    pub commit: Option<String>,
    pub score: u32,
    pub max_score: u32,
    /// Bonus points earned, on top of `score`.
    pub bonus: u32,
    pub max_bonus: u32,
    /// Only some of the manifest's tasks were graded (`--task`).
    pub partial: bool,
    /// The protections test processes ran under (see `sandbox`).
    pub sandbox: Protections,
    pub timings: Timings,
    /// A student edition's tests left out of this grading (see `assign`).
    pub graded_later: Option<GradedLater>,
    /// How a submission's task folders were found, when not where they
    /// belong (a wrapping folder, loose files placed by content, nothing).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub upload_note: Option<String>,
    pub tasks: Vec<TaskGrade>,
}

/// Where the grading's wall time went.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct Timings {
    /// Generating and building the suites (cargo included).
    pub build_secs: f64,
    /// Running every test, in parallel.
    pub run_secs: f64,
}

/// One task's verdict.
#[derive(Debug, Clone, Serialize)]
pub struct TaskGrade {
    pub number: u32,
    pub slug: String,
    pub title: String,
    /// A warm-up whose points are all bonus: the course is complete without it.
    pub bonus: bool,
    pub status: TaskStatus,
    pub points: u32,
    pub max_points: u32,
    /// Points of bonus tests passed, on top of `points`.
    pub bonus_points: u32,
    pub max_bonus_points: u32,
    /// Required (not bonus) tests passed, and their number.
    pub tests_passed: usize,
    pub tests_total: usize,
    /// The file the student edits.
    pub file: String,
    /// What to look at first: the compiler's error, the first failure, or
    /// the first `todo!()` still in place.
    pub message: Option<String>,
    /// `file:line` that message points at, when known.
    pub location: Option<String>,
    /// The task's tests' run times added up. Tests run in parallel, so this
    /// can exceed both the wall time and the task's time limit; the limit
    /// counts wall time from the task's first test.
    pub summed_test_secs: f64,
    /// Files of a submission that were not graded (a Cargo.toml, a
    /// `build.rs`, anything but source under `src/`), relative to the task.
    pub ignored_files: Vec<String>,
    pub tests: Vec<TestGrade>,
    /// The mildest hint, for a student who has not started.
    #[serde(skip)]
    pub first_hint: Option<String>,
}

impl TaskGrade {
    /// Marks the task as not handed in: no points, and a message that says so
    /// rather than a compiler's complaint about a folder that is not there.
    pub fn mark_missing(&mut self, lang: Lang) {
        let message = fill(lang.text().verdict_missing, &[("dir", &self.dir())]);
        self.status = TaskStatus::Missing;
        self.message = Some(message.clone());
        self.location = None;
        for test in &mut self.tests {
            test.status = TestStatus::Missing;
            test.points = 0;
            test.message = Some(message.clone());
            test.location = None;
            test.output = None;
        }
        self.points = 0;
        self.bonus_points = 0;
        self.tests_passed = 0;
    }

    /// Works the task's status, points, counts and first message out of its
    /// tests. Bonus tests add points; they never make a task fail or stay
    /// unstarted. In a bonus task every test is bonus, and every test
    /// decides its status. A task that did not compile keeps its message
    /// (the compiler's error).
    fn recount(&mut self, lang: Lang) {
        let bonus_task = self.bonus;
        let required = || {
            self.tests
                .iter()
                .filter(move |test| bonus_task || !test.bonus)
        };
        let all = |status| required().all(|test| test.status == status);
        let status = if all(TestStatus::Passed) {
            TaskStatus::Passed
        } else if all(TestStatus::NotCompiled) {
            TaskStatus::NotCompiled
        } else if all(TestStatus::NotStarted) {
            TaskStatus::NotStarted
        } else {
            TaskStatus::Failing
        };
        let first_unpassed = required().find(|test| test.status != TestStatus::Passed);
        let (message, location) = match (status, first_unpassed) {
            (TaskStatus::NotCompiled, _) => (self.message.clone(), None),
            (_, Some(test)) if test.status == TestStatus::NotStarted => {
                (test.message.clone(), test.location.clone())
            }
            (_, Some(test)) => (
                Some(format!(
                    "{}: {}",
                    test.name,
                    test.message.as_deref().unwrap_or(lang.text().test_failed)
                )),
                test.location.clone(),
            ),
            (_, None) => (None, None),
        };
        let sum = |bonus: bool, points: fn(&TestGrade) -> u32| -> u32 {
            self.tests
                .iter()
                .filter(|test| test.bonus == bonus)
                .map(points)
                .sum()
        };
        let (points, max_points) = (sum(false, |t| t.points), sum(false, |t| t.max_points));
        let (bonus_points, max_bonus_points) =
            (sum(true, |t| t.points), sum(true, |t| t.max_points));
        let tests_passed = required()
            .filter(|test| test.status == TestStatus::Passed)
            .count();
        let tests_total = required().count();
        self.status = status;
        self.message = message;
        self.location = location;
        self.points = points;
        self.max_points = max_points;
        self.bonus_points = bonus_points;
        self.max_bonus_points = max_bonus_points;
        self.tests_passed = tests_passed;
        self.tests_total = tests_total;
    }

    /// What `test` (one of this task's) says went wrong: its own message,
    /// or, for a test that did not compile, the compiler's error, which is
    /// the task's (such a test has no message of its own).
    pub fn message_of<'a>(&'a self, test: &'a TestGrade) -> Option<&'a str> {
        match test.status {
            TestStatus::NotCompiled => self.message.as_deref().or(test.message.as_deref()),
            _ => test.message.as_deref(),
        }
    }

    /// The task's folder as the report shows it: `file` less the edited file.
    fn dir(&self) -> String {
        let file = std::path::Path::new(&self.file);
        file.ancestors()
            .find(|folder| folder.file_name().is_some_and(|name| name == "src"))
            .and_then(Path::parent)
            .unwrap_or(file)
            .display()
            .to_string()
    }
}

/// One test's verdict.
#[derive(Debug, Clone, Serialize)]
pub struct TestGrade {
    pub name: String,
    /// A bonus test: its points are counted apart.
    pub bonus: bool,
    pub status: TestStatus,
    pub points: u32,
    pub max_points: u32,
    pub message: Option<String>,
    pub location: Option<String>,
    /// The idea of the lecture the test checks.
    pub about: Option<String>,
    /// The statement's requirements it holds (`R4`: the tags of the task's
    /// README), so a student can read the sentence a failure is about.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub checks: Vec<String>,
    /// Who sees the test (from the manifest).
    pub visibility: Visibility,
    /// What the test printed, cut to a few KiB (failed tests only).
    pub output: Option<String>,
    pub duration_secs: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TestStatus {
    Passed,
    Failed,
    TimedOut,
    NotCompiled,
    NotStarted,
    /// The submission has no folder for the test's task.
    Missing,
}

impl TestStatus {
    /// The status as the JSON report spells it (its serde name), so that
    /// every report format spells it the same way.
    pub fn name(self) -> String {
        serde_name(self)
    }
}

impl TaskStatus {
    /// The status as the JSON report spells it (its serde name).
    pub fn name(self) -> String {
        serde_name(self)
    }
}

/// A unit variant's serde name.
fn serde_name(value: impl Serialize) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|value| value.as_str().map(str::to_owned))
        .unwrap_or_default()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TaskStatus {
    Passed,
    Failing,
    NotStarted,
    NotCompiled,
    /// The submission has no folder for the task.
    Missing,
}

impl Grade {
    /// Replaces `from` with `to` in every message, location and output: the
    /// paths of the copies a submission was graded from become the
    /// submission's own.
    pub fn replace_in_messages(&mut self, from: &str, to: &str) {
        if from == to {
            return;
        }
        let replace = |text: &mut Option<String>| {
            if let Some(text) = text {
                *text = text.replace(from, to);
            }
        };
        for task in &mut self.tasks {
            replace(&mut task.message);
            replace(&mut task.location);
            for test in &mut task.tests {
                replace(&mut test.message);
                replace(&mut test.location);
                replace(&mut test.output);
            }
        }
    }

    /// Replaces the tasks `update` graded again, matched by number, and
    /// counts the totals anew.
    pub fn update(&mut self, update: Grade) {
        for task in update.tasks {
            if let Some(slot) = self
                .tasks
                .iter_mut()
                .find(|slot| slot.number == task.number)
            {
                *slot = task;
            }
        }
        self.count_totals();
    }

    /// `score`, `max_score`, `bonus` and `max_bonus` from the tasks.
    fn count_totals(&mut self) {
        let tasks = &self.tasks;
        self.score = tasks.iter().map(|task| task.points).sum();
        self.max_score = tasks.iter().map(|task| task.max_points).sum();
        self.bonus = tasks.iter().map(|task| task.bonus_points).sum();
        self.max_bonus = tasks.iter().map(|task| task.max_bonus_points).sum();
    }

    /// The grade as students may see it now: only the tests whose
    /// visibility is `visible`, each task recounted from them, and a task
    /// with none left out. What a platform shows before grades are
    /// published must neither name nor count the other tests.
    pub fn visible_part(&self, lang: Lang) -> Grade {
        let mut grade = self.clone();
        grade.tasks.retain_mut(|task| {
            if task.tests.iter().all(|test| test.visibility.is_visible()) {
                return true;
            }
            task.tests.retain(|test| test.visibility.is_visible());
            task.recount(lang);
            !task.tests.is_empty()
        });
        grade.count_totals();
        grade
    }

    /// Whether every task of the course was graded and passed (bonus
    /// warm-ups aside).
    pub fn complete(&self) -> bool {
        !self.partial
            && self
                .tasks
                .iter()
                .filter(|task| !task.bonus)
                .all(|task| task.status == TaskStatus::Passed)
    }
}

/// Judges the runs of `tasks` (as [`crate::run::run`] returns them) and
/// writes paths relative to `repo`.
pub fn judge(
    manifest: &Manifest,
    tasks: &[&Task],
    runs: Vec<Vec<TestRun>>,
    crates_root: &Path,
    repo: &Path,
    timings: Timings,
    lang: Lang,
) -> Grade {
    let graded = paths::display(crates_root, repo);
    let tasks: Vec<TaskGrade> = tasks
        .iter()
        .zip(runs)
        .map(|(task, runs)| judge_task(task, runs, &graded, repo, lang))
        .collect();
    let mut grade = Grade {
        schema_version: SCHEMA_VERSION,
        title: manifest.title.clone(),
        student: None,
        graded,
        commit: None,
        score: 0,
        max_score: 0,
        bonus: 0,
        max_bonus: 0,
        partial: tasks.len() < manifest.tasks.len(),
        sandbox: Protections::default(),
        timings,
        graded_later: manifest.graded_later,
        upload_note: None,
        tasks,
    };
    grade.count_totals();
    grade
}

fn judge_task(task: &Task, runs: Vec<TestRun>, graded: &str, repo: &Path, lang: Lang) -> TaskGrade {
    let mut compile_error = None;
    let mut tests: Vec<TestGrade> = task
        .tests
        .iter()
        .zip(runs)
        .map(|(spec, run)| {
            if let TestOutcome::NotCompiled { error } = &run.outcome {
                compile_error.get_or_insert_with(|| error.clone());
            }
            let mut test = judge_test(spec, run, repo, lang);
            test.bonus = task.is_bonus(spec);
            test
        })
        .collect();

    // Where the rest of the task compiled (a bonus crate or one suite file
    // did not), the compiler's error is the test's own message: the task
    // has none to show it in.
    let all_unbuilt = tests
        .iter()
        .filter(|test| task.bonus || !test.bonus)
        .all(|test| test.status == TestStatus::NotCompiled);
    if !all_unbuilt && let Some(error) = &compile_error {
        for test in tests
            .iter_mut()
            .filter(|test| test.status == TestStatus::NotCompiled)
        {
            test.message = Some(error.clone());
        }
    }
    let mut graded = TaskGrade {
        number: task.number,
        slug: task.slug.clone(),
        title: task.title.clone(),
        bonus: task.bonus,
        status: TaskStatus::NotStarted,
        points: 0,
        max_points: 0,
        bonus_points: 0,
        max_bonus_points: 0,
        tests_passed: 0,
        tests_total: 0,
        file: format!("{graded}/{}/{}", task.dir, task.edit),
        message: compile_error,
        location: None,
        summed_test_secs: tests.iter().map(|test| test.duration_secs).sum(),
        ignored_files: Vec::new(),
        tests,
        first_hint: task.hints.first().map(|hint| hint.get(lang).to_owned()),
    };
    graded.recount(lang);
    graded
}

fn judge_test(spec: &TestSpec, run: TestRun, repo: &Path, lang: Lang) -> TestGrade {
    let text = lang.text();
    let relative = |text: &str| paths::relative_to(text, repo);
    let (status, message, location) = match run.outcome {
        TestOutcome::Passed => (TestStatus::Passed, None, None),
        TestOutcome::Failed {
            message,
            message_ru,
            location,
            unimplemented,
        } => (
            if unimplemented {
                TestStatus::NotStarted
            } else {
                TestStatus::Failed
            },
            Some(relative(match (lang, &message_ru) {
                (Lang::Ru, Some(russian)) => russian,
                _ => &message,
            })),
            location.map(|at| relative(&at)),
        ),
        TestOutcome::Crashed { ending } => (
            TestStatus::Failed,
            Some(fill(
                text.verdict_crashed,
                &[("ending", &describe_ending(&ending, text))],
            )),
            None,
        ),
        TestOutcome::OutOfMemory => (
            TestStatus::Failed,
            Some(fill(
                text.verdict_out_of_memory,
                &[(
                    "limit",
                    &format!("{} GiB", crate::sandbox::MEMORY_LIMIT_BYTES >> 30),
                )],
            )),
            None,
        ),
        TestOutcome::TimedOut { limit } => (
            TestStatus::TimedOut,
            Some(fill(text.verdict_timed_out, &[("limit", &seconds(limit))])),
            None,
        ),
        TestOutcome::NotCompiled { .. } => (
            TestStatus::NotCompiled,
            Some(text.verdict_does_not_compile.to_owned()),
            None,
        ),
        TestOutcome::Skipped { task_limit } => (
            TestStatus::TimedOut,
            Some(fill(
                text.verdict_skipped,
                &[("limit", &seconds(task_limit))],
            )),
            None,
        ),
    };
    let output = (status != TestStatus::Passed)
        .then(|| printed(&run.stdout, &run.stderr))
        .flatten()
        .map(|text| relative(&text));
    TestGrade {
        name: spec.name.clone(),
        bonus: spec.bonus,
        points: if status == TestStatus::Passed {
            spec.points
        } else {
            0
        },
        max_points: spec.points,
        status,
        message,
        location,
        about: spec.about.as_ref().map(|about| about.get(lang).to_owned()),
        checks: spec.checks.clone(),
        visibility: spec.visibility,
        output,
        duration_secs: run.duration.as_secs_f64(),
    }
}

/// What a test printed, labelled by stream, with a note where it was cut.
fn printed(stdout: &Captured, stderr: &Captured) -> Option<String> {
    let mut text = String::new();
    for (label, captured) in [("stdout", stdout), ("stderr", stderr)] {
        if captured.text.is_empty() && captured.omitted_bytes == 0 {
            continue;
        }
        text.push_str(&format!("--- {label} ---\n{}", captured.text));
        if !captured.text.ends_with('\n') {
            text.push('\n');
        }
        if captured.omitted_bytes > 0 {
            text.push_str(&format!(
                "[... {} more bytes not kept]\n",
                captured.omitted_bytes
            ));
        }
    }
    (!text.is_empty()).then_some(text)
}

/// How a process ended, in words.
fn describe_ending(ending: &Ending, text: &Text) -> String {
    match ending {
        Ending::TimedOut => text.ending_timed_out.to_owned(),
        Ending::Exited(status) => match (status.code(), signal_of(status)) {
            (Some(code), _) => fill(text.ending_exited, &[("code", &code)]),
            (None, Some(6)) => text.ending_aborted.to_owned(),
            (None, Some(9)) => text.ending_killed.to_owned(),
            (None, Some(11)) => text.ending_segfault.to_owned(),
            (None, Some(25)) => fill(
                text.ending_file_too_large,
                &[(
                    "limit",
                    &format!("{} MiB", crate::sandbox::FILE_SIZE_LIMIT_BYTES >> 20),
                )],
            ),
            (None, signal) => fill(
                text.ending_signal,
                &[("signal", &signal.unwrap_or_default())],
            ),
        },
    }
}

/// The signal that ended a process, where there are signals.
#[cfg(unix)]
fn signal_of(status: &std::process::ExitStatus) -> Option<i32> {
    std::os::unix::process::ExitStatusExt::signal(status)
}

/// Windows has no signals: every ending has an exit code.
#[cfg(not(unix))]
fn signal_of(_status: &std::process::ExitStatus) -> Option<i32> {
    None
}

fn seconds(duration: Duration) -> String {
    format!("{} s", duration.as_secs_f64())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(outcome: TestOutcome) -> TestRun {
        TestRun {
            outcome,
            duration: Duration::from_millis(5),
            stdout: Captured::default(),
            stderr: Captured::default(),
        }
    }

    fn failed(unimplemented: bool) -> TestOutcome {
        TestOutcome::Failed {
            message: "not yet implemented: run_all".into(),
            message_ru: None,
            location: Some("/repo/exercises/01/src/lib.rs:9".into()),
            unimplemented,
        }
    }

    fn spec() -> TestSpec {
        TestSpec {
            name: "t".into(),
            points: 3,
            timeout_secs: None,
            timing: false,
            about: None,
            bonus: false,
            visibility: Default::default(),
            checks: Vec::new(),
        }
    }

    fn judged(outcome: TestOutcome) -> TestGrade {
        judge_test(&spec(), run(outcome), Path::new("/repo"), Lang::En)
    }

    #[test]
    fn only_a_recorded_pass_earns_points() {
        assert_eq!(judged(TestOutcome::Passed).points, 3);
        for outcome in [
            failed(false),
            TestOutcome::TimedOut {
                limit: Duration::from_secs(1),
            },
            TestOutcome::NotCompiled { error: "e".into() },
            TestOutcome::Skipped {
                task_limit: Duration::from_secs(1),
            },
        ] {
            assert_eq!(judged(outcome.clone()).points, 0, "{outcome:?}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn an_exit_mid_test_is_a_failure_that_says_so() {
        use std::os::unix::process::ExitStatusExt as _;
        let outcome = TestOutcome::Crashed {
            ending: crate::run::Ending::Exited(std::process::ExitStatus::from_raw(0)),
        };
        let grade = judged(outcome.clone());
        assert_eq!(grade.status, TestStatus::Failed);
        assert!(grade.message.unwrap().contains("exited with status 0"));
        let russian = judge_test(&spec(), run(outcome), Path::new("/repo"), Lang::Ru);
        assert!(russian.message.unwrap().contains("завершился с кодом 0"));
    }

    #[test]
    fn todo_means_not_started_and_points_at_the_stub() {
        let grade = judged(failed(true));
        assert_eq!(grade.status, TestStatus::NotStarted);
        assert_eq!(grade.location.as_deref(), Some("exercises/01/src/lib.rs:9"));
    }

    fn task_grade(number: u32, points: u32, bonus_points: u32) -> TaskGrade {
        TaskGrade {
            number,
            slug: format!("t{number}"),
            title: String::new(),
            bonus: false,
            status: if points == 25 {
                TaskStatus::Passed
            } else {
                TaskStatus::Failing
            },
            points,
            max_points: 25,
            bonus_points,
            max_bonus_points: 5,
            tests_passed: 0,
            tests_total: 0,
            file: String::new(),
            message: None,
            location: None,
            summed_test_secs: 0.0,
            ignored_files: Vec::new(),
            tests: Vec::new(),
            first_hint: None,
        }
    }

    #[test]
    fn a_missing_task_loses_everything_and_says_which_folder() {
        let mut task = task_grade(3, 25, 5);
        task.file = "/tmp/student/03-req/src/lib.rs".into();
        task.tests = vec![judged(TestOutcome::Passed)];
        task.mark_missing(Lang::En);
        assert_eq!(task.status, TaskStatus::Missing);
        assert_eq!(
            (task.points, task.bonus_points, task.tests_passed),
            (0, 0, 0)
        );
        assert_eq!(
            task.message.as_deref(),
            Some("not handed in: the submission has no folder /tmp/student/03-req")
        );
        assert_eq!(task.tests[0].status, TestStatus::Missing);
        assert_eq!(task.tests[0].points, 0);
    }

    #[test]
    fn paths_of_copies_are_replaced_everywhere_a_student_reads() {
        let mut task = task_grade(1, 0, 0);
        let copy = "target/grading/submissions/x";
        task.message = Some(format!("error at {copy}/01/src/lib.rs:3"));
        task.location = Some(format!("{copy}/01/src/lib.rs:3"));
        let mut test = judged(failed(false));
        test.output = Some(format!("panicked at {copy}/01/src/lib.rs:3"));
        test.location = task.location.clone();
        task.tests = vec![test];
        let mut grade = grade_of(vec![task]);
        grade.replace_in_messages(copy, "/home/student");
        let task = &grade.tasks[0];
        let texts = [
            task.message.as_deref(),
            task.location.as_deref(),
            task.tests[0].location.as_deref(),
            task.tests[0].output.as_deref(),
        ];
        for text in texts {
            let text = text.unwrap();
            assert!(text.contains("/home/student/01/src/lib.rs:3"), "{text}");
            assert!(!text.contains(copy), "{text}");
        }
    }

    fn grade_of(tasks: Vec<TaskGrade>) -> Grade {
        let mut grade = Grade {
            schema_version: SCHEMA_VERSION,
            title: String::new(),
            student: None,
            graded: String::new(),
            commit: None,
            score: 0,
            max_score: 0,
            bonus: 0,
            max_bonus: 0,
            partial: false,
            sandbox: Protections::default(),
            timings: Timings::default(),
            graded_later: None,
            upload_note: None,
            tasks,
        };
        grade.count_totals();
        grade
    }

    #[test]
    fn an_update_replaces_tasks_by_number_and_recounts_score_and_bonus() {
        let mut grade = grade_of(vec![
            task_grade(1, 25, 0),
            task_grade(2, 0, 0),
            task_grade(3, 10, 0),
        ]);
        assert_eq!(
            (grade.score, grade.max_score, grade.max_bonus),
            (35, 75, 15)
        );
        grade.update(grade_of(vec![task_grade(3, 25, 0), task_grade(2, 20, 5)]));
        let numbers: Vec<u32> = grade.tasks.iter().map(|task| task.number).collect();
        assert_eq!(numbers, [1, 2, 3], "tasks keep their places");
        let points: Vec<u32> = grade.tasks.iter().map(|task| task.points).collect();
        assert_eq!(points, [25, 20, 25]);
        assert_eq!((grade.score, grade.bonus), (70, 5));
        grade.update(grade_of(vec![task_grade(2, 20, 0)]));
        assert_eq!(
            (grade.score, grade.bonus),
            (70, 0),
            "a lost bonus is counted too"
        );
    }

    /// Task 7 with `tests`.
    fn task_seven(tests: Vec<TestSpec>) -> Task {
        Task {
            number: 7,
            slug: "seven".into(),
            title: "Seven".into(),
            dir: "07-seven".into(),
            lib: "seven".into(),
            edit: "src/lib.rs".into(),
            bonus_files: Vec::new(),
            hints: Vec::new(),
            bonus: false,
            tests,
        }
    }

    /// A task of three required tests worth 1, 2 and 4 points and a bonus
    /// test worth 8, judged on `outcomes` (in that order).
    fn judged_task(outcomes: [TestOutcome; 4], lang: Lang) -> TaskGrade {
        let spec = |name: &str, points, bonus| TestSpec {
            name: name.into(),
            points,
            timeout_secs: None,
            timing: false,
            about: None,
            bonus,
            visibility: Default::default(),
            checks: Vec::new(),
        };
        let task = task_seven(vec![
            spec("one", 1, false),
            spec("two", 2, false),
            spec("four", 4, false),
            spec("eight", 8, true),
        ]);
        let runs = outcomes.into_iter().map(run).collect();
        judge_task(&task, runs, "exercises", Path::new("/repo"), lang)
    }

    /// A warm-up (a bonus task): every point is bonus, every test decides
    /// its status, and the course is complete without it.
    #[test]
    fn a_bonus_task_counts_only_as_bonus_and_its_tests_decide_its_status() {
        let spec = |name: &str, points| TestSpec {
            name: name.into(),
            points,
            timeout_secs: None,
            timing: false,
            about: None,
            bonus: false,
            visibility: Default::default(),
            checks: Vec::new(),
        };
        let mut warm_up = task_seven(vec![spec("one", 1), spec("two", 2)]);
        warm_up.bonus = true;
        assert_eq!((warm_up.max_points(), warm_up.max_bonus_points()), (0, 3));
        let graded = |outcomes: [TestOutcome; 2]| {
            let runs = outcomes.into_iter().map(run).collect();
            judge_task(
                &warm_up,
                runs,
                "exercises",
                Path::new("/work/repo"),
                Lang::En,
            )
        };

        let half = graded([TestOutcome::Passed, failure("no")]);
        assert_eq!(half.status, TaskStatus::Failing);
        assert_eq!((half.points, half.bonus_points), (0, 1));
        assert_eq!((half.tests_passed, half.tests_total), (1, 2));
        assert!(half.tests.iter().all(|test| test.bonus));

        let done = graded([TestOutcome::Passed, TestOutcome::Passed]);
        assert_eq!(done.status, TaskStatus::Passed);
        assert_eq!((done.points, done.bonus_points), (0, 3));

        // The lecture's tasks pass, the warm-up does not: still complete.
        let mut course = grade_of(vec![half, task_grade(1, 25, 0)]);
        course.tasks[0].bonus = true;
        assert!(course.complete());
        course.tasks[0].bonus = false;
        assert!(!course.complete());
    }

    fn failure(message: &str) -> TestOutcome {
        TestOutcome::Failed {
            message: message.into(),
            message_ru: Some(format!("ru: {message}")),
            location: Some("/repo/exercises/07-seven/src/lib.rs:3".into()),
            unimplemented: false,
        }
    }

    fn not_compiled() -> TestOutcome {
        TestOutcome::NotCompiled {
            error: "error[E0308]: mismatched types".into(),
        }
    }

    #[test]
    fn a_task_passes_on_its_required_tests_and_the_bonus_counts_apart() {
        use TestOutcome::Passed as P;
        let task = judged_task([P, P, P, failure("no bonus")], Lang::En);
        assert_eq!(task.status, TaskStatus::Passed);
        assert_eq!((task.points, task.max_points), (7, 7));
        assert_eq!((task.bonus_points, task.max_bonus_points), (0, 8));
        assert_eq!((task.tests_passed, task.tests_total), (3, 3));
        assert_eq!((task.message, task.location), (None, None));
        assert_eq!(task.file, "exercises/07-seven/src/lib.rs");
        assert!(
            (task.summed_test_secs - 0.020).abs() < 1e-9,
            "four tests of 5 ms"
        );

        let task = judged_task([P, P, P, P], Lang::En);
        assert_eq!((task.points, task.bonus_points), (7, 8));
    }

    #[test]
    fn a_task_fails_on_its_first_failing_test_with_its_name_and_place() {
        use TestOutcome::Passed as P;
        let task = judged_task([P, failure("wrong"), failure("later"), P], Lang::En);
        assert_eq!(task.status, TaskStatus::Failing);
        assert_eq!((task.points, task.bonus_points), (1, 8));
        assert_eq!(task.tests_passed, 1);
        assert_eq!(task.message.as_deref(), Some("two: wrong"));
        assert_eq!(
            task.location.as_deref(),
            Some("exercises/07-seven/src/lib.rs:3")
        );
        let russian = judged_task([P, failure("wrong"), P, P], Lang::Ru);
        assert_eq!(russian.message.as_deref(), Some("two: ru: wrong"));
        // A crash has no message of its own: the task says which test failed.
        let crashed = TestOutcome::TimedOut {
            limit: Duration::from_secs(2),
        };
        let task = judged_task([P, P, crashed, P], Lang::En);
        assert!(
            task.message.as_deref().unwrap().starts_with("four: "),
            "{:?}",
            task.message
        );
    }

    #[test]
    fn a_task_is_not_started_only_while_every_required_test_hits_todo() {
        let todo = || failed(true);
        let task = judged_task([todo(), todo(), todo(), TestOutcome::Passed], Lang::En);
        assert_eq!(task.status, TaskStatus::NotStarted);
        assert_eq!(
            task.message.as_deref(),
            Some("not yet implemented: run_all")
        );
        assert_eq!(task.location.as_deref(), Some("exercises/01/src/lib.rs:9"));

        let task = judged_task([todo(), TestOutcome::Passed, todo(), todo()], Lang::En);
        assert_eq!(task.status, TaskStatus::Failing);
        // The first unpassed test is todo!(): its message is shown as it is.
        assert_eq!(
            task.message.as_deref(),
            Some("not yet implemented: run_all")
        );
    }

    #[test]
    fn a_task_does_not_compile_only_when_no_required_test_could_run() {
        let task = judged_task(
            [
                not_compiled(),
                not_compiled(),
                not_compiled(),
                TestOutcome::Passed,
            ],
            Lang::En,
        );
        assert_eq!(task.status, TaskStatus::NotCompiled);
        assert_eq!(task.points, 0);
        assert_eq!(
            task.message.as_deref(),
            Some("error[E0308]: mismatched types")
        );
        assert_eq!(task.location, None);

        let task = judged_task(
            [
                not_compiled(),
                TestOutcome::Passed,
                not_compiled(),
                not_compiled(),
            ],
            Lang::En,
        );
        assert_eq!(task.status, TaskStatus::Failing);
    }

    #[test]
    fn a_grading_of_some_tasks_is_partial_and_counts_only_them() {
        let task = task_seven(vec![spec()]);
        let mut other = task.clone();
        other.number = 8;
        let manifest = Manifest {
            suites_dir: "/suites".into(),
            title: "course".into(),
            limits: crate::manifest::Limits {
                test_timeout: Duration::from_secs(1),
                task_timeout: Duration::from_secs(1),
            },
            dependencies: toml::Table::new(),
            graded_later: None,
            tasks: vec![task.clone(), other.clone()],
        };
        let judge_these = |tasks: &[&Task]| {
            let runs = tasks
                .iter()
                .map(|_| vec![run(TestOutcome::Passed)])
                .collect();
            let root = Path::new("/repo/exercises");
            judge(
                &manifest,
                tasks,
                runs,
                root,
                Path::new("/repo"),
                Timings::default(),
                Lang::En,
            )
        };
        let one = judge_these(&[&task]);
        assert!(one.partial);
        assert_eq!((one.score, one.max_score), (3, 3));
        assert_eq!(one.graded, "exercises");
        let both = judge_these(&[&task, &other]);
        assert!(!both.partial);
        assert_eq!((both.score, both.max_score), (6, 6));
    }

    #[test]
    fn a_grade_is_complete_only_when_every_task_of_the_course_passed() {
        let passed = grade_of(vec![task_grade(1, 25, 0), task_grade(2, 25, 0)]);
        assert!(passed.complete());
        let failing = grade_of(vec![task_grade(1, 25, 0), task_grade(2, 20, 0)]);
        assert!(!failing.complete());
        let mut partial = passed.clone();
        partial.partial = true;
        assert!(!partial.complete(), "one task passing is not the course");
    }

    #[test]
    fn only_failures_show_what_was_printed() {
        let printed = |outcome| {
            let mut run = run(outcome);
            run.stdout.text = "hello\n".into();
            judge_test(&spec(), run, Path::new("/repo"), Lang::En).output
        };
        assert_eq!(printed(TestOutcome::Passed), None);
        assert_eq!(
            printed(failed(false)).as_deref(),
            Some("--- stdout ---\nhello\n")
        );
    }

    #[test]
    fn time_limits_are_said_in_seconds() {
        let grade = judged(TestOutcome::TimedOut {
            limit: Duration::from_millis(2500),
        });
        assert_eq!(grade.status, TestStatus::TimedOut);
        assert!(grade.message.unwrap().contains("2.5 s"));
        let skipped = judged(TestOutcome::Skipped {
            task_limit: Duration::from_secs(60),
        });
        assert_eq!(skipped.status, TestStatus::TimedOut);
        assert!(skipped.message.unwrap().contains("their 60 s already"));
    }

    #[cfg(unix)]
    #[test]
    fn signals_are_named() {
        use std::os::unix::process::ExitStatusExt as _;
        let ended = |raw| {
            let outcome = TestOutcome::Crashed {
                ending: crate::run::Ending::Exited(std::process::ExitStatus::from_raw(raw)),
            };
            judged(outcome).message.unwrap()
        };
        assert!(ended(6).contains("aborted (SIGABRT)"));
        assert!(ended(9).contains("killed (SIGKILL)"));
        assert!(ended(11).contains("crashed (SIGSEGV)"));
        assert!(ended(15).contains("15"), "{}", ended(15));
        assert!(ended(3 << 8).contains("exited with status 3"));
    }

    #[test]
    fn cut_output_carries_a_note() {
        let stdout = Captured {
            text: "x".repeat(10),
            omitted_bytes: 90,
        };
        let text = printed(&stdout, &Captured::default()).unwrap();
        assert!(text.starts_with("--- stdout ---\nxxxxxxxxxx\n"));
        assert!(text.contains("90 more bytes"));
        assert!(printed(&Captured::default(), &Captured::default()).is_none());
        // Nothing kept, but something dropped: the note alone still shows.
        let dropped = Captured {
            text: String::new(),
            omitted_bytes: 5,
        };
        let text = printed(&Captured::default(), &dropped).unwrap();
        assert_eq!(text, "--- stderr ---\n\n[... 5 more bytes not kept]\n");
        // A stream that was kept whole carries no note.
        let whole = Captured {
            text: "all\n".into(),
            omitted_bytes: 0,
        };
        assert_eq!(
            printed(&whole, &Captured::default()).unwrap(),
            "--- stdout ---\nall\n"
        );
    }
}
