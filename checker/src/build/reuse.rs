//! Not compiling a task again when nothing it reads has changed.
//!
//! A student re-runs the checker after every edit, mostly of one task; the
//! other tasks' crates, probes and suites would come out the same. A task's
//! build is reused when its stamp matches: a digest of everything its
//! compilers may read that can change between two gradings (the task's
//! crate and suite folders, by content) under the same plan (which covers
//! the toolchain, the dependencies and the harness), and each suite binary
//! still has the content it had when it was made. Never by modification
//! time, which a student's code could set.
//!
//! Within a task that is compiled again, a student's crate whose own inputs
//! have not changed is not compiled again either ([`kept_unit`]): task 2's
//! macro crate, say, while the student edits its library (0.14 s of every
//! such re-grade). Its inputs are the files its compiler read, as the
//! compiler listed them (its dep-info, read before anything of the
//! student's ran: no student code runs where their crates compile), by
//! content, and the student's artifacts it was given; its outputs are
//! kept where no student code writes, and reused only as they were made.
//!
//! Only where the build is confined: there the compilers of a student's
//! crate can read nothing else (a `#[path]` to a file outside the crate
//! does not compile), so the folders hashed are all it depends on. Not for
//! a batch or a submission (`fresh`), where every student starts from
//! nothing.

use std::{
    collections::{BTreeMap, HashMap},
    path::{Path, PathBuf},
};

use serde::{Deserialize, Serialize};

use super::{Refusal, SuiteBinary, TaskBuild};

/// What a task's build was made from, and what it made.
#[derive(Debug, Serialize, Deserialize)]
struct Stamp {
    inputs: String,
    binaries: Vec<StampedBinary>,
    compile_error: Option<String>,
    #[serde(default)]
    refusals: Vec<Refusal>,
}

#[derive(Debug, Serialize, Deserialize)]
struct StampedBinary {
    name: String,
    path: PathBuf,
    content: String,
}

/// The digest of a task's inputs: the plan, the task, and every file under
/// `folders`.
pub fn inputs(plan_digest: u64, task: u32, folders: &[&Path]) -> anyhow::Result<String> {
    let digest = crate::integrity::digest_of(folders, (plan_digest, task))?;
    Ok(format!("{digest:016x}"))
}

/// The build recorded in `stamp_file`, if it was made from `inputs` and its
/// binaries are unchanged.
pub fn reusable(stamp_file: &Path, inputs: &str) -> Option<TaskBuild> {
    let stamp: Stamp = serde_json::from_slice(&std::fs::read(stamp_file).ok()?).ok()?;
    if stamp.inputs != inputs {
        return None;
    }
    let mut binaries = Vec::new();
    for binary in stamp.binaries {
        if content_of(&binary.path)? != binary.content {
            return None;
        }
        binaries.push(SuiteBinary {
            name: binary.name,
            path: binary.path,
        });
    }
    Some(TaskBuild {
        binaries,
        compile_error: stamp.compile_error,
        refusals: stamp.refusals,
        suites_key: None,
    })
}

/// Records that `build` was made from `inputs`. A build that cannot be
/// recorded is only not reused.
pub fn remember(stamp_file: &Path, inputs: &str, build: &TaskBuild) {
    let binaries: Option<Vec<StampedBinary>> = build
        .binaries
        .iter()
        .map(|binary| {
            Some(StampedBinary {
                name: binary.name.clone(),
                path: binary.path.clone(),
                content: content_of(&binary.path)?,
            })
        })
        .collect();
    let Some(binaries) = binaries else {
        return;
    };
    let stamp = Stamp {
        inputs: inputs.to_owned(),
        binaries,
        compile_error: build.compile_error.clone(),
        refusals: build.refusals.clone(),
    };
    if let Ok(bytes) = serde_json::to_vec(&stamp) {
        let _ = crate::paths::write_atomically(stamp_file, &bytes);
    }
}

/// Forgets the recorded build, before a new one is made in its place.
pub fn forget(stamp_file: &Path) {
    let _ = std::fs::remove_file(stamp_file);
}

fn content_of(path: &Path) -> Option<String> {
    let bytes = std::fs::read(path).ok()?;
    let hash = crate::integrity::hash_of(&bytes);
    Some(format!("{hash:016x}-{}", bytes.len()))
}

/// Source files a compiler read are hashed only if they are plain files of
/// at most this size (a FIFO or a link named in a dep-info is not read: the
/// unit is compiled again instead).
const MAX_INPUT_BYTES: u64 = 16 << 20;

