//! The plan workspace: the course's crates with their pristine stubs, the
//! probes and the suites, as files for cargo to build.
//!
//! Its content is made in memory first, so that its digest (with the suites,
//! the harness and the lock file) can name the plan: the same content is the
//! same plan, built once. A task crate's copy keeps only its library (bins,
//! tests, examples and build scripts are not graded, and a build script
//! would be code running outside any sandbox), with the pristine stub where
//! the course has one.

use std::{
    collections::BTreeMap,
    path::{Path, PathBuf},
};

use anyhow::Context as _;
use serde::{Deserialize, Serialize};
use toml::{Table, Value};

use super::BuildPaths;
use crate::manifest::{Manifest, Task};

/// The folder of a suite's probe: a library compiled with the student's
/// crates (it is where a student's macro is applied), which the suites use.
pub const PROBE_DIR: &str = "probe";

/// The library name suites use a probe by.
pub const PROBE_LIB: &str = "probe";

/// A task's crate as the plan has it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct TaskLayout {
    pub task_number: u32,
    /// The task's folder name (`02-timing-decorator`).
    pub dir: String,
    /// The task's slug, which names its generated packages.
    pub slug: String,
    /// The packages in the task's folder, the task crate first.
    pub packages: Vec<PackageLayout>,
    /// The suite files: (target name, path).
    pub suite_files: Vec<(String, PathBuf)>,
    /// The probe's folder in the suites, if the task has one.
    pub probe: Option<PathBuf>,
}

/// One package in a task's folder.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct PackageLayout {
    /// Its folder relative to the task's (`""`, `macros`).
    pub relative_dir: String,
    pub name: String,
    /// The library's crate name.
    pub lib: String,
    pub proc_macro: bool,
}

/// Generated files, by path relative to the workspace.
pub type Files = BTreeMap<String, Vec<u8>>;

/// Lays out `task` from its crate in `crates_root` (the course's for a
/// submission); a student's broken crate is the `Err` message.
pub fn layout(
    manifest: &Manifest,
    task: &Task,
    crates_root: &Path,
) -> anyhow::Result<Result<TaskLayout, String>> {
    let suite_dir = task.suite_dir(manifest);
    let suite_files = suite_files(&suite_dir)?;
    let probe = Some(suite_dir.join(PROBE_DIR)).filter(|dir| dir.join("lib.rs").is_file());
    let crate_dir = crates_root.join(&task.dir);
    utf8(&crate_dir)?;
    if !crate_dir.is_dir() {
        return Ok(Err(format!(
            "cannot open {}: no such folder",
            crate_dir.display()
        )));
    }
    let mut packages = Vec::new();
    for relative_dir in package_dirs(&crate_dir) {
        match read_package(&crate_dir.join(&relative_dir)) {
            Ok((name, lib, proc_macro)) => packages.push(PackageLayout {
                relative_dir,
                name,
                lib,
                proc_macro,
            }),
            Err(error) => return Ok(Err(error)),
        }
    }
    if packages
        .first()
        .is_none_or(|root| !root.relative_dir.is_empty())
    {
        let path = crate_dir.join("Cargo.toml");
        return Ok(Err(format!("cannot read {}: no such file", path.display())));
    }
    Ok(Ok(TaskLayout {
        task_number: task.number,
        dir: task.dir.clone(),
        slug: task.slug.clone(),
        packages,
        suite_files,
        probe,
    }))
}

/// The folders of a task crate that hold a Cargo.toml, relative to it, the
/// crate's own (`""`) first. Build output and hidden folders are skipped.
fn package_dirs(crate_dir: &Path) -> Vec<String> {
    let mut dirs: Vec<String> = walkdir::WalkDir::new(crate_dir)
        .max_depth(3)
        .follow_links(false)
        .into_iter()
        .filter_entry(|entry| {
            let name = entry.file_name().to_string_lossy();
            entry.depth() == 0 || !(name.starts_with('.') || name == "target")
        })
        .filter_map(Result::ok)
        .filter(|entry| entry.file_type().is_file() && entry.file_name() == "Cargo.toml")
        .filter_map(|entry| {
            let folder = entry.path().parent()?.strip_prefix(crate_dir).ok()?;
            Some(folder.to_string_lossy().replace('\\', "/"))
        })
        .collect();
    dirs.sort();
    dirs
}

