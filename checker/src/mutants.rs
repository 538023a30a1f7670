//! Planted student mistakes, and trees of task crates to plant them in.
//!
//! A mutant is a realistic wrong — or correct but unusual — version of a
//! reference solution, written as find/replace edits on the solution's file
//! (`<suite folder>/mutants/<name>.toml`). Edits survive unrelated changes to
//! the solution, and a mutant that no longer applies says so.

use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail, ensure};
use serde::Deserialize;

use crate::{
    manifest::{Manifest, Task},
    paths::write_if_changed,
};

/// The folder of a task's mutants, inside its suite folder.
pub const FOLDER: &str = "mutants";

/// What a mutant must do to the suite.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// A wrong solution: it must fail at least one test, and every test in
    /// `fails`.
    Mistake,
    /// A right solution written differently: it must pass every test (the
    /// suite tests behaviour, not the reference's shape).
    Correct,
    /// Code that misbehaves (hangs, exits, floods...): the checker must
    /// survive it. Used by the checker's own tests, not by `verify`.
    Hostile,
}

impl Kind {
    /// The kind in a word, as written in mutant files.
    pub fn word(self) -> &'static str {
        match self {
            Kind::Mistake => "mistake",
            Kind::Correct => "correct",
            Kind::Hostile => "hostile",
        }
    }
}

/// One planted variant of a solution.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Mutant {
    /// What was done, as a student would do it.
    pub description: String,
    pub kind: Kind,
    /// Tests that must not pass on it.
    #[serde(default)]
    pub fails: Vec<String>,
    /// The file it edits, relative to the task's crate [default: the task's
    /// `edit`].
    pub file: Option<String>,
    /// The edits, applied in order.
    #[serde(rename = "replace")]
    pub replacements: Vec<Replacement>,
    /// Whole files it adds to the task's crate (a `build.rs`, say).
    #[serde(default, rename = "add")]
    pub added: Vec<AddedFile>,
}

/// A file a mutant adds, relative to the task's crate.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AddedFile {
    pub path: String,
    pub text: String,
}

/// One edit: `find` must occur exactly once.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Replacement {
    pub find: String,
    pub with: String,
}

/// A mutant with where it came from.
#[derive(Debug, Clone)]
pub struct Named {
    /// The file's stem.
    pub name: String,
    pub mutant: Mutant,
}

impl Mutant {
    /// Reads one mutant file.
    pub fn load(path: &Path) -> anyhow::Result<Mutant> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        toml::from_str(&text).with_context(|| format!("{} is not a valid mutant", path.display()))
    }

    /// `source` with the edits made.
    pub fn apply(&self, source: &str) -> anyhow::Result<String> {
        let mut source = source.to_owned();
        for replacement in &self.replacements {
            let found = source.matches(&replacement.find).count();
            ensure!(
                found == 1,
                "mutant \"{}\": the text to replace occurs {found} times, not once:\n{}",
                self.description,
                replacement.find
            );
            source = source.replacen(&replacement.find, &replacement.with, 1);
        }
        Ok(source)
    }
}

/// The mutants of `task`, sorted by name.
pub fn of_task(manifest: &Manifest, task: &Task) -> anyhow::Result<Vec<Named>> {
    let folder = task.suite_dir(manifest).join(FOLDER);
    if !folder.is_dir() {
        return Ok(Vec::new());
    }
    let mut mutants = Vec::new();
    for entry in
        std::fs::read_dir(&folder).with_context(|| format!("cannot read {}", folder.display()))?
    {
        let path = entry?.path();
        if path.extension().is_some_and(|ext| ext == "toml") {
            let name = path
                .file_stem()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned();
            mutants.push(Named {
                name,
                mutant: Mutant::load(&path)?,
            });
        }
    }
    mutants.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(mutants)
}

/// What a [`Tree`]'s task files start from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Base {
    /// The reference solutions (`solutions/<task>/<edit>`).
    Solutions,
    /// The stubs as shipped (`checker/pristine/<task>/<edit>`), whatever a
    /// student has done to `exercises/` since.
    PristineStubs,
}

/// A folder of task crates laid out like `exercises/`: each task's exercise
/// crate with its edited file taken from `base`, and mutants planted where
/// asked. Files are written only when they change, so re-making a tree
/// rebuilds only what differs.
pub struct Tree {
    pub root: PathBuf,
}

