//! Running the built suites: every graded test in a process of its own, a few
//! at a time, each within its time limit and its task's.
//!
//! A process per test is what makes a verdict trustworthy: a test that hangs
//! is killed without stalling the others, one that exits or aborts the
//! process takes only itself down, and nothing a test does leaks into the next.
//! A timing test that fails among others is run again once the other tasks'
//! tests have ended, so one task's load costs no other task its points.

mod concurrency;
mod declared;
mod environment;
mod history;
mod load;
mod process;

use std::{
    collections::HashMap,
    path::{Path, PathBuf},
    sync::Mutex,
    time::{Duration, Instant},
};

use anyhow::{Context as _, bail};
use grading_protocol::{Action, Answer, Outcome};

pub use concurrency::{TESTS_PER_CPU, test_jobs};
pub use declared::Declared;
pub use history::Durations;
use load::CpuTimes;
pub use process::{Captured, Ending};

use crate::{
    build::TaskBuild,
    manifest::{Manifest, Task},
    sandbox::Sandbox,
};

/// How one graded test went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TestOutcome {
    /// The harness recorded a pass.
    Passed,
    /// The harness recorded a failure (a panic in the test or the code).
    Failed {
        message: String,
        /// The message in Russian, when the suite gave one.
        message_ru: Option<String>,
        location: Option<String>,
        /// The panic was `todo!()`: not written yet.
        unimplemented: bool,
    },
    /// The process ran out of memory (the allocator said so, then aborted).
    OutOfMemory,
    /// The process ended without recording anything.
    Crashed { ending: Ending },
    /// The process ran past its limit and was killed.
    TimedOut { limit: Duration },
    /// The suite file holding this test did not compile, or the crate did not.
    NotCompiled { error: String },
    /// Never started: its task's time ran out first.
    Skipped { task_limit: Duration },
}

/// One test's outcome with what it printed.
#[derive(Debug, Clone)]
pub struct TestRun {
    pub outcome: TestOutcome,
    pub duration: Duration,
    pub stdout: Captured,
    pub stderr: Captured,
}

impl TestRun {
    fn without_process(outcome: TestOutcome) -> TestRun {
        TestRun {
            outcome,
            duration: Duration::ZERO,
            stdout: Captured::default(),
            stderr: Captured::default(),
        }
    }
}

/// What earlier runs learned: it makes a run quicker, never its verdicts
/// different.
#[derive(Debug, Default)]
pub struct Memory {
    /// How long each test took last time.
    pub durations: Durations,
    /// Which tests each suite binary declared.
    pub declared: Declared,
}

impl Memory {
    /// How long each test took last time: the longest start first next time.
    const DURATIONS_FILE: &str = "durations.json";
    /// Which tests each suite binary declared: they are not asked again.
    const DECLARED_FILE: &str = "declared.json";

    /// What earlier runs kept in `folder` (the grading folder); what is
    /// missing or unreadable is not known.
    pub fn load(folder: &Path) -> Memory {
        Memory {
            durations: Durations::load(&folder.join(Self::DURATIONS_FILE)),
            declared: Declared::load(&folder.join(Self::DECLARED_FILE)),
        }
    }

    /// Keeps it in `folder` for the next run. A file that cannot be written
    /// is only a slower next run, so failures are ignored.
    pub fn save(&self, folder: &Path) {
        let _ = self.durations.save(&folder.join(Self::DURATIONS_FILE));
        let _ = self.declared.save(&folder.join(Self::DECLARED_FILE));
    }
}

/// What a suite binary declares, or, where it could not say, how its
/// process ended.
type Listing = Result<Vec<String>, Ending>;

/// One test to run.
struct Job {
    task: usize,
    test: usize,
    binary: PathBuf,
    name: String,
    timeout: Duration,
    /// Its verdict reads a clock: a failure among others is run again after
    /// them.
    timing: bool,
}

