//! Where things are: the repository the checker belongs to, and how paths
//! inside it are shown to people.

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

#[cfg(test)]
mod tests {
    use super::*;

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