/// (package name, library name, proc-macro?) of the package in `dir`, or
/// why it cannot be read.
fn read_package(dir: &Path) -> Result<(String, String, bool), String> {
    let path = dir.join("Cargo.toml");
    let table = read_manifest(&path)?;
    let name = table
        .get("package")
        .and_then(|package| package.get("name"))
        .and_then(Value::as_str)
        .ok_or_else(|| format!("{} has no [package] name", path.display()))?
        .to_owned();
    let lib = table.get("lib");
    let lib_name = lib
        .and_then(|lib| lib.get("name"))
        .and_then(Value::as_str)
        .map_or_else(|| name.replace('-', "_"), str::to_owned);
    let proc_macro = lib
        .and_then(|lib| lib.get("proc-macro"))
        .and_then(Value::as_bool)
        .unwrap_or(false);
    Ok((name, lib_name, proc_macro))
}

fn read_manifest(path: &Path) -> Result<Table, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|error| format!("cannot read {}: {error}", path.display()))?;
    toml::from_str(&text).map_err(|error| format!("{} is not valid TOML: {error}", path.display()))
}

/// The `*.rs` files of a suite folder, sorted, as (target name, path).
fn suite_files(suite_dir: &Path) -> anyhow::Result<Vec<(String, PathBuf)>> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(suite_dir)
        .with_context(|| format!("cannot read suite folder {}", suite_dir.display()))?
    {
        let path = entry?.path();
        if path.extension().is_some_and(|ext| ext == "rs") {
            let stem = path
                .file_stem()
                .and_then(|stem| stem.to_str())
                .with_context(|| format!("suite file name is not UTF-8: {}", path.display()))?
                .to_owned();
            files.push((stem, crate::paths::canonical(&path)?));
        }
    }
    anyhow::ensure!(
        !files.is_empty(),
        "suite folder {} has no .rs files",
        suite_dir.display()
    );
    files.sort();
    Ok(files)
}

/// The plan workspace's files for `layouts`, whose crates come from
/// `crates_root` with the stubs of `paths.pristine` in the edited files;
/// with the [shared harness](shared_harness_files) if `shared_harness`,
/// still to be named ([`name_shared_harness`]).
pub fn files(
    manifest: &Manifest,
    layouts: &[(&Task, &TaskLayout)],
    crates_root: &Path,
    paths: &BuildPaths,
    shared_harness: bool,
) -> anyhow::Result<Files> {
    let mut files = Files::new();
    let mut members = Vec::new();
    let harness = match shared_harness {
        true => {
            files.extend(shared_harness_files(manifest, paths)?);
            members.push(Value::from(SHARED_HARNESS_DIR));
            toml_table([
                ("package", SHARED_HARNESS_DIR.into()),
                ("path", format!("../{SHARED_HARNESS_DIR}").into()),
            ])
        }
        false => harness_dependency(paths)?,
    };
    for (task, layout) in layouts {
        let crate_dir = crates_root.join(&task.dir);
        for package in &layout.packages {
            let relative = if package.relative_dir.is_empty() {
                format!("crates/{}", task.dir)
            } else {
                format!("crates/{}/{}", task.dir, package.relative_dir)
            };
            let source_dir = crate_dir.join(&package.relative_dir);
            let (table, lib_path) = library_only(&source_dir.join("Cargo.toml"))?;
            files.insert(format!("{relative}/Cargo.toml"), generated(&table)?);
            let edited = if package.relative_dir.is_empty() {
                lib_path.clone()
            } else {
                format!("{}/{lib_path}", package.relative_dir)
            };
            let pristine = paths.pristine.join(&task.dir).join(&edited);
            let source = std::fs::read(&pristine)
                .or_else(|_| std::fs::read(source_dir.join(&lib_path)))
                .with_context(|| format!("cannot read {}", source_dir.join(&lib_path).display()))?;
            files.insert(format!("{relative}/{lib_path}"), source);
        }
        members.push(Value::from(format!("crates/{}", task.dir)));
        if layout.probe.is_some() {
            let package = format!("probe-{}", task.slug);
            files.insert(
                format!("{package}/Cargo.toml"),
                generated(&probe_manifest(manifest, layout)?)?,
            );
            members.push(package.into());
        }
        let package = format!("suite-{}", task.slug);
        files.insert(
            format!("{package}/Cargo.toml"),
            generated(&suite_manifest(manifest, task, layout, &harness)?)?,
        );
        members.push(package.into());
    }
    let root = toml_table([
        (
            "workspace",
            toml_table([("resolver", "3".into()), ("members", members.into())]).into(),
        ),
        (
            "profile",
            // Suites need no debugger: panic locations are compiled in anyway,
            // and skipping debug info makes every link faster.
            toml_table([("dev", toml_table([("debug", false.into())]).into())]).into(),
        ),
    ]);
    files.insert("Cargo.toml".into(), generated(&root)?);
    // Same versions as the repository's own build: nothing new to resolve or
    // download, and dependency builds are shared between plans.
    if let Ok(lock) = std::fs::read(&paths.lockfile) {
        files.insert("Cargo.lock".into(), lock);
    }
    Ok(files)
}