/// What a student's unit was compiled from, and what it made.
#[derive(Debug, Serialize, Deserialize)]
struct UnitStamp {
    /// The plan, the unit's arguments, the student's artifacts it linked.
    key: String,
    /// Each file its compiler read → its content.
    read: BTreeMap<PathBuf, String>,
    /// Each output (its name in the plan) → its file name and content.
    made: BTreeMap<String, (String, String)>,
}

/// The key of a student's unit: the plan, its arguments and environment,
/// and the content of each of the student's artifacts it is given
/// (`externs`: name in the plan → file). `None` if one cannot be read.
pub fn unit_key(
    plan_digest: u64,
    unit: &super::plan::Unit,
    externs: &HashMap<String, PathBuf>,
) -> Option<String> {
    let mut given = BTreeMap::new();
    for (name, path) in externs {
        given.insert(name.clone(), content_of(path)?);
    }
    let recording = &unit.recording;
    let hash = crate::integrity::hash_of((
        plan_digest,
        &recording.args,
        &recording.env,
        &unit.outputs,
        given,
    ));
    Some(format!("{hash:016x}"))
}

/// The outputs kept in `kept` by [`keep_unit`] under `key`, copied into
/// `sealed`, if every file the unit's compiler read then is unchanged and
/// every kept output still has its content: name in the plan → sealed file.
pub fn kept_unit(
    stamp_file: &Path,
    key: &str,
    kept: &Path,
    sealed: &Path,
) -> Option<HashMap<String, PathBuf>> {
    let stamp: UnitStamp = serde_json::from_slice(&std::fs::read(stamp_file).ok()?).ok()?;
    if stamp.key != key || stamp.read.is_empty() {
        return None;
    }
    for (path, content) in &stamp.read {
        if source_content(path)? != *content {
            return None;
        }
    }
    let mut outputs = HashMap::new();
    for (planned, (file, content)) in &stamp.made {
        let from = kept.join(file);
        if content_of(&from)? != *content {
            return None;
        }
        let to = sealed.join(file);
        std::fs::copy(&from, &to).ok()?;
        outputs.insert(planned.clone(), to);
    }
    Some(outputs)
}

/// Keeps a copy of `sealed` (name in the plan → sealed file) in `kept`,
/// with what the unit's compiler read (the dep-info file it wrote), under
/// `key`. A unit that cannot be kept is only compiled again next time.
pub fn keep_unit(
    stamp_file: &Path,
    key: &str,
    dep_info: &Path,
    kept: &Path,
    sealed: &HashMap<String, PathBuf>,
) {
    let _ = std::fs::remove_file(stamp_file);
    let Some(read) = std::fs::read_to_string(dep_info)
        .ok()
        .map(|text| inputs_of(&text))
        .and_then(|files| {
            files
                .into_iter()
                .map(|file| source_content(&file).map(|content| (file, content)))
                .collect::<Option<BTreeMap<_, _>>>()
        })
    else {
        return;
    };
    let mut made = BTreeMap::new();
    for (planned, path) in sealed {
        let (Some(file), Some(content)) = (path.file_name(), content_of(path)) else {
            return;
        };
        if std::fs::create_dir_all(kept).is_err() || std::fs::copy(path, kept.join(file)).is_err() {
            return;
        }
        made.insert(
            planned.clone(),
            (file.to_string_lossy().into_owned(), content),
        );
    }
    let stamp = UnitStamp {
        key: key.to_owned(),
        read,
        made,
    };
    if let Ok(bytes) = serde_json::to_vec(&stamp) {
        let _ = crate::paths::write_atomically(stamp_file, &bytes);
    }
}

/// The content of a source file a compiler read, if it is a plain file
/// (not a link, not a FIFO) of at most [`MAX_INPUT_BYTES`].
fn source_content(path: &Path) -> Option<String> {
    let meta = std::fs::symlink_metadata(path).ok()?;
    (meta.is_file() && meta.len() <= MAX_INPUT_BYTES)
        .then(|| content_of(path))
        .flatten()
}