/// Runs the graded tests of `tasks`, whose suites `builds` holds, with at
/// most `jobs` processes at once. The result is indexed like `tasks` and,
/// within a task, like its manifest tests.
///
/// `progress` hears of each test as it finishes: (finished, to run).
/// `memory` says how long each test took last time (the longest start
/// first) and what each suite binary declared (it is not asked again); what
/// this run learns is added to it.
///
/// An error means the suites and the manifest disagree (the instructor's
/// to fix) or a process could not be started at all.
pub fn run(
    manifest: &Manifest,
    tasks: &[&Task],
    builds: &[TaskBuild],
    sandbox: &Sandbox,
    jobs: usize,
    memory: &mut Memory,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> anyhow::Result<Vec<Vec<TestRun>>> {
    run_reading(
        manifest,
        tasks,
        builds,
        sandbox,
        jobs,
        memory,
        progress,
        &CpuTimes::now,
    )
}

/// [`run`], reading the machine's CPU times with `cpu_times` (which a test
/// replaces to say how busy the machine was).
#[allow(clippy::too_many_arguments)] // run's, and the one a test replaces
fn run_reading(
    manifest: &Manifest,
    tasks: &[&Task],
    builds: &[TaskBuild],
    sandbox: &Sandbox,
    jobs: usize,
    memory: &mut Memory,
    progress: &(dyn Fn(usize, usize) + Sync),
    cpu_times: &(dyn Fn() -> Option<CpuTimes> + Sync),
) -> anyhow::Result<Vec<Vec<TestRun>>> {
    let folders = Folders::new(sandbox)?;
    // Remembered answers are used (and kept) only where neither a student's
    // build nor its tests can write them, as with reused builds: in a
    // class's batch, one student's code must not route the next one's tests.
    let mut unkept = Declared::default();
    let declared = if sandbox.protections.files && sandbox.protections.build {
        &mut memory.declared
    } else {
        &mut unkept
    };
    let listings = list_tests(builds, &folders, declared)?;
    for (build, listed) in builds.iter().zip(&listings) {
        let Some(key) = &build.suites_key else {
            continue;
        };
        for (binary, listing) in build.binaries.iter().zip(listed) {
            if let Ok(names) = listing {
                declared.record(key, &binary.name, names);
            }
        }
    }

    let mut results: Vec<Vec<Option<TestRun>>> = tasks
        .iter()
        .map(|task| vec![None; task.tests.len()])
        .collect();
    let mut queue = Vec::new();
    for (task_index, ((task, build), listed)) in tasks.iter().zip(builds).zip(listings).enumerate()
    {
        let (located, unavailable) = locate_tests(task, build, listed)?;
        for (test_index, spec) in task.tests.iter().enumerate() {
            match located.get(&spec.name) {
                Some(binary) => queue.push(Job {
                    task: task_index,
                    test: test_index,
                    binary: binary.clone(),
                    name: spec.name.clone(),
                    timeout: manifest.test_timeout(spec),
                    timing: spec.timing,
                }),
                None => {
                    let refusal = build.refusals.iter().find(|r| r.test == spec.name);
                    let outcome = match (refusal, &build.compile_error, &unavailable) {
                        // Decided by the compiler alone: a compile-fail test.
                        (Some(refusal), _, _) => match &refusal.failure {
                            None => TestOutcome::Passed,
                            Some((message, message_ru)) => TestOutcome::Failed {
                                message: message.clone(),
                                message_ru: Some(message_ru.clone()),
                                location: None,
                                unimplemented: false,
                            },
                        },
                        (None, Some(error), _) => TestOutcome::NotCompiled {
                            error: error.clone(),
                        },
                        // Its suite binary died before it could even list
                        // its tests (student code run at load time, say).
                        (None, None, Some(ending)) => TestOutcome::Crashed {
                            ending: ending.clone(),
                        },
                        (None, None, None) => bail!(
                            "{}: task {} lists the test `{}`, but no suite file in {} declares it (nor is it a compile-fail file, probe/refused/<test>.rs)",
                            crate::manifest::FILE_NAME,
                            task.number,
                            spec.name,
                            task.suite_dir(manifest).display()
                        ),
                    };
                    results[task_index][test_index] = Some(TestRun::without_process(outcome));
                }
            }
        }
    }

    history::longest_first(&mut queue, |job| {
        memory.durations.of(tasks[job.task].number, &job.name)
    });
    let had_company = jobs > 1 && queue.len() > 1;
    // When each task's first test started: its time limit counts from there,
    // for the second runs too.
    let task_started = Mutex::new(vec![None; tasks.len()]);
    let clocks = Clocks {
        task_started: &task_started,
        task_limit: manifest.limits.task_timeout,
        cpu_times,
    };
    // Per task, its timing tests to run again.
    let mut again: Vec<Vec<Job>> = tasks.iter().map(|_| Vec::new()).collect();
    for ran in execute(queue, clocks, jobs, &folders, progress)? {
        let run_again = had_company && ran.may_be_loads_doing();
        results[ran.job.task][ran.job.test] = Some(ran.run);
        if run_again {
            again[ran.job.task].push(ran.job);
        }
    }
    // Once everything else has ended, task by task: the load of the other
    // tasks' tests is gone, and what is left is the task's own. A task's
    // second runs go together: they judge one student's one task, and one
    // after another they would add up to seconds.
    for quiet in again.into_iter().filter(|quiet| !quiet.is_empty()) {
        for ran in execute(quiet, clocks, jobs, &folders, &|_, _| {})? {
            if !matches!(ran.run.outcome, TestOutcome::Skipped { .. }) {
                results[ran.job.task][ran.job.test] = Some(ran.run);
            }
        }
    }
    Ok(results
        .into_iter()
        .map(|runs| {
            runs.into_iter()
                .map(|run| run.expect("every test is filled in"))
                .collect()
        })
        .collect())
}

/// The temporary folder of one run, removed when it ends (or when the
/// checker is interrupted), and the sandbox its tests run in.
struct Folders<'a> {
    records: tempfile::TempDir,
    sandbox: &'a Sandbox,
    _removed_on_interrupt: crate::interrupt::FolderGuard,
}