/// A task crate's manifest with its library alone: no bins, tests,
/// examples, benches or build script, and no workspace of its own. Returns
/// it with the library's path.
fn library_only(path: &Path) -> anyhow::Result<(Table, String)> {
    let mut table = read_manifest(path).map_err(anyhow::Error::msg)?;
    for key in ["bin", "test", "example", "bench", "workspace"] {
        table.remove(key);
    }
    if let Some(Value::Table(package)) = table.get_mut("package") {
        for key in [
            "autobins",
            "autotests",
            "autoexamples",
            "autobenches",
            "build",
        ] {
            package.insert(key.into(), false.into());
        }
        package.remove("workspace");
    }
    let lib_path = table
        .get("lib")
        .and_then(|lib| lib.get("path"))
        .and_then(Value::as_str)
        .unwrap_or("src/lib.rs")
        .to_owned();
    Ok((table, lib_path))
}

/// Dependencies on every package of a task's crate, by library name.
fn task_dependencies(layout: &TaskLayout) -> Table {
    layout
        .packages
        .iter()
        .map(|package| {
            let path = if package.relative_dir.is_empty() {
                format!("../crates/{}", layout.dir)
            } else {
                format!("../crates/{}/{}", layout.dir, package.relative_dir)
            };
            (
                package.lib.clone(),
                toml_table([
                    ("package", package.name.clone().into()),
                    ("path", path.into()),
                ])
                .into(),
            )
        })
        .collect()
}

/// The probe's package: a library of the suites' own code that the
/// student's crates (macros included) apply to.
fn probe_manifest(manifest: &Manifest, layout: &TaskLayout) -> anyhow::Result<Table> {
    let probe = layout.probe.as_ref().expect("a probe");
    let mut dependencies = manifest.dependencies.clone();
    dependencies.extend(task_dependencies(layout));
    let lib = toml_table([
        ("name", PROBE_LIB.into()),
        ("path", path_value(&probe.join("lib.rs"))?),
    ]);
    Ok(toml_table([
        ("package", package_table(&format!("probe-{}", layout.slug))),
        ("lib", lib.into()),
        ("dependencies", dependencies.into()),
        ("lints", unsafe_forbidden()),
    ]))
}

/// The suite package of a task: one test target per suite file, linking the
/// task's library, its probe and the harness.
fn suite_manifest(
    manifest: &Manifest,
    task: &Task,
    layout: &TaskLayout,
    harness: &Table,
) -> anyhow::Result<Table> {
    let mut dependencies = manifest.dependencies.clone();
    let root = &layout.packages[0];
    dependencies.insert(
        task.lib.clone(),
        toml_table([
            ("package", root.name.clone().into()),
            ("path", format!("../crates/{}", layout.dir).into()),
        ])
        .into(),
    );
    if layout.probe.is_some() {
        dependencies.insert(
            PROBE_LIB.into(),
            toml_table([
                ("package", format!("probe-{}", layout.slug).into()),
                ("path", format!("../probe-{}", task.slug).into()),
            ])
            .into(),
        );
    }
    dependencies.insert("harness".into(), harness.clone().into());
    let tests: Vec<Value> = layout
        .suite_files
        .iter()
        .map(|(name, path)| {
            Ok(toml_table([
                ("name", name.clone().into()),
                ("path", path_value(path)?),
                ("harness", false.into()),
            ])
            .into())
        })
        .collect::<anyhow::Result<_>>()?;
    Ok(toml_table([
        ("package", package_table(&format!("suite-{}", task.slug))),
        ("dependencies", dependencies.into()),
        ("test", tests.into()),
    ]))
}

