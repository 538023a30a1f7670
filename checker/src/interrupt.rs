//! What an interrupted grading leaves behind: nothing.
//!
//! Test processes run in process groups of their own (so that a test's
//! children can be killed with it), which also means a terminal's Ctrl-C no
//! longer reaches them. So the checker keeps a list of what is live — test
//! process groups and temporary folders — and on Ctrl-C (or SIGTERM, as CI
//! sends on a cancelled job) kills the one and removes the other before it
//! exits with 130, as shells expect of an interrupted program.
//!
//! Only the binary installs the handler ([`install`]); as a library, the
//! checker just keeps the list, which costs a lock per registration.

use std::{
    collections::HashSet,
    path::{Path, PathBuf},
    sync::{
        Mutex,
        atomic::{AtomicBool, Ordering},
    },
};

/// Exit status of a program ended by SIGINT (128 + 2).
const INTERRUPTED: i32 = 130;

#[derive(Default)]
struct Live {
    process_groups: HashSet<u32>,
    folders: HashSet<PathBuf>,
}

static LIVE: Mutex<Option<Live>> = Mutex::new(None);

/// Set as the handler starts, before it kills anything: from then on, a
/// failure the main thread sees (a killed test, a removed folder) is the
/// interrupt's doing, not a reason to exit with 2.
static INTERRUPTED_NOW: AtomicBool = AtomicBool::new(false);

fn with_live<T>(change: impl FnOnce(&mut Live) -> T) -> T {
    let mut guard = LIVE.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    change(guard.get_or_insert_with(Live::default))
}

/// Cleans up on Ctrl-C and SIGTERM, then exits with 130. Call once, early.
pub fn install() -> anyhow::Result<()> {
    ctrlc::set_handler(|| {
        INTERRUPTED_NOW.store(true, Ordering::SeqCst);
        // The list stays locked until the process has exited, so the main
        // thread, in `exit_if_interrupted`, waits for the clean-up to finish.
        with_live(|live| {
            // A test's sandbox launcher, asked first, also kills what the
            // test started outside its group (setsid); then everyone goes.
            let groups: Vec<u32> = live.process_groups.drain().collect();
            if !groups.is_empty() {
                for &group in &groups {
                    stop_process_group(group);
                }
                std::thread::sleep(std::time::Duration::from_millis(300));
            }
            for group in groups {
                kill_process_group(group);
            }
            for folder in live.folders.drain() {
                let _ = std::fs::remove_dir_all(folder);
            }
            std::process::exit(INTERRUPTED);
        })
    })?;
    Ok(())
}

/// Ends the process with 130 if an interrupt has arrived, once the handler
/// has cleaned up; returns otherwise. The binary calls it before it reports
/// an outcome, since a grading the handler cut short fails in ways (exit 2,
/// "grading could not run") that must not be what the shell sees.
pub fn exit_if_interrupted() {
    if INTERRUPTED_NOW.load(Ordering::SeqCst) {
        with_live(|_| ());
        std::process::exit(INTERRUPTED);
    }
}

/// A live process group, forgotten when dropped (the caller kills it).
pub struct ProcessGroupGuard(u32);

impl ProcessGroupGuard {
    pub fn new(group: u32) -> ProcessGroupGuard {
        with_live(|live| live.process_groups.insert(group));
        ProcessGroupGuard(group)
    }
}

impl Drop for ProcessGroupGuard {
    fn drop(&mut self) {
        with_live(|live| live.process_groups.remove(&self.0));
    }
}

/// A temporary folder to remove on interrupt; forgotten when dropped (its
/// owner removes it then).
pub struct FolderGuard(PathBuf);

impl FolderGuard {
    pub fn new(folder: &Path) -> FolderGuard {
        with_live(|live| live.folders.insert(folder.to_path_buf()));
        FolderGuard(folder.to_path_buf())
    }
}

impl Drop for FolderGuard {
    fn drop(&mut self) {
        with_live(|live| live.folders.remove(&self.0));
    }
}

/// Kills every process left in the process group `group`. A group that is
/// already empty is fine.
#[cfg(unix)]
pub fn kill_process_group(group: u32) {
    signal_process_group(group, nix::sys::signal::Signal::SIGKILL);
}

/// Asks every process in the group `group` to stop (SIGTERM).
#[cfg(unix)]
fn stop_process_group(group: u32) {
    signal_process_group(group, nix::sys::signal::Signal::SIGTERM);
}

#[cfg(unix)]
fn signal_process_group(group: u32, signal: nix::sys::signal::Signal) {
    if let Ok(group) = i32::try_from(group) {
        let _ = nix::sys::signal::killpg(nix::unistd::Pid::from_raw(group), signal);
    }
}

#[cfg(not(unix))]
fn stop_process_group(_group: u32) {}

/// Windows has no process groups to kill; only the test process itself is
/// killed there (see the README).
#[cfg(not(unix))]
pub fn kill_process_group(_group: u32) {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guards_register_and_forget() {
        let folder = Path::new("/nonexistent/checker-interrupt-test");
        {
            let _folder = FolderGuard::new(folder);
            let _group = ProcessGroupGuard::new(u32::MAX);
            with_live(|live| {
                assert!(live.folders.contains(folder));
                assert!(live.process_groups.contains(&u32::MAX));
            });
        }
        with_live(|live| {
            assert!(!live.folders.contains(folder));
            assert!(!live.process_groups.contains(&u32::MAX));
        });
    }
}
