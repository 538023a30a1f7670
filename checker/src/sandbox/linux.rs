//! The launcher on Linux: restrict, start the test, wait, clean up, and end
//! the way the test ended.
//!
//! The order matters. Namespaces come first, while the launcher has a single
//! thread (the kernel refuses a user namespace to a threaded process). The
//! launcher then makes itself a child subreaper, so that whatever the test
//! leaves behind is re-parented to it, not to init. Landlock is applied in
//! the test's process only, between fork and exec: the launcher itself stays
//! outside the test's domain, which (from Landlock ABI 6) keeps the test
//! from signalling it, and keeps `/proc` readable for finding descendants.

use std::{
    fs::File,
    io::{Read as _, Seek as _},
    os::unix::process::CommandExt as _,
    path::PathBuf,
    process::Command,
};

use anyhow::Context as _;
use landlock::{
    ABI, Access, AccessFs, Ruleset, RulesetAttr as _, RulesetCreated, RulesetCreatedAttr as _,
    RulesetStatus, Scope, path_beneath_rules,
};
use nix::{
    sched::{CloneFlags, unshare},
    sys::{
        prctl,
        signal::{self, SigSet, SigmaskHow, Signal},
        wait::{WaitPidFlag, WaitStatus, waitpid},
    },
    unistd::{Pid, getgid, getuid},
};
use rlimit::Resource;

use super::{
    Confinement, FILE_SIZE_LIMIT_BYTES, LauncherRequest, MEMORY_LIMIT_BYTES, PROCESS_LIMIT,
    Protections, identity,
};

/// The launcher's own failure to set a test up; the checker reads it as the
/// grader's problem (the record is missing and the output says why).
const LAUNCH_FAILED: i32 = 125;

/// Landlock rights are asked for as of this ABI; an older kernel enforces
/// what it knows (the crate's best-effort mode).
const LANDLOCK_ABI: ABI = ABI::V6;

/// What a test may read besides its binary: the system's programs,
/// libraries and configuration. Not `/proc`, not `/home`, not `/tmp`.
const SYSTEM_PATHS: &[&str] = &[
    "/usr",
    "/lib",
    "/lib32",
    "/lib64",
    "/bin",
    "/sbin",
    "/etc",
    "/nix/store",
    "/dev/urandom",
    "/dev/random",
    "/dev/zero",
];

pub fn launch(request: &LauncherRequest) -> ! {
    match request {
        LauncherRequest::Probe => {
            let protections = probe();
            println!(
                "{}",
                serde_json::to_string(&protections).expect("plain data serializes")
            );
            std::process::exit(0)
        }
        LauncherRequest::Run(confinement) => match run(confinement) {
            Ok(status) => exit_like(status),
            Err(error) => {
                eprintln!("checker: the sandbox could not start the test: {error:#}");
                std::process::exit(LAUNCH_FAILED)
            }
        },
    }
}

/// Tries every protection on the probing process itself, which then exits.
fn probe() -> Protections {
    // As root, a test's processes are counted only once it runs as the
    // sandbox's user (see `identity`): a child tries that first.
    let counted_as_sandbox_user = !getuid().is_root()
        || identity::sandbox_user_works(|| {
            isolate_network().is_ok() && set_limits(true, MEMORY_LIMIT_BYTES).is_ok()
        });
    let network = isolate_network().is_ok();
    let limits = set_limits(network, MEMORY_LIMIT_BYTES).is_ok();
    let descendants = prctl::set_child_subreaper(true).is_ok() && children_file().is_ok();
    let scratch = std::env::temp_dir();
    let files = ruleset(&Confinement {
        writable: vec![scratch],
        program: "/bin/sh".into(),
        ..Confinement::default()
    })
    .and_then(|ruleset| Ok(ruleset.restrict_self()?))
    .is_ok_and(|status| status.ruleset != RulesetStatus::NotEnforced);
    Protections {
        files,
        limits,
        network,
        // NPROC is set only inside a user namespace, where the count is
        // the test's own.
        processes: network && limits && counted_as_sandbox_user,
        descendants,
        // A build is confined by the same Landlock rules, and what it
        // started is killed by the same subreaper.
        build: files && descendants,
    }
}

