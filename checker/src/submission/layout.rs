//! Where a submission's task folders are: the shape of what was uploaded.
//!
//! Students hand in what their tools make. GitHub's "Download ZIP" wraps the
//! repository in `<repo>-main/`, a zip of a folder wraps it in that folder,
//! and some upload the `lib.rs` files alone. So the task folders are found
//! by content — the folder holding `<task>/src/lib.rs`, at any depth the
//! listing walks — and loose source files are placed in the task whose
//! items they define (the names the course's stub declares). Whatever is
//! found is graded; what cannot be placed is said, with the layout expected.

use std::path::{Path, PathBuf};

use anyhow::Context as _;

use super::listing::{self, Entry, Limits, Listing};
use crate::manifest::Task;

/// Where the task folders of a submission are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located {
    /// The folder holding the task folders (the submission itself, one of
    /// its folders, or a staging folder of loose files placed by content).
    pub root: PathBuf,
    /// What was done to find it, for the report: `None` when the task
    /// folders were where they belong.
    pub note: Option<String>,
}

/// Finds the task folders of `tasks` in `submitted`. Loose source files are
/// copied into `stage` (emptied first) under the task folder they belong to.
/// `trusted` holds the course's crates, whose stubs name each task's items.
pub fn locate(
    tasks: &[&Task],
    submitted: &Path,
    trusted: &Path,
    stage: &Path,
) -> anyhow::Result<Located> {
    let listing = listing::list(submitted, Limits::SUBMISSION);
    if let Some(prefix) = folder_root(tasks, &listing) {
        return Ok(match prefix.as_str() {
            "" => Located {
                root: submitted.to_path_buf(),
                note: None,
            },
            _ => Located {
                root: submitted.join(&prefix),
                note: Some(format!(
                    "the task folders were found in {prefix}/ and graded from there"
                )),
            },
        });
    }
    place_loose_files(tasks, &listing, trusted, stage)
}

/// The shallowest folder (relative, `""` for the top) holding task folders,
/// the one holding the most of equals; `None` if no task folder is
/// anywhere. Shallowest first: where the student put their work wins over a
/// fuller copy further down (a backup of the stubs, say).
fn folder_root(tasks: &[&Task], listing: &Listing) -> Option<String> {
    let mut best: Option<(usize, usize, String)> = None;
    let mut candidates: Vec<String> = Vec::new();
    for name in listing.files.keys() {
        for task in tasks {
            let tail = format!("{}/{}", task.dir, task.edit);
            let prefix = if *name == tail {
                Some(String::new())
            } else {
                name.strip_suffix(&format!("/{tail}")).map(str::to_owned)
            };
            if let Some(prefix) = prefix
                && !candidates.contains(&prefix)
            {
                candidates.push(prefix);
            }
        }
    }
    for prefix in candidates {
        let found = tasks
            .iter()
            .filter(|task| {
                let tail = format!("{}/{}", task.dir, task.edit);
                let name = if prefix.is_empty() {
                    tail
                } else {
                    format!("{prefix}/{tail}")
                };
                listing.files.contains_key(&name)
            })
            .count();
        let depth = prefix.matches('/').count() + usize::from(!prefix.is_empty());
        let better = best.as_ref().is_none_or(|(most, shallowest, _)| {
            (std::cmp::Reverse(depth), found) > (std::cmp::Reverse(*shallowest), *most)
        });
        if better {
            best = Some((found, depth, prefix));
        }
    }
    best.map(|(_, _, prefix)| prefix)
}

/// One file students edit, and the items its stub declares.
struct Slot<'t> {
    task: &'t Task,
    file: &'t str,
    names: Vec<String>,
}

