//! What the checker remembers between runs for one folder of task crates:
//! how many hints of each task a student has seen. Kept in
//! `.checker-state/` at the repository root (git-ignored), one small JSON
//! file per graded folder.

use std::{
    collections::BTreeMap,
    path::{Path, PathBuf},
};

use anyhow::Context as _;
use serde::{Deserialize, Serialize};

/// The remembered state of one folder of task crates.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct State {
    /// Task number → how many of its hints were shown.
    #[serde(default)]
    pub hints_shown: BTreeMap<u32, usize>,
}

/// Where the state of `crates_root` lives.
pub fn path_for(repo: &Path, crates_root: &Path) -> PathBuf {
    repo.join(".checker-state")
        .join(format!("{}.json", crate::build::label_for(crates_root)))
}

impl State {
    /// The state at `path`; empty if there is none yet or it is unreadable
    /// (it only remembers hints, so starting over is harmless).
    pub fn load(path: &Path) -> State {
        crate::paths::read_json_or_default(path)
    }

    /// Saves the state at `path`, whole or not at all (written beside it,
    /// then renamed).
    pub fn save(&self, path: &Path) -> anyhow::Result<()> {
        if let Some(folder) = path.parent() {
            std::fs::create_dir_all(folder)
                .with_context(|| format!("cannot create {}", folder.display()))?;
        }
        let text = serde_json::to_string_pretty(self)?;
        crate::paths::write_if_changed(path, text.as_bytes())
    }

    /// Loads the state at `path`, lets `change` change it, saves it, and
    /// returns what `change` returned — all under a lock, so that two
    /// checkers at once (`hint` in two terminals, `watch`'s `h`) never lose
    /// each other's update.
    pub fn update<T>(path: &Path, change: impl FnOnce(&mut State) -> T) -> anyhow::Result<T> {
        let lock_path = path.with_extension("lock");
        let lock = crate::paths::open_lock_file(&lock_path)?;
        lock.lock()
            .with_context(|| format!("cannot lock {}", lock_path.display()))?;
        let mut state = State::load(path);
        let result = change(&mut state);
        state.save(path)?;
        Ok(result)
    }

    /// Shows one more hint of task `number`, which has `available` hints:
    /// returns how many are shown now (never more than `available`).
    pub fn next_hint(&mut self, number: u32, available: usize) -> usize {
        let shown = self.hints_shown.entry(number).or_insert(0);
        *shown = (*shown + 1).min(available);
        *shown
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hints_come_one_more_at_a_time_and_stop_at_the_last() {
        let mut state = State::default();
        assert_eq!(state.next_hint(2, 3), 1);
        assert_eq!(state.next_hint(2, 3), 2);
        assert_eq!(state.next_hint(2, 3), 3);
        assert_eq!(state.next_hint(2, 3), 3);
        assert_eq!(state.next_hint(1, 3), 1, "each task counts on its own");
    }

    #[test]
    fn updates_at_once_are_all_kept() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.json");
        let (threads, each) = (8, 25);
        std::thread::scope(|scope| {
            for _ in 0..threads {
                scope.spawn(|| {
                    for _ in 0..each {
                        State::update(&path, |state| state.next_hint(1, usize::MAX)).unwrap();
                    }
                });
            }
        });
        assert_eq!(State::load(&path).hints_shown[&1], threads * each);
    }

    #[test]
    fn state_survives_a_save_and_a_missing_file_is_empty() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nested/state.json");
        assert_eq!(State::load(&path), State::default());
        let mut state = State::default();
        state.next_hint(4, 3);
        state.save(&path).unwrap();
        assert_eq!(State::load(&path), state);
    }
}
