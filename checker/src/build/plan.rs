//! The course's build plan: how cargo compiles each of its units, learnt
//! once per content of the course and replayed for every grading.
//!
//! A plan is a workspace of the course's own code only — the task crates
//! with their pristine stubs, the probes, the suites — built by cargo with
//! the checker as rustc's wrapper ([`super::recorder`]). What comes out is,
//! per task, the exact rustc command of each of its units, and a folder of
//! the dependencies' artifacts (tokio, reqwest, the harness, the stubs'
//! proc macros) that student builds may read. No student code is compiled
//! here, so this build needs no sandbox; its digest (the workspace's files,
//! the suites, the harness, the lock file) names it, and an unchanged
//! course costs no cargo run at all.

use std::{
    collections::BTreeMap,
    path::{Path, PathBuf},
};

use anyhow::Context as _;
use serde::{Deserialize, Serialize};

use super::{
    BuildPaths, cargo,
    recorder::Recording,
    workspace::{self, TaskLayout},
};
use crate::manifest::{Manifest, Task};

/// Bumped when a plan's meaning changes, so that old plans are not reused.
const PLAN_FORMAT: u32 = 4;

/// How to compile every task of a course.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Plan {
    /// The toolchain's real rustc (not rustup's proxy) and its sysroot.
    pub rustc: PathBuf,
    pub sysroot: PathBuf,
    /// Cargo's folder of artifacts, as the recorded commands name it.
    pub build_deps: PathBuf,
    /// The dependencies' artifacts, linked out of cargo's folder: all that a
    /// student build may read of the course's build.
    pub deps: PathBuf,
    /// Folders of native libraries the recorded commands name (`-L native`).
    pub native: Vec<PathBuf>,
    /// The dynamic libraries a suite loads when it runs (the shared harness
    /// and the standard library), where the suites link one; empty where
    /// they are linked whole.
    #[serde(default)]
    pub runtime_libraries: Vec<PathBuf>,
    /// Per task number: its units, or why the course's build of it failed.
    pub tasks: BTreeMap<u32, Result<TaskUnits, String>>,
    /// The digest of everything the plan was made from (its folder's name):
    /// a task's build can be reused only under the same plan.
    #[serde(skip)]
    pub digest: u64,
}

/// How one task's crates, probe and suites are compiled.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TaskUnits {
    pub layout: TaskLayout,
    /// The task crate's folder in the plan workspace (its paths stand for
    /// the graded crate's in the recorded commands).
    pub crate_dir: PathBuf,
    /// The task's packages, each after those it depends on.
    pub crates: Vec<Unit>,
    /// The probe, compiled with the student's crates.
    pub probe: Option<Unit>,
    /// The suite binaries: (suite file's stem, unit).
    pub suites: Vec<(String, Unit)>,
}

/// One recorded compilation.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Unit {
    pub recording: Recording,
    /// The file names it wrote (`libreq-1a2b.rlib`, `grading-3c4d`).
    pub outputs: Vec<String>,
    /// A procedural macro crate.
    pub proc_macro: bool,
}

impl Unit {
    /// Whether this unit names `other`'s output as one of its `--extern`s.
    pub fn depends_on(&self, other: &Unit) -> bool {
        let mut args = self.recording.args.iter();
        while let Some(arg) = args.next() {
            if arg == "--extern"
                && let Some((_, path)) = args.next().and_then(|value| value.split_once('='))
                && let Some(name) = Path::new(path).file_name()
                && other.outputs.iter().any(|output| name == output.as_str())
            {
                return true;
            }
        }
        false
    }
}

/// The plan for every task of `manifest` whose crates are laid out as in
/// `crates_root`: loaded if this content was planned before, else built.
pub fn plan(
    manifest: &Manifest,
    crates_root: &Path,
    paths: &BuildPaths,
    quiet: bool,
) -> anyhow::Result<Plan> {
    let mut tasks = BTreeMap::new();
    let mut layouts = Vec::new();
    for task in &manifest.tasks {
        match workspace::layout(manifest, task, crates_root)? {
            Ok(layout) => layouts.push((task, layout)),
            Err(error) => {
                tasks.insert(task.number, Err(error));
            }
        }
    }
    let mut plan = plan_layouts(manifest, &layouts, crates_root, paths, quiet)?;
    plan.tasks.extend(tasks);
    Ok(plan)
}

