//! The command line: grading (the default), the student's loop (`watch`,
//! `hint`, `solution`, `reset`, `list`) and the instructor's `verify`.

use std::path::{Path, PathBuf};

use clap::{Args, Parser, Subcommand, ValueEnum};

use checker::{messages::Lang, report::Format};

/// Grades the async-exercises tasks against their hidden test suites.
///
/// Exit status: 0 when grading ran (whatever the score), 1 when the score is
/// below --min-score (or `verify` found a problem), 2 on a usage error or
/// when grading itself could not run.
#[derive(Debug, Parser)]
#[command(name = "checker", version, args_conflicts_with_subcommands = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,

    #[command(flatten)]
    pub grade: GradeArgs,

    /// The language of the messages [default: from LC_ALL, LC_MESSAGES or LANG].
    #[arg(long, value_enum, global = true)]
    pub lang: Option<Lang>,

    /// The repository whose checker, harness and suites to use [default: the
    /// one this checker was built in, else the one around the current folder].
    #[arg(long, value_name = "DIR", global = true)]
    pub repo: Option<PathBuf>,

    /// When to use colours (NO_COLOR turns them off in `auto`).
    #[arg(long, value_enum, default_value_t = ColorWhen::Auto, global = true)]
    pub color: ColorWhen,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorWhen {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Grade, then re-grade each task whose files change, on every save.
    Watch(WatchArgs),
    /// Show the next hint for task N: a nudge first, then the idea, then the API.
    Hint(TaskArgs),
    /// Show the reference solution of task N, once task N passes.
    Solution(SolutionArgs),
    /// Put the original stub of task N back, keeping your version as a backup.
    Reset(ResetArgs),
    /// The tasks with their status, points and the file to edit.
    List(ListArgs),
    /// For instructors and CI: check that every hidden test passes on the
    /// solution, fails on the untouched stub, and that each planted mutant is
    /// judged right. Prints a table of test × {solution, stub, mutants}.
    Verify(VerifyArgs),
    /// For instructors: write the student edition (the tasks, the checker,
    /// the visible tests; no solutions, no hidden tests) to a new folder,
    /// and prove it: it compiles, its stubs grade 0, the reference solutions
    /// grade full on its tests.
    Assign(AssignArgs),
    /// For instructors: write Gradescope's autograder bundle (setup.sh,
    /// run_autograder and the course with its suites) as a zip to upload.
    Gradescope(GradescopeArgs),
    /// For instructors: grade every submission under a folder (one folder
    /// per student) with one shared build; per-student reports, class.json
    /// and class.csv. A re-run skips unchanged submissions. Runs four tests
    /// per CPU at once (fewer where memory is short) unless --jobs says
    /// otherwise.
    Batch(BatchArgs),
    /// For instructors: the class report (one self-contained HTML file) from
    /// one or more class.json files (several: the shards of one class).
    ClassReport(ClassReportArgs),
    /// For instructors: similar code among a class's submissions, per task
    /// (`batch` does this too, into class.json and the class report), for a
    /// class graded elsewhere. Writes similarity.json and similarity.html.
    Similar(SimilarArgs),
    // `sandbox-exec` (the sandbox's launcher, which the checker starts and
    // people do not) is not here: `main` takes it before this command line
    // is parsed, see `SandboxExecArgs::from_launcher_command_line`.
}

