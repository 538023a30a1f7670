//! Taking a submission's files: only what a student is meant to write.
//!
//! An instructor grades a folder a student handed in (`--exercises DIR`).
//! Everything in it but the student's own source is the course's, and a
//! student who changes it — a `build.rs` that rewrites the hidden suites, a
//! new dependency, a Cargo.toml that points at a solution — must not see the
//! change graded. So each task is graded from a copy: the course's trusted
//! crate (the checker's own `exercises/`), with the student's source files
//! laid over it. A student's source files are the task's `edit` and
//! `bonus_files`, and any other `.rs` file in the same `src/` folders, so
//! that code split into modules still grades. Everything else the
//! submission changed is listed as ignored, so the report can say so.
//!
//! A submission's folder is walked by [`listing`], which bounds the walk and
//! never opens anything but a regular file.

pub mod layout;
pub mod listing;

use std::{
    collections::BTreeMap,
    path::{Path, PathBuf},
};

use anyhow::Context as _;

use self::listing::{Entry, Limits};
use crate::{manifest::Task, paths::write_if_changed};

/// What was taken of one task.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TaskIntake {
    pub number: u32,
    /// The submission has no folder for the task.
    pub missing: bool,
    /// Files of the submission that differ from the course's and were not
    /// used, relative to the task folder, with `/` between folders.
    pub ignored: Vec<String>,
}

/// A submission laid over the course's crates, ready to build.
#[derive(Debug, Clone)]
pub struct Intake {
    /// The folder of task crates to build: the copies.
    pub crates_root: PathBuf,
    /// Where the submission's task folders were found ([`layout`]).
    pub root: PathBuf,
    /// How they were found, when not where they belong: for the report.
    pub note: Option<String>,
    /// One per task taken, in the order given.
    pub tasks: Vec<TaskIntake>,
}

/// Lays the student's files of each of `tasks` in `submitted` (its task
/// folders wherever [`layout`] finds them) over the course's crates in
/// `trusted`, in `copies` (one folder per task, kept
/// between gradings so that an unchanged file is not rebuilt).
///
/// An error is the course's: a task with no trusted crate, or a folder that
/// cannot be written.
pub fn take(
    tasks: &[&Task],
    submitted: &Path,
    trusted: &Path,
    copies: &Path,
) -> anyhow::Result<Intake> {
    // Loose files are staged beside the copies, never inside them.
    let mut stage = copies.as_os_str().to_owned();
    stage.push(".loose");
    let located = layout::locate(tasks, submitted, trusted, Path::new(&stage))?;
    let intakes = tasks
        .iter()
        .map(|task| take_task(task, &located.root, trusted, copies))
        .collect::<anyhow::Result<_>>()?;
    Ok(Intake {
        crates_root: copies.to_path_buf(),
        root: located.root,
        note: located.note,
        tasks: intakes,
    })
}

