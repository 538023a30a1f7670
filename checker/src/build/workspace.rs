//! Generating the packages that compile a task's suite against its crate.
//!
//! For each task, `target/grading/workspaces/<label>/suite-<slug>/Cargo.toml`
//! names the task's crate (under the library name the suites `use`), the
//! harness, the manifest's shared dependencies, and one `[[test]]` target per
//! suite file. Files are rewritten only when their content changes, so cargo
//! sees nothing new on a re-grade and rebuilds only what the student edited.

use std::{
    hash::{Hash, Hasher},
    path::{Path, PathBuf},
};

use anyhow::Context as _;
use toml::{Table, Value};

use super::BuildPaths;
use crate::manifest::{Manifest, Task};
use crate::paths::write_if_changed;

/// Everything needed to generate one task's package.
#[derive(Debug, Clone)]
pub struct TaskPlan {
    pub task_number: u32,
    /// The generated package's name (and its folder in the workspace).
    pub package: String,
    /// The task's crate, canonical.
    pub crate_dir: PathBuf,
    /// The library name the suites `use`.
    pub lib: String,
    /// The task crate's package name, from its Cargo.toml.
    pub crate_package: String,
    /// The suite files: (target name, path).
    pub suite_files: Vec<(String, PathBuf)>,
    /// Why the task's crate cannot be built at all (missing, or a broken
    /// Cargo.toml); such a task is left out of the workspace.
    pub manifest_error: Option<String>,
}

impl TaskPlan {
    /// Plans `task` against its crate under `crates_root`. An error is the
    /// instructor's (a suite folder without suite files); a student's broken
    /// crate becomes [`TaskPlan::manifest_error`].
    pub fn new(manifest: &Manifest, task: &Task, crates_root: &Path) -> anyhow::Result<TaskPlan> {
        let suite_files = suite_files(&task.suite_dir(manifest))?;
        let crate_dir = crates_root.join(&task.dir);
        // Generated manifests are text: a folder whose name is not UTF-8
        // cannot be named in one, and that is no student's doing.
        utf8(&crate_dir)?;
        let (crate_dir, crate_package, manifest_error) = match dunce::canonicalize(&crate_dir)
            .map_err(|error| format!("cannot open {}: {error}", crate_dir.display()))
            .and_then(|dir| package_name_of(&dir).map(|name| (dir, name)))
        {
            Ok((dir, name)) => (dir, name, None),
            Err(error) => (crate_dir, String::new(), Some(error)),
        };
        Ok(TaskPlan {
            task_number: task.number,
            package: format!("suite-{}", task.slug),
            crate_dir,
            lib: task.lib.clone(),
            crate_package,
            suite_files,
            manifest_error,
        })
    }
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

/// The `[package] name` of the crate in `crate_dir`, or a message saying why
/// it cannot be read.
pub fn package_name_of(crate_dir: &Path) -> Result<String, String> {
    let path = crate_dir.join("Cargo.toml");
    let text = std::fs::read_to_string(&path)
        .map_err(|error| format!("cannot read {}: {error}", path.display()))?;
    let table: Table = toml::from_str(&text)
        .map_err(|error| format!("{} is not valid TOML: {error}", path.display()))?;
    table
        .get("package")
        .and_then(|package| package.get("name"))
        .and_then(Value::as_str)
        .map(str::to_owned)
        .ok_or_else(|| format!("{} has no [package] name", path.display()))
}

/// A folder name for the workspace that grades the crates under
/// `crates_root`: readable, and distinct for distinct folders.
pub fn label_for(crates_root: &Path) -> String {
    let name = crates_root
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_else(|| "root".into());
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    crates_root.hash(&mut hasher);
    format!("{name}-{:08x}", hasher.finish() as u32)
}

/// Writes the workspace for `plans` into `dir` and returns `dir`.
pub fn write(
    dir: &Path,
    manifest: &Manifest,
    plans: &[&TaskPlan],
    paths: &BuildPaths,
) -> anyhow::Result<PathBuf> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let members: Vec<Value> = plans
        .iter()
        .map(|plan| Value::from(plan.package.clone()))
        .collect();
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
    write_if_changed(&dir.join("Cargo.toml"), &generated(&root)?)?;
    for plan in plans {
        let package_dir = dir.join(&plan.package);
        std::fs::create_dir_all(&package_dir)?;
        write_if_changed(
            &package_dir.join("Cargo.toml"),
            &generated(&package_manifest(manifest, plan, paths)?)?,
        )?;
    }
    // Same versions as the repository's own build: nothing new to resolve or
    // download, and dependency builds are shared between workspaces.
    if let Ok(lock) = std::fs::read(&paths.lockfile) {
        write_if_changed(&dir.join("Cargo.lock"), &lock)?;
    }
    Ok(dir.to_path_buf())
}

/// The Cargo.toml of one task's generated package.
fn package_manifest(
    manifest: &Manifest,
    plan: &TaskPlan,
    paths: &BuildPaths,
) -> anyhow::Result<Table> {
    let mut dependencies = manifest.dependencies.clone();
    dependencies.insert(
        plan.lib.clone(),
        toml_table([
            ("package", plan.crate_package.clone().into()),
            ("path", path_value(&plan.crate_dir)?),
        ])
        .into(),
    );
    dependencies.insert(
        "harness".into(),
        toml_table([
            ("package", "grading-harness".into()),
            ("path", path_value(&paths.harness)?),
        ])
        .into(),
    );
    let tests: Vec<Value> = plan
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
    let package = toml_table([
        ("name", plan.package.clone().into()),
        ("version", "0.0.0".into()),
        ("edition", "2024".into()),
        ("publish", false.into()),
        ("autobins", false.into()),
        ("autoexamples", false.into()),
        ("autotests", false.into()),
        ("autobenches", false.into()),
    ]);
    Ok(toml_table([
        ("package", package.into()),
        ("dependencies", dependencies.into()),
        ("test", tests.into()),
    ]))
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
    Ok(
        format!("# Generated by the checker on every run; edits are overwritten.\n{body}")
            .into_bytes(),
    )
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
    fn package_names_are_read_and_broken_manifests_explained() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("Cargo.toml"), "[package]\nname = \"req\"\n").unwrap();
        assert_eq!(package_name_of(dir.path()), Ok("req".into()));

        std::fs::write(dir.path().join("Cargo.toml"), "[package\n").unwrap();
        assert!(
            package_name_of(dir.path())
                .unwrap_err()
                .contains("not valid TOML")
        );
    }
}
