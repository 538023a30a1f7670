//! Finding a class's submissions: one folder per student under a folder,
//! each laid out like `exercises/` or like a clone of the student edition
//! (with `exercises/` inside); which of them a shard grades; and a digest
//! of each, so that a re-run skips what has not changed.

use std::{
    path::{Path, PathBuf},
    str::FromStr,
};

use anyhow::{Context as _, bail};

use super::roster::Roster;
use crate::{
    integrity::digest_of,
    submission::listing::{self, Entry, Limits},
};

/// One student's submission.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Submission {
    /// The folder's name under the class folder.
    pub folder: String,
    /// The student's id: the roster's, or the folder's name.
    pub student: String,
    /// The submission's folder (canonical).
    pub folder_path: PathBuf,
    /// The folder of task crates (the folder, or its `exercises/`).
    pub crates_root: PathBuf,
}

/// `--shard K/N`: the K-th of N equal parts of a class (1-based).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub index: usize,
    pub count: usize,
}

impl Shard {
    /// The whole class.
    pub const ALL: Shard = Shard { index: 1, count: 1 };

    /// Whether the `position`-th submission (0-based, in name order) is
    /// this shard's: every N-th, so that shards get a like mix.
    pub fn takes(self, position: usize) -> bool {
        position % self.count == self.index - 1
    }
}

impl FromStr for Shard {
    type Err = String;

    fn from_str(text: &str) -> Result<Shard, String> {
        let parsed = text.split_once('/').and_then(|(index, count)| {
            Some((index.trim().parse().ok()?, count.trim().parse().ok()?))
        });
        match parsed {
            Some((index, count)) if count >= 1 && (1..=count).contains(&index) => {
                Ok(Shard { index, count })
            }
            _ => Err(format!(
                "{text:?} is not K/N with 1 <= K <= N (for example 2/4)"
            )),
        }
    }
}

/// The submissions under `class`, in folder-name order, that `shard` takes.
/// Hidden folders (`.git`), files, `not_this` (the batch's own output,
/// should it be inside the class folder) and any earlier batch's output (a
/// folder with a `class.json`) are not submissions.
pub fn discover(
    class: &Path,
    roster: &Roster,
    shard: Shard,
    not_this: &Path,
) -> anyhow::Result<Vec<Submission>> {
    let folders = class_folders(class, not_this)?;
    if folders.is_empty() {
        bail!(
            "{} has no submission folders (one per student)",
            class.display()
        );
    }
    let mut submissions = Vec::new();
    for (position, (folder, path)) in folders.into_iter().enumerate() {
        if !shard.takes(position) {
            continue;
        }
        let inner = path.join("exercises");
        let crates_root = crate::paths::canonical(if inner.is_dir() { &inner } else { &path })?;
        submissions.push(Submission {
            student: roster.student_for(&folder),
            folder_path: crate::paths::canonical(&path)?,
            folder,
            crates_root,
        });
    }
    let mut students: Vec<&str> = submissions.iter().map(|sub| sub.student.as_str()).collect();
    students.sort_unstable();
    if let Some(pair) = students.windows(2).find(|pair| pair[0] == pair[1]) {
        bail!("two submission folders belong to student {}", pair[0]);
    }
    Ok(submissions)
}

/// Whether `class` looks like one student's submission rather than a class
/// of them: it holds task folders of `tasks` itself, or in its
/// `exercises/`. Returns the task folder it found.
pub fn looks_like_one_submission(class: &Path, task_dirs: &[&str]) -> Option<PathBuf> {
    [class.to_path_buf(), class.join("exercises")]
        .into_iter()
        .flat_map(|root| task_dirs.iter().map(move |dir| root.join(dir).join("src")))
        .find(|src| src.is_dir())
}

/// Every submission folder of `class`, sorted by name: see [`discover`].
pub fn class_folders(class: &Path, not_this: &Path) -> anyhow::Result<Vec<(String, PathBuf)>> {
    let not_this = dunce::canonicalize(not_this).ok();
    let mut folders: Vec<(String, PathBuf)> = std::fs::read_dir(class)
        .with_context(|| format!("cannot read the class folder {}", class.display()))?
        .filter_map(Result::ok)
        .filter(|entry| entry.file_type().is_ok_and(|kind| kind.is_dir()))
        .filter_map(|entry| {
            // A name that is not UTF-8 (a zip made on Windows) is still a
            // student: shown with U+FFFD, graded from its real path.
            let name = entry.file_name().to_string_lossy().into_owned();
            (!name.starts_with('.')).then(|| (name, entry.path()))
        })
        .filter(|(_, path)| not_this.is_none() || dunce::canonicalize(path).ok() != not_this)
        // A batch's output (this one's or an earlier one's) is not a student.
        .filter(|(_, path)| !path.join("class.json").exists())
        .collect();
    folders.sort();
    Ok(folders)
}

/// A digest of everything a grading depends on: every file of the
/// submission (build output aside) and `salt` (what grades it). The folder
/// is the student's, so it is walked as [`listing`] walks it; one too large
/// to walk whole gets a digest that matches no earlier one, so it is always
/// graded again rather than skipped on a digest of part of it.
pub fn digest(submission: &Submission, salt: u64) -> String {
    let listing = listing::list(&submission.crates_root, Limits::SUBMISSION);
    // A file passed over is never read: its reason stands in for its bytes.
    let files: Vec<_> = listing
        .files
        .iter()
        .map(|(name, entry)| (name, entry, listing.read(name)))
        .collect();
    let cut = listing.files.values().any(|entry| entry != &Entry::Regular)
        || !listing.not_entered.is_empty();
    let never_again = cut.then(std::time::SystemTime::now);
    format!(
        "{:016x}",
        crate::integrity::hash_of((files, never_again, salt))
    )
}

/// A digest of what grades: the suites, the harness, the course's crates
/// and this checker's version.
pub fn grader_salt(folders: &[&Path]) -> anyhow::Result<u64> {
    digest_of(folders, env!("CARGO_PKG_VERSION"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_split_a_class_without_overlap_or_gaps() {
        assert!("0/3".parse::<Shard>().is_err());
        assert!("4/3".parse::<Shard>().is_err());
        assert!("x".parse::<Shard>().is_err());
        let shards: Vec<Shard> = (1..=3).map(|k| format!("{k}/3").parse().unwrap()).collect();
        for position in 0..10 {
            let takers = shards.iter().filter(|shard| shard.takes(position)).count();
            assert_eq!(takers, 1, "submission {position}");
        }
        assert!((0..5).all(|position| Shard::ALL.takes(position)));
    }

    #[test]
    fn folders_become_submissions_in_name_order_with_their_students() {
        let class = tempfile::tempdir().unwrap();
        for folder in ["bob", "alice/exercises", ".git"] {
            std::fs::create_dir_all(class.path().join(folder)).unwrap();
        }
        std::fs::write(class.path().join("notes.txt"), "not a submission").unwrap();
        std::fs::create_dir_all(class.path().join("grades/students")).unwrap();
        let out = class.path().join("grades");
        let found = discover(class.path(), &Roster::default(), Shard::ALL, &out).unwrap();
        let names: Vec<(&str, bool)> = found
            .iter()
            .map(|sub| (sub.student.as_str(), sub.crates_root.ends_with("exercises")))
            .collect();
        assert_eq!(names, [("alice", true), ("bob", false)]);
    }
}
