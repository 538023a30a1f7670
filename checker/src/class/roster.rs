//! The roster: which student a submission folder belongs to.
//!
//! A CSV with a header. The folder column is `folder` (or
//! `github_username`, as GitHub Classroom's roster export names it); the
//! student column is `student` (or Classroom's `identifier`). Folders the
//! roster does not name keep their folder name as the student's id, and
//! the batch warns about them; roster students with no folder are listed
//! as missing.

use std::{collections::HashMap, path::Path};

use anyhow::{Context as _, bail};

/// Folder name → student id.
#[derive(Debug, Clone, Default)]
pub struct Roster {
    by_folder: HashMap<String, String>,
}

impl Roster {
    /// Reads a roster CSV.
    pub fn load(path: &Path) -> anyhow::Result<Roster> {
        let mut reader = csv::Reader::from_path(path)
            .with_context(|| format!("cannot read the roster {}", path.display()))?;
        let headers = reader.headers()?.clone();
        let column = |names: &[&str]| {
            headers
                .iter()
                .position(|header| names.contains(&header.trim().to_lowercase().as_str()))
        };
        let (Some(folder), Some(student)) = (
            column(&["folder", "github_username"]),
            column(&["student", "identifier"]),
        ) else {
            bail!(
                "{}: the roster needs a `folder` (or `github_username`) column and a `student` (or `identifier`) column; its header is {:?}",
                path.display(),
                headers.iter().collect::<Vec<_>>()
            );
        };
        let mut by_folder = HashMap::new();
        for (line, row) in reader.records().enumerate() {
            let row = row.with_context(|| format!("{}: row {}", path.display(), line + 2))?;
            let (Some(folder), Some(student)) = (row.get(folder), row.get(student)) else {
                continue;
            };
            let (folder, student) = (folder.trim(), student.trim());
            if folder.is_empty() || student.is_empty() {
                continue;
            }
            if let Some(other) = by_folder.insert(folder.to_owned(), student.to_owned()) {
                bail!(
                    "{}: folder {folder} is listed twice ({other} and {student})",
                    path.display()
                );
            }
        }
        Ok(Roster { by_folder })
    }

    /// Whether the roster names any folder at all.
    pub fn is_empty(&self) -> bool {
        self.by_folder.is_empty()
    }

    /// Whether the roster names `folder`.
    pub fn knows(&self, folder: &str) -> bool {
        self.by_folder.contains_key(folder)
    }

    /// The roster's (folder, student) pairs whose folder is not among
    /// `folders`, sorted by student: students who handed nothing in.
    pub fn without_folder<'a>(&'a self, folders: &[String]) -> Vec<(&'a str, &'a str)> {
        let mut missing: Vec<(&str, &str)> = self
            .by_folder
            .iter()
            .filter(|(folder, _)| !folders.contains(folder))
            .map(|(folder, student)| (folder.as_str(), student.as_str()))
            .collect();
        missing.sort_by_key(|(_, student)| *student);
        missing
    }

    /// The student whose work is in `folder`.
    pub fn student_for(&self, folder: &str) -> String {
        self.by_folder
            .get(folder)
            .cloned()
            .unwrap_or_else(|| folder.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classroom_exports_and_plain_rosters_both_map_folders() {
        let dir = tempfile::tempdir().unwrap();
        let classroom = dir.path().join("classroom_roster.csv");
        std::fs::write(
            &classroom,
            "\"identifier\",\"github_username\",\"github_id\",\"name\"\n\"s001\",\"octocat\",\"1\",\"Octo Cat\"\n\"s002\",\"\",\"\",\"No Account\"\n",
        )
        .unwrap();
        let roster = Roster::load(&classroom).unwrap();
        assert_eq!(roster.student_for("octocat"), "s001");
        assert_eq!(roster.student_for("stranger"), "stranger");
        assert!(roster.knows("octocat") && !roster.knows("stranger"));
        assert_eq!(
            roster.without_folder(&["stranger".into()]),
            [("octocat", "s001")]
        );
        assert!(roster.without_folder(&["octocat".into()]).is_empty());

        let plain = dir.path().join("roster.csv");
        std::fs::write(&plain, "folder,student\nalice-repo,alice\n").unwrap();
        assert_eq!(
            Roster::load(&plain).unwrap().student_for("alice-repo"),
            "alice"
        );

        std::fs::write(&plain, "name,email\nA,a@b\n").unwrap();
        let error = Roster::load(&plain).unwrap_err().to_string();
        assert!(error.contains("needs a `folder`"), "{error}");
    }
}