impl Folders<'_> {
    fn new(sandbox: &Sandbox) -> anyhow::Result<Folders<'_>> {
        let records = process::searchable_folder()
            .prefix("checker-")
            .tempdir()
            .context("cannot create a temporary folder")?;
        let folders = Folders {
            _removed_on_interrupt: crate::interrupt::FolderGuard::new(records.path()),
            records,
            sandbox,
        };
        process::ensure_writable(folders.records.path())?;
        Ok(folders)
    }

    fn invocation<'a>(
        &'a self,
        binary: &'a std::path::Path,
        action: Action,
        timeout: Duration,
    ) -> process::Invocation<'a> {
        process::Invocation {
            binary,
            action,
            timeout,
            records: self.records.path(),
            sandbox: self.sandbox,
        }
    }
}

/// Asks every suite binary of every task for its tests, all at once (each
/// answer is a process start: ~10 ms, 50 ms for all tasks on 2 cores),
/// except those whose answer `declared` remembers. Returns, per task's build
/// and per binary, what it declares.
fn list_tests(
    builds: &[TaskBuild],
    folders: &Folders,
    declared: &Declared,
) -> anyhow::Result<Vec<Vec<Listing>>> {
    std::thread::scope(|scope| {
        let handles: Vec<Vec<_>> = builds
            .iter()
            .map(|build| {
                build
                    .binaries
                    .iter()
                    .map(|binary| {
                        let remembered = build
                            .suites_key
                            .as_deref()
                            .and_then(|key| declared.of(key, &binary.name));
                        match remembered {
                            Some(names) => Asked::Remembered(names.to_vec()),
                            None => Asked::Asking(scope.spawn(|| ask_for_tests(binary, folders))),
                        }
                    })
                    .collect()
            })
            .collect();
        handles
            .into_iter()
            .map(|task| {
                task.into_iter()
                    .map(|asked| match asked {
                        Asked::Remembered(names) => Ok(Ok(names)),
                        Asked::Asking(handle) => handle.join().expect("a listing thread panicked"),
                    })
                    .collect()
            })
            .collect()
    })
}

/// A binary's tests: remembered, or being asked in a thread.
enum Asked<'scope> {
    Remembered(Vec<String>),
    Asking(std::thread::ScopedJoinHandle<'scope, anyhow::Result<Listing>>),
}

/// Starts `binary` to ask which tests it declares.
fn ask_for_tests(binary: &crate::build::SuiteBinary, folders: &Folders) -> anyhow::Result<Listing> {
    let listed =
        process::invoke(&folders.invocation(&binary.path, Action::List, Duration::from_secs(30)))?;
    Ok(match listed.record.map(|record| record.answer) {
        Some(Answer::Tests { names }) => Ok(names),
        _ => Err(listed.ending),
    })
}

/// Where each of a task's tests lives, from what its suite binaries
/// answered (`listed`, one per binary), and, if a binary could not answer,
/// how it ended.
fn locate_tests(
    task: &Task,
    build: &TaskBuild,
    listed: Vec<Listing>,
) -> anyhow::Result<(HashMap<String, PathBuf>, Option<Ending>)> {
    let mut located = HashMap::new();
    let mut unavailable = None;
    for (binary, listed) in build.binaries.iter().zip(listed) {
        let names = match listed {
            Ok(names) => names,
            Err(ending) => {
                unavailable = Some(ending);
                continue;
            }
        };
        for name in names {
            if !task.tests.iter().any(|spec| spec.name == name) {
                bail!(
                    "the suite file `{}.rs` of task {} declares the test `{name}`, which {} does not list: give it points there",
                    binary.name,
                    task.number,
                    crate::manifest::FILE_NAME
                );
            }
            located.insert(name, binary.path.clone());
        }
    }
    Ok((located, unavailable))
}

