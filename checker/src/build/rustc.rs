//! Replaying one recorded compilation with the graded sources, in the
//! sandbox, and reading what the compiler said.
//!
//! A recorded command names the plan's copies and cargo's folder. Here its
//! source paths are moved onto the graded crate, its outputs into a folder
//! of this grading, and its `--extern`s onto the dependencies' folder or the
//! student's sealed artifacts. The compiler runs with an allow-listed
//! environment (no tokens reach `env!`), and — where the sandbox can — reads
//! only the toolchain, the system, the dependencies and what the caller
//! names, and writes only its output folder.

use std::{
    collections::HashMap,
    io::{BufRead as _, BufReader, Read as _},
    path::{Path, PathBuf},
    process::Stdio,
    time::Duration,
};

use anyhow::Context as _;
use serde::Deserialize;
use wait_timeout::ChildExt as _;

use super::plan::{Plan, Unit};
use crate::sandbox::{BuildConfinement, RUNTIME_DIR, Sandbox};

/// What a student's unit is renamed by: its artifacts never share a name,
/// nor a crate identity, with the course's stub of the same crate.
pub const STUDENT_SUFFIX: &str = "s";

/// Variables the compiler and the linker it runs need; nothing else of the
/// checker's environment reaches a build.
const PASSED_THROUGH: &[&str] = &["PATH", "LANG", "LC_ALL", "SYSTEMROOT", "TZ"];

/// Where cargo tells a compiler its jobserver's descriptors.
const JOBSERVER_VARIABLE: &str = "CARGO_MAKEFLAGS";

/// How long one compilation may take before it is taken for a macro that
/// never returns.
pub const COMPILE_LIMIT: Duration = Duration::from_secs(180);

/// One compilation to run.
#[derive(Clone)]
pub struct Compilation<'a> {
    pub plan: &'a Plan,
    pub unit: &'a Unit,
    /// Path prefixes to move: (as the plan has it, as graded).
    pub moved: &'a [(PathBuf, PathBuf)],
    /// Where its outputs go.
    pub out_dir: &'a Path,
    /// Where its incremental state goes, if it keeps any.
    pub incremental: Option<&'a Path>,
    /// The student's artifacts compiled before, by their name in the plan:
    /// the `--extern`s that name them are pointed here, all others at the
    /// plan's dependencies.
    pub student_files: &'a HashMap<String, PathBuf>,
    /// The folder of the student's sealed artifacts, searched for
    /// dependencies of dependencies.
    pub sealed: &'a Path,
    /// A student's unit: renamed, and `unsafe` forbidden whatever it says.
    pub student: bool,
    /// What it may read besides the toolchain, the system and the plan's
    /// dependencies.
    pub readable: Vec<PathBuf>,
    pub mode: Mode,
}

/// What a compilation does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Compile, as cargo would have.
    Compile,
    /// Expand the macros and print the result (`-Zunpretty=expanded`):
    /// nothing is written that is used.
    Expand,
    /// Compile an expansion: plain text, in which the standard library's
    /// macros have left calls to their internal helpers (`_print`,
    /// `format_args` internals), which stable Rust gates. Those features,
    /// and no others ([`EXPANSION_FEATURES`]), are allowed.
    CompileExpansion,
}

/// What expanded standard macros need (`println!` → `_print`, `format!`,
/// `panic!`, the derives, `pin!`'s `super let`), as of Rust 1.95. A new
/// toolchain may rename one; `checker verify` then fails on the bonus
/// test of the reference solution, which says where to look.
const EXPANSION_FEATURES: &str = "print_internals,fmt_internals,fmt_helpers_for_derive,panic_internals,liballoc_internals,hint_must_use,derive_eq_internals,structural_match,coverage_attribute,super_let,rt";

/// Enabled by the expansion itself (`#![feature(prelude_import)]` heads it).
const EXPANSION_OWN_FEATURES: &str = "prelude_import";

/// How a compilation went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Compiled {
    /// The files it was meant to write are there (and, when expanding, what
    /// the macros expanded to).
    Done { expanded: Option<String> },
    /// The compiler's first error, rendered as it prints it.
    Failed(String),
}

