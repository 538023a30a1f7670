//! Copying course files into a kit (an edition, a bundle): build output,
//! version control and the checker's state never travel.

use std::path::{Path, PathBuf};

use anyhow::Context as _;

/// Folders never copied, wherever they are.
const NEVER_COPIED: [&str; 3] = ["target", ".git", ".checker-state"];

/// Copies the files under `from` into `to`, leaving out build output and
/// state.
pub(super) fn copy_dir(from: &Path, to: &Path) -> anyhow::Result<()> {
    for (file, relative) in files_under(from, "")? {
        copy_file(&file, &to.join(relative))?;
    }
    Ok(())
}

/// The files under `from` (or `from` itself, a file), each with its name
/// under `prefix`, `/`-separated, sorted.
pub(super) fn files_under(from: &Path, prefix: &str) -> anyhow::Result<Vec<(PathBuf, String)>> {
    let walk = walkdir::WalkDir::new(from)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|entry| !NEVER_COPIED.iter().any(|skip| entry.file_name() == *skip));
    let mut files = Vec::new();
    for entry in walk {
        let entry = entry.with_context(|| format!("cannot read {}", from.display()))?;
        if entry.file_type().is_file() {
            let relative = entry.path().strip_prefix(from).expect("under from");
            let mut name = prefix.to_owned();
            for part in relative.components() {
                if !name.is_empty() {
                    name.push('/');
                }
                name.push_str(&part.as_os_str().to_string_lossy());
            }
            files.push((entry.path().to_path_buf(), name));
        }
    }
    Ok(files)
}

pub(super) fn copy_file(from: &Path, to: &Path) -> anyhow::Result<()> {
    if let Some(parent) = to.parent() {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::copy(from, to)
        .with_context(|| format!("cannot copy {} to {}", from.display(), to.display()))?;
    Ok(())
}

pub(super) fn write_file(path: &Path, text: &str) -> anyhow::Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))
}

/// The repository's workspace manifest without the solutions: what the
/// student edition and Gradescope's bundle build, neither of which carries
/// them.
pub fn workspace_without_solutions(repo: &Path) -> anyhow::Result<String> {
    let path = repo.join("Cargo.toml");
    let text = std::fs::read_to_string(&path)?;
    let mut document: toml_edit::DocumentMut = text.parse()?;
    for key in ["members", "default-members"] {
        if let Some(list) = document["workspace"]
            .get_mut(key)
            .and_then(toml_edit::Item::as_array_mut)
        {
            list.retain(|member| {
                member
                    .as_str()
                    .is_none_or(|member| !member.starts_with("solutions"))
            });
        }
    }
    let text = document.to_string().replace(
        "# solutions/  the reference solutions: same library names as the exercises\n",
        "",
    );
    Ok(text)
}
