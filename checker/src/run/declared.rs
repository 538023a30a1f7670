//! Which tests each suite binary declared when it was last asked, so that a
//! re-grade need not start every binary (a process in the sandbox each) only
//! to ask again.
//!
//! An answer is kept under the binary's suites key (see
//! [`crate::build::TaskBuild::suites_key`]: the plan's digest and the task)
//! and its name. Binaries of one key and name are built from the same suite
//! file under the same harness, so they declare the same tests whatever
//! student crate they link: an answer cannot go stale. Only answers are
//! kept; a binary that could not answer is asked again next time. The file
//! lives in the grading folder, and is used only where the sandbox keeps a
//! student's build and tests from writing there (as reused builds are); one
//! edited by hand can only send a test to a binary that does not know it,
//! where it fails.

use std::{collections::BTreeMap, path::Path};

use serde::{Deserialize, Serialize};

/// `<suites key>/<binary name>` → the tests it declares.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Declared {
    #[serde(default)]
    tests: BTreeMap<String, Vec<String>>,
}

impl Declared {
    /// The answers saved at `path`; none if there is no such file or it
    /// cannot be read (every binary is then asked).
    pub fn load(path: &Path) -> Declared {
        crate::paths::read_json_or_default(path)
    }

    /// Saves them at `path`, whole or not at all.
    pub fn save(&self, path: &Path) -> anyhow::Result<()> {
        crate::paths::write_atomically(path, &serde_json::to_vec(self)?)
    }

    /// What the binary `name` built under `suites_key` declared.
    pub fn of(&self, suites_key: &str, name: &str) -> Option<&[String]> {
        self.tests.get(&key(suites_key, name)).map(Vec::as_slice)
    }

    /// Remembers that the binary `name` built under `suites_key` declares
    /// `tests`. Answers of other plans are dropped: a plan replaced (the
    /// course's suites changed) keeps none of them useful.
    pub fn record(&mut self, suites_key: &str, name: &str, tests: &[String]) {
        let plan = plan_of(suites_key);
        self.tests.retain(|kept, _| plan_of(kept) == plan);
        self.tests.insert(key(suites_key, name), tests.to_vec());
    }
}

fn key(suites_key: &str, name: &str) -> String {
    format!("{suites_key}/{name}")
}

/// The plan's part of a key (`<plan digest>-<task>[/<name>]`).
fn plan_of(key: &str) -> &str {
    key.split(['-', '/']).next().unwrap_or(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_survive_a_save_and_another_plans_are_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("declared.json");
        let mut declared = Declared::default();
        let names = |names: &[&str]| names.iter().map(|&n| n.to_owned()).collect::<Vec<_>>();
        declared.record("00aa-1", "grading", &names(&["a", "b"]));
        declared.record("00aa-2", "grading", &names(&["c"]));
        declared.save(&path).unwrap();
        let loaded = Declared::load(&path);
        assert_eq!(loaded, declared);
        assert_eq!(
            loaded.of("00aa-1", "grading"),
            Some(&names(&["a", "b"])[..])
        );
        assert_eq!(loaded.of("00aa-1", "not_send"), None);

        let mut replaced = loaded;
        replaced.record("00bb-1", "grading", &names(&["a"]));
        assert_eq!(replaced.of("00aa-2", "grading"), None);
        assert_eq!(replaced.of("00bb-1", "grading"), Some(&names(&["a"])[..]));

        std::fs::write(&path, b"{\"tests\": 3}").unwrap();
        assert_eq!(Declared::load(&path), Declared::default());
    }
}