impl Compilation<'_> {
    /// The names of the unit's outputs when compiled here.
    pub fn outputs(&self) -> Vec<String> {
        self.unit
            .outputs
            .iter()
            .map(|name| self.renamed(name))
            .collect()
    }

    /// The dep-info file the compiler writes: every source file it read.
    pub fn dep_info(&self) -> PathBuf {
        let recording = &self.unit.recording;
        self.out_dir.join(self.renamed(&format!(
            "{}{}.d",
            recording.crate_name, recording.extra_filename
        )))
    }

    fn renamed(&self, name: &str) -> String {
        if !self.student {
            return name.to_owned();
        }
        let recording = &self.unit.recording;
        let stem = format!("{}{}", recording.crate_name, recording.extra_filename);
        name.replacen(&stem, &format!("{stem}{STUDENT_SUFFIX}"), 1)
    }

    /// The compiler's arguments.
    pub fn arguments(&self) -> Vec<String> {
        let plan = self.plan;
        let build_deps = plan.build_deps.to_string_lossy();
        let mut out = Vec::new();
        let mut args = self.unit.recording.args.iter();
        while let Some(arg) = args.next() {
            match arg.as_str() {
                "--out-dir" => {
                    args.next();
                    if self.mode != Mode::Expand {
                        out.extend(["--out-dir".to_owned(), display(self.out_dir)]);
                    }
                }
                "-C" => {
                    let Some(value) = args.next() else { break };
                    let (key, setting) = value.split_once('=').unwrap_or((value, ""));
                    let value = match key {
                        "incremental" => match self.incremental {
                            Some(dir) if self.mode == Mode::Compile => {
                                format!("incremental={}", display(dir))
                            }
                            _ => continue,
                        },
                        "extra-filename" | "metadata" if self.student => {
                            format!("{key}={setting}{STUDENT_SUFFIX}")
                        }
                        _ => value.clone(),
                    };
                    out.extend(["-C".to_owned(), value]);
                }
                "--extern" => {
                    let Some(value) = args.next() else { break };
                    let value = match value.split_once('=') {
                        Some((name, path)) => {
                            let file = Path::new(path)
                                .file_name()
                                .map(|file| file.to_string_lossy().into_owned())
                                .unwrap_or_default();
                            let moved = self
                                .student_files
                                .get(&file)
                                .cloned()
                                .unwrap_or_else(|| plan.deps.join(&file));
                            format!("{name}={}", display(&moved))
                        }
                        None => value.clone(),
                    };
                    out.extend(["--extern".to_owned(), value]);
                }
                "-L" => {
                    let Some(value) = args.next() else { break };
                    if value.strip_prefix("dependency=") == Some(build_deps.as_ref()) {
                        for dir in [self.sealed, plan.deps.as_path()] {
                            out.extend(["-L".to_owned(), format!("dependency={}", display(dir))]);
                        }
                    } else {
                        out.extend(["-L".to_owned(), value.clone()]);
                    }
                }
                _ if arg.starts_with("--json=")
                    || arg.starts_with("--diagnostic-width=")
                    || arg.starts_with("--color=") => {}
                _ if arg.starts_with("--emit=") && self.mode == Mode::Expand => {}
                _ => out.push(self.moved_path(arg)),
            }
        }
        if !self.student && self.mode == Mode::Compile && !plan.runtime_libraries.is_empty() {
            // A suite linked to the shared harness finds it, and the
            // standard library, in the `lib` folder beside it, where the
            // build puts them ([`RUNTIME_DIR`]). DT_RPATH (not RUNPATH):
            // it serves the libraries' own dependencies too.
            for arg in [
                format!("link-arg=-Wl,-rpath,$ORIGIN/{RUNTIME_DIR}"),
                "link-arg=-Wl,--disable-new-dtags".to_owned(),
            ] {
                out.extend(["-C".to_owned(), arg]);
            }
        }
        if self.student {
            // Whatever the crate's own attributes say (a submission's
            // Cargo.toml is the course's, but `--as-is` takes the folder's).
            out.extend(["-F".to_owned(), "unsafe_code".to_owned()]);
        }
        match self.mode {
            Mode::Compile => {}
            Mode::Expand => out.extend(["-Z".to_owned(), "unpretty=expanded".to_owned()]),
            Mode::CompileExpansion => out.extend([
                "-Z".to_owned(),
                format!("allow-features={EXPANSION_OWN_FEATURES},{EXPANSION_FEATURES}"),
                "-Z".to_owned(),
                format!("crate-attr=feature({EXPANSION_FEATURES})"),
            ]),
        }
        out
    }

    /// `value` with a moved prefix replaced, if it starts with one.
    fn moved_path(&self, value: &str) -> String {
        for (from, to) in self.moved {
            if let Ok(rest) = Path::new(value).strip_prefix(from) {
                return if rest.as_os_str().is_empty() {
                    display(to)
                } else {
                    display(&to.join(rest))
                };
            }
        }
        value.to_owned()
    }

    /// The compiler's environment: the allow-list, cargo's `CARGO_*`
    /// variables with their paths moved, and a temporary folder of its own.
    fn environment(&self) -> Vec<(String, String)> {
        let mut variables: Vec<(String, String)> = PASSED_THROUGH
            .iter()
            .filter_map(|name| Some(((*name).to_owned(), std::env::var(name).ok()?)))
            .collect();
        variables.extend(
            self.unit
                .recording
                .env
                .iter()
                // The jobserver cargo lent the plan's compiler is gone: its
                // descriptors mean nothing here (or, if open, something
                // else), and rustc would warn of them on every compile.
                .filter(|(name, _)| name.as_str() != JOBSERVER_VARIABLE)
                .map(|(name, value)| match name.as_str() {
                    "CARGO_PKG_VERSION" => (
                        name.clone(),
                        super::workspace::course_version(value, self.plan.digest).to_owned(),
                    ),
                    _ => (name.clone(), self.moved_path(value)),
                }),
        );
        variables.push(("TMPDIR".into(), display(&self.out_dir.join("tmp"))));
        if self.mode != Mode::Compile {
            // For `-Z` alone: which features may be used is fixed above.
            variables.push(("RUSTC_BOOTSTRAP".into(), "1".into()));
        }
        variables
    }

    /// Runs the compiler in `sandbox`.
    pub fn run(&self, sandbox: &Sandbox) -> anyhow::Result<Compiled> {
        let temporary = self.out_dir.join("tmp");
        std::fs::create_dir_all(&temporary)
            .with_context(|| format!("cannot create {}", temporary.display()))?;
        let mut writable = vec![self.out_dir.to_path_buf()];
        writable.extend(self.incremental.map(Path::to_path_buf));
        let mut readable = vec![
            self.plan.sysroot.clone(),
            self.plan.deps.clone(),
            self.sealed.to_path_buf(),
        ];
        readable.extend(self.plan.native.iter().cloned());
        readable.extend(self.readable.iter().cloned());
        let mut command = sandbox.build_command(
            &self.plan.rustc,
            &BuildConfinement {
                writable,
                readable,
                isolate_network: true,
                // A student's crate is small; what it reads at compile time
                // (`include_bytes!("/dev/zero")`) must not take the machine.
                limit_resources: self.student,
            },
        );
        command
            .args(self.arguments())
            .env_clear()
            .envs(self.environment())
            .current_dir(self.out_dir)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        #[cfg(unix)]
        std::os::unix::process::CommandExt::process_group(&mut command, 0);
        let mut child = command
            .spawn()
            .with_context(|| format!("cannot run {}", self.plan.rustc.display()))?;
        let group = crate::interrupt::ProcessGroupGuard::new(child.id());
        let stdout = child.stdout.take().context("rustc's stdout")?;
        let stderr = child.stderr.take().context("rustc's stderr")?;
        let expanded = std::thread::spawn(move || {
            let mut stdout = stdout;
            let mut text = String::new();
            let _ = (&mut stdout)
                .take(EXPANSION_LIMIT)
                .read_to_string(&mut text);
            // The rest is read and dropped: a full pipe would stall the compiler.
            let _ = std::io::copy(&mut stdout, &mut std::io::sink());
            text
        });
        let diagnostics = std::thread::spawn(move || Diagnostics::read(stderr));
        let status = match child.wait_timeout(COMPILE_LIMIT)? {
            Some(status) => Some(status),
            None => {
                let stopped = sandbox.ask_to_stop(child.id())
                    && child.wait_timeout(Duration::from_secs(5))?.is_some();
                if !stopped {
                    crate::interrupt::kill_process_group(child.id());
                    let _ = child.kill();
                    child.wait()?;
                }
                None
            }
        };
        crate::interrupt::kill_process_group(child.id());
        drop(group);
        let diagnostics = diagnostics.join().unwrap_or_default();
        let expanded = expanded.join().unwrap_or_default();
        let Some(status) = status else {
            return Ok(Compiled::Failed(format!(
                "the compiler ran past {} s and was stopped: a macro that never returns?",
                COMPILE_LIMIT.as_secs()
            )));
        };
        if let Some(error) = diagnostics.first_error {
            return Ok(Compiled::Failed(error));
        }
        if !status.success() {
            return Ok(Compiled::Failed(format!(
                "the compiler failed ({status}):\n{}",
                diagnostics.tail.join("\n")
            )));
        }
        if self.mode == Mode::Expand {
            return Ok(Compiled::Done {
                expanded: Some(expanded),
            });
        }
        // A student's macro could have removed what the compiler wrote:
        // that is the student's failure, not the grader's.
        if let Some(missing) = self
            .outputs()
            .into_iter()
            .find(|output| !self.out_dir.join(output).is_file())
        {
            return Ok(Compiled::Failed(format!(
                "error: the compiler reported success, but {missing} is not where it wrote it"
            )));
        }
        Ok(Compiled::Done { expanded: None })
    }
}