fn run(confinement: &Confinement) -> anyhow::Result<WaitStatus> {
    let isolate = confinement.isolate_network;
    // Before the namespaces, which the sandbox's user then owns.
    if confinement.sandbox_user && isolate && getuid().is_root() {
        identity::become_sandbox_user(&identity::Reach {
            program: &confinement.program,
            readable: &confinement.readable,
            writable: &confinement.writable,
        })?;
    }
    if isolate {
        isolate_network().context("cannot make a network namespace")?;
    }
    if confinement.limit_resources {
        set_limits(
            isolate,
            confinement.memory_limit.unwrap_or(MEMORY_LIMIT_BYTES),
        )
        .context("cannot set resource limits")?;
    }
    // Best effort, as the probe found: without them, the checker still
    // kills the test's process group.
    let mut children = prctl::set_child_subreaper(true)
        .ok()
        .and_then(|()| children_file().ok());
    let mut ruleset = Some(ruleset(confinement)?);
    let program = &confinement.program;

    // Signals are taken with sigwait, not handlers: a child's end (SIGCHLD)
    // and the checker's "stop" (SIGTERM) both wake the loop below.
    let mut waited = SigSet::empty();
    for signal in [
        Signal::SIGCHLD,
        Signal::SIGTERM,
        Signal::SIGINT,
        Signal::SIGHUP,
    ] {
        waited.add(signal);
    }
    let unblocked = waited.thread_swap_mask(SigmaskHow::SIG_BLOCK)?;

    let mut command = Command::new(program);
    command.args(&confinement.args);
    // SAFETY: the launcher has one thread, so the forked child may do what
    // it likes before exec; these calls only change the child itself.
    unsafe {
        command.pre_exec(move || {
            unblocked.thread_set_mask()?;
            // If the launcher dies, so does the test (and, in turn, nothing
            // it started is left without a subreaper for long).
            prctl::set_pdeathsig(Signal::SIGKILL)?;
            if let Some(ruleset) = ruleset.take() {
                ruleset.restrict_self().map_err(std::io::Error::other)?;
            }
            Ok(())
        });
    }
    let child = command
        .spawn()
        .with_context(|| format!("cannot start {}", program.display()))?;
    let test = Pid::from_raw(child.id() as i32);

    let status = loop {
        match waitpid(test, Some(WaitPidFlag::WNOHANG))? {
            WaitStatus::StillAlive => {}
            status => break status,
        }
        if waited.wait()? != Signal::SIGCHLD {
            // The checker gave up on the test (its time ran out).
            let _ = signal::kill(test, Signal::SIGKILL);
        }
    };
    if let Some(children) = &mut children {
        kill_descendants(children);
    }
    Ok(status)
}

/// A user namespace (so no privileges are needed) with a network namespace
/// in it, whose loopback is brought up: the test can serve and reach
/// 127.0.0.1, and nothing else.
fn isolate_network() -> anyhow::Result<()> {
    let (uid, gid) = (getuid(), getgid());
    unshare(CloneFlags::CLONE_NEWUSER | CloneFlags::CLONE_NEWNET)?;
    // The user's own ids map to themselves, so files the test makes are the
    // user's; root's map to an ordinary id inside, so that what the
    // launcher starts holds no capabilities there (root regains them all
    // at exec, and with them could trace the harness's process and read
    // its token).
    std::fs::write("/proc/self/setgroups", "deny")?;
    std::fs::write(
        "/proc/self/uid_map",
        format!("{} {uid} 1", inner_id(uid.as_raw())),
    )?;
    std::fs::write(
        "/proc/self/gid_map",
        format!("{} {gid} 1", inner_id(gid.as_raw())),
    )?;
    loopback_up()
}

/// The id inside the namespace for `outer`: itself, except root's.
fn inner_id(outer: u32) -> u32 {
    if outer == 0 { UNPRIVILEGED_ID } else { outer }
}

/// The id root's processes have inside a sandbox's user namespace.
const UNPRIVILEGED_ID: u32 = 1000;

/// `ip link set lo up`: one ioctl that no well-kept crate wraps short of a
/// whole netlink stack.
fn loopback_up() -> anyhow::Result<()> {
    use nix::sys::socket::{AddressFamily, SockFlag, SockType, socket};
    use std::os::fd::AsRawFd as _;
    let socket = socket(
        AddressFamily::Inet,
        SockType::Datagram,
        SockFlag::SOCK_CLOEXEC,
        None,
    )?;
    // SAFETY: `request` is a zeroed ifreq naming "lo", valid for both calls,
    // and the socket outlives them.
    unsafe {
        let mut request: libc::ifreq = std::mem::zeroed();
        for (slot, byte) in request.ifr_name.iter_mut().zip(b"lo\0") {
            *slot = *byte as libc::c_char;
        }
        if libc::ioctl(socket.as_raw_fd(), libc::SIOCGIFFLAGS, &mut request) < 0 {
            return Err(std::io::Error::last_os_error().into());
        }
        request.ifr_ifru.ifru_flags |= (libc::IFF_UP | libc::IFF_RUNNING) as libc::c_short;
        if libc::ioctl(socket.as_raw_fd(), libc::SIOCSIFFLAGS, &request) < 0 {
            return Err(std::io::Error::last_os_error().into());
        }
    }
    Ok(())
}

