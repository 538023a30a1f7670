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
//! Only where the build is confined: there the compilers of a student's
//! crate can read nothing else (a `#[path]` to a file outside the crate
//! does not compile), so the folders hashed are all it depends on. Not for
//! a batch or a submission (`fresh`), where every student starts from
//! nothing.

use std::path::{Path, PathBuf};

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
}