/// The share of the machine's CPU time that must have been busy while a
/// timing test failed for load to be a suspect. Below it a CPU sat idle for
/// most of the run, ready for the test's every wake-up: the failure is the
/// code's own, and a second run would only make a student wait longer.
const BUSY_SHARE: f64 = 0.5;

/// A test that ran, and how busy the machine was meanwhile.
struct Ran {
    job: Job,
    run: TestRun,
    /// The share of CPU time busy during the run of a timing test, where it
    /// can be read (no other test needs it).
    machine_busy: Option<f64>,
}

impl Ran {
    /// Whether its failure may be the load's doing: a timing test, which
    /// itself judged
    /// it (not `todo!()`, no judgement; not a time-out or a crash, which a
    /// second run would not change, only cost their limit again), on a
    /// machine busy for most of the run (or where that cannot be read).
    fn may_be_loads_doing(&self) -> bool {
        let judged = matches!(
            self.run.outcome,
            TestOutcome::Failed {
                unimplemented: false,
                ..
            }
        );
        self.job.timing && judged && self.machine_busy.is_none_or(|share| share >= BUSY_SHARE)
    }
}

/// The clocks a run reads: each task's (when its first test started, and
/// how long the task may run), and the machine's CPU times.
#[derive(Clone, Copy)]
struct Clocks<'a> {
    task_started: &'a Mutex<Vec<Option<Instant>>>,
    task_limit: Duration,
    cpu_times: &'a (dyn Fn() -> Option<CpuTimes> + Sync),
}

impl Clocks<'_> {
    /// What is left of `task`'s time, its clock starting now if it has not.
    fn remaining(&self, task: usize) -> Duration {
        let mut started = self.task_started.lock().expect("task clock lock");
        let since = *started[task].get_or_insert_with(Instant::now);
        self.task_limit.saturating_sub(since.elapsed())
    }
}