/// Bounds memory, file size, open files and core dumps; processes too when
/// the count is the test's own (`own_user_namespace`), since otherwise it
/// is every process of the user's, the checker's and the desktop's included.
fn set_limits(own_user_namespace: bool, memory: u64) -> std::io::Result<()> {
    lower(Resource::AS, memory)?;
    lower(Resource::FSIZE, FILE_SIZE_LIMIT_BYTES)?;
    lower(Resource::NOFILE, 1024)?;
    lower(Resource::CORE, 0)?;
    if own_user_namespace {
        lower(Resource::NPROC, PROCESS_LIMIT)?;
    }
    Ok(())
}

/// Sets both limits of `resource` to `value`, or leaves a lower one alone.
fn lower(resource: Resource, value: u64) -> std::io::Result<()> {
    let (soft, hard) = resource.get()?;
    let value = value.min(hard);
    if soft > value || hard > value {
        resource.set(value, value)?;
    }
    Ok(())
}

/// The launcher's list of its children, kept open: read anew on every pass.
fn children_file() -> anyhow::Result<File> {
    let path = format!("/proc/self/task/{}/children", std::process::id());
    File::open(&path).with_context(|| format!("cannot open {path}"))
}

/// Kills every process left under the launcher: the test's children, and
/// theirs as they are re-parented here, until none is left.
fn kill_descendants(children: &mut File) {
    loop {
        let mut text = String::new();
        let listed = children
            .rewind()
            .and_then(|()| children.read_to_string(&mut text));
        let pids: Vec<Pid> = text
            .split_whitespace()
            .filter_map(|pid| pid.parse().ok())
            .map(Pid::from_raw)
            .collect();
        if listed.is_err() || pids.is_empty() {
            break;
        }
        for &pid in &pids {
            let _ = signal::kill(pid, Signal::SIGKILL);
        }
        for &pid in &pids {
            let _ = waitpid(pid, None);
        }
    }
    // Zombies of children that ended on their own.
    while let Ok(status) = waitpid(None, Some(WaitPidFlag::WNOHANG)) {
        if status == WaitStatus::StillAlive {
            break;
        }
    }
}

/// The Landlock ruleset for `confinement`: write only its folders; read
/// only the system, the program and its readable folders; no signals or
/// abstract sockets outside its own processes (where the kernel knows how).
fn ruleset(confinement: &Confinement) -> anyhow::Result<RulesetCreated> {
    let all = AccessFs::from_all(LANDLOCK_ABI);
    let read = AccessFs::from_read(LANDLOCK_ABI);
    let system: Vec<PathBuf> = SYSTEM_PATHS
        .iter()
        .map(PathBuf::from)
        .filter(|path| path.exists())
        .collect();
    let readable: Vec<&PathBuf> = confinement
        .readable
        .iter()
        .filter(|path| path.exists())
        .collect();
    Ok(Ruleset::default()
        .handle_access(all)?
        .scope(Scope::from_all(LANDLOCK_ABI))?
        .create()?
        .add_rules(path_beneath_rules(&confinement.writable, all))?
        .add_rules(path_beneath_rules(
            ["/dev/null"],
            read | AccessFs::WriteFile,
        ))?
        .add_rules(path_beneath_rules(&system, read))?
        .add_rules(path_beneath_rules(readable, read))?
        .add_rules(path_beneath_rules([&confinement.program], read))?)
}

/// Ends the launcher as the test ended: its exit code, or its signal.
fn exit_like(status: WaitStatus) -> ! {
    match status {
        WaitStatus::Exited(_, code) => std::process::exit(code),
        WaitStatus::Signaled(_, signal, _) => {
            let _ = SigSet::all().thread_unblock();
            // SAFETY: restoring the default action is always sound.
            let _ = unsafe { signal::signal(signal, signal::SigHandler::SigDfl) };
            let _ = signal::raise(signal);
            std::process::exit(128 + signal as i32)
        }
        _ => std::process::exit(LAUNCH_FAILED),
    }
}