/// Places each loose `.rs` file in the task file whose stub's items it
/// defines the most of (at least half of them, and more than for any other
/// file), copying it into `stage`.
fn place_loose_files(
    tasks: &[&Task],
    listing: &Listing,
    trusted: &Path,
    stage: &Path,
) -> anyhow::Result<Located> {
    let slots: Vec<Slot> = tasks
        .iter()
        .flat_map(|task| {
            task.edited_files().map(move |file| {
                let stub =
                    std::fs::read_to_string(trusted.join(&task.dir).join(file)).unwrap_or_default();
                Slot {
                    task,
                    file,
                    names: declared_names(&stub),
                }
            })
        })
        .filter(|slot| !slot.names.is_empty())
        .collect();
    if stage.exists() {
        std::fs::remove_dir_all(stage)
            .with_context(|| format!("cannot empty {}", stage.display()))?;
    }
    std::fs::create_dir_all(stage).with_context(|| format!("cannot create {}", stage.display()))?;

    let mut placed: Vec<String> = Vec::new();
    let mut unplaced: Vec<String> = Vec::new();
    let mut taken: Vec<(u32, &str)> = Vec::new();
    for (name, entry) in &listing.files {
        if *entry != Entry::Regular || !name.ends_with(".rs") {
            continue;
        }
        let Some(bytes) = listing.read(name) else {
            continue;
        };
        let source = String::from_utf8_lossy(&bytes);
        let defined = declared_names(&source);
        let score = |slot: &Slot| {
            let matched = slot
                .names
                .iter()
                .filter(|item| defined.contains(item))
                .count();
            (
                matched * 2 >= slot.names.len() && matched > 0,
                matched,
                slot.names.len(),
            )
        };
        let mut ranked: Vec<(&Slot, (bool, usize, usize))> = slots
            .iter()
            .map(|slot| (slot, score(slot)))
            .filter(|(_, (enough, _, _))| *enough)
            .collect();
        // Most items matched first; of equals, the file with fewer items
        // (a macro crate's one `timeit` against a library's four).
        ranked.sort_by_key(|(_, (_, matched, declared))| (std::cmp::Reverse(*matched), *declared));
        let unique = match ranked.as_slice() {
            [] => None,
            [only] => Some(only.0),
            [first, second, ..] if first.1 != second.1 => Some(first.0),
            _ => None,
        };
        match unique {
            Some(slot) if !taken.contains(&(slot.task.number, slot.file)) => {
                taken.push((slot.task.number, slot.file));
                let to = stage.join(&slot.task.dir).join(slot.file);
                if let Some(folder) = to.parent() {
                    std::fs::create_dir_all(folder)
                        .with_context(|| format!("cannot create {}", folder.display()))?;
                }
                std::fs::write(&to, &bytes)
                    .with_context(|| format!("cannot write {}", to.display()))?;
                placed.push(format!("{name} → {}/{}", slot.task.dir, slot.file));
            }
            _ => unplaced.push(name.clone()),
        }
    }
    let expected = tasks
        .iter()
        .map(|task| format!("{}/{}", task.dir, task.edit))
        .collect::<Vec<_>>()
        .join(", ");
    let mut note = if placed.is_empty() {
        format!(
            "no task folder was found: hand in the task folders ({expected}), or the whole repository, as a zip or a folder"
        )
    } else {
        format!(
            "no task folder was found, so loose files were placed by what they define: {}",
            placed.join("; ")
        )
    };
    if !unplaced.is_empty() {
        note.push_str(&format!(
            "; not placed (they define no task's items, or several files claim one): {}",
            unplaced.join(", ")
        ));
    }
    Ok(Located {
        root: stage.to_path_buf(),
        note: Some(note),
    })
}

