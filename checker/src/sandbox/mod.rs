//! The sandbox every test process runs in.
//!
//! A test runs a student's code, and that code must not reach what grades
//! it: the hidden suites, other tests' records, the report, the machine's
//! other processes. On Linux the checker starts each test through a small
//! launcher — the checker's own binary, run as `checker sandbox-exec` — which
//! restricts itself and then starts the test:
//!
//! - **files** (Landlock): the test reads system files and its own binary,
//!   and writes only its scratch folder and its record; the suites, the
//!   repository, other tests' folders and `/proc` are out of reach;
//! - **limits** (rlimits): memory, file size, open files;
//! - **network** (user + network namespace): a loopback of its own, so the
//!   test reaches only servers it started itself;
//! - **processes** (an rlimit, inside the user namespace, where the count is
//!   the test's own; as root, the test runs as a user of the sandbox's own,
//!   since the kernel does not count root's processes: see `identity`);
//! - **descendants** (a child subreaper): every process the test started,
//!   including ones that called `setsid` or forked twice, is killed before
//!   the launcher reports how the test ended.
//!
//! Which protections a machine allows is probed once per grading
//! ([`Sandbox::new`]) and reported; `--sandbox strict` refuses to grade
//! without all of them. Elsewhere than Linux there is no launcher, and the
//! report says that nothing is enforced.

#[cfg(target_os = "linux")]
mod identity;
#[cfg(target_os = "linux")]
mod linux;

use std::{
    path::{Path, PathBuf},
    process::Command,
};

use anyhow::Context as _;
use serde::{Deserialize, Serialize};

/// The hidden subcommand that runs a test in the sandbox.
pub const LAUNCHER_COMMAND: &str = "sandbox-exec";

/// The most memory (address space) a test may take. Every reference
/// solution passes within 128 MiB (at 48 MiB the first test fails: glibc
/// then has no room for a thread's arena), so 1 GiB leaves a thread-heavy
/// solution eight times that. It also bounds how many tests run at once
/// ([`crate::run::test_jobs`]): a class of memory bombs must fit in memory.
pub const MEMORY_LIMIT_BYTES: u64 = 1024 * 1024 * 1024;

/// The most memory (address space) a compiler run on a student's crate may
/// take: room for rustc and its linker, not for `include_bytes!("/dev/zero")`.
pub const BUILD_MEMORY_LIMIT_BYTES: u64 = 4 * 1024 * 1024 * 1024;

/// The largest file a test may write.
pub const FILE_SIZE_LIMIT_BYTES: u64 = 64 * 1024 * 1024;

/// The most processes and threads a test may have at once (where the count
/// is its own: inside a user namespace). A solution needs a few dozen (a
/// runtime's workers, its blocking pool, a mock server); a fork bomb's
/// cost to the tests beside it grows with this, times the tests at once.
pub const PROCESS_LIMIT: u64 = 256;

/// How much of the sandbox to insist on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Mode {
    /// No launcher: tests run as plain processes (for debugging the checker).
    Off,
    /// Every protection the machine allows; the report says which.
    #[default]
    Auto,
    /// Every protection, or no grading at all (for CI).
    Strict,
}

/// Which protections are in force, as the report shows them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Protections {
    /// Writes only to its own folder; no reading the suites or `/proc`.
    pub files: bool,
    /// Memory, file size, open files bounded.
    pub limits: bool,
    /// A network of its own with only loopback.
    pub network: bool,
    /// At most [`PROCESS_LIMIT`] processes and threads, counted per test
    /// (inside its user namespace; as root, as the sandbox's own user).
    #[serde(default)]
    pub processes: bool,
    /// Nothing a test started outlives it.
    pub descendants: bool,
    /// The compiler, running a student's macros and `include!`s, reads
    /// only the toolchain, the dependencies and the student's own files,
    /// and writes only its output folder.
    #[serde(default)]
    pub build: bool,
}

impl Protections {
    /// The names of the protections not in force.
    pub fn missing(&self) -> Vec<&'static str> {
        [
            (self.files, "files"),
            (self.limits, "limits"),
            (self.network, "network"),
            (self.processes, "processes"),
            (self.descendants, "descendants"),
            (self.build, "build"),
        ]
        .into_iter()
        .filter(|(in_force, _)| !in_force)
        .map(|(_, name)| name)
        .collect()
    }
}

/// How tests are started.
#[derive(Debug, Clone)]
pub struct Sandbox {
    /// The checker's binary, which runs as the launcher; none when off.
    launcher: Option<PathBuf>,
    pub protections: Protections,
}

/// Where one test may write.
#[derive(Debug, Clone)]
pub struct TestFolders<'a> {
    /// Its working folder and `TMPDIR`.
    pub scratch: &'a Path,
}

/// What one compilation may touch.
#[derive(Debug, Clone, Default)]
pub struct BuildConfinement {
    /// Folders it writes (and reads): its output.
    pub writable: Vec<PathBuf>,
    /// Folders it reads besides the system's: the toolchain, the
    /// dependencies, the sources it compiles.
    pub readable: Vec<PathBuf>,
    /// A network of its own, with loopback only (a macro has no business
    /// on the network).
    pub isolate_network: bool,
    /// Memory, file size, open files and processes bounded as a test's,
    /// with [`BUILD_MEMORY_LIMIT_BYTES`] of memory: for a student's crate.
    pub limit_resources: bool,
}

impl Sandbox {
    /// Tests run as plain processes.
    pub fn off() -> Sandbox {
        Sandbox {
            launcher: None,
            protections: Protections::default(),
        }
    }

