//! Building each task's suites against the crate being graded, so that
//! student code never compiles where it could read what grades it.
//!
//! Three builds, each with one job:
//!
//! 1. **The plan** ([`plan`]): cargo builds the course's own code — task
//!    crates holding the pristine stubs, the probes, the suites and every
//!    dependency — once per content of the course, and the checker records
//!    how each unit was compiled. No student code is in it.
//! 2. **The student's crates** ([`rustc`]): each recorded unit of the task's
//!    crates, and the task's probe (where the student's macro is applied),
//!    is compiled again from the student's sources, in the sandbox: it reads
//!    the toolchain, the dependencies and the student's own files, writes a
//!    folder of its own, and gets no token from the environment. What it
//!    made is then copied out ("sealed") where nothing of the student's can
//!    write. A student's library is compiled against the course's stub of
//!    its proc-macro crates, so the student's macros run only in the probe,
//!    whose expansion is checked for `unsafe` code ([`expansion`]).
//! 3. **The suites**: each recorded suite unit is compiled against the
//!    sealed artifacts. No student code runs in it (macros are expanded in
//!    step 2), and it writes where step 2 could not.
//!
//! A task whose inputs have not changed since its last build, proven by
//! content, is not compiled again ([`reuse`]): a student's re-grade after
//! editing one task compiles that task.

mod cargo;
mod expansion;
mod plan;
pub mod recorder;
mod reuse;
mod rustc;
mod workspace;

use std::{
    collections::HashMap,
    path::{Path, PathBuf},
    sync::{Condvar, Mutex},
};

use anyhow::Context as _;

pub use workspace::{PROBE_DIR, label_for};

use crate::manifest::{Manifest, Task};
use crate::paths::relative_to;
use crate::sandbox::Sandbox;
use plan::{Plan, TaskUnits};
use rustc::{Compilation, Compiled, Mode};

/// Where the build reads from and writes to.
#[derive(Debug, Clone)]
pub struct BuildPaths {
    /// The repository root: compiler messages are shown relative to it.
    pub repo: PathBuf,
    /// The harness crate the suites link.
    pub harness: PathBuf,
    /// The Cargo.lock whose versions the suites build with.
    pub lockfile: PathBuf,
    /// The stubs as shipped, which the plan compiles in place of students' files.
    pub pristine: PathBuf,
    /// `target/grading`: plans, their build, and every grading's units.
    pub grading: PathBuf,
}

impl BuildPaths {
    /// The standard places in the repository at `repo`.
    pub fn for_repo(repo: &Path) -> BuildPaths {
        BuildPaths {
            repo: repo.to_path_buf(),
            harness: repo.join("checker").join("harness"),
            lockfile: repo.join("Cargo.lock"),
            pristine: repo.join("checker").join("pristine"),
            grading: repo.join("target").join("grading"),
        }
    }

    /// Cargo's target folder for plans: `target/`, the one `grading` lies
    /// in, where `cargo run -p checker` built the checker. The dependencies
    /// both builds need with the same features (serde, syn, libc, ...) are
    /// then built once. Students' code never compiles there: their
    /// compilers read the plan's dependencies through `target/grading/deps`.
    /// Each plan's own packages carry its digest in their version
    /// ([`workspace::version_for_plan`]), since its folder lies inside.
    pub fn target_dir(&self) -> PathBuf {
        self.grading
            .parent()
            .map_or_else(|| self.grading.join("build"), Path::to_path_buf)
    }
}

/// Held while one grading builds and runs the generated units of a folder
/// of task crates: a second checker grading the same folder (`watch` in one
/// terminal, a grading in another) waits for it instead of rebuilding under
/// it. The operating system releases it if the holder dies.
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
        .join("units")
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
    /// The compiler's first error in this task's crate, probe or suites.
    pub compile_error: Option<String>,
    /// The tests decided by compiling alone: code the student's macro must
    /// refuse ([`REFUSED_DIR`]).
    pub refusals: Vec<Refusal>,
    /// What the suite binaries were built from, as far as the tests they
    /// declare go: the plan's digest (the course's suites and harness) and
    /// the task. Binaries of one key and name declare the same tests,
    /// whichever student crate they link. `None` where no plan was used.
    pub suites_key: Option<String>,
}