fn take_task(
    task: &Task,
    submitted: &Path,
    trusted: &Path,
    copies: &Path,
) -> anyhow::Result<TaskIntake> {
    let trusted_dir = trusted.join(&task.dir);
    anyhow::ensure!(
        trusted_dir.is_dir(),
        "task {} has no crate of the course's at {}, so a submission's files cannot be laid over one",
        task.number,
        trusted_dir.display()
    );
    let copy_dir = copies.join(&task.dir);
    let submitted_dir = submitted.join(&task.dir);
    let mut intake = TaskIntake {
        number: task.number,
        ..TaskIntake::default()
    };
    if !submitted_dir.is_dir() {
        intake.missing = true;
        if copy_dir.exists() {
            std::fs::remove_dir_all(&copy_dir)
                .with_context(|| format!("cannot remove {}", copy_dir.display()))?;
        }
        return Ok(intake);
    }

    let source_folders = source_folders(task);
    let is_students = |relative: &str| {
        source_folders.iter().any(|folder| {
            relative
                .strip_prefix(folder.as_str())
                .is_some_and(|rest| rest.starts_with('/') && rest.ends_with(".rs"))
        })
    };

    // The course's files (a source file the student did not hand in stays
    // the course's: an untouched stub grades as not started)...
    let course = listing::list(&trusted_dir, Limits::SUBMISSION);
    let mut wanted: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    for relative in course.files.keys() {
        wanted.insert(relative.clone(), read(&trusted_dir, relative)?);
    }
    // ...with the student's files in their place; the rest is listed.
    let submitted = listing::list(&submitted_dir, Limits::SUBMISSION);
    for (relative, entry) in &submitted.files {
        let bytes = submitted.read(relative);
        match (entry, bytes) {
            (Entry::Regular, Some(bytes)) if is_students(relative) => {
                wanted.insert(relative.clone(), bytes);
            }
            (Entry::Regular, Some(bytes)) if wanted.get(relative) == Some(&bytes) => {}
            (Entry::PassedOver(reason), _) => {
                intake.ignored.push(format!("{relative} ({reason})"));
            }
            _ => intake.ignored.push(relative.clone()),
        }
    }
    intake.ignored.extend(submitted.not_entered.iter().cloned());

    for (relative, bytes) in &wanted {
        let path = copy_dir.join(relative);
        if let Some(folder) = path.parent() {
            std::fs::create_dir_all(folder)
                .with_context(|| format!("cannot create {}", folder.display()))?;
        }
        write_if_changed(&path, bytes)?;
    }
    // A module file the student has since removed must go from the copy too.
    for relative in listing::list(&copy_dir, Limits::SUBMISSION).files.keys() {
        if !wanted.contains_key(relative) {
            let path = copy_dir.join(relative);
            std::fs::remove_file(&path)
                .with_context(|| format!("cannot remove {}", path.display()))?;
        }
    }
    Ok(intake)
}

/// The student's source files of `task` in its folder `task_dir` (a
/// submission's, or the course's): every `.rs` file under the folders the
/// student edits, as (name relative to `task_dir`, text), read within the
/// submission limits (a file that is not UTF-8 is read with its bad bytes
/// replaced). A folder that does not exist has none.
pub fn source_files(task: &Task, task_dir: &Path) -> Vec<(String, String)> {
    let folders = source_folders(task);
    let listing = listing::list(task_dir, Limits::SUBMISSION);
    listing
        .files
        .keys()
        .filter(|relative| {
            relative.ends_with(".rs")
                && folders.iter().any(|folder| {
                    relative
                        .strip_prefix(folder.as_str())
                        .is_some_and(|rest| rest.starts_with('/'))
                })
        })
        .filter_map(|relative| {
            let bytes = listing.read(relative)?;
            Some((
                relative.clone(),
                String::from_utf8_lossy(&bytes).into_owned(),
            ))
        })
        .collect()
}

/// The `src` folders that hold the task's `edit` and `bonus_files`, relative
/// to the task folder (`src`, `macros/src`).
pub fn source_folders(task: &Task) -> Vec<String> {
    let mut folders: Vec<String> = task
        .edited_files()
        .map(|file| match file.rfind("src/") {
            Some(at) => file[..at + "src".len()].to_owned(),
            None => file
                .rsplit_once('/')
                .map_or("", |(folder, _)| folder)
                .to_owned(),
        })
        .collect();
    folders.sort();
    folders.dedup();
    folders
}