fn plan_layouts(
    manifest: &Manifest,
    layouts: &[(&Task, TaskLayout)],
    crates_root: &Path,
    paths: &BuildPaths,
    quiet: bool,
) -> anyhow::Result<Plan> {
    let borrowed: Vec<(&Task, &TaskLayout)> = layouts
        .iter()
        .map(|(task, layout)| (*task, layout))
        .collect();
    let (sysroot, rustc) = toolchain()?;
    // The harness and the protocol it speaks, read once: part of the
    // plan's digest, which names the shared harness's library.
    let protocol = paths.repo.join("checker").join("protocol");
    let harness_digest =
        crate::integrity::digest_of(&[paths.harness.as_path(), protocol.as_path()], ())?;
    let standard_library = shared_standard_library(&sysroot);
    let mut files = workspace::files(
        manifest,
        &borrowed,
        crates_root,
        paths,
        standard_library.is_some(),
    )?;
    let suite_dirs: Vec<PathBuf> = layouts
        .iter()
        .map(|(task, _)| task.suite_dir(manifest))
        .collect();
    let guarded: Vec<&Path> = suite_dirs.iter().map(PathBuf::as_path).collect();
    // A new toolchain compiles everything anew: its identity is the
    // sysroot and the rustc binary's size and time.
    let toolchain_id = std::fs::metadata(&rustc)
        .map(|meta| (meta.len(), meta.modified().ok()))
        .ok();
    let digest = crate::integrity::digest_of(
        &guarded,
        (
            &files,
            harness_digest,
            PLAN_FORMAT,
            env!("CARGO_PKG_VERSION"),
            &sysroot,
            toolchain_id,
        ),
    )?;
    // Canonical, as cargo and rustc name it (the grading folder may be
    // reached through a link): recorded paths are compared with it.
    let plans = paths.grading.join("plans");
    std::fs::create_dir_all(&plans)
        .with_context(|| format!("cannot create {}", plans.display()))?;
    let dir = crate::paths::canonical(&plans)?.join(format!("{digest:016x}"));
    let _lock = lock(&dir)?;
    let saved = dir.join("plan.json");
    if let Some(plan) = std::fs::read(&saved)
        .ok()
        .and_then(|bytes| serde_json::from_slice::<Plan>(&bytes).ok())
        .filter(Plan::is_whole)
    {
        return Ok(Plan { digest, ..plan });
    }

    // Named after the digest, so only once the plan is to be built.
    workspace::name_shared_harness(&mut files, digest)?;
    workspace::version_for_plan(&mut files, digest)?;
    for (relative, bytes) in &files {
        let path = dir.join(relative);
        if let Some(folder) = path.parent() {
            std::fs::create_dir_all(folder)
                .with_context(|| format!("cannot create {}", folder.display()))?;
        }
        crate::paths::write_if_changed(&path, bytes)?;
    }
    let packages: Vec<String> = layouts
        .iter()
        .map(|(task, _)| format!("suite-{}", task.slug))
        .collect();
    let outcome = cargo::build(&dir, &packages, paths, quiet)?;
    let mut plan = Plan {
        rustc,
        sysroot,
        build_deps: crate::paths::canonical(&paths.target_dir())?
            .join("debug")
            .join("deps"),
        deps: paths.grading.join("deps"),
        native: Vec::new(),
        runtime_libraries: Vec::new(),
        tasks: BTreeMap::new(),
        digest,
    };
    link_dependencies(&outcome.artifacts, &plan.deps)?;
    if let Some(standard_library) = standard_library {
        let shared = dir.join(workspace::SHARED_HARNESS_DIR).join("Cargo.toml");
        if let Some(library) = outcome
            .artifacts
            .iter()
            .filter(|artifact| artifact.manifest_path == shared)
            .flat_map(|artifact| &artifact.filenames)
            .find_map(|file| file.file_name())
        {
            plan.runtime_libraries = vec![plan.deps.join(library), standard_library];
        }
    }
    let mut unexplained = Vec::new();
    for (task, layout) in layouts {
        match task_units(&dir, task, layout, &outcome)? {
            Some(Ok(units)) => {
                plan.tasks.insert(task.number, Ok(units));
            }
            Some(Err(error)) => {
                plan.tasks.insert(task.number, Err(error));
            }
            None if layouts.len() > 1 => unexplained.push((*task, layout.clone())),
            None => {
                // Alone, and still no message: the student's only if cargo
                // names the task's crate (a dependency it asks for).
                let crate_dir = crates_root.join(&task.dir);
                anyhow::ensure!(
                    outcome
                        .stderr_tail
                        .contains(crate_dir.to_string_lossy().as_ref())
                        || outcome.stderr_tail.contains(&layout.packages[0].name),
                    "cargo could not build the suites of task {}, for a reason outside the task's crate:\n{}",
                    task.number,
                    outcome.stderr_tail
                );
                plan.tasks
                    .insert(task.number, Err(outcome.stderr_tail.clone()));
            }
        }
    }
    // A failure cargo could not pin on a task — a dependency that does not
    // resolve, say — stops the whole workspace. Plan those tasks one by one,
    // each in a workspace of its own, so that it costs only its own task.
    for (task, layout) in unexplained {
        let alone = plan_layouts(manifest, &[(task, layout)], crates_root, paths, quiet)?;
        plan.tasks.extend(alone.tasks);
        // Its suites load the shared harness that its own workspace built
        // (the same library: its name is the digest of what it holds).
        for library in alone.runtime_libraries {
            if !plan.runtime_libraries.contains(&library) {
                plan.runtime_libraries.push(library);
            }
        }
    }
    plan.native = native_dirs(&plan);
    crate::paths::write_atomically(&saved, &serde_json::to_vec(&plan)?)?;
    Ok(plan)
}