/// The folder (and package name) of the shared harness in a plan.
pub const SHARED_HARNESS_DIR: &str = "shared-harness";

/// The shared harness: one dynamic library holding the harness and every
/// dependency the suites may use (tokio, reqwest, httpmock...), which the
/// suites use as their `harness`. A suite then links a few hundred
/// kilobytes of its own instead of all of them: on Linux, 0.05 s instead of
/// 0.3 s, for every suite of every re-grade. Its library name is left to
/// [`name_shared_harness`].
fn shared_harness_files(manifest: &Manifest, paths: &BuildPaths) -> anyhow::Result<Files> {
    let mut dependencies = manifest.dependencies.clone();
    dependencies.insert("harness_impl".into(), harness_dependency(paths)?.into());
    // An `extern crate` for each, or the compiler would leave out of the
    // library the crates the harness itself does not use.
    let mut source = String::from(
        "//! Generated by the checker: the harness and the suites' dependencies, as one dynamic library.\n\
         pub use harness_impl::*;\n",
    );
    for name in manifest.dependencies.keys() {
        source.push_str(&format!("extern crate {} as _;\n", name.replace('-', "_")));
    }
    let lib = toml_table([
        ("name", UNNAMED_HARNESS.into()),
        ("path", "lib.rs".into()),
        ("crate-type", vec![Value::from("dylib")].into()),
    ]);
    let package = toml_table([
        ("package", package_table(SHARED_HARNESS_DIR)),
        ("lib", lib.into()),
        ("dependencies", dependencies.into()),
    ]);
    Ok(Files::from([
        (
            format!("{SHARED_HARNESS_DIR}/Cargo.toml"),
            generated(&package)?,
        ),
        (format!("{SHARED_HARNESS_DIR}/lib.rs"), source.into_bytes()),
    ]))
}

/// The shared harness's library name until the plan names it.
const UNNAMED_HARNESS: &str = "harness_unnamed";

/// Names the shared harness's library in `files` after the plan's digest.
///
/// Cargo names a path package's dylib without a hash of its own
/// (`libharness_….so` in the one folder of dependencies), while its symbols
/// carry the package's path, which is the plan's folder. So two plans (the
/// course's suites and an instructor's `--suites`, say) that named theirs
/// alike would overwrite each other's library, and a suite built by one
/// would start against the other's and find its symbols missing (exit 127
/// before the test began). Named after its plan, each plan has its own.
pub fn name_shared_harness(files: &mut Files, plan_digest: u64) -> anyhow::Result<()> {
    let key = format!("{SHARED_HARNESS_DIR}/Cargo.toml");
    if !files.contains_key(&key) {
        return Ok(());
    }
    edit_generated(files, &key, |package| {
        let lib = package
            .get_mut("lib")
            .and_then(Value::as_table_mut)
            .context("the generated shared harness manifest has no [lib]")?;
        lib.insert("name".into(), format!("harness_{plan_digest:016x}").into());
        Ok(())
    })
}

/// Reads the generated manifest `key` of `files`, lets `edit` change it, and
/// puts it back.
fn edit_generated(
    files: &mut Files,
    key: &str,
    edit: impl FnOnce(&mut Table) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let bytes = files
        .get(key)
        .with_context(|| format!("no generated {key}"))?;
    let mut manifest: Table = toml::from_str(std::str::from_utf8(bytes)?)
        .with_context(|| format!("the generated {key} is not TOML"))?;
    edit(&mut manifest)?;
    files.insert(key.to_owned(), generated(&manifest)?);
    Ok(())
}