/// The input files a rustc dep-info file names: each is a rule of its own
/// with nothing after its colon (`path:`); spaces in names are escaped.
fn inputs_of(dep_info: &str) -> Vec<PathBuf> {
    dep_info
        .lines()
        .filter(|line| !line.starts_with('#'))
        .filter_map(|line| line.strip_suffix(':'))
        .map(|path| PathBuf::from(path.replace("\\ ", " ")))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_build_is_reused_only_with_the_same_inputs_and_binaries() {
        let dir = tempfile::tempdir().unwrap();
        let stamp = dir.path().join("stamp.json");
        let binary = dir.path().join("grading");
        std::fs::write(&binary, "compiled").unwrap();
        let build = TaskBuild {
            binaries: vec![SuiteBinary {
                name: "grading".into(),
                path: binary.clone(),
            }],
            compile_error: None,
            refusals: Vec::new(),
            suites_key: None,
        };
        remember(&stamp, "inputs-1", &build);
        assert!(reusable(&stamp, "inputs-1").is_some());
        assert!(reusable(&stamp, "inputs-2").is_none());
        // Same size, same time, other bytes: not reused.
        let modified = std::fs::metadata(&binary).unwrap().modified().unwrap();
        std::fs::write(&binary, "COMPILED").unwrap();
        std::fs::File::options()
            .write(true)
            .open(&binary)
            .unwrap()
            .set_modified(modified)
            .unwrap();
        assert!(reusable(&stamp, "inputs-1").is_none());
        forget(&stamp);
        std::fs::write(&binary, "compiled").unwrap();
        assert!(reusable(&stamp, "inputs-1").is_none());
    }

    #[test]
    fn a_unit_is_kept_until_a_file_its_compiler_read_changes() {
        let dir = tempfile::tempdir().unwrap();
        let (source, sealed, kept) = (
            dir.path().join("my src"),
            dir.path().join("sealed"),
            dir.path().join("kept"),
        );
        std::fs::create_dir_all(&source).unwrap();
        std::fs::create_dir_all(&sealed).unwrap();
        let lib = source.join("lib.rs");
        std::fs::write(&lib, "pub fn f() {}").unwrap();
        let escaped = lib.display().to_string().replace(' ', "\\ ");
        let dep_info = dir.path().join("x.d");
        std::fs::write(
            &dep_info,
            format!("/out/libx.rlib: {escaped}\n\n{escaped}:\n\n# env-dep:X=1\n"),
        )
        .unwrap();
        let artifact = sealed.join("libx-1s.rlib");
        std::fs::write(&artifact, "compiled").unwrap();
        let made = HashMap::from([("libx-1.rlib".to_owned(), artifact.clone())]);
        let stamp = kept.join("x.json");

        keep_unit(&stamp, "key", &dep_info, &kept, &made);
        std::fs::remove_file(&artifact).unwrap();
        assert_eq!(kept_unit(&stamp, "key", &kept, &sealed), Some(made.clone()));
        assert_eq!(std::fs::read(&artifact).unwrap(), b"compiled");
        assert_eq!(kept_unit(&stamp, "other key", &kept, &sealed), None);

        std::fs::write(&lib, "pub fn g() {}").unwrap();
        assert_eq!(kept_unit(&stamp, "key", &kept, &sealed), None);
        std::fs::write(&lib, "pub fn f() {}").unwrap();
        assert!(kept_unit(&stamp, "key", &kept, &sealed).is_some());

        // A kept copy that changed is not used.
        std::fs::write(kept.join("libx-1s.rlib"), "COMPILED").unwrap();
        assert_eq!(kept_unit(&stamp, "key", &kept, &sealed), None);
    }

    #[cfg(unix)]
    #[test]
    fn a_unit_that_read_a_link_or_a_fifo_is_not_kept() {
        let dir = tempfile::tempdir().unwrap();
        let (sealed, kept) = (dir.path().join("sealed"), dir.path().join("kept"));
        std::fs::create_dir_all(&sealed).unwrap();
        let artifact = sealed.join("libx-1s.rlib");
        std::fs::write(&artifact, "compiled").unwrap();
        let made = HashMap::from([("libx-1.rlib".to_owned(), artifact)]);
        let real = dir.path().join("real.rs");
        std::fs::write(&real, "pub fn f() {}").unwrap();
        let link = dir.path().join("link.rs");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        let fifo = dir.path().join("fifo.rs");
        crate::paths::make_fifo(&fifo);
        for read in [&link, &fifo] {
            let dep_info = dir.path().join("x.d");
            std::fs::write(&dep_info, format!("{}:\n", read.display())).unwrap();
            let stamp = kept.join("x.json");
            keep_unit(&stamp, "key", &dep_info, &kept, &made);
            assert_eq!(
                kept_unit(&stamp, "key", &kept, &sealed),
                None,
                "{}",
                read.display()
            );
        }
    }
}