/// The names a source file declares at its top level or in `impl` blocks:
/// `fn`, `struct`, `enum`, `trait` and `type` items, `pub` or not.
fn declared_names(source: &str) -> Vec<String> {
    let mut names = Vec::new();
    for line in source.lines() {
        let mut words = line
            .trim_start()
            .split(|c: char| !(c.is_alphanumeric() || c == '_'))
            .filter(|word| !word.is_empty());
        let mut previous = None;
        for word in words.by_ref() {
            if let Some(keyword) = previous
                && matches!(keyword, "fn" | "struct" | "enum" | "trait" | "type")
            {
                if !names.iter().any(|name| name == word) {
                    names.push(word.to_owned());
                }
                break;
            }
            if !matches!(
                word,
                "pub" | "async" | "const" | "unsafe" | "extern" | "crate" | "super" | "in"
            ) && !matches!(word, "fn" | "struct" | "enum" | "trait" | "type")
            {
                break;
            }
            previous = Some(word);
        }
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tasks() -> Vec<Task> {
        let manifest =
            crate::manifest::Manifest::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("suites"))
                .unwrap();
        manifest.tasks
    }

    /// The stubs as shipped: what the course's crates hold.
    fn trusted() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("pristine")
    }

    fn write(root: &Path, relative: &str, text: &str) {
        let path = root.join(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    #[test]
    fn declared_names_are_the_items_of_a_file() {
        let names = declared_names(
            "use std::x;\npub async fn run_all(url: &str) {}\n  fn helper() {}\npub struct Timed<F> {\n#[derive(Debug)]\npub enum Body {}\nlet fn_ = 1;\n    pub(crate) fn inner() {}\n",
        );
        assert_eq!(names, ["run_all", "helper", "Timed", "Body", "inner"]);
    }

    #[test]
    fn task_folders_are_found_under_a_wrapping_folder_the_shallowest_first() {
        let tasks = tasks();
        let tasks: Vec<&Task> = tasks.iter().collect();
        let dir = tempfile::tempdir().unwrap();
        let submitted = dir.path().join("submission");
        write(
            &submitted,
            "async-exercises-main/exercises/03-req/src/lib.rs",
            "",
        );
        write(
            &submitted,
            "async-exercises-main/exercises/01-async-rewrite/src/lib.rs",
            "",
        );
        write(
            &submitted,
            "async-exercises-main/solutions/03-req/src/lib.rs",
            "",
        );
        write(
            &submitted,
            "async-exercises-main/old/deeper/04-site-check/src/lib.rs",
            "",
        );
        let located = locate(&tasks, &submitted, &trusted(), &dir.path().join("stage")).unwrap();
        assert_eq!(
            located.root,
            submitted.join("async-exercises-main/exercises")
        );
        assert!(
            located
                .note
                .unwrap()
                .contains("async-exercises-main/exercises/")
        );

        let top = dir.path().join("top");
        write(&top, "03-req/src/lib.rs", "");
        // A fuller copy deeper down does not outrank the student's own top.
        write(&top, "backup/stubs/01-async-rewrite/src/lib.rs", "");
        write(&top, "backup/stubs/04-site-check/src/lib.rs", "");
        let located = locate(&tasks, &top, &trusted(), &dir.path().join("stage")).unwrap();
        assert_eq!(
            located,
            Located {
                root: top,
                note: None
            }
        );
    }

    #[test]
    fn loose_files_are_placed_by_what_they_define() {
        let tasks = tasks();
        let tasks: Vec<&Task> = tasks.iter().collect();
        let dir = tempfile::tempdir().unwrap();
        let submitted = dir.path().join("submission");
        let stub = |dir: &str, file: &str| {
            std::fs::read_to_string(trusted().join(dir).join(file)).unwrap()
        };
        write(&submitted, "lib.rs", &stub("03-req", "src/lib.rs"));
        write(
            &submitted,
            "lib (1).rs",
            &stub("04-site-check", "src/lib.rs"),
        );
        write(
            &submitted,
            "timing.rs",
            &stub("02-timing-decorator", "src/lib.rs"),
        );
        write(
            &submitted,
            "macro.rs",
            &stub("02-timing-decorator", "macros/src/lib.rs"),
        );
        write(&submitted, "notes.rs", "fn main() {}\n");
        let stage = dir.path().join("stage");
        let located = locate(&tasks, &submitted, &trusted(), &stage).unwrap();
        assert_eq!(located.root, stage);
        for file in [
            "03-req/src/lib.rs",
            "04-site-check/src/lib.rs",
            "02-timing-decorator/src/lib.rs",
            "02-timing-decorator/macros/src/lib.rs",
        ] {
            assert!(stage.join(file).is_file(), "{file} was not placed");
        }
        let note = located.note.unwrap();
        assert!(note.contains("lib.rs → 03-req/src/lib.rs"), "{note}");
        assert!(
            note.contains("not placed") && note.contains("notes.rs"),
            "{note}"
        );

        let empty = dir.path().join("empty");
        write(&empty, "README.txt", "my homework");
        let located = locate(&tasks, &empty, &trusted(), &stage).unwrap();
        let note = located.note.unwrap();
        assert!(
            note.contains(
                "no task folder was found: hand in the task folders (00-round-robin/src/lib.rs"
            ),
            "{note}"
        );
    }
}
