//! `checker batch`: a class graded with one shared build.
//!
//! Every submission goes through one of two fixed folders of copies
//! ("slots", used in turn), so disk use stays at two submissions' worth
//! whatever the class size. While one slot's tests run, the next submission
//! builds in the other (the tests mostly wait on timers and sockets), so the
//! two overlap. A slot carries nothing from one student to the next: a
//! submission's crates are compiled from the course's recorded build plan
//! into folders emptied first, by compilers that can write nowhere else
//! (where the build sandbox holds: the report's `sandbox.build`),
//! against dependencies they can only read (see `build`); so no student's
//! build or tests can leave anything a classmate's grading reads.
//!
//! Each student's reports and record go to `OUT/students/<student>/`, the
//! record last: a re-run (after an interruption, or with more submissions)
//! skips each student whose record's digest matches what is there now.
//! A submission that cannot be built for a reason outside its code is that
//! student's `error`, and the batch goes on; a grading whose suites changed
//! under it stops the batch, since no later grade could be trusted.

use std::{
    path::{Path, PathBuf},
    sync::mpsc,
    time::Instant,
};

use super::{
    record::{ClassRecord, StudentRecord},
    submissions::{Submission, digest},
};
use crate::{
    grading::{Built, Grader},
    messages::Lang,
    paths::write_atomically,
    report::{self, Format},
};

/// How a batch writes what it finds.
pub struct BatchOptions<'a> {
    /// The output folder: `class.json`, `class.csv`, `students/`.
    pub out: &'a Path,
    /// The formats of each student's report.
    pub formats: &'a [Format],
    pub lang: Lang,
    /// A digest of what grades, folded into each submission's digest.
    pub salt: u64,
    /// Draw a progress bar on stderr.
    pub progress: bool,
    /// Roster students with no submission folder, as (folder, student):
    /// recorded as `missing`.
    pub missing: &'a [(String, String)],
    /// Similar submissions, for class.json (the first shard's).
    pub similarity: Option<&'a crate::similarity::Similarity>,
}

/// What a batch did.
#[derive(Debug, Clone)]
pub struct BatchSummary {
    pub record: ClassRecord,
    pub graded: usize,
    /// Unchanged since the last run, not graded again.
    pub skipped: usize,
    /// Could not be graded (the grader's failure, see `error`).
    pub failed: usize,
    pub secs: f64,
}

