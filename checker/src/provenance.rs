//! Which version of a submission was graded: the git commit of the folder,
//! when the folder is in a repository of its own.
//!
//! Read from `.git` directly rather than by running `git`: a submission's
//! repository configuration is the student's, and some of it (`fsmonitor`,
//! hooks) would run a command of the student's choosing.

use std::path::{Path, PathBuf};

/// The commit checked out in the repository holding `dir`, unless that
/// repository is `not_this` (the course's own, which `dir` may sit in).
pub fn git_commit(dir: &Path, not_this: &Path) -> Option<String> {
    let top = dir
        .ancestors()
        .find(|folder| folder.join(".git").exists())?;
    if top == not_this {
        return None;
    }
    git_commit_of(top)
}

/// The commit checked out in the repository whose top folder is `top`
/// (None if `top` has no `.git` of its own).
pub fn git_commit_of(top: &Path) -> Option<String> {
    let git_dir = git_dir(&top.join(".git"))?;
    let head = read_small(&git_dir.join("HEAD"))?;
    let head = head.trim();
    let commit = match head.strip_prefix("ref: ") {
        None => head.to_owned(),
        Some(reference) => resolve(&git_dir, reference)?,
    };
    (commit.len() >= 40 && commit.chars().all(|c| c.is_ascii_hexdigit())).then_some(commit)
}

/// A file of a repository, which may be a student's: a regular file of at
/// most a few megabytes, read without blocking (a FIFO named `HEAD` is
/// refused, not waited on).
fn read_small(path: &Path) -> Option<String> {
    let bytes = crate::submission::listing::read_regular(path, 8 * 1024 * 1024)?;
    String::from_utf8(bytes).ok()
}

/// The repository's folder: `.git` itself, or the one a `.git` file names
/// (a worktree or a submodule).
fn git_dir(dot_git: &Path) -> Option<PathBuf> {
    if dot_git.is_dir() {
        return Some(dot_git.to_path_buf());
    }
    let text = read_small(dot_git)?;
    let named = Path::new(text.trim().strip_prefix("gitdir: ")?);
    Some(dot_git.parent()?.join(named))
}

/// A branch's commit: its loose file, else its line in `packed-refs`. A
/// worktree's branches live in the main repository (`commondir`).
fn resolve(git_dir: &Path, reference: &str) -> Option<String> {
    let common = read_small(&git_dir.join("commondir"))
        .map(|dir| git_dir.join(dir.trim()))
        .unwrap_or_else(|| git_dir.to_path_buf());
    for dir in [git_dir, common.as_path()] {
        if let Some(commit) = read_small(&dir.join(reference)) {
            return Some(commit.trim().to_owned());
        }
    }
    let packed = read_small(&common.join("packed-refs"))?;
    packed.lines().find_map(|line| {
        let (commit, name) = line.split_once(' ')?;
        (name == reference).then(|| commit.to_owned())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A repository as `git` would leave it, without running git: a branch
    /// in a loose file, then the same branch packed.
    #[test]
    fn the_checked_out_commit_is_read_from_loose_and_packed_refs() {
        let repo = tempfile::tempdir().unwrap();
        let git = repo.path().join(".git");
        std::fs::create_dir_all(git.join("refs/heads")).unwrap();
        std::fs::write(git.join("HEAD"), "ref: refs/heads/main\n").unwrap();
        let commit = "0123456789abcdef0123456789abcdef01234567";
        std::fs::write(git.join("refs/heads/main"), format!("{commit}\n")).unwrap();
        let inner = repo.path().join("exercises");
        std::fs::create_dir_all(&inner).unwrap();
        let elsewhere = Path::new("/nowhere");
        assert_eq!(git_commit(&inner, elsewhere).as_deref(), Some(commit));

        std::fs::remove_file(git.join("refs/heads/main")).unwrap();
        let packed = format!("# pack-refs with: peeled\n{commit} refs/heads/main\n");
        std::fs::write(git.join("packed-refs"), packed).unwrap();
        assert_eq!(git_commit(&inner, elsewhere).as_deref(), Some(commit));

        // The course's own repository is not the submission's.
        assert_eq!(git_commit(&inner, repo.path()), None);
        // A folder inside a repository has no commit of its own.
        assert_eq!(git_commit_of(repo.path()).as_deref(), Some(commit));
        assert_eq!(git_commit_of(&inner), None);
    }
}