/// Gives every package of the plan a version of its own: its version with
/// the plan's digest as build metadata (`0.1.0+plan.<digest>`).
///
/// The plan builds in cargo's `target/`, beside the checker's own build, and
/// its folder lies inside it. Cargo then records the sources of a plan's
/// package relative to `target/`, under a hash of the package's name,
/// version and path within its workspace: two plans' copies of one crate
/// would share that hash, and the second would be found fresh against the
/// first one's sources, never compiled, and never recorded. The version
/// makes each plan's packages its own. A compiler of a student's crate is
/// told the version without it ([`course_version`]).
pub fn version_for_plan(files: &mut Files, plan_digest: u64) -> anyhow::Result<()> {
    let manifests: Vec<String> = files
        .keys()
        .filter(|path| path.ends_with("/Cargo.toml"))
        .cloned()
        .collect();
    for key in manifests {
        edit_generated(files, &key, |manifest| {
            if let Some(package) = manifest.get_mut("package").and_then(Value::as_table_mut) {
                let version = package
                    .get("version")
                    .and_then(Value::as_str)
                    .unwrap_or("0.0.0");
                let version = plan_version(version, plan_digest);
                package.insert("version".into(), version.into());
            }
            Ok(())
        })?;
    }
    Ok(())
}

/// `version` with the plan's digest added to its build metadata.
fn plan_version(version: &str, plan_digest: u64) -> String {
    let separator = if version.contains('+') { '.' } else { '+' };
    format!("{version}{separator}{}", plan_marker(plan_digest))
}

/// The version a plan's package had in the course: `recorded` without what
/// [`version_for_plan`] added.
pub fn course_version(recorded: &str, plan_digest: u64) -> &str {
    let marker = plan_marker(plan_digest);
    recorded
        .strip_suffix(marker.as_str())
        .and_then(|rest| rest.strip_suffix(['+', '.']))
        .unwrap_or(recorded)
}

fn plan_marker(plan_digest: u64) -> String {
    format!("plan.{plan_digest:016x}")
}

/// A dependency on the harness crate itself.
fn harness_dependency(paths: &BuildPaths) -> anyhow::Result<Table> {
    Ok(toml_table([
        ("package", "grading-harness".into()),
        ("path", path_value(&paths.harness)?),
    ]))
}

fn package_table(name: &str) -> Value {
    toml_table([
        ("name", name.into()),
        ("version", "0.0.0".into()),
        ("edition", "2024".into()),
        ("publish", false.into()),
        ("autobins", false.into()),
        ("autoexamples", false.into()),
        ("autotests", false.into()),
        ("autobenches", false.into()),
    ])
    .into()
}

/// `[lints.rust] unsafe_code = "forbid"`: a probe is compiled with the
/// student's macro applied to it.
fn unsafe_forbidden() -> Value {
    toml_table([(
        "rust",
        toml_table([("unsafe_code", "forbid".into())]).into(),
    )])
    .into()
}

fn toml_table<const N: usize>(entries: [(&str, Value); N]) -> Table {
    entries
        .into_iter()
        .map(|(key, value)| (key.to_owned(), value))
        .collect()
}

/// `path` as a TOML string; a path that is not UTF-8 cannot be one.
fn path_value(path: &Path) -> anyhow::Result<Value> {
    Ok(utf8(path)?.to_owned().into())
}

/// `path` as UTF-8, or an error that says what to do about it.
fn utf8(path: &Path) -> anyhow::Result<&str> {
    path.to_str().with_context(|| {
        format!(
            "the path {} is not valid UTF-8, so cargo cannot be told about it: rename the folder or grade a copy elsewhere",
            path.display()
        )
    })
}

/// A manifest as text, marked as generated.
fn generated(table: &Table) -> anyhow::Result<Vec<u8>> {
    let body = toml::to_string(table).context("cannot write a generated Cargo.toml")?;
    Ok(format!("# Generated by the checker for the course's build plan.\n{body}").into_bytes())
}