    /// The sandbox `mode` asks for, with `launcher` (the checker's binary) as
    /// the launcher. Asks the launcher what this machine allows; with
    /// [`Mode::Strict`], anything missing is an error.
    pub fn new(mode: Mode, launcher: &Path) -> anyhow::Result<Sandbox> {
        if mode == Mode::Off {
            return Ok(Sandbox::off());
        }
        let protections = probe(launcher)?;
        let missing = protections.missing();
        anyhow::ensure!(
            mode != Mode::Strict || missing.is_empty(),
            "--sandbox strict: this machine cannot enforce {} (see README, \"The sandbox\"); \
             grade with --sandbox auto to grade anyway and have the report say so",
            missing.join(", ")
        );
        Ok(Sandbox {
            launcher: (protections != Protections::default()).then(|| launcher.to_path_buf()),
            protections,
        })
    }

    /// A command that runs the test `binary` in the sandbox, confined to
    /// `folders`, its resources bounded and (where possible) its network its
    /// own. The caller adds the arguments, environment and streams.
    pub fn command(&self, binary: &Path, folders: &TestFolders) -> Command {
        let Some(launcher) = &self.launcher else {
            return Command::new(binary);
        };
        let mut command = Command::new(launcher);
        command
            .args([LAUNCHER_COMMAND, "--limit-resources"])
            .arg("--write")
            .arg(folders.scratch);
        // The course's dynamic libraries the binary loads, if it was linked
        // to them: written by the checker's build, never by student code.
        if let Some(runtime) = binary.parent().map(|folder| folder.join(RUNTIME_DIR))
            && runtime.is_dir()
        {
            command.arg("--read").arg(runtime);
        }
        if self.protections.network {
            command.arg("--isolate-network");
        }
        // Only where the probe found that user can run a test: it may not
        // be allowed a user namespace where root is.
        if self.protections.processes {
            command.arg("--sandbox-user");
        }
        command.arg("--").arg(binary);
        command
    }

    /// A command that runs a compiler (`program`) in the sandbox: it reads
    /// the system and `confinement.readable`, writes only its output, and
    /// nothing it started outlives it. Student code runs in a build: a
    /// procedural macro runs inside the compiler, and `#[path]`,
    /// `include!` and `env!` are reads it makes. A compiler needs all the
    /// memory it wants, so that is not bounded.
    pub fn build_command(&self, program: &Path, confinement: &BuildConfinement) -> Command {
        let Some(launcher) = &self.launcher else {
            return Command::new(program);
        };
        let mut command = Command::new(launcher);
        command.arg(LAUNCHER_COMMAND);
        for folder in &confinement.writable {
            command.arg("--write").arg(folder);
        }
        for folder in &confinement.readable {
            command.arg("--read").arg(folder);
        }
        if confinement.isolate_network && self.protections.network {
            command.arg("--isolate-network");
        }
        if confinement.limit_resources {
            command
                .arg("--limit-resources")
                .arg("--memory-limit")
                .arg(BUILD_MEMORY_LIMIT_BYTES.to_string());
        }
        command.arg("--").arg(program);
        command
    }
}

impl Sandbox {
    /// Asks the launcher of a test (the process `pid`, started by
    /// [`Sandbox::command`]) to stop: it kills the test and everything the
    /// test started, then exits. False when there is no launcher to ask, and
    /// the caller must kill the test itself.
    pub fn ask_to_stop(&self, pid: u32) -> bool {
        #[cfg(unix)]
        if self.launcher.is_some()
            && let Ok(pid) = i32::try_from(pid)
        {
            use nix::{sys::signal, unistd::Pid};
            return signal::kill(Pid::from_raw(pid), signal::Signal::SIGTERM).is_ok();
        }
        let _ = pid;
        false
    }
}

/// What the launcher reports this machine allows.
fn probe(launcher: &Path) -> anyhow::Result<Protections> {
    if !cfg!(target_os = "linux") {
        return Ok(Protections::default());
    }
    let output = Command::new(launcher)
        .args([LAUNCHER_COMMAND, "--probe"])
        .output()
        .with_context(|| format!("cannot start {} to probe the sandbox", launcher.display()))?;
    serde_json::from_slice(&output.stdout).with_context(|| {
        format!(
            "the sandbox probe answered with something else than its report: {}",
            String::from_utf8_lossy(&output.stderr)
        )
    })
}

/// What the launcher is asked to do (`checker sandbox-exec`).
#[derive(Debug, Clone)]
pub enum LauncherRequest {
    /// Print the [`Protections`] this machine allows, as JSON.
    Probe,
    /// Run `program` with `args` in the sandbox.
    Run(Confinement),
}

/// The folder beside a test binary that holds the dynamic libraries it
/// loads; a test may read it.
pub const RUNTIME_DIR: &str = "lib";

/// How the launcher confines the program it runs.
#[derive(Debug, Clone, Default)]
pub struct Confinement {
    /// Folders it may write (and read).
    pub writable: Vec<PathBuf>,
    /// Folders it may read besides the system's and the program itself.
    pub readable: Vec<PathBuf>,
    /// A user and network namespace with loopback only.
    pub isolate_network: bool,
    /// Memory, file size, open files and processes bounded.
    pub limit_resources: bool,
    /// The memory bound, if not a test's [`MEMORY_LIMIT_BYTES`].
    pub memory_limit: Option<u64>,
    /// As root, run as the sandbox's own user, whose processes the kernel
    /// counts (where that user can reach the program and its folders).
    pub sandbox_user: bool,
    pub program: PathBuf,
    pub args: Vec<std::ffi::OsString>,
}

/// Runs the launcher; ends the process with the test's own ending. Must be
/// called while the process has a single thread (namespaces need it).
pub fn launch(request: &LauncherRequest) -> ! {
    #[cfg(target_os = "linux")]
    {
        linux::launch(request)
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = request;
        eprintln!("checker: the sandbox launcher runs only on Linux");
        std::process::exit(125)
    }
}