impl Plan {
    /// Whether every file the plan's commands name is still there (a
    /// `cargo clean` removes them).
    fn is_whole(&self) -> bool {
        self.rustc.is_file()
            && self.tasks.values().flatten().all(|units| {
                units
                    .crates
                    .iter()
                    .chain(&units.probe)
                    .chain(units.suites.iter().map(|(_, unit)| unit))
                    .all(|unit| {
                        externs(&unit.recording.args)
                            .all(|path| self.deps.join(file_name(path)).is_file())
                    })
            })
    }
}

/// The paths of a command's `--extern name=path` arguments.
fn externs(args: &[String]) -> impl Iterator<Item = &str> {
    args.windows(2)
        .filter(|pair| pair[0] == "--extern")
        .filter_map(|pair| pair[1].split_once('=').map(|(_, path)| path))
}

fn file_name(path: &str) -> &str {
    Path::new(path)
        .file_name()
        .and_then(|name| name.to_str())
        .unwrap_or(path)
}

/// The units of `task` that cargo built in the plan workspace `dir`, or the
/// first error in them; `None` when cargo said nothing about them.
fn task_units(
    dir: &Path,
    task: &Task,
    layout: &TaskLayout,
    outcome: &cargo::CargoOutcome,
) -> anyhow::Result<Option<Result<TaskUnits, String>>> {
    let crate_dir = dir.join("crates").join(&task.dir);
    let probe_dir = dir.join(format!("probe-{}", task.slug));
    let suite_dir = dir.join(format!("suite-{}", task.slug));
    let owned = |manifest: &Path| {
        manifest.starts_with(&crate_dir)
            || manifest.starts_with(&probe_dir)
            || manifest.starts_with(&suite_dir)
    };
    if let Some((_, error)) = outcome.errors.iter().find(|(path, _)| owned(path)) {
        return Ok(Some(Err(error.clone())));
    }
    let mut crates = Vec::new();
    let mut probe = None;
    let mut suites = Vec::new();
    for artifact in outcome.artifacts.iter().filter(|a| owned(&a.manifest_path)) {
        let unit = unit_of(dir, artifact)?;
        if artifact.is_test() {
            suites.push((artifact.target.name.clone(), unit));
        } else if artifact.manifest_path.starts_with(&probe_dir) {
            probe = Some(unit);
        } else {
            crates.push(unit);
        }
    }
    let has_lib = crates.len() == layout.packages.len();
    if !has_lib || suites.len() != layout.suite_files.len() {
        return Ok(None);
    }
    Ok(Some(Ok(TaskUnits {
        layout: layout.clone(),
        crate_dir,
        crates: dependencies_first(crates),
        probe,
        suites,
    })))
}