/// The most of an expansion read: a probe's is a few KiB.
const EXPANSION_LIMIT: u64 = 4 * 1024 * 1024;

/// What the compiler said on stderr: its first error, and the last lines
/// that were not diagnostics (a linker's complaint, a crash).
#[derive(Debug, Default)]
struct Diagnostics {
    first_error: Option<String>,
    tail: Vec<String>,
}

impl Diagnostics {
    /// Reads `stderr` to its end (a macro may print without end: only the
    /// first error and a short tail are kept).
    fn read(stderr: impl std::io::Read) -> Diagnostics {
        let mut diagnostics = Diagnostics::default();
        for line in BufReader::new(stderr).split(b'\n').map_while(Result::ok) {
            match serde_json::from_slice::<Diagnostic>(&line) {
                Ok(diagnostic) => {
                    if diagnostic.level == "error" && diagnostics.first_error.is_none() {
                        diagnostics.first_error = diagnostic
                            .rendered
                            .map(|rendered| rendered.trim_end().to_owned());
                    }
                }
                Err(_) => {
                    if diagnostics.tail.len() == 30 {
                        diagnostics.tail.remove(0);
                    }
                    let mut text = String::from_utf8_lossy(&line).into_owned();
                    text.truncate(2000);
                    diagnostics.tail.push(text);
                }
            }
        }
        diagnostics
    }
}

