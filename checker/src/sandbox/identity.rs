//! Who a test runs as, when the checker runs as root.
//!
//! The kernel does not hold root to `RLIMIT_NPROC`: `fork` exempts the
//! initial namespace's root user, whatever id it is shown as inside a user
//! namespace. A test started by a checker running as root (Gradescope's
//! containers, CI in a container, this project's own machines) could so
//! start processes without end: 2,000 `sleep`s per test, 12,000 at once in
//! one grading, and the tests beside it starve for CPU until they time out.
//!
//! As root, the launcher of a test therefore becomes a user of the sandbox's
//! own, [`SANDBOX_ID`], before it makes the test's namespaces. The kernel
//! counts that user's processes per user namespace, so each test has its own
//! [`super::PROCESS_LIMIT`]. The id owns no file, so a test can write only
//! what is handed to it (its scratch folder), where Landlock lets it.
//!
//! It is done only where that user can reach the test: run its binary,
//! read the folders it reads and find the folders it writes (a course under
//! `/root`, which only root may enter, cannot be reached). The probe tries
//! the same, and the report shows `processes` as not in force where it
//! cannot be done.

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use nix::{
    fcntl::{AT_FDCWD, AtFlags},
    sys::prctl,
    unistd::{
        AccessFlags, ForkResult, Gid, Uid, faccessat, fork, setegid, seteuid, setgroups, setresgid,
        setresuid,
    },
};

/// The user and group id of a test when the checker runs as root: above
/// every range that accounts (up to 60,000), systemd's dynamic users and
/// containers' subordinate ids (from 100,000 on, by 65,536 per user) use,
/// so no one else's files or processes carry it.
pub const SANDBOX_ID: u32 = 1_999_999_999;

/// What the launcher of one test needs the sandbox's user to reach.
pub struct Reach<'a> {
    /// The program, which it must be able to run.
    pub program: &'a Path,
    /// Folders it reads (the course's libraries beside a suite binary).
    pub readable: &'a [PathBuf],
    /// Folders it writes: handed to the sandbox's user when it becomes it.
    pub writable: &'a [PathBuf],
}

/// Makes the launcher (as root, single-threaded) the sandbox's user, giving
/// it the folders it writes. False, with nothing changed, where the user
/// cannot reach what the test needs: the test then runs as root, as it
/// would without this.
pub fn become_sandbox_user(reach: &Reach) -> anyhow::Result<bool> {
    // Root's own groups would let the sandbox's user through group
    // permissions, in the check below and after it.
    setgroups(&[]).context("cannot drop root's groups")?;
    if !reachable(reach)? {
        return Ok(false);
    }
    let id = (Uid::from_raw(SANDBOX_ID), Gid::from_raw(SANDBOX_ID));
    for folder in reach.writable {
        std::os::unix::fs::chown(folder, Some(id.0.as_raw()), Some(id.1.as_raw()))
            .with_context(|| format!("cannot hand {} to the sandbox", folder.display()))?;
    }
    setresgid(id.1, id.1, id.1).context("cannot take the sandbox's group")?;
    setresuid(id.0, id.0, id.0).context("cannot become the sandbox's user")?;
    // A change of user makes the process undumpable, and so its `/proc`
    // files root's: the launcher could no longer write its own uid_map.
    // (The test cannot trace it: it holds no capability, the launcher all
    // of them in the test's namespace, and Landlock forbids it besides.)
    prctl::set_dumpable(true).context("cannot keep /proc/self writable")?;
    Ok(true)
}

/// Whether the sandbox's user could run a test here: a child process tries
/// what a test's launcher does (become the user, make the namespaces, bound
/// its processes), reaching the checker's own binary (which lives in the
/// course's `target/`, beside the suites) and the temporary folder (where
/// the tests' scratch folders are). The prober itself stays root.
pub fn sandbox_user_works(then: impl FnOnce() -> bool) -> bool {
    let program = std::env::current_exe().unwrap_or_default();
    let temporary = [std::env::temp_dir()];
    let reach = Reach {
        program: &program,
        readable: &temporary,
        writable: &[],
    };
    // SAFETY: the prober has one thread; the child only makes system calls
    // and exits without returning into the caller's code.
    match unsafe { fork() } {
        Ok(ForkResult::Child) => {
            let works = matches!(become_sandbox_user(&reach), Ok(true)) && then();
            // SAFETY: `_exit` skips the parent's atexit handlers and buffers,
            // which the child must not run twice.
            unsafe { nix::libc::_exit(if works { 0 } else { 1 }) }
        }
        Ok(ForkResult::Parent { child }) => matches!(
            nix::sys::wait::waitpid(child, None),
            Ok(nix::sys::wait::WaitStatus::Exited(_, 0))
        ),
        Err(_) => false,
    }
}

/// Checks, as the sandbox's user (effective ids only, put back after), that
/// it can run the program, read each readable folder and find each writable
/// one.
fn reachable(reach: &Reach) -> anyhow::Result<bool> {
    let can = |path: &Path, access: AccessFlags| {
        faccessat(AT_FDCWD, path, access, AtFlags::AT_EACCESS).is_ok()
    };
    setegid(Gid::from_raw(SANDBOX_ID)).context("cannot try the sandbox's group")?;
    seteuid(Uid::from_raw(SANDBOX_ID)).context("cannot try the sandbox's user")?;
    let reached = can(reach.program, AccessFlags::X_OK)
        && reach
            .readable
            .iter()
            .all(|folder| !folder.exists() || can(folder, AccessFlags::R_OK | AccessFlags::X_OK))
        && reach.writable.iter().all(|folder| {
            folder
                .parent()
                .is_none_or(|parent| can(parent, AccessFlags::X_OK))
        });
    seteuid(Uid::from_raw(0)).context("cannot be root again")?;
    setegid(Gid::from_raw(0)).context("cannot take root's group again")?;
    Ok(reached)
}
