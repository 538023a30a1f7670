//! What a class earned, in one file: `class.json` (every student's points
//! per task and status per test, with the first line of each failure) and
//! `class.csv` (a row per student, for a gradebook). Records of several
//! shards merge into one.

use std::path::Path;

use anyhow::{Context as _, bail, ensure};
use serde::{Deserialize, Serialize};

use crate::{
    manifest::Manifest,
    messages::shortened,
    similarity::Similarity,
    verdict::{Grade, TaskStatus, TestStatus},
};

/// Version of `class.json`'s shape.
pub const SCHEMA_VERSION: u32 = 1;

/// How much of a failure message a record keeps.
const KEPT_MESSAGE_CHARS: usize = 200;

/// A class (or a shard of one).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClassRecord {
    pub schema_version: u32,
    pub title: String,
    pub max_score: u32,
    pub max_bonus: u32,
    pub tasks: Vec<TaskInfo>,
    pub students: Vec<StudentRecord>,
    /// Similar submissions, per task (absent when not computed: a shard
    /// other than the first, or a record of before it existed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub similarity: Option<Similarity>,
}

/// A task as the class was graded on it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaskInfo {
    pub number: u32,
    pub slug: String,
    pub title: String,
    pub bonus: bool,
    pub max_points: u32,
    pub max_bonus_points: u32,
    pub tests: Vec<TestInfo>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TestInfo {
    pub name: String,
    pub points: u32,
    pub bonus: bool,
    /// The lecture's idea the test checks (English).
    pub about: Option<String>,
}

/// One student's result: their grade, or why there is none.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StudentRecord {
    pub student: String,
    /// The submission's folder under the class folder.
    pub folder: String,
    /// The digest of what was graded: a re-run skips it when unchanged.
    pub digest: String,
    pub commit: Option<String>,
    /// Why the submission could not be graded (the grader's failure, not
    /// the student's: a student's code that fails gets points, not this).
    pub error: Option<String>,
    pub score: u32,
    pub bonus: u32,
    /// Every required task passes.
    pub complete: bool,
    /// On the roster, with no submission folder: nothing was graded.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub missing: bool,
    pub tasks: Vec<StudentTask>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StudentTask {
    pub number: u32,
    pub status: TaskStatus,
    pub points: u32,
    pub bonus_points: u32,
    pub tests: Vec<StudentTest>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StudentTest {
    pub name: String,
    pub status: TestStatus,
    /// The first line of why it did not pass.
    pub message: Option<String>,
}

impl ClassRecord {
    /// An empty record of a class graded by `manifest`.
    pub fn new(manifest: &Manifest) -> ClassRecord {
        let tasks: Vec<TaskInfo> = manifest
            .tasks
            .iter()
            .map(|task| TaskInfo {
                number: task.number,
                slug: task.slug.clone(),
                title: task.title.clone(),
                bonus: task.bonus,
                max_points: task.max_points(),
                max_bonus_points: task.max_bonus_points(),
                tests: task
                    .tests
                    .iter()
                    .map(|test| TestInfo {
                        name: test.name.clone(),
                        points: test.points,
                        bonus: task.is_bonus(test),
                        about: test.about.as_ref().map(|about| about.en.clone()),
                    })
                    .collect(),
            })
            .collect();
        ClassRecord {
            schema_version: SCHEMA_VERSION,
            title: manifest.title.clone(),
            max_score: tasks.iter().map(|task| task.max_points).sum(),
            max_bonus: tasks.iter().map(|task| task.max_bonus_points).sum(),
            tasks,
            students: Vec::new(),
            similarity: None,
        }
    }

    /// Reads a `class.json`.
    pub fn load(path: &Path) -> anyhow::Result<ClassRecord> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        let record: ClassRecord = serde_json::from_str(&text)
            .with_context(|| format!("{} is not a class.json", path.display()))?;
        ensure!(
            record.schema_version == SCHEMA_VERSION,
            "{} has schema version {}; this checker reads {SCHEMA_VERSION}",
            path.display(),
            record.schema_version
        );
        Ok(record)
    }

    /// The records of several shards as one class. They must be of the
    /// same course, and no student may appear twice.
    pub fn merge(records: Vec<ClassRecord>) -> anyhow::Result<ClassRecord> {
        let mut records = records.into_iter();
        let Some(mut merged) = records.next() else {
            bail!("no class records to merge");
        };
        for record in records {
            ensure!(
                record.title == merged.title && record.tasks == merged.tasks,
                "the class records are of different courses or suites ({} and {})",
                merged.title,
                record.title
            );
            merged.students.extend(record.students);
            // The first shard compares the whole class; the others do not.
            if merged.similarity.is_none() {
                merged.similarity = record.similarity;
            }
        }
        merged.students.sort_by(|a, b| a.student.cmp(&b.student));
        if let Some(pair) = merged
            .students
            .windows(2)
            .find(|pair| pair[0].student == pair[1].student)
        {
            bail!(
                "student {} is in more than one class record",
                pair[0].student
            );
        }
        Ok(merged)
    }

    /// `class.csv`: student, folder, score, max score, bonus, the points of
    /// each task, and a status (`complete`, `incomplete`, or `error`).
    pub fn to_csv(&self) -> anyhow::Result<String> {
        let mut writer = csv::Writer::from_writer(Vec::new());
        let mut header = vec![
            "student".to_owned(),
            "folder".to_owned(),
            "score".to_owned(),
            "max_score".to_owned(),
            "bonus".to_owned(),
        ];
        header.extend(
            self.tasks
                .iter()
                .map(|task| format!("task_{}_{}", task.number, task.slug)),
        );
        header.extend(["status".to_owned(), "commit".to_owned()]);
        writer.write_record(&header)?;
        for student in &self.students {
            let mut row = vec![
                student.student.clone(),
                student.folder.clone(),
                student.score.to_string(),
                self.max_score.to_string(),
                student.bonus.to_string(),
            ];
            for task in &self.tasks {
                let earned = student
                    .tasks
                    .iter()
                    .find(|graded| graded.number == task.number)
                    .map(|graded| graded.points + graded.bonus_points);
                row.push(earned.map(|points| points.to_string()).unwrap_or_default());
            }
            row.push(student.status().to_owned());
            row.push(student.commit.clone().unwrap_or_default());
            writer.write_record(row.iter().map(|cell| spreadsheet_safe(cell)))?;
        }
        Ok(String::from_utf8(writer.into_inner()?)?)
    }
}