#[derive(Deserialize)]
struct Diagnostic {
    level: String,
    rendered: Option<String>,
}

fn display(path: &Path) -> String {
    path.to_string_lossy().into_owned()
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::build::recorder::Recording;

    fn plan() -> Plan {
        Plan {
            rustc: "/sysroot/bin/rustc".into(),
            sysroot: "/sysroot".into(),
            build_deps: "/t/debug/deps".into(),
            deps: "/g/deps".into(),
            native: Vec::new(),
            runtime_libraries: Vec::new(),
            tasks: BTreeMap::new(),
            digest: 0,
        }
    }

    #[test]
    fn a_suite_linked_to_the_shared_harness_finds_it_beside_itself() {
        let unit = unit();
        let student_files = HashMap::new();
        let arguments = |plan: &Plan, student| {
            Compilation {
                plan,
                unit: &unit,
                moved: &[],
                out_dir: Path::new("/out"),
                incremental: None,
                student_files: &student_files,
                sealed: Path::new("/sealed"),
                student,
                readable: Vec::new(),
                mode: Mode::Compile,
            }
            .arguments()
        };
        let rpath = format!("link-arg=-Wl,-rpath,$ORIGIN/{RUNTIME_DIR}");
        let mut plan = plan();
        assert!(!arguments(&plan, false).contains(&rpath));
        plan.runtime_libraries = vec!["/g/deps/libharness_1.so".into()];
        assert!(arguments(&plan, false).contains(&rpath));
        // A student's unit is a library: nothing of it is run from there.
        assert!(!arguments(&plan, true).contains(&rpath));
    }

    fn unit() -> Unit {
        let args = [
            "--crate-name",
            "timing_decorator",
            "--edition=2024",
            "/plan/crates/02-t/src/lib.rs",
            "--error-format=json",
            "--json=diagnostic-rendered-ansi,artifacts,future-incompat",
            "--crate-type",
            "lib",
            "--emit=dep-info,metadata,link",
            "-C",
            "metadata=abc",
            "-C",
            "extra-filename=-0123",
            "--out-dir",
            "/t/debug/deps",
            "-C",
            "incremental=/t/debug/incremental",
            "-L",
            "dependency=/t/debug/deps",
            "--extern",
            "tokio=/t/debug/deps/libtokio-9.rmeta",
            "--extern",
            "timing_decorator_macros=/t/debug/deps/libtiming_decorator_macros-7.so",
        ];
        Unit {
            recording: Recording {
                crate_name: "timing_decorator".into(),
                extra_filename: "-0123".into(),
                args: args.iter().map(|arg| (*arg).to_owned()).collect(),
                env: BTreeMap::from([
                    (
                        "CARGO_MANIFEST_DIR".to_owned(),
                        "/plan/crates/02-t".to_owned(),
                    ),
                    (
                        JOBSERVER_VARIABLE.to_owned(),
                        "-j --jobserver-auth=8,9".to_owned(),
                    ),
                ]),
            },
            outputs: vec![
                "libtiming_decorator-0123.rlib".into(),
                "libtiming_decorator-0123.rmeta".into(),
            ],
            proc_macro: false,
        }
    }

    #[test]
    fn a_student_unit_is_moved_renamed_and_pointed_at_sealed_artifacts() {
        let (plan, unit) = (plan(), unit());
        let moved = [(
            PathBuf::from("/plan/crates/02-t"),
            PathBuf::from("/copies/02-t"),
        )];
        let student_files = HashMap::from([(
            "libtiming_decorator_macros-7.so".to_owned(),
            PathBuf::from("/sealed/libtiming_decorator_macros-7s.so"),
        )]);
        let compilation = Compilation {
            plan: &plan,
            unit: &unit,
            moved: &moved,
            out_dir: Path::new("/out"),
            incremental: None,
            student_files: &student_files,
            sealed: Path::new("/sealed"),
            student: true,
            readable: Vec::new(),
            mode: Mode::Compile,
        };
        let args = compilation.arguments().join(" ");
        for expected in [
            "/copies/02-t/src/lib.rs",
            "--out-dir /out",
            "-C metadata=abcs",
            "-C extra-filename=-0123s",
            "-L dependency=/sealed -L dependency=/g/deps",
            "--extern tokio=/g/deps/libtokio-9.rmeta",
            "--extern timing_decorator_macros=/sealed/libtiming_decorator_macros-7s.so",
            "-F unsafe_code",
        ] {
            assert!(args.contains(expected), "{expected} not in {args}");
        }
        for gone in ["/t/debug", "--json", "incremental"] {
            assert!(!args.contains(gone), "{gone} in {args}");
        }
        assert_eq!(
            compilation.outputs(),
            [
                "libtiming_decorator-0123s.rlib",
                "libtiming_decorator-0123s.rmeta"
            ]
        );
        let environment = compilation.environment();
        assert!(environment.contains(&("CARGO_MANIFEST_DIR".into(), "/copies/02-t".into())));
        assert!(
            environment
                .iter()
                .all(|(name, _)| !["GITHUB_TOKEN", "HOME", JOBSERVER_VARIABLE]
                    .contains(&name.as_str())),
            "{environment:?}"
        );
    }

    #[test]
    fn only_the_first_error_and_a_short_tail_are_kept() {
        let stderr = [
            r#"{"$message_type":"diagnostic","level":"warning","rendered":"warning: w"}"#,
            r#"{"$message_type":"diagnostic","level":"error","rendered":"error: first\n"}"#,
            r#"{"$message_type":"diagnostic","level":"error","rendered":"error: second"}"#,
            "note: not json",
        ]
        .join("\n");
        let diagnostics = Diagnostics::read(stderr.as_bytes());
        assert_eq!(diagnostics.first_error.as_deref(), Some("error: first"));
        assert_eq!(diagnostics.tail, ["note: not json"]);
    }
}