/// Grades `submissions` with `grader`, over the course's crates in
/// `trusted`.
pub fn grade_class(
    grader: &Grader,
    trusted: &Path,
    submissions: &[Submission],
    options: &BatchOptions,
) -> anyhow::Result<BatchSummary> {
    let started = Instant::now();
    let students = options.out.join("students");
    let bar = progress_bar(options.progress, submissions.len());
    let mut records: Vec<Option<StudentRecord>> = vec![None; submissions.len()];
    let mut todo: Vec<(usize, String)> = Vec::new();
    for (index, submission) in submissions.iter().enumerate() {
        let digest = digest(submission, options.salt);
        match previous_record(&student_dir(&students, &submission.student)) {
            Some(record) if record.digest == digest && record.error.is_none() => {
                records[index] = Some(record);
                bar.inc(1);
            }
            _ => todo.push((index, digest)),
        }
    }
    let skipped = submissions.len() - todo.len();

    let tasks: Vec<_> = grader.manifest.tasks.iter().collect();
    let slots: [PathBuf; 2] =
        ["slot-a", "slot-b"].map(|slot| grader.paths.grading.join("batch").join(slot));
    let mut failed = 0;
    std::thread::scope(|scope| -> anyhow::Result<()> {
        // A rendezvous: the builder hands over submission k only when the
        // tests of k-1 are done, so it never rebuilds a slot under them.
        let (hand_over, built) = mpsc::sync_channel::<(usize, String, anyhow::Result<Built>)>(0);
        let tasks = &tasks;
        let todo = &todo;
        let slots = &slots;
        scope.spawn(move || {
            for (turn, (index, digest)) in todo.iter().enumerate() {
                let submission = &submissions[*index];
                let result = grader.build_submission(
                    tasks,
                    &submission.crates_root,
                    trusted,
                    &slots[turn % 2],
                );
                if hand_over.send((*index, digest.clone(), result)).is_err() {
                    break;
                }
            }
        });
        for (index, digest, result) in built {
            let submission = &submissions[index];
            bar.set_message(submission.student.clone());
            let dir = student_dir(&students, &submission.student);
            std::fs::create_dir_all(&dir)?;
            let record = match result {
                // A failure while running or judging (the suites changed
                // under the tests, say) ends the batch: see the module's doc.
                Ok(built) => {
                    let mut grade = grader.finish(built)?;
                    grade.student = Some(submission.student.clone());
                    // The submission's own repository only: a class folder
                    // inside another repository does not lend its commit.
                    grade.commit = crate::provenance::git_commit_of(&submission.folder_path);
                    for format in options.formats {
                        let text = report::render(&grade, *format, false, options.lang);
                        let text = anstream::adapter::strip_str(&text).to_string();
                        write_atomically(&dir.join(report_file_name(*format)), text.as_bytes())?;
                    }
                    StudentRecord::graded(&submission.student, &submission.folder, &digest, &grade)
                }
                Err(error) => {
                    failed += 1;
                    StudentRecord::failed(&submission.student, &submission.folder, &digest, &error)
                }
            };
            write_atomically(
                &dir.join("record.json"),
                &serde_json::to_vec_pretty(&record)?,
            )?;
            records[index] = Some(record);
            bar.inc(1);
        }
        Ok(())
    })?;
    bar.finish_and_clear();

    let mut record = ClassRecord::new(&grader.manifest);
    record.similarity = options.similarity.cloned();
    record.students = records
        .into_iter()
        .map(|record| record.expect("every submission is recorded"))
        .chain(
            options
                .missing
                .iter()
                .map(|(folder, student)| StudentRecord::missing(student, folder)),
        )
        .collect();
    std::fs::create_dir_all(options.out)?;
    write_atomically(
        &options.out.join("class.json"),
        &serde_json::to_vec_pretty(&record)?,
    )?;
    write_atomically(&options.out.join("class.csv"), record.to_csv()?.as_bytes())?;
    Ok(BatchSummary {
        graded: submissions.len() - skipped - failed,
        skipped,
        failed,
        secs: started.elapsed().as_secs_f64(),
        record,
    })
}

/// The file each format's report is written to.
pub fn report_file_name(format: Format) -> &'static str {
    match format {
        Format::Human => "report.txt",
        Format::Json => "grade.json",
        Format::Junit => "grade.xml",
        Format::Markdown => "summary.md",
        Format::Gradescope => "results.json",
        Format::Classroom => "classroom.b64",
    }
}

/// A student's folder of reports, named so that any id is a safe name.
fn student_dir(students: &Path, student: &str) -> PathBuf {
    let safe: String = student
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || "-_.@+".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    let safe = if safe.starts_with('.') {
        format!("_{safe}")
    } else {
        safe
    };
    students.join(safe)
}

/// The record an earlier run left, if it can be read.
fn previous_record(dir: &Path) -> Option<StudentRecord> {
    let text = std::fs::read_to_string(dir.join("record.json")).ok()?;
    serde_json::from_str(&text).ok()
}

fn progress_bar(shown: bool, total: usize) -> indicatif::ProgressBar {
    if !shown {
        return indicatif::ProgressBar::hidden();
    }
    let style = indicatif::ProgressStyle::with_template(
        "grading [{bar:30}] {pos}/{len} {wide_msg} eta {eta}",
    )
    .expect("a valid template")
    .progress_chars("=> ");
    indicatif::ProgressBar::new(total as u64).with_style(style)
}