/// The folder of the probe holding code the student's macro must refuse
/// with a compile error: one `<test name>.rs` per compile-fail test.
pub const REFUSED_DIR: &str = "refused";

/// How one compile-fail test went: the student's macro expanded a file it
/// must refuse.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Refusal {
    /// The test, named by its file.
    pub test: String,
    /// Why it failed, in English and Russian; `None` when the macro refused
    /// the code as it should.
    pub failure: Option<(String, String)>,
}

/// One compiled suite file.
#[derive(Debug, Clone)]
pub struct SuiteBinary {
    /// The suite file's stem (`grading` for `grading.rs`).
    pub name: String,
    /// The executable.
    pub path: PathBuf,
}

/// What a build is asked to do.
pub struct BuildRequest<'a> {
    pub manifest: &'a Manifest,
    pub tasks: &'a [&'a Task],
    /// The crates to grade.
    pub crates_root: &'a Path,
    /// The crates whose manifests define the task crates (the course's, for
    /// a submission; `crates_root` itself otherwise).
    pub course_root: &'a Path,
    /// Start the student's units from nothing: nothing of another
    /// submission's build is read (a batch, an instructor's grading).
    pub fresh: bool,
    /// Compilations at once.
    pub jobs: usize,
    pub quiet: bool,
}

