//! Gradescope's autograder bundle (`checker gradescope --out autograder.zip`):
//! a zip with `setup.sh` and `run_autograder` at its top (Gradescope's
//! names; templates in `checker/kit/gradescope/`) and the course beside
//! them — the task crates, the checker and its suites (an instructor's own
//! with `--suites`). Not the solutions: a tree that grades students never
//! holds them (the suites are proven on them before the bundle is written).
//! Gradescope unpacks it to `/autograder/source`; `run_autograder` grades
//! `/autograder/submission` into `/autograder/results/results.json`.

use std::{
    io::Write as _,
    path::{Path, PathBuf},
};

use anyhow::Context as _;
use zip::{ZipWriter, write::SimpleFileOptions};

use super::files::files_under;

/// The parts of the repository the bundle carries.
const COURSE: [&str; 7] = [
    "Cargo.lock",
    "exercises",
    "checker/Cargo.toml",
    "checker/src",
    "checker/harness",
    "checker/protocol",
    "checker/pristine",
];

/// What went into a bundle.
#[derive(Debug, Clone)]
pub struct Bundle {
    pub path: PathBuf,
    pub files: usize,
    pub bytes: u64,
}

/// Writes the bundle of the course in `repo`, graded by the suites in
/// `suites`, to `out`.
pub fn write(repo: &Path, suites: &Path, out: &Path) -> anyhow::Result<Bundle> {
    let mut entries: Vec<(PathBuf, String)> = Vec::new();
    let scripts = repo.join("checker/kit/gradescope");
    for script in ["setup.sh", "run_autograder"] {
        entries.push((scripts.join(script), script.to_owned()));
    }
    for part in COURSE {
        entries.extend(files_under(&repo.join(part), part)?);
    }
    // The workspace without its solutions, written beside the rest.
    let workspace = super::files::workspace_without_solutions(repo)?;
    let suite_files = files_under(suites, "checker/suites")?;
    anyhow::ensure!(
        suite_files
            .iter()
            .any(|(_, name)| name == "checker/suites/tasks.toml"),
        "{} has no tasks.toml",
        suites.display()
    );
    entries.extend(suite_files);

    let partial = out.with_extension("zip.partial");
    let file = std::fs::File::create(&partial)
        .with_context(|| format!("cannot create {}", partial.display()))?;
    let mut zip = ZipWriter::new(file);
    zip.start_file(
        "Cargo.toml",
        SimpleFileOptions::default().unix_permissions(0o644),
    )?;
    zip.write_all(workspace.as_bytes())?;
    for (from, name) in &entries {
        let executable = name == "setup.sh" || name == "run_autograder";
        let options =
            SimpleFileOptions::default().unix_permissions(if executable { 0o755 } else { 0o644 });
        zip.start_file(name.as_str(), options)?;
        let content =
            std::fs::read(from).with_context(|| format!("cannot read {}", from.display()))?;
        zip.write_all(&content)?;
    }
    zip.finish()?;
    std::fs::rename(&partial, out).with_context(|| format!("cannot write {}", out.display()))?;
    Ok(Bundle {
        path: out.to_path_buf(),
        files: entries.len() + 1,
        bytes: std::fs::metadata(out)?.len(),
    })
}