/// What the checker hands its sandbox launcher.
#[derive(Debug, Args)]
pub struct SandboxExecArgs {
    /// Print which protections this machine allows, as JSON, and exit.
    #[arg(long, exclusive = true)]
    pub probe: bool,
    /// A folder the program may write (repeat for several).
    #[arg(long = "write", value_name = "DIR")]
    pub writable: Vec<PathBuf>,
    /// A folder the program may read besides the system's (repeat for several).
    #[arg(long = "read", value_name = "DIR")]
    pub readable: Vec<PathBuf>,
    /// Give the program a network namespace with only loopback.
    #[arg(long)]
    pub isolate_network: bool,
    /// Bound memory, file size, open files and processes.
    #[arg(long)]
    pub limit_resources: bool,
    /// With --limit-resources: the memory bound, in bytes, if not a test's.
    #[arg(long, value_name = "BYTES", requires = "limit_resources")]
    pub memory_limit: Option<u64>,
    /// With --isolate-network, as root: run as the sandbox's own user, so
    /// that the kernel counts (and bounds) the program's processes.
    #[arg(long, requires = "isolate_network")]
    pub sandbox_user: bool,
    /// The program and its arguments.
    #[arg(last = true, required_unless_present = "probe")]
    pub program: Vec<std::ffi::OsString>,
}

/// The launcher's command line alone (`checker sandbox-exec ...`): the
/// checker starts one launcher per test and per compilation, and parsing it
/// without the rest of the command line (every subcommand's arguments,
/// built at run time) saves each about 0.7 ms of a debug build's start.
#[derive(Debug, Parser)]
#[command(name = "checker sandbox-exec")]
struct LauncherCli {
    #[command(flatten)]
    args: SandboxExecArgs,
}

impl SandboxExecArgs {
    /// The launcher's arguments, when the checker was started as its
    /// sandbox launcher (`checker sandbox-exec ...`, as the grader starts
    /// it); `None` for every other command line.
    pub fn from_launcher_command_line() -> Option<SandboxExecArgs> {
        Self::from_launcher_args(std::env::args_os())
    }

    /// As [`Self::from_launcher_command_line`], from `args` (the program's
    /// name first).
    fn from_launcher_args(
        args: impl IntoIterator<Item = std::ffi::OsString>,
    ) -> Option<SandboxExecArgs> {
        let mut args = args.into_iter().skip(1).peekable();
        // The subcommand's name stands where clap expects the program's.
        (args.peek()? == checker::sandbox::LAUNCHER_COMMAND)
            .then(|| LauncherCli::parse_from(args).args)
    }

    /// The launcher's request.
    pub fn request(&self) -> checker::sandbox::LauncherRequest {
        use checker::sandbox::{Confinement, LauncherRequest};
        match self.program.split_first() {
            Some((program, args)) if !self.probe => LauncherRequest::Run(Confinement {
                writable: self.writable.clone(),
                readable: self.readable.clone(),
                isolate_network: self.isolate_network,
                limit_resources: self.limit_resources,
                memory_limit: self.memory_limit,
                sandbox_user: self.sandbox_user,
                program: program.into(),
                args: args.to_vec(),
            }),
            _ => LauncherRequest::Probe,
        }
    }
}

/// `--sandbox`: how much of the sandbox to insist on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum SandboxMode {
    /// Tests run as plain processes (for debugging the checker itself).
    Off,
    /// Every protection this machine allows; the report says which.
    #[default]
    Auto,
    /// Every protection, or no grading (for CI that must be sure).
    Strict,
}

impl From<SandboxMode> for checker::sandbox::Mode {
    fn from(mode: SandboxMode) -> Self {
        match mode {
            SandboxMode::Off => checker::sandbox::Mode::Off,
            SandboxMode::Auto => checker::sandbox::Mode::Auto,
            SandboxMode::Strict => checker::sandbox::Mode::Strict,
        }
    }
}

/// Where the task crates and the suites are.
#[derive(Debug, Args)]
pub struct WhereArgs {
    /// The task crates to work on, laid out like exercises/ [default: exercises/].
    #[arg(long, value_name = "DIR")]
    pub exercises: Option<PathBuf>,

    /// Use the manifest (tasks.toml) and suites in DIR instead of the built-in ones.
    #[arg(long, value_name = "DIR")]
    pub suites: Option<PathBuf>,
}

/// How grading runs.
#[derive(Debug, Clone, Args)]
pub struct RunArgs {
    /// Give every test at most SECS seconds, whatever tasks.toml says.
    #[arg(long, value_name = "SECS", value_parser = clap::value_parser!(u64).range(1..))]
    pub test_timeout: Option<u64>,

