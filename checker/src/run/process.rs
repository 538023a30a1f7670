//! One suite process: start it, hand it a request, bound its time and its
//! output, and read the record it leaves.
//!
//! Nothing the process prints is interpreted: stdout and stderr are only kept
//! (the first few KiB) to show the student. The verdict comes from the record
//! alone — on Unix written down a socket only the harness holds (see
//! [`grading_protocol`]) — and only if it carries this invocation's random
//! token.

use std::{
    io::{Read, Write},
    path::Path,
    process::{ExitStatus, Stdio},
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use anyhow::Context as _;
use grading_protocol::{Action, PROTOCOL_FLAG, Record, RecordTo, Request};
use wait_timeout::ChildExt;

use crate::sandbox::{Sandbox, TestFolders};

/// How much of each stream is kept. The rest is read and dropped, so a
/// process that floods its output neither blocks on a full pipe nor fills
/// the checker's memory.
pub const KEPT_OUTPUT_BYTES: usize = 8 * 1024;

/// After the process ends, how long to wait for its pipes to close, both
/// streams together. Only a process it started itself, one that left the
/// test's process group, can hold them open longer; its output is then cut.
const PIPE_GRACE: Duration = Duration::from_secs(2);

/// How long a sandbox launcher asked to stop may take to kill its test's
/// processes and exit.
const LAUNCHER_GRACE: Duration = Duration::from_secs(5);

/// What to run.
pub struct Invocation<'a> {
    pub binary: &'a Path,
    pub action: Action,
    pub timeout: Duration,
    /// Where the invocation's folder goes: a fresh one with a random name
    /// for each, holding its record and its scratch folder (its working
    /// folder and `TMPDIR`), so no process can find another's by name.
    pub records: &'a Path,
    /// What confines the process.
    pub sandbox: &'a Sandbox,
}

/// How the process ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ending {
    /// It exited or was killed by a signal.
    Exited(ExitStatus),
    /// It ran past its time limit and was killed.
    TimedOut,
}

/// The first [`KEPT_OUTPUT_BYTES`] of a stream, and how much more there was.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Captured {
    pub text: String,
    pub omitted_bytes: u64,
}

/// What an invocation left behind.
#[derive(Debug, Clone)]
pub struct Finished {
    /// The process's answer, if it left a genuine one.
    pub record: Option<Record>,
    pub ending: Ending,
    pub stdout: Captured,
    pub stderr: Captured,
    pub duration: Duration,
}

/// A temporary folder that others may pass through but not list (0711):
/// a test run as the sandbox's own user (see `sandbox`) must find its
/// scratch folder, two levels down, by path (`TMPDIR`). Its name is random,
/// so no one finds it without being told.
pub(super) fn searchable_folder() -> tempfile::Builder<'static, 'static> {
    #[cfg_attr(not(unix), allow(unused_mut))]
    let mut builder = tempfile::Builder::new();
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o711));
    builder
}

