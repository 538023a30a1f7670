//! Listing a folder a student handed in, which is hostile input.
//!
//! A class folder is the students': it may hold a folder nested thousands
//! deep, a million files, a FIFO named `lib.rs` (reading it blocks forever),
//! a symbolic link to the hidden suites, or a name that is not UTF-8 (a zip
//! made on Windows with Cyrillic names). None of it may stop a grading or
//! reach outside the folder. So the walk is bounded (depth, entries, bytes),
//! only regular files are ever opened (and opened so that one swapped for a
//! FIFO does not block), and whatever is passed over is named with the
//! reason, for the report's list of files that were not graded.

use std::{
    collections::BTreeMap,
    io::Read as _,
    path::{Path, PathBuf},
};

/// How much of a submission's folder is looked at.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Folders deeper than this (counted from the folder listed) are not
    /// entered: no task needs more than a few.
    pub depth: usize,
    /// Entries (files and folders) looked at; the rest are not.
    pub entries: usize,
    /// A file larger than this is not read: no task needs a fraction of it.
    pub file_bytes: u64,
    /// The files read, together: past it, later files are not read.
    pub total_bytes: u64,
}

impl Limits {
    /// Generous for any honest submission of this course (a few dozen small
    /// files), small enough that a hostile one is passed over in well under
    /// a second.
    pub const SUBMISSION: Limits = Limits {
        depth: 16,
        entries: 4_000,
        file_bytes: 1024 * 1024,
        total_bytes: 16 * 1024 * 1024,
    };
}

/// One file of the listing.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Entry {
    /// A regular file within the limits, which [`Listing::read`] reads.
    Regular,
    /// Seen, but never opened: the reason says why (for the report).
    PassedOver(&'static str),
}

/// The files of a folder, relative to it with `/` between folders, and what
/// was passed over without being listed file by file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Listing {
    root: PathBuf,
    pub files: BTreeMap<String, Entry>,
    /// Folders not entered and walk errors, each with its reason.
    pub not_entered: Vec<String>,
}

/// Lists `dir`, build output (`target/`) and hidden entries (`.git/`,
/// editor files) aside. Symbolic links are not followed. A folder that does
/// not exist lists as empty; nothing in it can make this fail.
pub fn list(dir: &Path, limits: Limits) -> Listing {
    let mut listing = Listing {
        root: dir.to_path_buf(),
        ..Listing::default()
    };
    if !dir.is_dir() {
        return listing;
    }
    let walk = walkdir::WalkDir::new(dir)
        .follow_links(false)
        .max_depth(limits.depth)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|entry| {
            let name = entry.file_name().to_string_lossy();
            entry.depth() == 0 || !(name.starts_with('.') || name == "target")
        });
    let mut bytes_taken = 0u64;
    for (seen, entry) in walk.enumerate() {
        if seen > limits.entries {
            listing.not_entered.push(format!(
                "the rest of the folder (more than {} files and folders)",
                limits.entries
            ));
            break;
        }
        let entry = match entry {
            Ok(entry) => entry,
            Err(error) => {
                let at = error
                    .path()
                    .and_then(|path| path.strip_prefix(dir).ok())
                    .map_or_else(|| "a folder".to_owned(), |path| relative_name(path).0);
                listing.not_entered.push(format!("{at} (cannot be read)"));
                continue;
            }
        };
        let relative = entry
            .path()
            .strip_prefix(dir)
            .expect("walkdir stays under its root");
        let (name, utf8) = relative_name(relative);
        if entry.file_type().is_dir() {
            if entry.depth() == limits.depth && entry.depth() > 0 {
                listing.not_entered.push(format!(
                    "{name}/ (nested deeper than {} folders)",
                    limits.depth
                ));
            }
            continue;
        }
        let kind = if !utf8 {
            Entry::PassedOver("its name is not UTF-8")
        } else if !entry.file_type().is_file() {
            Entry::PassedOver("not a regular file")
        } else {
            match entry.metadata() {
                Ok(metadata) if metadata.len() > limits.file_bytes => {
                    Entry::PassedOver("too large")
                }
                Ok(metadata) if bytes_taken + metadata.len() > limits.total_bytes => {
                    Entry::PassedOver("the submission's files are too large together")
                }
                Ok(metadata) => {
                    bytes_taken += metadata.len();
                    Entry::Regular
                }
                Err(_) => Entry::PassedOver("cannot be read"),
            }
        };
        listing.files.insert(name, kind);
    }
    listing
}

impl Listing {
    /// The bytes of a [`Entry::Regular`] file, or `None` for any other
    /// (passed over, gone, swapped for something else since it was listed).
    pub fn read(&self, relative: &str) -> Option<Vec<u8>> {
        if self.files.get(relative) != Some(&Entry::Regular) {
            return None;
        }
        read_regular(&self.root.join(relative), Limits::SUBMISSION.file_bytes)
    }