    /// Run at most N tests at once [default: eight per CPU, fewer where memory is short].
    #[arg(long, short, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub jobs: Option<u16>,

    /// Do not show cargo's build progress.
    #[arg(long, short)]
    pub quiet: bool,

    /// How to confine each test process (see README, "The sandbox").
    #[arg(long, value_enum, default_value_t = SandboxMode::Auto)]
    pub sandbox: SandboxMode,
}

/// Grading options (the command-less `checker`).
#[derive(Debug, Args)]
pub struct GradeArgs {
    #[command(flatten)]
    pub place: WhereArgs,

    #[command(flatten)]
    pub run: RunArgs,

    /// Grade the reference solutions (solutions/) instead of exercises/.
    #[arg(long, conflicts_with = "exercises")]
    pub solutions: bool,

    /// Grade the --exercises folder as it is, its Cargo.toml files and build
    /// scripts included. Without it, a folder other than this checkout's
    /// exercises/ is a submission: only its source files under src/ are
    /// graded, laid over this checkout's crates.
    #[arg(long, requires = "exercises")]
    pub as_is: bool,

    /// Grade only task N (repeat for several).
    #[arg(long = "task", value_name = "N")]
    pub tasks: Vec<u32>,

    /// Grade with --suites without first proving them (every test passes
    /// on the reference solution and fails on the stub). For trying out a
    /// suite's limits, never for grading students.
    #[arg(long, requires = "suites")]
    pub unproven: bool,

    /// How to write the report (on stdout, or to each --output FILE
    /// that names no format).
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,

    /// Write a report to FILE instead of stdout; FORMAT=FILE names its own
    /// format (repeat for several: `--output json=grade.json --output
    /// junit=grade.xml`).
    #[arg(long, short, value_name = "[FORMAT=]FILE", value_parser = parse_output)]
    pub output: Vec<OutputSpec>,

    /// Who the work is by (a login, an id): carried into every report.
    #[arg(long, value_name = "ID")]
    pub student: Option<String>,

    /// Exit with status 1 when the score is below N.
    #[arg(long, value_name = "N")]
    pub min_score: Option<u32>,

    /// Show every failing test with its output, not only the first of each task.
    #[arg(long, short)]
    pub verbose: bool,
}

#[derive(Debug, Args)]
pub struct WatchArgs {
    #[command(flatten)]
    pub place: WhereArgs,

    #[command(flatten)]
    pub run: RunArgs,

    /// Look for changes by polling, for file systems without change events
    /// (some network drives, WSL on a Windows folder, containers).
    #[arg(long)]
    pub poll: bool,
}

#[derive(Debug, Args)]
pub struct TaskArgs {
    /// The task's number.
    pub number: u32,

    #[command(flatten)]
    pub place: WhereArgs,
}

#[derive(Debug, Args)]
pub struct SolutionArgs {
    #[command(flatten)]
    pub task: TaskArgs,

    #[command(flatten)]
    pub run: RunArgs,
}

#[derive(Debug, Args)]
pub struct ResetArgs {
    #[command(flatten)]
    pub task: TaskArgs,

    /// Do not ask for confirmation.
    #[arg(long, short)]
    pub yes: bool,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    #[command(flatten)]
    pub place: WhereArgs,

    #[command(flatten)]
    pub run: RunArgs,
}

#[derive(Debug, Args)]
pub struct AssignArgs {
    /// The folder to write the edition to (new, or empty).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,

    /// Take the tests from the manifest (tasks.toml) and suites in DIR: their
    /// visible part ships in the edition.
    #[arg(long, value_name = "DIR")]
    pub suites: Option<PathBuf>,

    /// Make the edition a git repository with one commit (a template
    /// repository for GitHub Classroom).
    #[arg(long)]
    pub git: bool,

    #[command(flatten)]
    pub run: RunArgs,
}