/// Runs one suite process to completion or to its time limit.
pub fn invoke(invocation: &Invocation) -> anyhow::Result<Finished> {
    let token = fresh_token()?;
    let record_dir = searchable_folder()
        .tempdir_in(invocation.records)
        .context("cannot create a record folder")?;
    let scratch = record_dir.path().join("scratch");
    std::fs::create_dir(&scratch).context("cannot create a scratch folder")?;
    let mut channel = RecordChannel::new(record_dir.path())?;
    let request = Request {
        token: token.clone(),
        record: channel.target(),
        action: invocation.action.clone(),
    };

    let started = Instant::now();
    let mut command = invocation
        .sandbox
        .command(invocation.binary, &TestFolders { scratch: &scratch });
    super::environment::apply(&mut command);
    command.env("TMPDIR", &scratch);
    // A group of its own: whatever the test starts is killed with it.
    #[cfg(unix)]
    std::os::unix::process::CommandExt::process_group(&mut command, 0);
    channel.hand_to(&mut command);
    let mut child = command
        .arg(PROTOCOL_FLAG)
        .current_dir(&scratch)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .with_context(|| format!("cannot start {}", invocation.binary.display()))?;
    let group = crate::interrupt::ProcessGroupGuard::new(child.id());
    let record = channel.listen();

    let mut stdin = child.stdin.take().context("child stdin")?;
    // A process that exits before reading its request closes the pipe; that
    // shows in its ending, so a failed write here is not an error.
    let _ = writeln!(stdin, "{}", serde_json::to_string(&request)?);
    drop(stdin);

    let stdout = drain(child.stdout.take().context("child stdout")?);
    let stderr = drain(child.stderr.take().context("child stderr")?);

    let ending = match child.wait_timeout(invocation.timeout)? {
        Some(status) => Ending::Exited(status),
        None => {
            // The launcher kills the test and all it started (setsid or not);
            // killing its group is the last resort, and all there is without one.
            let stopped = invocation.sandbox.ask_to_stop(child.id())
                && child.wait_timeout(LAUNCHER_GRACE)?.is_some();
            if !stopped {
                crate::interrupt::kill_process_group(child.id());
                // Already gone is fine: it ended between the two calls.
                let _ = child.kill();
                child.wait()?;
            }
            Ending::TimedOut
        }
    };
    let duration = started.elapsed();
    // Whatever the test started and left running (a `sleep`, a server) goes
    // now: it must not outlive its test, nor hold the output pipes open.
    crate::interrupt::kill_process_group(child.id());
    drop(group);
    let grace_ends = Instant::now() + PIPE_GRACE;

    let record = record
        .collect(grace_ends)
        .and_then(|bytes| Record::parse_for(&bytes, &token));
    if record.is_none() {
        // No record may mean the harness could not write one: a full disk
        // is the grader's problem, not a student's lost test.
        ensure_writable(record_dir.path())?;
    }
    Ok(Finished {
        record,
        ending,
        stdout: stdout.collect(grace_ends),
        stderr: stderr.collect(grace_ends),
        duration,
    })
}

/// Where a test's record comes back: on Unix, a socket whose other end the
/// test inherits as [`grading_protocol::RECORD_FD`]; elsewhere, a file.
struct RecordChannel {
    #[cfg(unix)]
    ours: std::os::unix::net::UnixStream,
    #[cfg(unix)]
    theirs: Option<std::os::unix::net::UnixStream>,
    #[cfg(not(unix))]
    file: std::path::PathBuf,
}

/// The record as it is being read.
struct PendingRecord {
    #[cfg(unix)]
    read: std::sync::mpsc::Receiver<Option<Vec<u8>>>,
    #[cfg(not(unix))]
    file: std::path::PathBuf,
}

impl RecordChannel {
    #[cfg(unix)]
    fn new(_record_dir: &Path) -> anyhow::Result<RecordChannel> {
        let (ours, theirs) =
            std::os::unix::net::UnixStream::pair().context("cannot make a record socket")?;
        Ok(RecordChannel {
            ours,
            theirs: Some(theirs),
        })
    }

    #[cfg(not(unix))]
    fn new(record_dir: &Path) -> anyhow::Result<RecordChannel> {
        let file = record_dir.join("record.json");
        std::fs::write(&file, "").context("cannot create a record file")?;
        Ok(RecordChannel { file })
    }

    /// What the request tells the harness.
    fn target(&self) -> RecordTo {
        #[cfg(unix)]
        return RecordTo::Descriptor {
            fd: grading_protocol::RECORD_FD,
        };
        #[cfg(not(unix))]
        return RecordTo::File {
            path: self.file.clone(),
        };
    }