/// `units` ordered so that each comes after every unit it depends on.
fn dependencies_first(mut units: Vec<Unit>) -> Vec<Unit> {
    let mut ordered: Vec<Unit> = Vec::new();
    while !units.is_empty() {
        let ready = units
            .iter()
            .position(|unit| {
                !units
                    .iter()
                    .any(|other| !std::ptr::eq(other, unit) && unit.depends_on(other))
            })
            .unwrap_or(0);
        ordered.push(units.remove(ready));
    }
    ordered
}

/// The recorded unit behind one of cargo's artifacts.
fn unit_of(dir: &Path, artifact: &cargo::Artifact) -> anyhow::Result<Unit> {
    let crate_name = artifact.target.name.replace('-', "_");
    let outputs: Vec<String> = artifact
        .filenames
        .iter()
        .chain(&artifact.executable)
        .filter_map(|path| path.file_name()?.to_str().map(str::to_owned))
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    let first = outputs.first().context("cargo named no file for a unit")?;
    let stem = first.split('.').next().unwrap_or(first);
    let extra = stem
        .strip_prefix("lib")
        .filter(|rest| rest.starts_with(&crate_name))
        .unwrap_or(stem)
        .strip_prefix(&crate_name)
        .with_context(|| format!("cannot tell {first} apart from its crate {crate_name}"))?;
    let file = Recording::file(dir, &crate_name, extra);
    let recording: Recording = serde_json::from_slice(&std::fs::read(&file).with_context(|| {
        format!(
            "no record of how cargo compiled {crate_name} ({}); remove target/grading and grade again",
            file.display()
        )
    })?)?;
    Ok(Unit {
        proc_macro: recording
            .args
            .windows(2)
            .any(|pair| pair[0] == "--crate-type" && pair[1] == "proc-macro"),
        recording,
        outputs,
    })
}

/// Links every library artifact that is not a suite into `deps`, where
/// student builds may read it: the dependencies, the harness, and the
/// course's own stubs and probes (nothing hidden).
fn link_dependencies(artifacts: &[cargo::Artifact], deps: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(deps).with_context(|| format!("cannot create {}", deps.display()))?;
    for artifact in artifacts.iter().filter(|artifact| !artifact.is_test()) {
        for file in &artifact.filenames {
            let Some(name) = file.file_name() else {
                continue;
            };
            let link = deps.join(name);
            let _ = std::fs::remove_file(&link);
            if std::fs::hard_link(file, &link).is_err() {
                std::fs::copy(file, &link).with_context(|| {
                    format!("cannot copy {} to {}", file.display(), link.display())
                })?;
            }
        }
    }
    Ok(())
}

/// The `-L native=` folders the plan's commands name.
fn native_dirs(plan: &Plan) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = plan
        .tasks
        .values()
        .flatten()
        .flat_map(|units| {
            units
                .crates
                .iter()
                .chain(&units.probe)
                .chain(units.suites.iter().map(|(_, unit)| unit))
        })
        .flat_map(|unit| unit.recording.args.windows(2))
        .filter(|pair| pair[0] == "-L")
        .filter_map(|pair| {
            let (kind, path) = pair[1].split_once('=').unwrap_or(("all", &pair[1]));
            (kind != "dependency").then(|| PathBuf::from(path))
        })
        .collect();
    dirs.sort();
    dirs.dedup();
    dirs
}

/// The standard library as a dynamic library (`libstd-….so`), which a
/// suite linked to the shared harness loads: on Linux, where the toolchain
/// ships one. Elsewhere suites are linked whole, as cargo links them.
fn shared_standard_library(sysroot: &Path) -> Option<PathBuf> {
    if !cfg!(target_os = "linux") {
        return None;
    }
    let targets = std::fs::read_dir(sysroot.join("lib").join("rustlib")).ok()?;
    // The host's, as the checker itself was built for it (other installed
    // targets have their own standard libraries).
    let host = format!("{}-unknown-linux-gnu", std::env::consts::ARCH);
    targets
        .filter_map(Result::ok)
        .filter(|target| target.file_name() == host.as_str())
        .filter_map(|target| std::fs::read_dir(target.path().join("lib")).ok())
        .flatten()
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .find(|path| {
            path.file_name()
                .and_then(|name| name.to_str())
                .is_some_and(|name| name.starts_with("libstd-") && name.ends_with(".so"))
        })
}