/// A cell a spreadsheet shows as text, never evaluates: one that starts
/// with `=`, `+`, `-`, `@`, a tab or a carriage return (a folder named
/// `=HYPERLINK(...)`) gets a leading `'`, as OWASP recommends for CSV
/// injection; control characters are shown as escapes. Scores are never
/// negative, so no number is changed.
fn spreadsheet_safe(cell: &str) -> String {
    let cell = crate::report::visible::plain(cell);
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}")
    } else {
        cell.into_owned()
    }
}

impl StudentRecord {
    /// A graded student's record.
    pub fn graded(student: &str, folder: &str, digest: &str, grade: &Grade) -> StudentRecord {
        StudentRecord {
            student: student.to_owned(),
            folder: folder.to_owned(),
            digest: digest.to_owned(),
            commit: grade.commit.clone(),
            error: None,
            score: grade.score,
            bonus: grade.bonus,
            complete: grade.complete(),
            missing: false,
            tasks: grade
                .tasks
                .iter()
                .map(|task| StudentTask {
                    number: task.number,
                    status: task.status,
                    points: task.points,
                    bonus_points: task.bonus_points,
                    tests: task
                        .tests
                        .iter()
                        .map(|test| StudentTest {
                            name: test.name.clone(),
                            status: test.status,
                            message: (test.status != TestStatus::Passed)
                                .then(|| {
                                    first_line(test.message.as_deref().or(task.message.as_deref()))
                                })
                                .flatten(),
                        })
                        .collect(),
                })
                .collect(),
        }
    }

    /// A student whose submission could not be graded.
    pub fn failed(
        student: &str,
        folder: &str,
        digest: &str,
        error: &anyhow::Error,
    ) -> StudentRecord {
        StudentRecord {
            student: student.to_owned(),
            folder: folder.to_owned(),
            digest: digest.to_owned(),
            commit: None,
            error: Some(format!("{error:#}")),
            score: 0,
            bonus: 0,
            complete: false,
            missing: false,
            tasks: Vec::new(),
        }
    }

    /// A roster student with no submission folder.
    pub fn missing(student: &str, folder: &str) -> StudentRecord {
        StudentRecord {
            student: student.to_owned(),
            folder: folder.to_owned(),
            digest: String::new(),
            commit: None,
            error: None,
            score: 0,
            bonus: 0,
            complete: false,
            missing: true,
            tasks: Vec::new(),
        }
    }

    /// `complete` (every required task passes), `incomplete`, `missing` (on
    /// the roster, nothing handed in) or `error`.
    pub fn status(&self) -> &'static str {
        if self.missing {
            "missing"
        } else if self.error.is_some() {
            "error"
        } else if self.complete {
            "complete"
        } else {
            "incomplete"
        }
    }
}

/// The first line of `message`, cut to [`KEPT_MESSAGE_CHARS`].
fn first_line(message: Option<&str>) -> Option<String> {
    let line = message?
        .lines()
        .find(|line| !line.trim().is_empty())?
        .trim();
    Some(shortened(line, KEPT_MESSAGE_CHARS))
}