#[derive(Debug, Args)]
pub struct GradescopeArgs {
    /// The zip to write.
    #[arg(long, value_name = "FILE", default_value = "autograder.zip")]
    pub out: PathBuf,

    /// Grade with the manifest (tasks.toml) and suites in DIR instead of the
    /// built-in ones: they go into the bundle.
    #[arg(long, value_name = "DIR")]
    pub suites: Option<PathBuf>,

    /// How the suites are proven before the bundle is written.
    #[command(flatten)]
    pub run: RunArgs,
}

#[derive(Debug, Args)]
pub struct BatchArgs {
    /// The class: one folder per student, each laid out like exercises/ or
    /// like a clone of the student edition.
    pub class: PathBuf,

    /// Where to write class.json, class.csv and students/<id>/.
    #[arg(long, value_name = "DIR", default_value = "grades")]
    pub out: PathBuf,

    /// A CSV mapping folders to student ids (columns `folder` and `student`,
    /// or GitHub Classroom's `github_username` and `identifier`).
    #[arg(long, value_name = "FILE")]
    pub roster: Option<PathBuf>,

    /// The formats of each student's report (repeat for several).
    #[arg(long = "format", value_enum, default_values_t = [Format::Json])]
    pub formats: Vec<Format>,

    /// Grade only the K-th of N parts of the class (every N-th submission),
    /// for N CI jobs; `class-report` merges their class.json files.
    #[arg(long, value_name = "K/N")]
    pub shard: Option<checker::class::submissions::Shard>,

    /// Use the manifest (tasks.toml) and suites in DIR (proven first, as in grading).
    #[arg(long, value_name = "DIR")]
    pub suites: Option<PathBuf>,

    /// Grade CLASS even though it looks like one student's submission (it
    /// holds task folders itself): each of its folders as a student.
    #[arg(long)]
    pub force: bool,

    #[command(flatten)]
    pub run: RunArgs,
}

#[derive(Debug, Args)]
pub struct SimilarArgs {
    /// The class: one folder per student, as for `batch`.
    pub class: PathBuf,

    /// Where to write similarity.json and similarity.html.
    #[arg(long, value_name = "DIR", default_value = "similarity")]
    pub out: PathBuf,

    /// A CSV mapping folders to student ids, as for `batch`.
    #[arg(long, value_name = "FILE")]
    pub roster: Option<PathBuf>,

    /// Compare CLASS even though it looks like one student's submission.
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct ClassReportArgs {
    /// class.json files written by `batch` (one per shard).
    #[arg(required = true)]
    pub records: Vec<PathBuf>,

    /// The HTML file to write.
    #[arg(long, value_name = "FILE", default_value = "class-report.html")]
    pub out: PathBuf,

    /// Also write the merged class.json here (and class.csv beside it).
    #[arg(long, value_name = "FILE")]
    pub merged: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// Use the manifest (tasks.toml) and suites in DIR instead of the built-in ones.
    #[arg(long, value_name = "DIR")]
    pub suites: Option<PathBuf>,

    /// Only task N (repeat for several).
    #[arg(long = "task", value_name = "N")]
    pub tasks: Vec<u32>,

    /// Only trace each statement's requirements ([R1], ... in the task's
    /// README) to the tests that check them; grade nothing.
    #[arg(long)]
    pub trace: bool,

    #[command(flatten)]
    pub run: RunArgs,
}

/// One `--output`: a file, and the format it wants if it names one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputSpec {
    pub format: Option<Format>,
    pub path: PathBuf,
}

/// `json=grade.json` or `grade.json`. A prefix that is not a format's name
/// is part of the file name.
fn parse_output(value: &str) -> Result<OutputSpec, String> {
    let named = value.split_once('=').and_then(|(format, path)| {
        let format = Format::from_str(format, true).ok()?;
        Some((format, path))
    });
    let spec = match named {
        Some((format, path)) => OutputSpec {
            format: Some(format),
            path: path.into(),
        },
        None => OutputSpec {
            format: None,
            path: value.into(),
        },
    };
    if spec.path.as_os_str().is_empty() {
        return Err("a file name is needed after the format".into());
    }
    Ok(spec)
}