/// The toolchain's sysroot and its rustc, as cargo would find them: `RUSTC`
/// if it is set; else, under `cargo run`, the rustc beside the cargo that
/// started us; else `rustc` on the PATH, asked for its sysroot.
fn toolchain() -> anyhow::Result<(PathBuf, PathBuf)> {
    if std::env::var_os("RUSTC").is_none()
        && let Some(beside) =
            std::env::var_os("CARGO").and_then(|cargo| beside_cargo(cargo.as_ref()))
    {
        return Ok(beside);
    }
    asked_of_rustc()
}

/// The toolchain `cargo` belongs to, read from where it lies: its rustc in
/// the same folder, the sysroot above it (with the standard library under
/// `lib/rustlib`). Cargo itself takes the rustc beside it rather than
/// rustup's proxy on the PATH, and asking the proxy costs 20-80 ms of every
/// re-grade. `None` where cargo does not lie in a toolchain.
fn beside_cargo(cargo: &Path) -> Option<(PathBuf, PathBuf)> {
    let bin = cargo.parent()?;
    let rustc = bin.join(format!("rustc{}", std::env::consts::EXE_SUFFIX));
    let sysroot = crate::paths::canonical(bin.parent()?).ok()?;
    (rustc.is_file() && sysroot.join("lib").join("rustlib").is_dir()).then_some((sysroot, rustc))
}

/// The toolchain of `RUSTC`, or of `rustc` on the PATH, by its own word.
fn asked_of_rustc() -> anyhow::Result<(PathBuf, PathBuf)> {
    let rustc = std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
    let output = std::process::Command::new(&rustc)
        .args(["--print", "sysroot"])
        .output()
        .with_context(|| format!("cannot run {}", rustc.to_string_lossy()))?;
    anyhow::ensure!(
        output.status.success(),
        "rustc --print sysroot failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let sysroot = PathBuf::from(String::from_utf8(output.stdout)?.trim());
    let sysroot = crate::paths::canonical(&sysroot).unwrap_or(sysroot);
    let real = sysroot
        .join("bin")
        .join(format!("rustc{}", std::env::consts::EXE_SUFFIX));
    anyhow::ensure!(
        real.is_file(),
        "no rustc in the sysroot {}",
        sysroot.display()
    );
    Ok((sysroot, real))
}

/// One planner at a time per plan (a second checker waits).
fn lock(dir: &Path) -> anyhow::Result<std::fs::File> {
    let file = crate::paths::open_lock_file(&dir.with_extension("lock"))?;
    file.lock()
        .with_context(|| format!("cannot lock the plan {}", dir.display()))?;
    Ok(file)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(name: &str, externs: &[&str]) -> Unit {
        let mut args = vec!["--crate-name".to_owned(), name.to_owned()];
        for extern_ in externs {
            args.extend([
                "--extern".to_owned(),
                format!("x=/t/deps/lib{extern_}-1.rlib"),
            ]);
        }
        Unit {
            recording: Recording {
                crate_name: name.into(),
                extra_filename: "-1".into(),
                args,
                env: BTreeMap::new(),
            },
            outputs: vec![format!("lib{name}-1.rlib")],
            proc_macro: false,
        }
    }

    #[test]
    fn the_toolchain_beside_cargo_is_the_one_rustc_names() {
        // Under `cargo test`, CARGO is the cargo running the tests.
        let cargo = std::env::var_os("CARGO").expect("cargo sets CARGO");
        let beside = beside_cargo(cargo.as_ref()).expect("cargo lies in a toolchain");
        assert_eq!(beside, asked_of_rustc().unwrap());
        assert_eq!(beside_cargo(Path::new("/nowhere/bin/cargo")), None);
    }

    #[test]
    fn units_come_after_what_they_depend_on() {
        let ordered = dependencies_first(vec![unit("lib", &["macros"]), unit("macros", &[])]);
        let names: Vec<&str> = ordered
            .iter()
            .map(|unit| unit.recording.crate_name.as_str())
            .collect();
        assert_eq!(names, ["macros", "lib"]);
    }
}