impl Tree {
    /// Makes (or refreshes) the tree at `root` for every task of `manifest`,
    /// planting `plantings` (task number, mutant).
    pub fn make(
        root: &Path,
        repo: &Path,
        manifest: &Manifest,
        base: Base,
        plantings: &[(u32, &Mutant)],
    ) -> anyhow::Result<Tree> {
        for task in &manifest.tasks {
            let crate_dir = root.join(&task.dir);
            copy_dir(&repo.join("exercises").join(&task.dir), &crate_dir)?;
            let base_dir = match base {
                Base::Solutions => repo.join("solutions"),
                Base::PristineStubs => repo.join("checker").join("pristine"),
            }
            .join(&task.dir);
            for file in task.edited_files() {
                let base_file = base_dir.join(file);
                let mut source = std::fs::read_to_string(&base_file)
                    .with_context(|| format!("cannot read {}", base_file.display()))?;
                for (number, mutant) in plantings {
                    if *number == task.number
                        && mutant.file.as_deref().unwrap_or(&task.edit) == file
                    {
                        source = mutant.apply(&source)?;
                    }
                }
                write_if_changed(&crate_dir.join(file), source.as_bytes())?;
            }
            for (number, mutant) in plantings {
                for added in mutant.added.iter().filter(|_| *number == task.number) {
                    let path = crate_dir.join(&added.path);
                    if let Some(folder) = path.parent() {
                        std::fs::create_dir_all(folder)?;
                    }
                    write_if_changed(&path, added.text.as_bytes())?;
                }
            }
        }
        Ok(Tree {
            root: crate::paths::canonical(root)?,
        })
    }
}

/// Copies the files under `from` into `to`, leaving unchanged files alone.
fn copy_dir(from: &Path, to: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(to).with_context(|| format!("cannot create {}", to.display()))?;
    for entry in
        std::fs::read_dir(from).with_context(|| format!("cannot read {}", from.display()))?
    {
        let entry = entry?;
        let target = to.join(entry.file_name());
        let kind = entry.file_type()?;
        if kind.is_dir() {
            if entry.file_name() == "target" {
                bail!("{} holds a build folder; copy only sources", from.display());
            }
            copy_dir(&entry.path(), &target)?;
        } else if kind.is_file() {
            write_if_changed(&target, &std::fs::read(entry.path())?)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mutant(find: &str, with: &str) -> Mutant {
        Mutant {
            description: "d".into(),
            kind: Kind::Mistake,
            fails: vec![],
            file: None,
            replacements: vec![Replacement {
                find: find.into(),
                with: with.into(),
            }],
            added: Vec::new(),
        }
    }

    #[test]
    fn an_edit_replaces_its_one_occurrence() {
        assert_eq!(mutant("b", "x").apply("abc").unwrap(), "axc");
    }

    #[test]
    fn an_edit_that_no_longer_applies_says_so() {
        let error = mutant("zzz", "x").apply("abc").unwrap_err().to_string();
        assert!(error.contains("occurs 0 times"), "{error}");
        assert!(mutant("a", "x").apply("aa").is_err());
    }

    #[test]
    fn every_built_in_mutant_parses_and_applies_to_its_solution() {
        let repo = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
        if !repo.join("solutions").is_dir() {
            // A student edition: no solutions, no mutants to plant in them.
            return;
        }
        let manifest = Manifest::load(&repo.join("checker/suites")).unwrap();
        for task in &manifest.tasks {
            let solution_dir = repo.join("solutions").join(&task.dir);
            let mutants = of_task(&manifest, task).unwrap();
            assert!(
                mutants.len() >= 5,
                "task {} has {} mutants",
                task.number,
                mutants.len()
            );
            for named in mutants {
                let file = named.mutant.file.as_deref().unwrap_or(&task.edit);
                let solution = std::fs::read_to_string(solution_dir.join(file)).unwrap();
                named.mutant.apply(&solution).unwrap();
                for test in &named.mutant.fails {
                    assert!(
                        task.tests.iter().any(|spec| &spec.name == test),
                        "mutant {} names an unknown test {test}",
                        named.name
                    );
                }
            }
        }
    }
}
