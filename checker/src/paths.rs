//! Where things are: the repository the checker belongs to, how paths
//! inside it are shown to people, and writing files without disturbing
//! cargo's view of them.

use std::path::{Path, PathBuf};

use anyhow::Context as _;

/// How a folder is recognised as this repository: the harness every suite
/// links sits at this path below it.
const REPO_MARKER: &str = "checker/harness/Cargo.toml";

/// The repository to work in, found when the checker runs (never fixed at
/// compile time: a moved or copied checkout must grade its own files).
///
/// In order: `explicit` (`--repo DIR`); the folder the running executable
/// was built in (`target/debug/checker` lives inside its repository, and
/// moves with it); the current folder or one above it, for a binary that
/// lives elsewhere (a shared `CARGO_TARGET_DIR`, an installed copy). The
/// executable comes before the current folder so that running one
/// repository's checker from inside another folder (a student's submission
/// is laid out like this repository) never grades with the other's suites.
pub fn find_repo(explicit: Option<&Path>) -> anyhow::Result<PathBuf> {
    if let Some(dir) = explicit {
        anyhow::ensure!(
            is_repo(dir),
            "{} is not an async-exercises repository (it has no {REPO_MARKER})",
            dir.display()
        );
        return canonical(dir);
    }
    let executable = std::env::current_exe().ok();
    let current = std::env::current_dir().ok();
    let found = [executable, current]
        .into_iter()
        .flatten()
        .find_map(|start| {
            start
                .ancestors()
                .find(|dir| is_repo(dir))
                .map(Path::to_path_buf)
        });
    match found {
        Some(dir) => canonical(&dir),
        None => anyhow::bail!(
            "cannot find the async-exercises repository: run the checker inside it, or name it with --repo DIR"
        ),
    }
}

fn is_repo(dir: &Path) -> bool {
    dir.join(REPO_MARKER).is_file() && dir.join("Cargo.toml").is_file()
}

/// The checker's own executable, which other processes start (as the
/// sandbox's launcher, as cargo's rustc wrapper). When a rebuild replaced
/// it while this one runs, Linux names the old one `… (deleted)`: the
/// rebuilt one at the same path is then the one to start.
pub fn own_executable() -> anyhow::Result<PathBuf> {
    let path = std::env::current_exe().context("cannot find the checker's own binary")?;
    let replaced = path
        .to_str()
        .and_then(|text| text.strip_suffix(" (deleted)"))
        .map(PathBuf::from)
        .filter(|rebuilt| rebuilt.is_file());
    Ok(replaced.unwrap_or(path))
}

/// `path` made absolute and free of `..` and links, without the `\\?\`
/// prefix Windows adds (which people do not recognise and tools mishandle).
pub fn canonical(path: &Path) -> anyhow::Result<PathBuf> {
    dunce::canonicalize(path).with_context(|| format!("cannot open {}", path.display()))
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

/// The lock file at `path`, opened (and made, with its folder, if need be)
/// but not locked yet: callers lock it with `File::lock` or `try_lock`.
pub fn open_lock_file(path: &Path) -> anyhow::Result<std::fs::File> {
    if let Some(folder) = path.parent() {
        std::fs::create_dir_all(folder)
            .with_context(|| format!("cannot create {}", folder.display()))?;
    }
    std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(path)
        .with_context(|| format!("cannot open {}", path.display()))
}

/// Writes `content` unless the file already holds it: an unchanged mtime
/// keeps cargo from rebuilding.
pub fn write_if_changed(path: &Path, content: &[u8]) -> anyhow::Result<()> {
    if std::fs::read(path).is_ok_and(|existing| existing == content) {
        return Ok(());
    }
    write_atomically(path, content)
}

/// Writes `content` to `path` whole or not at all.
pub fn write_atomically(path: &Path, content: &[u8]) -> anyhow::Result<()> {
    // Write beside, under a name no other writer uses, and rename: a
    // concurrent reader never sees half a file, and two writers (threads
    // included) never write into each other's.
    let folder = match path.parent() {
        Some(folder) if !folder.as_os_str().is_empty() => folder,
        _ => Path::new("."),
    };
    let mut temporary = tempfile::NamedTempFile::new_in(folder)
        .with_context(|| format!("cannot write {}", path.display()))?;
    std::io::Write::write_all(&mut temporary, content)
        .with_context(|| format!("cannot write {}", path.display()))?;
    // A temporary file is made private (0600); a report is for sharing
    // (a CI artifact, a web server's folder): the mode of a file made anew.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(temporary.path(), std::fs::Permissions::from_mode(0o644))
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    temporary
        .persist(path)
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}

/// The JSON value saved at `path`, or the default if there is none or it
/// cannot be read: for what the checker only remembers (hints shown, how
/// long tests took), where starting over is harmless.
pub fn read_json_or_default<T: serde::de::DeserializeOwned + Default>(path: &Path) -> T {
    std::fs::read(path)
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .unwrap_or_default()
}

/// Makes a FIFO at `path`, for tests of code that must never open one.
#[cfg(all(test, unix))]
pub fn make_fifo(path: &Path) {
    use std::os::unix::ffi::OsStrExt as _;
    let path = std::ffi::CString::new(path.as_os_str().as_bytes()).unwrap();
    // SAFETY: a valid NUL-terminated path; mkfifo has no other effect.
    assert_eq!(unsafe { libc::mkfifo(path.as_ptr(), 0o644) }, 0);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn files_written_whole_are_readable_by_others() {
        use std::os::unix::fs::PermissionsExt as _;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("grade.json");
        write_atomically(&path, b"{}").unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o644);
    }

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
    fn the_repository_is_recognised_by_its_harness_and_named_folders_are_checked() {
        let dir = tempfile::tempdir().unwrap();
        let repo = dir.path().join("copy");
        std::fs::create_dir_all(repo.join("checker/harness")).unwrap();
        std::fs::write(repo.join("Cargo.toml"), "").unwrap();
        assert!(!is_repo(&repo), "no harness yet");
        std::fs::write(repo.join(REPO_MARKER), "").unwrap();
        assert!(is_repo(&repo));
        assert_eq!(find_repo(Some(&repo)).unwrap(), canonical(&repo).unwrap());
        let error = find_repo(Some(dir.path())).unwrap_err().to_string();
        assert!(
            error.contains("not an async-exercises repository"),
            "{error}"
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
