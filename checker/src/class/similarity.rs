//! Similar submissions in a class: each student's code of each task, taken
//! the way grading takes it (the task folders wherever the upload put
//! them, only the files a student edits, within the submission limits),
//! compared task by task with the stub as base code ([`crate::similarity`]).

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
        let stage = tempfile::tempdir()?;
        let located = layout::locate(&tasks, &submission.folder_path, trusted, stage.path())?;
        code.push(
            tasks
                .iter()
                .map(|task| submission::source_files(task, &located.root.join(&task.dir)))
                .collect(),
        );
    }
    let compared = std::thread::scope(|scope| {
        let workers: Vec<_> = tasks
            .iter()
            .enumerate()
            .map(|(at, task)| {
                let code = &code;
                scope.spawn(move || {
                    let base = base_code(task, trusted, pristine);
                    let documents: Vec<Document> = submissions
                        .iter()
                        .zip(code)
                        .map(|(submission, files)| Document {
                            student: submission.student.clone(),
                            files: files[at].clone(),
                        })
                        .collect();
                    similarity::compare_task(task.number, &task.slug, &base, &documents, settings)
                })
            })
            .collect();
        workers
            .into_iter()
            .map(|worker| worker.join().expect("comparing a task does not panic"))
            .collect()
    });
    Ok(Similarity {
        settings: *settings,
        tasks: compared,
    })
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