/// A folder name for the things that grade the crates under `crates_root`:
/// readable, and distinct for distinct folders.
pub fn label_for(crates_root: &Path) -> String {
    let name = crates_root
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_else(|| "root".into());
    let hash = crate::integrity::hash_of(crates_root);
    format!("{name}-{:08x}", hash as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_differ_for_folders_with_the_same_name() {
        let a = label_for(Path::new("/one/exercises"));
        let b = label_for(Path::new("/two/exercises"));
        assert!(a.starts_with("exercises-") && b.starts_with("exercises-"));
        assert_ne!(a, b);
    }

    #[test]
    fn packages_are_read_and_broken_manifests_explained() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("Cargo.toml"),
            "[package]\nname = \"req-x\"\n",
        )
        .unwrap();
        assert_eq!(
            read_package(dir.path()),
            Ok(("req-x".into(), "req_x".into(), false))
        );
        std::fs::write(dir.path().join("Cargo.toml"), "[package\n").unwrap();
        assert!(
            read_package(dir.path())
                .unwrap_err()
                .contains("not valid TOML")
        );
    }

    #[test]
    fn each_plan_versions_its_packages_and_students_see_the_course_version() {
        let mut files = Files::from([
            (
                "Cargo.toml".to_owned(),
                b"[workspace]\nmembers = []\n".to_vec(),
            ),
            (
                "crates/00-t/Cargo.toml".to_owned(),
                b"[package]\nname = \"t\"\nversion = \"0.1.0\"\n".to_vec(),
            ),
            (
                "crates/01-u/Cargo.toml".to_owned(),
                b"[package]\nname = \"u\"\nversion = \"1.2.3+build.7\"\n".to_vec(),
            ),
            (
                "suite-t/Cargo.toml".to_owned(),
                b"[package]\nname = \"s\"\n".to_vec(),
            ),
        ]);
        version_for_plan(&mut files, 0xab).unwrap();
        let version = |key: &str| -> String {
            let manifest: Table =
                toml::from_str(std::str::from_utf8(&files[key]).unwrap()).unwrap();
            manifest["package"]["version"].as_str().unwrap().to_owned()
        };
        assert_eq!(
            version("crates/00-t/Cargo.toml"),
            "0.1.0+plan.00000000000000ab"
        );
        assert_eq!(
            version("crates/01-u/Cargo.toml"),
            "1.2.3+build.7.plan.00000000000000ab"
        );
        assert_eq!(version("suite-t/Cargo.toml"), "0.0.0+plan.00000000000000ab");
        assert!(
            !std::str::from_utf8(&files["Cargo.toml"])
                .unwrap()
                .contains("plan.")
        );
        for (course, key) in [
            ("0.1.0", "crates/00-t/Cargo.toml"),
            ("1.2.3+build.7", "crates/01-u/Cargo.toml"),
        ] {
            assert_eq!(course_version(&version(key), 0xab), course);
        }
        // Another plan's marker, or none, is left as it is.
        assert_eq!(
            course_version("0.1.0+plan.00000000000000cd", 0xab),
            "0.1.0+plan.00000000000000cd"
        );
        assert_eq!(course_version("0.1.0", 0xab), "0.1.0");
    }

    #[test]
    fn the_shared_harness_is_one_dylib_holding_every_suite_dependency() {
        let repo = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
        let manifest = Manifest::load(&repo.join("checker/suites")).unwrap();
        let paths = BuildPaths::for_repo(repo);
        let mut files = shared_harness_files(&manifest, &paths).unwrap();
        name_shared_harness(&mut files, 7).unwrap();
        let package: Table = toml::from_str(
            std::str::from_utf8(&files[&format!("{SHARED_HARNESS_DIR}/Cargo.toml")]).unwrap(),
        )
        .unwrap();
        assert_eq!(
            package["lib"]["crate-type"],
            Value::Array(vec!["dylib".into()])
        );
        let name = package["lib"]["name"].as_str().unwrap();
        assert_eq!(name, "harness_0000000000000007");
        let source =
            String::from_utf8(files[&format!("{SHARED_HARNESS_DIR}/lib.rs")].clone()).unwrap();
        assert!(source.contains("pub use harness_impl::*;"));
        // Every dependency a suite may name is in the library, or a suite
        // using it would link a second copy of it.
        for dependency in manifest.dependencies.keys() {
            let line = format!("extern crate {} as _;", dependency.replace('-', "_"));
            assert!(source.contains(&line), "{line} missing from {source}");
            assert!(package["dependencies"].get(dependency).is_some());
        }
        assert!(package["dependencies"].get("harness_impl").is_some());
    }

    #[test]
    fn a_crate_copy_keeps_its_library_alone() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("Cargo.toml");
        std::fs::write(
            &path,
            "[package]\nname = \"t\"\nbuild = \"build.rs\"\n[lib]\nname = \"t\"\n[[bin]]\nname = \"t\"\npath = \"src/main.rs\"\n[[test]]\nname = \"e\"\n",
        )
        .unwrap();
        let (table, lib) = library_only(&path).unwrap();
        assert_eq!(lib, "src/lib.rs");
        assert!(table.get("bin").is_none() && table.get("test").is_none());
        assert_eq!(table["package"]["build"], Value::Boolean(false));
    }
}
