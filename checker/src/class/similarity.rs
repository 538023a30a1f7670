//! Similar submissions in a class: each student's code of each task, taken
//! the way grading takes it (the task folders wherever the upload put
//! them, only the files a student edits, within the submission limits),
//! compared with the stub as base code ([`crate::similarity`]).
//!
//! The unit compared is one source folder of a task: task 2's `src/` and
//! its bonus macro's `macros/src/` apart. Each is small enough that
//! independent solutions converge (the evaluation class measures each
//! alone), and a sum of two small parts would be compared as one large
//! one, which nothing measured says is safe.

use std::path::Path;

use crate::{
    manifest::{Manifest, Task},
    similarity::{self, Document, Settings, Similarity},
    submission::{self, layout},
};

use super::submissions::Submission;

/// Compares every pair of `submissions` on every task of `manifest`. The
/// base code of a task is its stub: the shipped stub in `pristine` where
/// there is one, else the course's crate in `trusted`.
pub fn of_class(
    manifest: &Manifest,
    submissions: &[Submission],
    trusted: &Path,
    pristine: &Path,
    settings: &Settings,
) -> anyhow::Result<Similarity> {
    let tasks: Vec<&Task> = manifest.tasks.iter().collect();
    // Per submission, per task: its files (none if it has no such folder).
    let mut code: Vec<Vec<Vec<(String, String)>>> = Vec::with_capacity(submissions.len());
    for submission in submissions {
        // Loose files (an upload of `lib.rs` files alone) are placed by
        // content into a scratch folder, as grading does.
        // A submission whose folders cannot be laid out has no code to
        // compare; the rest of the class still is (its grading says why).
        let stage = tempfile::tempdir()?;
        let files = match layout::locate(&tasks, &submission.folder_path, trusted, stage.path()) {
            Ok(located) => tasks
                .iter()
                .map(|task| {
                    bounded(submission::source_files(
                        task,
                        &located.root.join(&task.dir),
                    ))
                })
                .collect(),
            Err(_) => vec![Vec::new(); tasks.len()],
        };
        code.push(files);
    }
    // (task's index, source folder) for every folder of every task.
    let units: Vec<(usize, String)> = tasks
        .iter()
        .enumerate()
        .flat_map(|(at, task)| {
            submission::source_folders(task)
                .into_iter()
                .map(move |folder| (at, folder))
        })
        .collect();
    let compared = std::thread::scope(|scope| {
        let workers: Vec<_> = units
            .iter()
            .map(|(at, folder)| {
                let (code, task) = (&code, tasks[*at]);
                scope.spawn(move || {
                    let base = in_folder(base_code(task, trusted, pristine), folder);
                    let documents: Vec<Document> = submissions
                        .iter()
                        .zip(code)
                        .map(|(submission, files)| Document {
                            student: submission.student.clone(),
                            files: in_folder(files[*at].clone(), folder),
                        })
                        .collect();
                    let mut compared = similarity::compare_task(
                        task.number,
                        &task.slug,
                        &base,
                        &documents,
                        settings,
                    );
                    compared.folder = folder.clone();
                    compared
                })
            })
            .collect();
        // A panic is a bug of ours: an error for the caller, who grades on.
        workers
            .into_iter()
            .map(|worker| {
                worker.join().map_err(|_| {
                    anyhow::anyhow!("comparing a task's code failed (a bug: please report it)")
                })
            })
            .collect::<anyhow::Result<Vec<_>>>()
    })?;
    Ok(Similarity {
        settings: *settings,
        tasks: compared,
    })
}

/// The most text of one student's task kept for comparing: far more than
/// any solution of this course (the lexer stops at 40,000 tokens anyway),
/// and a class of students who each hand in megabytes of source still fits
/// in memory.
const MAX_TASK_BYTES: usize = 512 * 1024;

/// `files` whose text adds up to at most [`MAX_TASK_BYTES`], the smallest
/// kept first (a student's solution is not crowded out by a file of
/// filler), in their order.
fn bounded(files: Vec<(String, String)>) -> Vec<(String, String)> {
    let mut by_size: Vec<usize> = (0..files.len()).collect();
    by_size.sort_by_key(|&at| files[at].1.len());
    let mut total = 0;
    let kept: Vec<usize> = by_size
        .into_iter()
        .take_while(|&at| {
            total += files[at].1.len();
            total <= MAX_TASK_BYTES
        })
        .collect();
    files
        .into_iter()
        .enumerate()
        .filter(|(at, _)| kept.contains(at))
        .map(|(_, file)| file)
        .collect()
}

/// The files of `files` under `folder`.
fn in_folder(files: Vec<(String, String)>, folder: &str) -> Vec<(String, String)> {
    files
        .into_iter()
        .filter(|(name, _)| {
            name.strip_prefix(folder)
                .is_some_and(|rest| rest.starts_with('/'))
        })
        .collect()
}

/// The stub's files of `task`: the shipped ones in `pristine` over the
/// course's crate in `trusted`.
fn base_code(task: &Task, trusted: &Path, pristine: &Path) -> Vec<(String, String)> {
    let mut files = submission::source_files(task, &trusted.join(&task.dir));
    for (name, text) in &mut files {
        if let Ok(shipped) = std::fs::read_to_string(pristine.join(&task.dir).join(&*name)) {
            *text = shipped;
        }
    }
    files
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_students_text_is_bounded() {
        let file = |name: &str, bytes: usize| (name.to_owned(), "x".repeat(bytes));
        let kept = bounded(vec![
            file("src/filler.rs", 500 * 1024),
            file("src/lib.rs", 20 * 1024),
            file("src/more.rs", 300 * 1024),
        ]);
        let names: Vec<&str> = kept.iter().map(|(name, _)| name.as_str()).collect();
        assert_eq!(names, ["src/lib.rs", "src/more.rs"]);
    }
}
