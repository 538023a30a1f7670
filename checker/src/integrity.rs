//! Noticing that what grades changed while it graded.
//!
//! Student code runs at build time too (task 2's bonus is a procedural
//! macro, which runs inside the compiler). The build sandbox keeps it from
//! writing outside the build's output; this is the check behind that wall:
//! the suites, the harness and the course's crates are read before the build
//! and again after the tests, and a grading during which any of them changed
//! is refused rather than reported.

use std::{
    collections::BTreeMap,
    path::{Path, PathBuf},
};

use anyhow::Context as _;

/// The bytes of every file under some folders.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Snapshot {
    files: BTreeMap<PathBuf, Vec<u8>>,
}

/// A digest of every file under `folders` (their paths and bytes, build
/// output aside) and of `extra`: what a cache of gradings keys on. It may
/// change with the Rust release, which costs a cache miss, nothing more.
pub fn digest_of(folders: &[&Path], extra: impl std::hash::Hash) -> anyhow::Result<u64> {
    Ok(hash_of((&Snapshot::take(folders)?, extra)))
}

/// One hash of `value`, for every digest and fingerprint the checker keeps
/// (stable within a Rust release, which is all a cache needs).
pub fn hash_of(value: impl std::hash::Hash) -> u64 {
    use std::hash::Hasher as _;
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    value.hash(&mut hasher);
    hasher.finish()
}

impl Snapshot {
    /// Reads every file under `folders`, build output (`target/`) aside.
    pub fn take(folders: &[&Path]) -> anyhow::Result<Snapshot> {
        let mut files = BTreeMap::new();
        for folder in folders {
            let walk = walkdir::WalkDir::new(folder)
                .follow_links(false)
                .into_iter()
                .filter_entry(|entry| entry.file_name() != "target");
            for entry in walk {
                let entry = entry.with_context(|| format!("cannot read {}", folder.display()))?;
                if !entry.file_type().is_dir() {
                    let bytes = std::fs::read(entry.path()).unwrap_or_default();
                    files.insert(entry.path().to_path_buf(), bytes);
                }
            }
        }
        Ok(Snapshot { files })
    }

    /// Fails, naming the files, if `after` differs from this snapshot.
    pub fn ensure_unchanged(&self, after: &Snapshot) -> anyhow::Result<()> {
        let mut changed: Vec<String> = self
            .files
            .iter()
            .filter(|(path, bytes)| after.files.get(*path) != Some(bytes))
            .chain(
                after
                    .files
                    .iter()
                    .filter(|(path, _)| !self.files.contains_key(*path)),
            )
            .map(|(path, _)| path.display().to_string())
            .collect();
        changed.sort();
        changed.dedup();
        anyhow::ensure!(
            changed.is_empty(),
            "what grades changed while grading, so no grade is reported: {}. \
             Code that was graded wrote where it must not; restore these files \
             (`git checkout`, or a fresh copy of the private suites) before grading again",
            changed.join(", ")
        );
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_changed_added_or_removed_file_is_noticed_and_named() {
        let folder = tempfile::tempdir().unwrap();
        let suite = folder.path().join("grading.rs");
        std::fs::write(&suite, "fn test() {}").unwrap();
        std::fs::create_dir(folder.path().join("target")).unwrap();
        let before = Snapshot::take(&[folder.path()]).unwrap();

        // Build output is not what grades.
        std::fs::write(folder.path().join("target/binary"), "built").unwrap();
        before
            .ensure_unchanged(&Snapshot::take(&[folder.path()]).unwrap())
            .unwrap();

        std::fs::write(&suite, "fn main() {}").unwrap();
        let error = before
            .ensure_unchanged(&Snapshot::take(&[folder.path()]).unwrap())
            .unwrap_err()
            .to_string();
        assert!(error.contains("grading.rs"), "{error}");

        std::fs::write(&suite, "fn test() {}").unwrap();
        std::fs::write(folder.path().join("new.rs"), "").unwrap();
        let error = before
            .ensure_unchanged(&Snapshot::take(&[folder.path()]).unwrap())
            .unwrap_err()
            .to_string();
        assert!(error.contains("new.rs"), "{error}");
    }
}