    /// Makes `command`'s process inherit the socket as the record's
    /// descriptor (and nothing else of the checker's: every other
    /// descriptor is close-on-exec).
    fn hand_to(&mut self, command: &mut std::process::Command) {
        #[cfg(unix)]
        {
            use std::os::{fd::AsRawFd as _, unix::process::CommandExt as _};
            let Some(theirs) = &self.theirs else { return };
            let fd = theirs.as_raw_fd();
            // SAFETY: between fork and exec only async-signal-safe calls are
            // made (dup2, fcntl), on descriptors the child owns.
            unsafe {
                command.pre_exec(move || {
                    let target = grading_protocol::RECORD_FD;
                    let result = if fd == target {
                        libc::fcntl(fd, libc::F_SETFD, 0)
                    } else {
                        libc::dup2(fd, target)
                    };
                    if result < 0 {
                        return Err(std::io::Error::last_os_error());
                    }
                    Ok(())
                });
            }
        }
        #[cfg(not(unix))]
        let _ = command;
    }

    /// Starts reading the record, once the process has been started (the
    /// checker's copy of the test's end is closed, so the socket ends when
    /// the test's processes do).
    fn listen(self) -> PendingRecord {
        #[cfg(unix)]
        {
            drop(self.theirs);
            let (sender, read) = std::sync::mpsc::channel();
            let ours = self.ours;
            std::thread::spawn(move || {
                let mut bytes = Vec::new();
                let complete = (&ours)
                    .take(RECORD_LIMIT + 1)
                    .read_to_end(&mut bytes)
                    .is_ok();
                let _ =
                    sender.send((complete && bytes.len() as u64 <= RECORD_LIMIT).then_some(bytes));
            });
            PendingRecord { read }
        }
        #[cfg(not(unix))]
        PendingRecord { file: self.file }
    }
}

impl PendingRecord {
    /// The record's bytes, if they all came by `deadline`.
    fn collect(self, deadline: Instant) -> Option<Vec<u8>> {
        #[cfg(unix)]
        return self
            .read
            .recv_timeout(deadline.saturating_duration_since(Instant::now()))
            .ok()
            .flatten();
        #[cfg(not(unix))]
        {
            let _ = deadline;
            read_at_most(&self.file, RECORD_LIMIT)
        }
    }
}

/// The most of a record file that is read. The harness keeps records to a
/// few KiB; anything larger was not written by it, and is not believed.
const RECORD_LIMIT: u64 = 256 * 1024;

/// The file's bytes, if it exists and is no larger than `limit`.
#[cfg(any(not(unix), test))]
fn read_at_most(path: &Path, limit: u64) -> Option<Vec<u8>> {
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .ok()?
        .take(limit + 1)
        .read_to_end(&mut bytes)
        .ok()?;
    (bytes.len() as u64 <= limit).then_some(bytes)
}

/// As much as a record may take: a folder with less room than this cannot
/// be trusted to hold one.
const PROBE_BYTES: usize = 64 * 1024;

/// Checks that `dir` has room for a record, by writing one's worth.
pub fn ensure_writable(dir: &Path) -> anyhow::Result<()> {
    let probe = dir.join(".room-for-a-record");
    let written = std::fs::write(&probe, vec![0u8; PROBE_BYTES]);
    let _ = std::fs::remove_file(&probe);
    written.with_context(|| {
        format!(
            "cannot write in the temporary folder {} (is the disk full?); free some room or point TMPDIR at a folder that has it",
            dir.display()
        )
    })
}

/// A 128-bit random token, as hex.
fn fresh_token() -> anyhow::Result<String> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes)
        .map_err(|error| anyhow::anyhow!("no randomness for a token: {error}"))?;
    Ok(bytes.iter().map(|byte| format!("{byte:02x}")).collect())
}

/// A stream being read in the background.
struct Drain {
    kept: Arc<Mutex<(Vec<u8>, u64)>>,
    done: std::sync::mpsc::Receiver<()>,
}

