//! Where things are: the repository the checker belongs to, how paths
//! inside it are shown to people, and writing files without disturbing
//! cargo's view of them.

use std::path::{Path, PathBuf};

use anyhow::Context as _;

/// The repository root: the checker crate's parent folder. Found from the
/// build, not the working directory, so `cargo run -p checker` works from
/// any folder of the repository.
pub fn repo_root() -> anyhow::Result<PathBuf> {
    let checker = Path::new(env!("CARGO_MANIFEST_DIR"));
    let repo = checker
        .parent()
        .context("the checker crate has no parent folder")?;
    repo.canonicalize()
        .with_context(|| format!("cannot open the repository at {}", repo.display()))
}

/// `text` with the repository's absolute path taken out of file names, so
/// messages say `exercises/03-req/src/lib.rs`, as the student sees it.
pub fn relative_to(text: &str, repo: &Path) -> String {
    text.replace(&format!("{}/", repo.display()), "")
}

/// `path` relative to `repo` when it is inside it, as it is otherwise.
pub fn display(path: &Path, repo: &Path) -> String {
    path.strip_prefix(repo)
        .unwrap_or(path)
        .to_string_lossy()
        .into_owned()
}

/// Writes `content` unless the file already holds it: an unchanged mtime
/// keeps cargo from rebuilding.
pub fn write_if_changed(path: &Path, content: &[u8]) -> anyhow::Result<()> {
    if std::fs::read(path).is_ok_and(|existing| existing == content) {
        return Ok(());
    }
    // Write beside and rename, so a concurrent checker never reads half a file.
    let temporary = path.with_extension(format!("tmp{}", std::process::id()));
    std::fs::write(&temporary, content)
        .with_context(|| format!("cannot write {}", temporary.display()))?;
    std::fs::rename(&temporary, path)
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unchanged_files_are_not_rewritten() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("Cargo.toml");
        write_if_changed(&path, b"a").unwrap();
        let before = std::fs::metadata(&path).unwrap().modified().unwrap();
        std::thread::sleep(std::time::Duration::from_millis(20));
        write_if_changed(&path, b"a").unwrap();
        assert_eq!(
            std::fs::metadata(&path).unwrap().modified().unwrap(),
            before
        );
    }

    #[test]
    fn paths_inside_the_repo_are_shown_relative() {
        let repo = Path::new("/work/repo");
        assert_eq!(
            relative_to(" --> /work/repo/exercises/x.rs:1:2", repo),
            " --> exercises/x.rs:1:2"
        );
        assert_eq!(
            display(Path::new("/work/repo/solutions"), repo),
            "solutions"
        );
        assert_eq!(display(Path::new("/tmp/elsewhere"), repo), "/tmp/elsewhere");
    }
}