    /// Every file and folder passed over, with its reason: for the report.
    pub fn passed_over(&self) -> impl Iterator<Item = String> + '_ {
        self.files
            .iter()
            .filter_map(|(name, entry)| match entry {
                Entry::PassedOver(reason) => Some(format!("{name} ({reason})")),
                Entry::Regular => None,
            })
            .chain(self.not_entered.iter().cloned())
    }
}

/// A path's name with `/` between folders, and whether it was valid UTF-8
/// (if not, the name shown has U+FFFD in its place and must not be opened).
fn relative_name(relative: &Path) -> (String, bool) {
    let mut utf8 = true;
    let parts: Vec<String> = relative
        .components()
        .map(|part| {
            let part = part.as_os_str();
            utf8 &= part.to_str().is_some();
            part.to_string_lossy().into_owned()
        })
        .collect();
    (parts.join("/"), utf8)
}

/// Reads `path` if it is (still) a regular file of at most `limit` bytes.
/// Opened without following a final symbolic link and without blocking, so
/// that a file swapped for a link or a FIFO since it was listed is refused,
/// not followed or waited on.
pub fn read_regular(path: &Path, limit: u64) -> Option<Vec<u8>> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.custom_flags(libc::O_NONBLOCK | libc::O_NOFOLLOW);
    }
    let file = options.open(path).ok()?;
    let metadata = file.metadata().ok()?;
    if !metadata.is_file() || metadata.len() > limit {
        return None;
    }
    let mut bytes = Vec::with_capacity(metadata.len() as usize);
    file.take(limit + 1).read_to_end(&mut bytes).ok()?;
    (bytes.len() as u64 <= limit).then_some(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn small() -> Limits {
        Limits {
            depth: 4,
            entries: 50,
            file_bytes: 10,
            total_bytes: 25,
        }
    }

    #[test]
    fn regular_files_are_listed_and_read() {
        let root = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(root.path().join("src/nested")).unwrap();
        std::fs::write(root.path().join("src/lib.rs"), "lib").unwrap();
        std::fs::write(root.path().join("src/nested/mod.rs"), "mod").unwrap();
        std::fs::create_dir_all(root.path().join("target/debug")).unwrap();
        std::fs::write(root.path().join("target/debug/out"), "built").unwrap();
        let listing = list(root.path(), small());
        let names: Vec<&str> = listing.files.keys().map(String::as_str).collect();
        assert_eq!(names, ["src/lib.rs", "src/nested/mod.rs"]);
        assert_eq!(listing.read("src/lib.rs").as_deref(), Some(&b"lib"[..]));
        assert_eq!(listing.read("src/missing.rs"), None);
        assert_eq!(listing.passed_over().count(), 0);
    }

    #[test]
    fn sizes_depth_and_count_are_bounded() {
        let root = tempfile::tempdir().unwrap();
        let deep = root.path().join("a/b/c/d/e/f");
        std::fs::create_dir_all(&deep).unwrap();
        std::fs::write(deep.join("deep.rs"), "x").unwrap();
        std::fs::write(root.path().join("big.rs"), "x".repeat(11)).unwrap();
        for name in ["1.rs", "2.rs", "3.rs"] {
            std::fs::write(root.path().join(name), "x".repeat(10)).unwrap();
        }
        let listing = list(root.path(), small());
        let passed: Vec<String> = listing.passed_over().collect();
        assert_eq!(
            passed,
            [
                "3.rs (the submission's files are too large together)",
                "big.rs (too large)",
                "a/b/c/d/ (nested deeper than 4 folders)",
            ]
        );
        assert_eq!(listing.read("big.rs"), None);
        assert_eq!(listing.read("3.rs"), None);

        for index in 0..60 {
            std::fs::write(root.path().join(format!("many-{index:02}.rs")), "").unwrap();
        }
        let listing = list(root.path(), small());
        assert!(
            listing
                .not_entered
                .iter()
                .any(|note| note.contains("more than 50")),
            "{:?}",
            listing.not_entered
        );
    }

    #[cfg(unix)]
    #[test]
    fn links_fifos_and_names_that_are_not_utf8_are_never_opened() {
        use std::os::unix::ffi::OsStrExt as _;
        let root = tempfile::tempdir().unwrap();
        let fifo = root.path().join("lib.rs");
        crate::paths::make_fifo(&fifo);
        std::os::unix::fs::symlink("/etc/hostname", root.path().join("link.rs")).unwrap();
        let odd = std::ffi::OsStr::from_bytes(b"\xcf\xf0\xe8\xe2\xe5\xf2.rs");
        std::fs::write(root.path().join(odd), "cp1251").unwrap();
        let listing = list(root.path(), small());
        let passed: Vec<String> = listing.passed_over().collect();
        assert_eq!(
            passed,
            [
                "lib.rs (not a regular file)",
                "link.rs (not a regular file)",
                "\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}.rs (its name is not UTF-8)",
            ]
        );
        // Even asked directly, a FIFO is refused rather than waited on.
        assert_eq!(read_regular(&fifo, 10), None);
    }
}