/// Reads `stream` to its end on a thread of its own, keeping the first
/// [`KEPT_OUTPUT_BYTES`] and counting the rest.
fn drain(mut stream: impl Read + Send + 'static) -> Drain {
    let kept = Arc::new(Mutex::new((Vec::new(), 0u64)));
    let (done_tx, done) = std::sync::mpsc::channel();
    let shared = Arc::clone(&kept);
    std::thread::spawn(move || {
        let mut buffer = [0u8; 8192];
        while let Ok(read @ 1..) = stream.read(&mut buffer) {
            let mut guard = shared
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            let (bytes, omitted) = &mut *guard;
            let room = KEPT_OUTPUT_BYTES.saturating_sub(bytes.len()).min(read);
            bytes.extend_from_slice(&buffer[..room]);
            *omitted += (read - room) as u64;
        }
        let _ = done_tx.send(());
    });
    Drain { kept, done }
}

impl Drain {
    /// What was read, once the stream ends or `deadline` passes.
    fn collect(self, deadline: Instant) -> Captured {
        let _ = self
            .done
            .recv_timeout(deadline.saturating_duration_since(Instant::now()));
        let guard = self
            .kept
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        Captured {
            text: String::from_utf8_lossy(&guard.0).into_owned(),
            omitted_bytes: guard.1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_fresh_hex() {
        let (a, b) = (fresh_token().unwrap(), fresh_token().unwrap());
        assert_eq!(a.len(), 32);
        assert!(a.chars().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(a, b);
    }

    #[test]
    fn a_flood_is_cut_and_counted() {
        let flood = std::io::repeat(b'x').take(1_000_000);
        let captured = drain(flood).collect(Instant::now() + PIPE_GRACE);
        // README promises the first 8 KiB of each stream.
        assert_eq!(captured.text.len(), 8 * 1024);
        assert_eq!(captured.omitted_bytes, 1_000_000 - 8 * 1024);
    }

    #[test]
    fn records_are_read_up_to_their_limit_and_no_further() {
        let scratch = tempfile::tempdir().unwrap();
        let file = scratch.path().join("record.json");
        std::fs::write(&file, vec![b'x'; 10]).unwrap();
        assert_eq!(read_at_most(&file, 10).map(|bytes| bytes.len()), Some(10));
        assert_eq!(read_at_most(&file, 9), None, "one byte over");
        assert_eq!(read_at_most(&scratch.path().join("none"), 10), None);
        // The harness's records are a few KiB; 256 KiB is the most believed.
        std::fs::write(&file, vec![b'x'; 200 * 1024]).unwrap();
        assert!(read_at_most(&file, RECORD_LIMIT).is_some());
        std::fs::write(&file, vec![b'x'; 300 * 1024]).unwrap();
        assert!(read_at_most(&file, RECORD_LIMIT).is_none());
    }

    #[test]
    fn a_folder_without_room_is_an_error_that_names_it() {
        let scratch = tempfile::tempdir().unwrap();
        assert!(ensure_writable(scratch.path()).is_ok());
        assert!(
            std::fs::read_dir(scratch.path()).unwrap().next().is_none(),
            "the probe is removed"
        );
        let gone = scratch.path().join("gone");
        let error = format!("{:#}", ensure_writable(&gone).unwrap_err());
        assert!(
            error.contains("is the disk full?") && error.contains("gone"),
            "{error}"
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_process_that_leaves_no_record_has_none() {
        let scratch = tempfile::tempdir().unwrap();
        let finished = invoke(&Invocation {
            binary: Path::new("/bin/echo"),
            action: Action::List,
            timeout: Duration::from_secs(10),
            records: scratch.path(),
            sandbox: &Sandbox::off(),
        })
        .unwrap();
        assert!(finished.record.is_none());
        assert!(matches!(finished.ending, Ending::Exited(status) if status.success()));
        // echo prints its argument: output is kept, never read as a verdict.
        assert!(finished.stdout.text.contains(PROTOCOL_FLAG));
    }

    /// A stand-in for a suite binary: a script that answers the request it
    /// reads with a passing record, carrying `token` (`$token` for the
    /// request's own).
    #[cfg(unix)]
    fn answering_script(scratch: &Path, token: &str) -> std::path::PathBuf {
        let script = scratch.join(format!("answer-{}.sh", token.trim_start_matches('$')));
        let body = format!(
            r#"#!/bin/sh
read -r line
token=$(printf '%s' "$line" | sed 's/.*"token":"\([0-9a-f]*\)".*/\1/')
printf '{{"token":"%s","answer":{{"kind":"outcome","test":"t","outcome":{{"kind":"passed"}}}}}}' "{token}" >&3
"#
        );
        std::fs::write(&script, body).unwrap();
        std::fs::set_permissions(&script, std::os::unix::fs::PermissionsExt::from_mode(0o755))
            .unwrap();
        script
    }

    #[cfg(unix)]
    fn invoke_script(script: &Path, scratch: &Path) -> Finished {
        invoke(&Invocation {
            binary: script,
            action: Action::Run { test: "t".into() },
            timeout: Duration::from_secs(10),
            records: scratch,
            sandbox: &Sandbox::off(),
        })
        .unwrap()
    }

    #[cfg(unix)]
    #[test]
    fn a_record_is_believed_only_with_the_requests_token() {
        let scratch = tempfile::tempdir().unwrap();
        let genuine = invoke_script(&answering_script(scratch.path(), "$token"), scratch.path());
        assert!(
            genuine.record.is_some(),
            "the request's own token is accepted: {genuine:?}"
        );
        let forged = answering_script(scratch.path(), "0123456789abcdef0123456789abcdef");
        let forged = invoke_script(&forged, scratch.path());
        assert!(forged.record.is_none(), "a forged token: {forged:?}");
    }

    /// A script in `scratch` that runs `body` after reading its request.
    #[cfg(unix)]
    fn script(scratch: &Path, name: &str, body: &str) -> std::path::PathBuf {
        let script = scratch.join(name);
        std::fs::write(&script, format!("#!/bin/sh\nread -r line\n{body}\n")).unwrap();
        std::fs::set_permissions(&script, std::os::unix::fs::PermissionsExt::from_mode(0o755))
            .unwrap();
        script
    }

    /// Output a process left to a child outside its process group still
    /// arrives within the grace period, and the test gets only the
    /// allow-listed environment.
    #[cfg(unix)]
    #[test]
    fn late_output_is_waited_for_and_the_environment_is_the_allowed_one() {
        let scratch = tempfile::tempdir().unwrap();
        let late = script(
            scratch.path(),
            "late.sh",
            // The pause lets the child leave the group before the test ends.
            "env\nsetsid sh -c 'sleep 0.5; echo late' &\nsleep 0.2",
        );
        let finished = invoke_script(&late, scratch.path());
        let printed = &finished.stdout.text;
        assert!(printed.contains("late"), "{printed}");
        assert!(printed.contains("NO_PROXY=127.0.0.1"), "{printed}");
        // Cargo gives its test binaries CARGO_* variables; tests get none.
        assert!(std::env::var_os("CARGO_PKG_NAME").is_some());
        assert!(!printed.contains("CARGO_PKG_NAME="), "{printed}");
    }

    #[cfg(unix)]
    #[test]
    fn a_process_past_its_limit_is_killed() {
        let scratch = tempfile::tempdir().unwrap();
        let script = scratch.path().join("hang.sh");
        std::fs::write(&script, "#!/bin/sh\nexec sleep 30\n").unwrap();
        std::fs::set_permissions(&script, std::os::unix::fs::PermissionsExt::from_mode(0o755))
            .unwrap();
        let finished = invoke(&Invocation {
            binary: &script,
            action: Action::List,
            timeout: Duration::from_millis(200),
            records: scratch.path(),
            sandbox: &Sandbox::off(),
        })
        .unwrap();
        assert_eq!(finished.ending, Ending::TimedOut);
    }
}
