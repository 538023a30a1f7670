//! How long each test took when it last ran, so that the next run starts the
//! longest first.
//!
//! Tests run a few at a time; a run ends when its last test does. Started in
//! manifest order, the slow tests of the last task (task 4's timeouts, a few
//! hundred milliseconds each) wait for a slot behind dozens of quick ones and
//! end the run late; started first, they overlap the quick ones. Only the
//! order depends on this file: a lost, stale or tampered one changes how
//! long a run takes, never a verdict.

use std::{collections::BTreeMap, path::Path, time::Duration};

use serde::{Deserialize, Serialize};

/// Test (`<task>/<test>`) → seconds it took last time.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Durations {
    #[serde(default)]
    secs: BTreeMap<String, f64>,
}

impl Durations {
    /// The durations saved at `path`; none if there is no such file or it
    /// cannot be read (the tests then start in manifest order).
    pub fn load(path: &Path) -> Durations {
        crate::paths::read_json_or_default(path)
    }

    /// Saves them at `path`, whole or not at all.
    pub fn save(&self, path: &Path) -> anyhow::Result<()> {
        crate::paths::write_atomically(path, &serde_json::to_vec(self)?)
    }

    /// How long the test `name` of task `task` took last time.
    pub fn of(&self, task: u32, name: &str) -> Option<Duration> {
        self.secs
            .get(&key(task, name))
            .filter(|secs| secs.is_finite() && **secs >= 0.0)
            .map(|secs| Duration::from_secs_f64(*secs))
    }

    /// Remembers that the test `name` of task `task` took `duration`.
    pub fn record(&mut self, task: u32, name: &str, duration: Duration) {
        self.secs.insert(key(task, name), duration.as_secs_f64());
    }
}

fn key(task: u32, name: &str) -> String {
    format!("{task}/{name}")
}

/// The order to start tests in: the longest last time first, and a test
/// never run before ahead of all (it may be long). Ties keep their order.
pub fn longest_first<T>(jobs: &mut [T], expected: impl Fn(&T) -> Option<Duration>) {
    jobs.sort_by_key(|job| std::cmp::Reverse(expected(job).unwrap_or(Duration::MAX)));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_longest_start_first_and_the_unknown_before_them() {
        let mut durations = Durations::default();
        durations.record(0, "quick", Duration::from_millis(20));
        durations.record(4, "slow", Duration::from_millis(300));
        durations.record(1, "medium", Duration::from_millis(100));
        let mut jobs = vec![
            (0, "quick"),
            (1, "medium"),
            (2, "new"),
            (4, "slow"),
            (3, "other new"),
        ];
        longest_first(&mut jobs, |(task, name)| durations.of(*task, name));
        assert_eq!(
            jobs,
            [
                (2, "new"),
                (3, "other new"),
                (4, "slow"),
                (1, "medium"),
                (0, "quick")
            ]
        );
    }

    #[test]
    fn durations_survive_a_save_and_a_broken_file_is_none() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("durations.json");
        let mut durations = Durations::default();
        durations.record(2, "joined", Duration::from_millis(240));
        durations.save(&path).unwrap();
        let loaded = Durations::load(&path);
        assert_eq!(loaded, durations);
        assert_eq!(loaded.of(2, "joined"), Some(Duration::from_millis(240)));
        assert_eq!(loaded.of(2, "other"), None);

        std::fs::write(&path, b"{\"secs\": {\"2/joined\": -1.0, \"2/x\": \"y\"}}").unwrap();
        assert_eq!(Durations::load(&path), Durations::default());
        std::fs::write(&path, b"{\"secs\": {\"2/joined\": -1.0}}").unwrap();
        assert_eq!(Durations::load(&path).of(2, "joined"), None);
    }
}