/// Builds the suites of `request.tasks` against the crates under
/// `request.crates_root`, and returns one [`TaskBuild`] per task, in order.
///
/// An error here is the grader's own failure (cargo missing, target dir not
/// writable); anything a student's code can cause ends up in a
/// [`TaskBuild::compile_error`].
pub fn build(
    request: &BuildRequest,
    paths: &BuildPaths,
    sandbox: &Sandbox,
) -> anyhow::Result<Vec<TaskBuild>> {
    let plan = plan::plan(request.manifest, request.course_root, paths, request.quiet)?;
    let units_root = paths
        .grading
        .join("units")
        .join(workspace::label_for(request.crates_root));
    let slots = Slots::new(request.jobs.max(1));
    std::thread::scope(|scope| {
        let handles: Vec<_> = request
            .tasks
            .iter()
            .map(|task| {
                let (plan, slots, units_root) = (&plan, &slots, &units_root);
                scope.spawn(move || -> anyhow::Result<TaskBuild> {
                    let units = match plan.tasks.get(&task.number) {
                        Some(Ok(units)) => units,
                        Some(Err(error)) => {
                            return Ok(TaskBuild {
                                compile_error: Some(relative_to(error, &paths.repo)),
                                ..TaskBuild::default()
                            });
                        }
                        None => anyhow::bail!("task {} is not in the build plan", task.number),
                    };
                    let built = TaskCompiler {
                        plan,
                        units,
                        task,
                        manifest: request.manifest,
                        graded: request.crates_root.join(&task.dir),
                        folders: TaskFolders::new(&units_root.join(&task.dir)),
                        fresh: request.fresh,
                        sandbox,
                        slots,
                    }
                    .compile()?;
                    Ok(TaskBuild {
                        compile_error: built
                            .compile_error
                            .map(|error| relative_to(&error, &paths.repo)),
                        ..built
                    })
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|handle| handle.join().expect("a build thread panicked"))
            .collect()
    })
}

/// The folders of one task's units in one grading.
struct TaskFolders {
    /// The student's units write here (and nowhere else).
    out: PathBuf,
    /// Their artifacts, copied out once the compiler has ended.
    sealed: PathBuf,
    /// The probe's sources, copied from the suites.
    probe_source: PathBuf,
    /// What the student's macros expanded the probe to, written by the
    /// checker, and where it is compiled.
    probe_expanded: PathBuf,
    probe_out: PathBuf,
    /// Where each compile-fail file of the probe is expanded.
    refusals: PathBuf,
    /// The suite binaries.
    suites: PathBuf,
    /// What the last build was made from ([`reuse`]).
    stamp: PathBuf,
    /// Copies of the student's units as last compiled, with what each was
    /// made from ([`reuse::kept_unit`]).
    kept: PathBuf,
}

impl TaskFolders {
    fn new(dir: &Path) -> TaskFolders {
        TaskFolders {
            out: dir.join("out"),
            sealed: dir.join("sealed"),
            probe_source: dir.join("probe-src"),
            probe_expanded: dir.join("probe-expanded"),
            probe_out: dir.join("probe-out"),
            refusals: dir.join("refused"),
            suites: dir.join("suites"),
            stamp: dir.join("stamp.json"),
            kept: dir.join("kept"),
        }
    }

    /// Makes the folders; with `fresh`, nothing of an earlier grading stays
    /// in those a student's build could write or read back.
    fn prepare(&self, fresh: bool) -> anyhow::Result<()> {
        for dir in [&self.out, &self.sealed] {
            if fresh || dir == &self.sealed {
                remove_dir_if_there(dir)?;
            }
        }
        for dir in [&self.out, &self.sealed, &self.probe_source, &self.suites] {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create {}", dir.display()))?;
        }
        Ok(())
    }
}

/// What a build thread returned; its panic, passed on.
fn joined<T>(handle: std::thread::ScopedJoinHandle<'_, T>) -> T {
    handle
        .join()
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
}

fn remove_dir_if_there(dir: &Path) -> anyhow::Result<()> {
    match std::fs::remove_dir_all(dir) {
        Err(error) if error.kind() != std::io::ErrorKind::NotFound => {
            Err(error).with_context(|| format!("cannot remove {}", dir.display()))
        }
        _ => Ok(()),
    }
}

/// Compiles one task: its crates, its probe, its suites.
struct TaskCompiler<'a> {
    plan: &'a Plan,
    units: &'a TaskUnits,
    task: &'a Task,
    manifest: &'a Manifest,
    /// The graded crate's folder.
    graded: PathBuf,
    folders: TaskFolders,
    fresh: bool,
    sandbox: &'a Sandbox,
    slots: &'a Slots,
}

impl TaskCompiler<'_> {
    fn compile(&self) -> anyhow::Result<TaskBuild> {
        if !self.graded.is_dir() {
            return Ok(TaskBuild {
                compile_error: Some(format!(
                    "cannot open {}: no such folder",
                    self.graded.display()
                )),
                ..TaskBuild::default()
            });
        }
        let suite_dir = self.task.suite_dir(self.manifest);
        let stamp_file = self.folders.stamp.clone();
        let inputs = if self.fresh || !self.sandbox.protections.build {
            None
        } else {
            Some(reuse::inputs(
                self.plan.digest,
                self.task.number,
                &[&self.graded, &suite_dir],
            )?)
        };
        let suites_key = Some(format!("{:016x}-{}", self.plan.digest, self.task.number));
        if let Some(built) = inputs
            .as_deref()
            .and_then(|inputs| reuse::reusable(&stamp_file, inputs))
        {
            return Ok(TaskBuild {
                suites_key,
                ..built
            });
        }
        reuse::forget(&stamp_file);
        let built = self.compile_anew(&suite_dir)?;
        if let Some(inputs) = &inputs {
            reuse::remember(&stamp_file, inputs, &built);
        }
        Ok(TaskBuild {
            suites_key,
            ..built
        })
    }

    /// Compiles the task's crates, probe and suites.
    fn compile_anew(&self, suite_dir: &Path) -> anyhow::Result<TaskBuild> {
        self.folders.prepare(self.fresh)?;
        let suite_dir = suite_dir.to_path_buf();
        let probe_dir = suite_dir.join(PROBE_DIR);
        if self.units.probe.is_some() {
            copy_sources(&probe_dir, &self.folders.probe_source)?;
        }
        let moved = [
            (self.units.crate_dir.clone(), self.graded.clone()),
            (probe_dir, self.folders.probe_source.clone()),
        ];
        let incremental = self.folders.out.join("incremental");
        let student_readable = vec![self.graded.clone(), self.folders.probe_source.clone()];

        // The student's crates, each after those it depends on. A library
        // is compiled against the course's stub of a proc-macro crate: a
        // student's macro runs in the probe alone.
        let mut student_files: HashMap<String, PathBuf> = HashMap::new();
        let mut library_files: HashMap<String, PathBuf> = HashMap::new();
        let keeps_units = !self.fresh && self.sandbox.protections.build;
        for unit in &self.units.crates {
            let unit_stamp = self
                .folders
                .kept
                .join(format!("{}.json", unit.recording.crate_name));
            let key = keeps_units
                .then(|| reuse::unit_key(self.plan.digest, unit, &library_files))
                .flatten();
            if let Some(kept) = key.as_deref().and_then(|key| {
                reuse::kept_unit(&unit_stamp, key, &self.folders.kept, &self.folders.sealed)
            }) {
                if !unit.proc_macro {
                    library_files.extend(kept.clone());
                }
                student_files.extend(kept);
                continue;
            }
            let compilation = Compilation {
                plan: self.plan,
                unit,
                moved: &moved,
                out_dir: &self.folders.out,
                incremental: (!self.fresh).then_some(incremental.as_path()),
                student_files: &library_files,
                sealed: &self.folders.sealed,
                student: true,
                readable: student_readable.clone(),
                mode: Mode::Compile,
            };
            let sealed = match self.slots.run(|| compilation.run(self.sandbox))? {
                Compiled::Done { .. } => self.seal(&compilation, &self.folders.out),
                Compiled::Failed(error) => Err(error),
            };
            let sealed = match sealed {
                Ok(sealed) => sealed,
                Err(error) => {
                    return Ok(TaskBuild {
                        compile_error: Some(error),
                        ..TaskBuild::default()
                    });
                }
            };
            if let Some(key) = &key {
                // Read now, before any of the student's code runs (their
                // macros run in the probe, later).
                reuse::keep_unit(
                    &unit_stamp,
                    key,
                    &compilation.dep_info(),
                    &self.folders.kept,
                    &sealed,
                );
            }
            if !unit.proc_macro {
                library_files.extend(sealed.clone());
            }
            student_files.extend(sealed);
        }

        provide_runtime_libraries(
            &self.plan.runtime_libraries,
            &self.folders.suites.join(crate::sandbox::RUNTIME_DIR),
        )?;

        // The probe, the suites and the compile-fail tests, side by side
        // within the slots (each is its own compiler; a suite's time is
        // mostly its link). A suite that does not use the probe does not
        // wait for it: it names the course's own probe from the plan, which
        // rustc never loads for a crate the suite does not use. Those that
        // use it (`probe::`) are built once the student's probe is, and not
        // at all without it.
        let suite_incremental = self.folders.suites.join("incremental");
        let (with_probe, without_probe): (Vec<_>, Vec<_>) = self
            .units
            .suites
            .iter()
            .partition(|(name, _)| self.units.probe.is_some() && self.uses_probe(name));
        let (refusals, probe, mut suites) = std::thread::scope(|scope| {
            let (moved, student_files, library_files) = (&moved, &student_files, &library_files);
            let (suite_incremental, with_probe) = (&suite_incremental, &with_probe);
            let refusals = self
                .units
                .probe
                .as_ref()
                .map(|unit| scope.spawn(move || self.check_refusals(unit, student_files)));
            let probe = self.units.probe.as_ref().map(|unit| {
                scope.spawn(move || -> anyhow::Result<(Option<String>, Vec<_>)> {
                    let probe = self
                        .slots
                        .run(|| self.compile_probe(unit, moved, student_files, library_files))?;
                    let sealed = match probe {
                        Ok(sealed) => sealed,
                        Err(error) => return Ok((Some(error), Vec::new())),
                    };
                    let mut files = student_files.clone();
                    files.extend(sealed);
                    let built = std::thread::scope(|inner| {
                        self.spawn_suites(inner, with_probe, moved, &files, suite_incremental)
                            .into_iter()
                            .map(joined)
                            .collect()
                    });
                    Ok((None, built))
                })
            });
            let suites = self.spawn_suites(
                scope,
                &without_probe,
                moved,
                student_files,
                suite_incremental,
            );
            (
                refusals.map(joined).transpose(),
                probe.map(joined).transpose(),
                suites.into_iter().map(joined).collect::<Vec<_>>(),
            )
        });
        let (probe_error, with_probe_built) = probe?.unwrap_or_default();
        suites.extend(with_probe_built);
        // The probe's error first: it explains the suites that use it.
        let mut compile_error = probe_error;
        let mut binaries = Vec::new();
        for suite in suites {
            match suite? {
                Ok(binary) => binaries.push(binary),
                Err(error) => {
                    compile_error.get_or_insert(error);
                }
            }
        }
        Ok(TaskBuild {
            binaries,
            compile_error,
            refusals: refusals?.unwrap_or_default(),
            suites_key: None,
        })
    }

    /// Starts compiling each of `suites` in a thread of `scope`, against
    /// `student_files` (the compilers themselves wait for a slot).
    fn spawn_suites<'scope, 'env>(
        &'env self,
        scope: &'scope std::thread::Scope<'scope, 'env>,
        suites: &'env [&'env (String, plan::Unit)],
        moved: &'env [(PathBuf, PathBuf)],
        student_files: &'env HashMap<String, PathBuf>,
        incremental: &'env Path,
    ) -> Vec<std::thread::ScopedJoinHandle<'scope, anyhow::Result<Result<SuiteBinary, String>>>>
    {
        suites
            .iter()
            .map(|(name, unit)| {
                scope.spawn(move || {
                    self.compile_suite(name, unit, moved, student_files, incremental)
                })
            })
            .collect()
    }

    /// Compiles the suite file `name` against the sealed artifacts: the
    /// binary, or the compiler's error.
    fn compile_suite(
        &self,
        name: &str,
        unit: &plan::Unit,
        moved: &[(PathBuf, PathBuf)],
        student_files: &HashMap<String, PathBuf>,
        incremental: &Path,
    ) -> anyhow::Result<Result<SuiteBinary, String>> {
        let compilation = Compilation {
            plan: self.plan,
            unit,
            moved,
            out_dir: &self.folders.suites,
            incremental: Some(incremental),
            student_files,
            sealed: &self.folders.sealed,
            student: false,
            readable: vec![self.task.suite_dir(self.manifest)],
            mode: Mode::Compile,
        };
        Ok(match self.slots.run(|| compilation.run(self.sandbox))? {
            Compiled::Done { .. } => {
                let executable = compilation
                    .outputs()
                    .into_iter()
                    .find(|output| !output.contains('.') || output.ends_with(".exe"))
                    .context("a suite unit names no executable")?;
                Ok(SuiteBinary {
                    name: name.to_owned(),
                    path: self.folders.suites.join(executable),
                })
            }
            Compiled::Failed(error) => Err(error),
        })
    }

    /// The compile-fail tests: each file of the probe's [`REFUSED_DIR`] is
    /// expanded with the student's macros, in the sandbox like the probe,
    /// and must fail with an error of the macro's own making. Nothing is
    /// linked or run: the compiler's answer is the verdict.
    fn check_refusals(
        &self,
        unit: &plan::Unit,
        student_files: &HashMap<String, PathBuf>,
    ) -> anyhow::Result<Vec<Refusal>> {
        // Listed from the suites themselves, never from the probe's copy:
        // a copy keeps files an earlier version of the suites had.
        let probe_dir = self.task.suite_dir(self.manifest).join(PROBE_DIR);
        let refused = probe_dir.join(REFUSED_DIR);
        let Ok(entries) = std::fs::read_dir(&refused) else {
            return Ok(Vec::new());
        };
        let mut files: Vec<PathBuf> = entries
            .filter_map(|entry| entry.ok().map(|entry| entry.path()))
            .filter(|path| path.extension().is_some_and(|ext| ext == "rs"))
            .collect();
        files.sort();
        let mut refusals = Vec::new();
        for file in files {
            let Some(test) = file.file_stem().and_then(|stem| stem.to_str()) else {
                continue;
            };
            let source = self.folders.refusals.join(test);
            remove_dir_if_there(&source)?;
            std::fs::create_dir_all(&source)
                .with_context(|| format!("cannot create {}", source.display()))?;
            std::fs::copy(&file, source.join("lib.rs"))
                .with_context(|| format!("cannot copy {}", file.display()))?;
            let moved = [
                (self.units.crate_dir.clone(), self.graded.clone()),
                (probe_dir.clone(), source.clone()),
            ];
            let expanding = Compilation {
                plan: self.plan,
                unit,
                moved: &moved,
                out_dir: &self.folders.out,
                incremental: None,
                student_files,
                sealed: &self.folders.sealed,
                student: true,
                readable: vec![self.graded.clone(), source.clone()],
                mode: Mode::Expand,
            };
            let shown = format!("probe/{REFUSED_DIR}/{test}.rs");
            let failure = match self.slots.run(|| expanding.run(self.sandbox))? {
                Compiled::Done { .. } => Some((
                    format!(
                        "your macro accepted the code in {shown}, which it must refuse with a \
                         compile error that says why (syn::Error::new_spanned(..).to_compile_error())"
                    ),
                    format!(
                        "ваш макрос принял код из {shown}, а должен отказать ошибкой компиляции \
                         с объяснением (syn::Error::new_spanned(..).to_compile_error())"
                    ),
                )),
                Compiled::Failed(error) if error.contains("panicked") => Some((
                    format!(
                        "your macro panicked on the code in {shown} instead of refusing it with \
                         a compile error (return syn::Error::..to_compile_error(), do not panic):\n{error}"
                    ),
                    format!(
                        "ваш макрос запаниковал на коде из {shown}, а должен был отказать ошибкой \
                         компиляции (верните syn::Error::..to_compile_error(), не паникуйте):\n{error}"
                    ),
                )),
                Compiled::Failed(_) => None,
            };
            refusals.push(Refusal {
                test: test.to_owned(),
                failure,
            });
        }
        Ok(refusals)
    }

    /// Whether the suite file `name` uses the probe.
    fn uses_probe(&self, name: &str) -> bool {
        self.units
            .layout
            .suite_files
            .iter()
            .find(|(stem, _)| stem == name)
            .and_then(|(_, path)| std::fs::read_to_string(path).ok())
            .is_some_and(|source| source.contains("probe::"))
    }

    /// The probe, where the student's macros are applied. They run in one
    /// compiler, which only prints the expansion; the probe is then
    /// compiled from that text by another, in which no student code runs.
    /// (A macro can leave a thread in the compiler that rewrites its
    /// artifacts before it exits, so nothing a macro's compiler wrote is
    /// linked.) The expansion is plain code there: `-F unsafe_code` reaches
    /// it, which it does not in a macro's output; the token check before
    /// only says so more plainly.
    fn compile_probe(
        &self,
        unit: &plan::Unit,
        moved: &[(PathBuf, PathBuf)],
        student_files: &HashMap<String, PathBuf>,
        library_files: &HashMap<String, PathBuf>,
    ) -> anyhow::Result<Result<HashMap<String, PathBuf>, String>> {
        let expanding = Compilation {
            plan: self.plan,
            unit,
            moved,
            out_dir: &self.folders.out,
            incremental: None,
            student_files,
            sealed: &self.folders.sealed,
            student: true,
            readable: vec![self.graded.clone(), self.folders.probe_source.clone()],
            mode: Mode::Expand,
        };
        let expanded = match expanding.run(self.sandbox)? {
            Compiled::Failed(error) => return Ok(Err(error)),
            Compiled::Done { expanded } => expanded.unwrap_or_default(),
        };
        if let Some(refused) = expansion::forbidden(&expanded) {
            return Ok(Err(refused));
        }

        let source = &self.folders.probe_expanded;
        let out = &self.folders.probe_out;
        for dir in [source, out] {
            remove_dir_if_there(dir)?;
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create {}", dir.display()))?;
        }
        std::fs::write(source.join("lib.rs"), expansion::as_source(&expanded))
            .with_context(|| format!("cannot write {}", source.display()))?;
        let probe_dir = self.task.suite_dir(self.manifest).join(PROBE_DIR);
        let moved = [(probe_dir, source.clone())];
        let compiling = Compilation {
            moved: &moved,
            out_dir: out,
            // The student's proc-macro crates are the course's stubs here:
            // nothing of theirs runs.
            student_files: library_files,
            readable: vec![source.clone()],
            mode: Mode::CompileExpansion,
            ..expanding
        };
        Ok(match compiling.run(self.sandbox)? {
            Compiled::Failed(error) => Err(format!(
                "{error}\n  = note: this is {}/lib.rs, what your macro expanded to in the probe ({}/lib.rs)",
                source.display(),
                self.folders.probe_source.display()
            )),
            Compiled::Done { .. } => self.seal(&compiling, out),
        })
    }

    /// Copies a student unit's artifacts out of its writable folder, once
    /// the compiler (and all it started) has ended. Returns them by their
    /// names in the plan, or, if one is gone, why (the student's doing: only
    /// their code ran beside the compiler).
    fn seal(
        &self,
        compilation: &Compilation,
        from: &Path,
    ) -> Result<HashMap<String, PathBuf>, String> {
        let mut sealed = HashMap::new();
        for (planned, output) in compilation.unit.outputs.iter().zip(compilation.outputs()) {
            let from = from.join(&output);
            let to = self.folders.sealed.join(&output);
            std::fs::copy(&from, &to)
                .map_err(|error| format!("error: cannot take {output} from the build: {error}"))?;
            sealed.insert(planned.clone(), to);
        }
        Ok(sealed)
    }
}

