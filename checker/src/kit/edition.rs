//! The student edition (`checker assign`): the course as students receive
//! it, written from the instructor's repository.
//!
//! It keeps what a student works with — the task crates with their stubs,
//! the checker, the harness, the visible part of the suites, a README for
//! students, GitHub Classroom's workflow — and leaves out what grades them:
//! `solutions/`, the mutants, the checker's own tests, and every suite file
//! that holds a test whose `visibility` is not `visible`. The edition's
//! manifest says how many tests and points were left out, so its checker
//! can tell students that more are graded when they hand in.
//!
//! [`super::edition_check`] proves the edition before anyone receives it.

use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};

use super::files::{copy_dir, copy_file, write_file};
use crate::manifest::{self, GradedLater, Manifest, Task};

/// What went into an edition.
#[derive(Debug, Clone)]
pub struct Edition {
    /// The edition's root.
    pub root: PathBuf,
    /// Tests (and their points) the edition's suites do not carry.
    pub graded_later: GradedLater,
    /// Suite files left out, relative to the suites folder.
    pub withheld_files: Vec<String>,
}

/// Which suite files of `task` hold hidden tests: a file ships when it
/// declares none. A file that declares both kinds cannot be split here, so
/// it is the instructor's error, named with the way out.
pub fn withheld_files(manifest: &Manifest, task: &Task) -> anyhow::Result<Vec<PathBuf>> {
    let mut withheld = Vec::new();
    for file in suite_files(&task.suite_dir(manifest))? {
        let source = std::fs::read_to_string(&file)
            .with_context(|| format!("cannot read {}", file.display()))?;
        let declares = |visible: bool| {
            task.tests
                .iter()
                .filter(|test| test.visibility.is_visible() == visible)
                .any(|test| declares_test(&source, &test.name))
        };
        match (declares(false), declares(true)) {
            (false, _) => {}
            (true, false) => withheld.push(file),
            (true, true) => bail!(
                "{} declares both visible and hidden tests of task {}: move the hidden ones to a suite file of their own, so the student edition can leave that file out",
                file.display(),
                task.number
            ),
        }
    }
    Ok(withheld)
}

/// Whether `source` declares a function called `name` (every suite test is one).
fn declares_test(source: &str, name: &str) -> bool {
    ["(", "<"].iter().any(|after| {
        source
            .match_indices(&format!("fn {name}{after}"))
            .any(|(at, _)| {
                at == 0 || !source[..at].ends_with(|c: char| c.is_alphanumeric() || c == '_')
            })
    })
}

/// The `*.rs` files of a suite folder, sorted.
fn suite_files(dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("cannot read {}", dir.display()))?
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "rs"))
        .collect();
    files.sort();
    Ok(files)
}

/// Writes the student edition of the course in `repo`, graded by
/// `manifest` (the built-in suites or an instructor's own), to `out`, which
/// must not exist or be empty.
pub fn write(repo: &Path, manifest: &Manifest, out: &Path) -> anyhow::Result<Edition> {
    if out.exists() && std::fs::read_dir(out)?.next().is_some() {
        bail!(
            "{} is not empty: the student edition is written to a new folder",
            out.display()
        );
    }
    if out.starts_with(repo) && !out.starts_with(repo.join("target")) {
        bail!(
            "{} is inside the course's repository: write the student edition elsewhere",
            out.display()
        );
    }
    // Refused before anything is written: a file mixing hidden and visible
    // tests. Read once: the suites are written from the same lists.
    let withheld: Vec<Vec<PathBuf>> = manifest
        .tasks
        .iter()
        .map(|task| withheld_files(manifest, task))
        .collect::<anyhow::Result<_>>()?;
    std::fs::create_dir_all(out).with_context(|| format!("cannot create {}", out.display()))?;
    let out = crate::paths::canonical(out)?;

    copy_dir(&repo.join("exercises"), &out.join("exercises"))?;
    // The stubs as shipped, whatever the instructor tried in exercises/.
    copy_dir(&repo.join("checker/pristine"), &out.join("exercises"))?;
    std::fs::remove_file(out.join("exercises/README.md")).ok();
    for part in ["src", "harness", "protocol", "pristine"] {
        copy_dir(
            &repo.join("checker").join(part),
            &out.join("checker").join(part),
        )?;
    }
    copy_file(
        &repo.join("checker/Cargo.toml"),
        &out.join("checker/Cargo.toml"),
    )?;
    copy_file(&repo.join("Cargo.lock"), &out.join("Cargo.lock"))?;
    write_file(
        &out.join("Cargo.toml"),
        &super::files::workspace_without_solutions(repo)?,
    )?;

    let graded_later = write_suites(manifest, &withheld, &out.join("checker/suites"))?;
    let templates = repo.join("checker/kit/edition");
    let readme = std::fs::read_to_string(templates.join("README.md"))
        .context("cannot read the student README template")?
        .replace("{title}", &manifest.title);
    write_file(&out.join("README.md"), &readme)?;
    copy_file(
        &templates.join("classroom.yml"),
        &out.join(".github/workflows/classroom.yml"),
    )?;
    write_file(
        &out.join(".gitignore"),
        "/target\n/.checker-state\n*.pending-snap\n",
    )?;
    Ok(Edition {
        root: out,
        graded_later,
        withheld_files: withheld
            .iter()
            .flatten()
            .map(|file| crate::paths::display(file, &manifest.suites_dir))
            .collect(),
    })
}