/// Runs `queue` on `jobs` worker threads.
fn execute(
    queue: Vec<Job>,
    clocks: Clocks,
    jobs: usize,
    folders: &Folders,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> anyhow::Result<Vec<Ran>> {
    let total = queue.len();
    progress(0, total);
    let queue = Mutex::new(queue.into_iter());
    let finished = Mutex::new(Vec::new());
    let failure: Mutex<Option<anyhow::Error>> = Mutex::new(None);

    std::thread::scope(|scope| {
        for _ in 0..jobs.max(1) {
            scope.spawn(|| {
                loop {
                    let Some(job) = queue.lock().expect("queue lock").next() else {
                        return;
                    };
                    let remaining = clocks.remaining(job.task);
                    // Two reads of /proc/stat, for the tests that need them.
                    let before = job.timing.then(clocks.cpu_times).flatten();
                    let run = if remaining.is_zero() {
                        Ok(TestRun::without_process(TestOutcome::Skipped {
                            task_limit: clocks.task_limit,
                        }))
                    } else {
                        run_one(&job, job.timeout.min(remaining), folders)
                    };
                    let machine_busy = before.and_then(|before| {
                        (clocks.cpu_times)().and_then(|after| after.busy_share_since(&before))
                    });
                    match run {
                        Ok(run) => {
                            let mut finished = finished.lock().expect("results lock");
                            finished.push(Ran {
                                job,
                                run,
                                machine_busy,
                            });
                            progress(finished.len(), total);
                        }
                        Err(error) => {
                            failure.lock().expect("failure lock").get_or_insert(error);
                            return;
                        }
                    }
                }
            });
        }
    });
    match failure.into_inner().expect("failure lock") {
        Some(error) => Err(error),
        None => Ok(finished.into_inner().expect("results lock")),
    }
}

/// Runs one test in its own process and reads its outcome.
fn run_one(job: &Job, limit: Duration, folders: &Folders) -> anyhow::Result<TestRun> {
    let action = Action::Run {
        test: job.name.clone(),
    };
    let finished = process::invoke(&folders.invocation(&job.binary, action, limit))?;
    let mut outcome = outcome_of(finished.record, &finished.ending, &job.name, limit);
    // Rust's allocator says this on stderr before it aborts; the sandbox's
    // memory limit is the usual reason.
    if matches!(outcome, TestOutcome::Crashed { .. })
        && finished.stderr.text.contains("memory allocation of ")
    {
        outcome = TestOutcome::OutOfMemory;
    }
    Ok(TestRun {
        outcome,
        duration: finished.duration,
        stdout: finished.stdout,
        stderr: finished.stderr,
    })
}

/// The outcome of the test `name` from the record its process left (already
/// checked for its token) and how the process ended. A record that answers
/// anything but this test's run — another test's outcome, a list — is no
/// record at all.
fn outcome_of(
    record: Option<grading_protocol::Record>,
    ending: &Ending,
    name: &str,
    limit: Duration,
) -> TestOutcome {
    let recorded = record.and_then(|record| match record.answer {
        Answer::Outcome { test, outcome } if test == name => Some(outcome),
        _ => None,
    });
    match (recorded, ending) {
        (Some(Outcome::Passed), _) => TestOutcome::Passed,
        (
            Some(Outcome::Failed {
                message,
                message_ru,
                location,
                unimplemented,
            }),
            _,
        ) => TestOutcome::Failed {
            message,
            message_ru,
            location,
            unimplemented,
        },
        (None, Ending::TimedOut) => TestOutcome::TimedOut { limit },
        (None, ending) => TestOutcome::Crashed {
            ending: ending.clone(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use grading_protocol::Record;

    const LIMIT: Duration = Duration::from_secs(7);

    fn record(answer: Answer) -> Option<Record> {
        Some(Record {
            token: "t".into(),
            answer,
        })
    }

    fn passed(test: &str) -> Option<Record> {
        record(Answer::Outcome {
            test: test.into(),
            outcome: Outcome::Passed,
        })
    }

    #[cfg(unix)]
    fn exited(code: i32) -> Ending {
        use std::os::unix::process::ExitStatusExt as _;
        Ending::Exited(std::process::ExitStatus::from_raw(code << 8))
    }

    #[cfg(unix)]
    #[test]
    fn only_this_tests_own_outcome_counts() {
        assert_eq!(
            outcome_of(passed("mine"), &exited(0), "mine", LIMIT),
            TestOutcome::Passed
        );
        assert_eq!(
            outcome_of(passed("another"), &exited(0), "mine", LIMIT),
            TestOutcome::Crashed { ending: exited(0) },
            "another test's pass is no pass"
        );
        let list = record(Answer::Tests {
            names: vec!["mine".into()],
        });
        assert_eq!(
            outcome_of(list, &exited(0), "mine", LIMIT),
            TestOutcome::Crashed { ending: exited(0) }
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_recorded_failure_keeps_its_message_and_no_record_is_a_crash() {
        let failed = Outcome::Failed {
            message: "boom".into(),
            message_ru: Some("бум".into()),
            location: Some("src/lib.rs:3".into()),
            unimplemented: false,
        };
        let outcome = outcome_of(
            record(Answer::Outcome {
                test: "mine".into(),
                outcome: failed,
            }),
            &exited(101),
            "mine",
            LIMIT,
        );
        assert!(
            matches!(&outcome, TestOutcome::Failed { message, message_ru: Some(ru), .. } if message == "boom" && ru == "бум"),
            "{outcome:?}"
        );
        assert_eq!(
            outcome_of(None, &exited(3), "mine", LIMIT),
            TestOutcome::Crashed { ending: exited(3) }
        );
    }

    /// A stand-in suite binary: lists what `listed` names, passes `good`,
    /// fails `bad`, never finishes `hangs`, and fails `crowded` the first
    /// time only. A shell script that speaks the protocol.
    #[cfg(unix)]
    fn fake_suite(folder: &std::path::Path, name: &str, listed: &str) -> crate::build::SuiteBinary {
        let path = folder.join(name);
        let answer =
            |answer: &str| format!(r#"printf '{{"token":"%s","answer":{answer}}}' "$token" >&3"#);
        let body = format!(
            r#"#!/bin/sh
read -r line
token=$(printf '%s' "$line" | sed 's/.*"token":"\([0-9a-f]*\)".*/\1/')
case "$line" in
  *'"kind":"list"'*) {list} ;;
  *'"test":"good"'*) {good} ;;
  *'"test":"bad"'*) {bad} ;;
  *'"test":"hangs"'*) exec sleep 30 ;;
  *'"test":"crowded"'*) if [ -e "$0.ran" ]; then {good_crowded}; else : >"$0.ran"; {bad_crowded}; fi ;;
esac
"#,
            list = answer(&format!(r#"{{"kind":"tests","names":[{listed}]}}"#)),
            good = answer(r#"{"kind":"outcome","test":"good","outcome":{"kind":"passed"}}"#),
            bad = answer(
                r#"{"kind":"outcome","test":"bad","outcome":{"kind":"failed","message":"no","location":null,"unimplemented":false}}"#
            ),
            good_crowded =
                answer(r#"{"kind":"outcome","test":"crowded","outcome":{"kind":"passed"}}"#),
            bad_crowded = answer(
                r#"{"kind":"outcome","test":"crowded","outcome":{"kind":"failed","message":"slow","location":null,"unimplemented":false}}"#
            ),
        );
        std::fs::write(&path, body).unwrap();
        std::fs::set_permissions(&path, std::os::unix::fs::PermissionsExt::from_mode(0o755))
            .unwrap();
        crate::build::SuiteBinary {
            name: name.into(),
            path,
        }
    }

    /// A manifest of one task with the tests `names`; `hangs` may run 1 s,
    /// and `crowded` is a timing test.
    #[cfg(unix)]
    fn manifest_of(names: &[&str]) -> Manifest {
        let tests = names
            .iter()
            .map(|name| crate::manifest::TestSpec {
                name: (*name).into(),
                points: 1,
                about: None,
                bonus: false,
                visibility: Default::default(),
                checks: Vec::new(),
                timeout_secs: (*name == "hangs").then_some(1),
                timing: *name == "crowded",
            })
            .collect();
        Manifest {
            suites_dir: "/suites".into(),
            title: "t".into(),
            limits: crate::manifest::Limits {
                test_timeout: Duration::from_secs(20),
                task_timeout: Duration::from_secs(60),
            },
            dependencies: toml::Table::new(),
            graded_later: None,
            tasks: vec![Task {
                number: 1,
                slug: "x".into(),
                title: "X".into(),
                dir: "01-x".into(),
                lib: "x".into(),
                edit: "src/lib.rs".into(),
                bonus_files: Vec::new(),
                hints: Vec::new(),
                bonus: false,
                tests,
            }],
        }
    }

    #[cfg(unix)]
    fn run_fake(manifest: &Manifest, build: TaskBuild) -> anyhow::Result<Vec<TestOutcome>> {
        run_fake_on(manifest, build, Setting::default(), &mut Memory::default())
    }

    /// How busy the machine a fake run reads says it is.
    #[cfg(unix)]
    #[derive(Clone, Copy)]
    enum Machine {
        Busy,
        Idle,
    }

    /// Where a fake run runs: by default 4 tests at a time, on a busy
    /// machine, with remembered test lists in use.
    #[cfg(unix)]
    #[derive(Clone, Copy)]
    struct Setting {
        jobs: usize,
        machine: Machine,
        /// The sandbox claims the protections under which remembered test
        /// lists are used.
        protected: bool,
    }

    #[cfg(unix)]
    impl Default for Setting {
        fn default() -> Setting {
            Setting {
                jobs: 4,
                machine: Machine::Busy,
                protected: true,
            }
        }
    }

    #[cfg(unix)]
    fn run_fake_on(
        manifest: &Manifest,
        build: TaskBuild,
        setting: Setting,
        memory: &mut Memory,
    ) -> anyhow::Result<Vec<TestOutcome>> {
        let Setting {
            jobs,
            machine,
            protected,
        } = setting;
        // Every reading is 100 ticks after the last, all busy or all idle.
        let readings = std::sync::atomic::AtomicU64::new(0);
        let cpu_times = || {
            let total = 100 * readings.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let busy = match machine {
                Machine::Busy => total,
                Machine::Idle => 0,
            };
            Some(CpuTimes::from_ticks(busy, total))
        };
        let tasks: Vec<&Task> = manifest.tasks.iter().collect();
        let seen = Mutex::new(Vec::new());
        // No sandbox (the fake suites are shell scripts), but, if
        // `protected`, one that claims its protections.
        let mut sandbox = Sandbox::off();
        sandbox.protections.files = protected;
        sandbox.protections.build = protected;
        let runs = run_reading(
            manifest,
            &tasks,
            &[build],
            &sandbox,
            jobs,
            memory,
            &|done, total| {
                seen.lock().unwrap().push((done, total));
            },
            &cpu_times,
        )?;
        // Progress starts at 0 and ends with every started test finished.
        let seen = seen.into_inner().unwrap();
        let (first, last) = (seen[0], seen[seen.len() - 1]);
        assert_eq!((first.0, last.0), (0, last.1), "{seen:?}");
        Ok(runs.into_iter().flatten().map(|run| run.outcome).collect())
    }

    #[cfg(unix)]
    #[test]
    fn each_test_runs_in_its_binary_and_is_judged_on_its_own_record() {
        let scratch = tempfile::tempdir().unwrap();
        let suite = fake_suite(scratch.path(), "grading", r#""good","bad","hangs""#);
        let manifest = manifest_of(&["good", "bad", "hangs"]);
        let build = TaskBuild {
            binaries: vec![suite],
            compile_error: None,
            refusals: Vec::new(),
            suites_key: None,
        };
        let outcomes = run_fake(&manifest, build).unwrap();
        assert_eq!(outcomes[0], TestOutcome::Passed);
        assert!(
            matches!(&outcomes[1], TestOutcome::Failed { message, .. } if message == "no"),
            "{:?}",
            outcomes[1]
        );
        assert_eq!(
            outcomes[2],
            TestOutcome::TimedOut {
                limit: Duration::from_secs(1)
            },
            "its own 1 s limit, not the manifest's 20 s"
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_timing_test_that_failed_among_others_is_judged_by_a_run_alone() {
        let suite_in = |folder: &std::path::Path| TaskBuild {
            binaries: vec![fake_suite(folder, "grading", r#""good","bad","crowded""#)],
            compile_error: None,
            refusals: Vec::new(),
            suites_key: None,
        };
        let manifest = manifest_of(&["good", "bad", "crowded"]);
        let scratch = tempfile::tempdir().unwrap();
        let outcomes = run_fake(&manifest, suite_in(scratch.path())).unwrap();
        assert_eq!(outcomes[2], TestOutcome::Passed, "the second run decides");
        // Only a timing test is run again: `bad` stays failed.
        assert!(matches!(&outcomes[1], TestOutcome::Failed { message, .. } if message == "no"));

        // Its first run stands if it was alone (one test at a time), or if
        // the machine was idle meanwhile: load cannot have failed it.
        for (jobs, machine) in [(1, Machine::Busy), (4, Machine::Idle)] {
            let scratch = tempfile::tempdir().unwrap();
            let outcomes = run_fake_on(
                &manifest,
                suite_in(scratch.path()),
                Setting {
                    jobs,
                    machine,
                    ..Setting::default()
                },
                &mut Memory::default(),
            )
            .unwrap();
            assert!(
                matches!(&outcomes[2], TestOutcome::Failed { message, .. } if message == "slow"),
                "{:?}",
                outcomes[2]
            );
        }
    }

    #[test]
    fn only_a_judged_failure_on_a_busy_or_unknown_machine_is_run_again() {
        let ran = |outcome, machine_busy| Ran {
            job: Job {
                task: 0,
                test: 0,
                binary: PathBuf::new(),
                name: "t".into(),
                timeout: LIMIT,
                timing: true,
            },
            run: TestRun::without_process(outcome),
            machine_busy,
        };
        let failed = |unimplemented| TestOutcome::Failed {
            message: "slow".into(),
            message_ru: None,
            location: None,
            unimplemented,
        };
        assert!(ran(failed(false), Some(0.9)).may_be_loads_doing());
        assert!(ran(failed(false), None).may_be_loads_doing());
        assert!(!ran(failed(false), Some(0.2)).may_be_loads_doing());
        assert!(!ran(failed(true), Some(1.0)).may_be_loads_doing());
        assert!(!ran(TestOutcome::TimedOut { limit: LIMIT }, Some(1.0)).may_be_loads_doing());
        assert!(!ran(TestOutcome::Passed, Some(1.0)).may_be_loads_doing());
        let mut not_timing = ran(failed(false), Some(1.0));
        not_timing.job.timing = false;
        assert!(!not_timing.may_be_loads_doing());
    }

    #[cfg(unix)]
    #[test]
    fn a_binary_built_under_a_key_it_answered_for_is_not_asked_again() {
        let manifest = manifest_of(&["good", "bad"]);
        let build = |suite, key: &str| TaskBuild {
            binaries: vec![suite],
            compile_error: None,
            refusals: Vec::new(),
            suites_key: Some(key.into()),
        };
        let mut memory = Memory::default();
        let first = tempfile::tempdir().unwrap();
        let suite = fake_suite(first.path(), "grading", r#""good","bad""#);
        let outcomes = run_fake_on(
            &manifest,
            build(suite, "00aa-1"),
            Setting::default(),
            &mut memory,
        )
        .unwrap();
        assert_eq!(outcomes[0], TestOutcome::Passed);
        let declared = memory.declared.of("00aa-1", "grading").unwrap();
        assert_eq!(declared, ["good", "bad"]);

        // Rebuilt under the same key, it would now answer only `good` (and
        // the run would fail on `bad`): it is not asked.
        let second = tempfile::tempdir().unwrap();
        let rebuilt = fake_suite(second.path(), "grading", r#""good""#);
        let outcomes = run_fake_on(
            &manifest,
            build(rebuilt.clone(), "00aa-1"),
            Setting::default(),
            &mut memory,
        )
        .unwrap();
        assert_eq!(outcomes[0], TestOutcome::Passed);
        assert!(matches!(&outcomes[1], TestOutcome::Failed { message, .. } if message == "no"));
        // Where tests or builds could write the memory, it is asked too.
        let error = run_fake_on(
            &manifest,
            build(rebuilt.clone(), "00aa-1"),
            Setting {
                protected: false,
                ..Setting::default()
            },
            &mut memory,
        )
        .unwrap_err()
        .to_string();
        assert!(
            error.contains("lists the test `bad`, but no suite file"),
            "{error}"
        );
        // Under another key (the course's suites changed), it is.
        let error = run_fake_on(
            &manifest,
            build(rebuilt, "00bb-1"),
            Setting::default(),
            &mut memory,
        )
        .unwrap_err()
        .to_string();
        assert!(
            error.contains("lists the test `bad`, but no suite file"),
            "{error}"
        );
    }

    #[cfg(unix)]
    #[test]
    fn suites_and_manifest_must_agree() {
        let scratch = tempfile::tempdir().unwrap();
        let suite = fake_suite(scratch.path(), "grading", r#""good","bad""#);
        let build = |suite: &crate::build::SuiteBinary| TaskBuild {
            binaries: vec![suite.clone()],
            compile_error: None,
            refusals: Vec::new(),
            suites_key: None,
        };
        let error = run_fake(&manifest_of(&["good", "bad", "missing"]), build(&suite))
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("lists the test `missing`, but no suite file"),
            "{error}"
        );
        let error = run_fake(&manifest_of(&["good"]), build(&suite))
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("declares the test `bad`, which tasks.toml does not list"),
            "{error}"
        );
    }

    #[cfg(unix)]
    #[test]
    fn tests_without_a_binary_did_not_compile_or_their_binary_died_listing_them() {
        let manifest = manifest_of(&["good", "bad"]);
        let not_built = TaskBuild {
            binaries: Vec::new(),
            compile_error: Some("error: broken".into()),
            refusals: Vec::new(),
            suites_key: None,
        };
        let outcomes = run_fake(&manifest, not_built).unwrap();
        assert!(outcomes.iter().all(|outcome| matches!(
            outcome,
            TestOutcome::NotCompiled { error } if error == "error: broken"
        )));

        let scratch = tempfile::tempdir().unwrap();
        let dies = scratch.path().join("dies");
        std::fs::write(&dies, "#!/bin/sh\nexit 3\n").unwrap();
        std::fs::set_permissions(&dies, std::os::unix::fs::PermissionsExt::from_mode(0o755))
            .unwrap();
        let dying = TaskBuild {
            binaries: vec![crate::build::SuiteBinary {
                name: "dies".into(),
                path: dies,
            }],
            compile_error: None,
            refusals: Vec::new(),
            suites_key: None,
        };
        let outcomes = run_fake(&manifest, dying).unwrap();
        assert!(
            outcomes
                .iter()
                .all(|outcome| matches!(outcome, TestOutcome::Crashed { ending: Ending::Exited(status) } if status.code() == Some(3))),
            "{outcomes:?}"
        );
    }

    #[test]
    fn no_record_after_the_limit_is_a_time_out_with_that_limit() {
        assert_eq!(
            outcome_of(None, &Ending::TimedOut, "mine", LIMIT),
            TestOutcome::TimedOut { limit: LIMIT }
        );
        // A pass recorded just before the kill still counts: it was recorded.
        assert_eq!(
            outcome_of(passed("mine"), &Ending::TimedOut, "mine", LIMIT),
            TestOutcome::Passed
        );
    }
}