/// Puts `libraries` in `folder` (linked where the file system allows, else
/// copied), where the suites linked to them find them, and removes any
/// other file there (an earlier plan's).
///
/// A file of the same name already there is kept only if it is the same
/// file (or, copied, the same bytes): a library rebuilt under its old name
/// (a plan of before its name carried the plan's digest, or a toolchain
/// update of libstd) must replace the old one, or the suites just linked to
/// the new one start against the old and exit 127 before their test
/// begins. Replaced by a rename, so a test starting meanwhile finds one or
/// the other whole.
fn provide_runtime_libraries(libraries: &[PathBuf], folder: &Path) -> anyhow::Result<()> {
    if libraries.is_empty() {
        return remove_dir_if_there(folder);
    }
    std::fs::create_dir_all(folder)
        .with_context(|| format!("cannot create {}", folder.display()))?;
    let names: Vec<_> = libraries
        .iter()
        .filter_map(|path| path.file_name())
        .collect();
    for entry in std::fs::read_dir(folder)
        .with_context(|| format!("cannot read {}", folder.display()))?
        .filter_map(Result::ok)
    {
        if !names.contains(&entry.file_name().as_os_str()) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
    for library in libraries {
        let Some(name) = library.file_name() else {
            continue;
        };
        let target = folder.join(name);
        if same_file(library, &target) {
            continue;
        }
        let mut staged = name.to_owned();
        staged.push(".new");
        let staged = folder.join(staged);
        let _ = std::fs::remove_file(&staged);
        if std::fs::hard_link(library, &staged).is_err() {
            std::fs::copy(library, &staged).with_context(|| {
                format!("cannot copy {} to {}", library.display(), staged.display())
            })?;
        }
        std::fs::rename(&staged, &target)
            .with_context(|| format!("cannot put {} in place", target.display()))?;
    }
    Ok(())
}

/// Whether `target` is `source`: the same file (a hard link), or a copy
/// with the same bytes.
fn same_file(source: &Path, target: &Path) -> bool {
    let (Ok(source_meta), Ok(target_meta)) = (std::fs::metadata(source), std::fs::metadata(target))
    else {
        return false;
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt as _;
        if (source_meta.dev(), source_meta.ino()) == (target_meta.dev(), target_meta.ino()) {
            return true;
        }
    }
    source_meta.len() == target_meta.len()
        && matches!((std::fs::read(source), std::fs::read(target)), (Ok(a), Ok(b)) if a == b)
}

/// Copies the regular files under `from` into `to`, leaving unchanged ones.
fn copy_sources(from: &Path, to: &Path) -> anyhow::Result<()> {
    for entry in walkdir::WalkDir::new(from).follow_links(false) {
        let entry = entry.with_context(|| format!("cannot read {}", from.display()))?;
        if entry.file_type().is_file() {
            let relative = entry
                .path()
                .strip_prefix(from)
                .expect("walkdir stays under its root");
            let target = to.join(relative);
            if let Some(folder) = target.parent() {
                std::fs::create_dir_all(folder)?;
            }
            crate::paths::write_if_changed(&target, &std::fs::read(entry.path())?)?;
        }
    }
    Ok(())
}

/// A bound on compilers running at once.
struct Slots {
    free: Mutex<usize>,
    freed: Condvar,
}

impl Slots {
    fn new(count: usize) -> Slots {
        Slots {
            free: Mutex::new(count),
            freed: Condvar::new(),
        }
    }

    /// Runs `work` once a slot is free.
    fn run<T>(&self, work: impl FnOnce() -> T) -> T {
        {
            let mut free = self.free.lock().unwrap_or_else(|e| e.into_inner());
            while *free == 0 {
                free = self.freed.wait(free).unwrap_or_else(|e| e.into_inner());
            }
            *free -= 1;
        }
        let result = work();
        *self.free.lock().unwrap_or_else(|e| e.into_inner()) += 1;
        self.freed.notify_one();
        result
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runtime_libraries_are_provided_and_stale_ones_removed() {
        let dir = tempfile::tempdir().unwrap();
        let library = dir.path().join("libharness_1.so");
        std::fs::write(&library, "library").unwrap();
        let folder = dir.path().join("suites").join(crate::sandbox::RUNTIME_DIR);
        std::fs::create_dir_all(&folder).unwrap();
        std::fs::write(folder.join("libharness_0.so"), "an earlier plan's").unwrap();

        provide_runtime_libraries(std::slice::from_ref(&library), &folder).unwrap();
        let names: Vec<_> = std::fs::read_dir(&folder)
            .unwrap()
            .map(|entry| entry.unwrap().file_name())
            .collect();
        assert_eq!(names, ["libharness_1.so"]);
        assert_eq!(
            std::fs::read_to_string(folder.join("libharness_1.so")).unwrap(),
            "library"
        );

        // Rebuilt under the same name: the new one replaces the old.
        std::fs::remove_file(&library).unwrap();
        std::fs::write(&library, "rebuilt").unwrap();
        provide_runtime_libraries(std::slice::from_ref(&library), &folder).unwrap();
        assert_eq!(
            std::fs::read_to_string(folder.join("libharness_1.so")).unwrap(),
            "rebuilt"
        );
        // Nothing else is left behind.
        assert_eq!(std::fs::read_dir(&folder).unwrap().count(), 1);

        // A plan whose suites are linked whole needs no folder at all.
        provide_runtime_libraries(&[], &folder).unwrap();
        assert!(!folder.exists());
    }
}