/// The suites folder of the edition: the manifest less its hidden tests,
/// with `[graded_later]` saying what they were worth, and every suite file
/// that holds no hidden test (`withheld`: per task, the files that do).
/// Returns what was left out.
fn write_suites(
    manifest: &Manifest,
    withheld: &[Vec<PathBuf>],
    out: &Path,
) -> anyhow::Result<GradedLater> {
    let mut later = GradedLater {
        tests: 0,
        points: 0,
    };
    for (task, withheld) in manifest.tasks.iter().zip(withheld) {
        let suite_dir = task.suite_dir(manifest);
        for file in suite_files(&suite_dir)? {
            if !withheld.contains(&file) {
                let name = file.file_name().expect("a file");
                copy_file(&file, &out.join(&task.dir).join(name))?;
            }
        }
        // The probe is compiled with the student's crates: nothing hidden
        // is in it, and the visible suites need it.
        let probe = suite_dir.join(crate::build::PROBE_DIR);
        if probe.is_dir() {
            copy_dir(&probe, &out.join(&task.dir).join(crate::build::PROBE_DIR))?;
        }
        std::fs::create_dir_all(out.join(&task.dir))?;
        for test in task
            .tests
            .iter()
            .filter(|test| !test.visibility.is_visible())
        {
            later.tests += 1;
            later.points += test.points;
        }
    }
    let path = manifest.suites_dir.join(manifest::FILE_NAME);
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read {}", path.display()))?;
    let mut document: toml_edit::DocumentMut = text
        .parse()
        .with_context(|| format!("{} is not TOML", path.display()))?;
    if let Some(tasks) = document
        .get_mut("task")
        .and_then(toml_edit::Item::as_array_of_tables_mut)
    {
        for task in tasks.iter_mut() {
            if let Some(tests) = task
                .get_mut("test")
                .and_then(toml_edit::Item::as_array_of_tables_mut)
            {
                tests.retain(|test| {
                    test.get("visibility")
                        .and_then(|visibility| visibility.as_str())
                        .is_none_or(|visibility| visibility == "visible")
                });
            }
        }
    }
    let mut table = toml_edit::Table::new();
    table.decor_mut().set_prefix(
        "\n# The student edition: these tests are graded when the work is handed in.\n",
    );
    table["tests"] = toml_edit::value(later.tests as i64);
    table["points"] = toml_edit::value(i64::from(later.points));
    document.insert("graded_later", toml_edit::Item::Table(table));
    write_file(&out.join(manifest::FILE_NAME), &document.to_string())?;
    Ok(later)
}

/// Makes the edition a git repository with one commit, ready to push as a
/// GitHub Classroom template.
pub fn commit(root: &Path, title: &str) -> anyhow::Result<()> {
    let git = |args: &[&str]| -> anyhow::Result<()> {
        let status = std::process::Command::new("git")
            .arg("-C")
            .arg(root)
            .args([
                "-c",
                "user.name=checker assign",
                "-c",
                "user.email=checker@localhost",
            ])
            .args(args)
            .stdout(std::process::Stdio::null())
            .status()
            .context("cannot run git")?;
        anyhow::ensure!(status.success(), "git {} failed: {status}", args.join(" "));
        Ok(())
    };
    git(&["init", "--quiet", "--initial-branch=main"])?;
    git(&["add", "--all"])?;
    git(&[
        "commit",
        "--quiet",
        "--message",
        &format!("{title}: the student edition"),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_test_is_found_by_its_function_not_by_a_longer_name() {
        let source = "async fn clock_starts() {}\nfn other_clock_starts_late() {}\n";
        assert!(declares_test(source, "clock_starts"));
        assert!(!declares_test(source, "starts_late"));
        assert!(declares_test("fn generic<T>() {}", "generic"));
        assert!(!declares_test("// clock_starts()", "clock_starts"));
    }
}