fn read(dir: &Path, relative: &str) -> anyhow::Result<Vec<u8>> {
    let path = dir.join(relative);
    std::fs::read(&path).with_context(|| format!("cannot read {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn task(edit: &str, bonus: &[&str]) -> Task {
        toml::from_str(&format!(
            "number = 2\nslug = \"t\"\ntitle = \"t\"\ndir = \"02-t\"\nlib = \"t\"\nedit = \"{edit}\"\nbonus_files = {bonus:?}\ntest = []\n"
        ))
        .unwrap()
    }

    fn plant(root: &Path, files: &[(&str, &str)]) {
        for (relative, text) in files {
            let path = root.join(relative);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
    }

    /// The course's crates, the student's submission and the copies, in `root`.
    fn folders(root: &Path) -> (PathBuf, PathBuf, PathBuf) {
        (
            root.join("course"),
            root.join("student"),
            root.join("copies"),
        )
    }

    #[test]
    fn source_folders_are_the_src_folders_of_the_edited_files() {
        assert_eq!(
            source_folders(&task("src/lib.rs", &["macros/src/lib.rs"])),
            ["macros/src", "src"]
        );
    }

    #[test]
    fn only_source_files_are_taken_and_the_rest_is_listed() {
        let root = tempfile::tempdir().unwrap();
        let (trusted, submitted, copies) = folders(root.path());
        plant(
            &trusted.join("02-t"),
            &[
                ("Cargo.toml", "course manifest"),
                ("src/lib.rs", "stub"),
                ("src/main.rs", "demo"),
                ("README.md", "statement"),
                ("tests/examples.rs", "examples"),
            ],
        );
        plant(
            &submitted.join("02-t"),
            &[
                ("Cargo.toml", "[dependencies] solution = { path = \"..\" }"),
                ("build.rs", "fn main() { /* rewrite the suites */ }"),
                ("src/lib.rs", "mod helper; solved"),
                ("src/helper.rs", "helper"),
                ("src/notes.txt", "not source"),
                ("README.md", "statement"),
                ("target/debug/junk", "build output"),
                (".git/HEAD", "ref"),
                ("macros/src/lib.rs", "not this task's bonus"),
            ],
        );
        let task = task("src/lib.rs", &[]);
        let intake = take(&[&task], &submitted, &trusted, &copies).unwrap();
        assert_eq!(
            intake.tasks[0].ignored,
            [
                "Cargo.toml",
                "build.rs",
                "macros/src/lib.rs",
                "src/notes.txt"
            ]
        );
        assert!(!intake.tasks[0].missing);
        let copy = copies.join("02-t");
        let read = |relative: &str| std::fs::read_to_string(copy.join(relative)).ok();
        assert_eq!(read("Cargo.toml").as_deref(), Some("course manifest"));
        assert_eq!(read("src/lib.rs").as_deref(), Some("mod helper; solved"));
        assert_eq!(read("src/helper.rs").as_deref(), Some("helper"));
        assert_eq!(read("tests/examples.rs").as_deref(), Some("examples"));
        assert_eq!(read("build.rs"), None);
        // Not handed in: the course's stays.
        assert_eq!(read("src/main.rs").as_deref(), Some("demo"));

        // A module removed since the last grading goes from the copy too.
        std::fs::remove_file(submitted.join("02-t/src/helper.rs")).unwrap();
        take(&[&task], &submitted, &trusted, &copies).unwrap();
        assert_eq!(read("src/helper.rs"), None);
    }

    #[cfg(unix)]
    #[test]
    fn a_symbolic_link_is_not_followed() {
        let root = tempfile::tempdir().unwrap();
        let (trusted, submitted, copies) = folders(root.path());
        plant(&trusted.join("02-t"), &[("src/lib.rs", "stub")]);
        plant(&root.path().join("secret"), &[("suite.rs", "hidden")]);
        std::fs::create_dir_all(submitted.join("02-t/src")).unwrap();
        std::os::unix::fs::symlink(
            root.path().join("secret/suite.rs"),
            submitted.join("02-t/src/lib.rs"),
        )
        .unwrap();
        let task = task("src/lib.rs", &[]);
        let intake = take(&[&task], &submitted, &trusted, &copies).unwrap();
        assert_eq!(intake.tasks[0].ignored, ["src/lib.rs (not a regular file)"]);
        assert_eq!(
            std::fs::read_to_string(copies.join("02-t/src/lib.rs")).unwrap(),
            "stub"
        );
    }

    #[test]
    fn a_task_folder_not_handed_in_is_missing() {
        let root = tempfile::tempdir().unwrap();
        let (trusted, submitted, copies) = folders(root.path());
        plant(&trusted.join("02-t"), &[("src/lib.rs", "stub")]);
        plant(&copies.join("02-t"), &[("src/lib.rs", "from last time")]);
        std::fs::create_dir_all(&submitted).unwrap();
        let intake = take(&[&task("src/lib.rs", &[])], &submitted, &trusted, &copies).unwrap();
        assert!(intake.tasks[0].missing);
        assert!(!copies.join("02-t").exists());
    }

    #[test]
    fn a_task_the_course_does_not_have_is_an_error() {
        let root = tempfile::tempdir().unwrap();
        let error = take(
            &[&task("src/lib.rs", &[])],
            root.path(),
            &root.path().join("course"),
            &root.path().join("copies"),
        )
        .unwrap_err();
        assert!(
            error.to_string().contains("no crate of the course's"),
            "{error}"
        );
    }
}