impl WhereArgs {
    /// The folder of task crates.
    pub fn crates_root(&self, repo: &Path) -> PathBuf {
        self.exercises
            .clone()
            .unwrap_or_else(|| repo.join("exercises"))
    }
}

/// The folder holding tasks.toml and the suites.
pub fn suites_dir(suites: Option<&PathBuf>, repo: &Path) -> PathBuf {
    suites
        .cloned()
        .unwrap_or_else(|| repo.join("checker").join("suites"))
}

impl RunArgs {
    /// How many tests may run at once: `--jobs`, or as many per CPU as
    /// the machine's memory holds at their limit ([`checker::run::test_jobs`]).
    /// The timing tests' bounds leave room for a machine that busy.
    pub fn jobs(&self) -> usize {
        self.jobs
            .map(usize::from)
            .unwrap_or_else(|| checker::run::test_jobs(checker::run::TESTS_PER_CPU))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cli_definition_is_consistent() {
        use clap::CommandFactory as _;
        Cli::command().debug_assert();
    }

    #[test]
    fn solutions_and_exercises_exclude_each_other() {
        assert!(Cli::try_parse_from(["checker", "--solutions", "--exercises", "x"]).is_err());
    }

    #[test]
    fn outputs_name_their_format_or_take_the_default() {
        let cli = Cli::try_parse_from([
            "checker",
            "--format",
            "junit",
            "--output",
            "json=grade.json",
            "-o",
            "plain.xml",
            "--output",
            "notaformat=x",
        ])
        .unwrap();
        let outputs: Vec<_> = cli
            .grade
            .output
            .iter()
            .map(|spec| (spec.format, spec.path.to_str().unwrap()))
            .collect();
        assert_eq!(
            outputs,
            [
                (Some(Format::Json), "grade.json"),
                (None, "plain.xml"),
                (None, "notaformat=x")
            ]
        );
        assert!(Cli::try_parse_from(["checker", "--output", "json="]).is_err());
    }

    #[test]
    fn zero_jobs_is_refused() {
        assert!(Cli::try_parse_from(["checker", "--jobs", "0"]).is_err());
    }

    #[test]
    fn subcommands_take_their_own_options_and_the_global_ones() {
        let cli =
            Cli::try_parse_from(["checker", "verify", "--task", "2", "--lang", "ru"]).unwrap();
        assert!(matches!(cli.command, Some(Command::Verify(args)) if args.tasks == [2]));
        assert_eq!(cli.lang, Some(Lang::Ru));
        let cli = Cli::try_parse_from(["checker", "reset", "3", "--yes"]).unwrap();
        assert!(
            matches!(cli.command, Some(Command::Reset(args)) if args.yes && args.task.number == 3)
        );
    }

    #[test]
    fn the_launcher_is_recognised_before_the_whole_command_line_is_parsed() {
        let args = |line: &[&str]| line.iter().map(Into::into).collect::<Vec<_>>();
        let launcher = SandboxExecArgs::from_launcher_args(args(&[
            "checker",
            "sandbox-exec",
            "--isolate-network",
            "--write",
            "/w",
            "--",
            "/bin/test",
            "--flag",
        ]))
        .expect("a launcher's command line");
        assert!(launcher.isolate_network && !launcher.limit_resources);
        assert_eq!(launcher.writable, [PathBuf::from("/w")]);
        assert_eq!(launcher.program, args(&["/bin/test", "--flag"]));
        let probe =
            SandboxExecArgs::from_launcher_args(args(&["checker", "sandbox-exec", "--probe"]));
        assert!(probe.is_some_and(|probe| probe.probe));
        for other in [
            &["checker"][..],
            &["checker", "--task", "1"],
            &["checker", "list"],
        ] {
            assert!(SandboxExecArgs::from_launcher_args(args(other)).is_none());
        }
    }
}
