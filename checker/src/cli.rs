//! The command line: what to grade, against which suites, and how to report;
//! or `verify`, which proves the suites themselves.

use std::path::{Path, PathBuf};

use clap::{Args, Parser, Subcommand};

use checker::report::Format;

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
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// For instructors and CI: check that every hidden test passes on the
    /// solution, fails on the untouched stub, and that each planted mutant is
    /// judged right. Prints a table of test × {solution, stub, mutants}.
    Verify(VerifyArgs),
}

/// Options every command shares.
#[derive(Debug, Args)]
pub struct CommonArgs {
    /// Only task N (repeat for several).
    #[arg(long = "task", value_name = "N")]
    pub tasks: Vec<u32>,

    /// Use the manifest (tasks.toml) and suites in DIR instead of the built-in ones.
    #[arg(long, value_name = "DIR")]
    pub suites: Option<PathBuf>,

    /// Give every test at most SECS seconds, whatever tasks.toml says.
    #[arg(long, value_name = "SECS", value_parser = clap::value_parser!(u64).range(1..))]
    pub test_timeout: Option<u64>,

    /// Run at most N tests at once [default: twice the CPUs].
    #[arg(long, short, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub jobs: Option<u16>,

    /// Do not show cargo's build progress.
    #[arg(long, short)]
    pub quiet: bool,
}

/// Grading options.
#[derive(Debug, Args)]
pub struct GradeArgs {
    #[command(flatten)]
    pub common: CommonArgs,

    /// Grade the reference solutions (solutions/) instead of exercises/.
    #[arg(long, conflicts_with = "exercises")]
    pub solutions: bool,

    /// Grade the task crates under DIR, laid out like exercises/.
    #[arg(long, value_name = "DIR")]
    pub exercises: Option<PathBuf>,

    /// How to write the report.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,

    /// Write the report to FILE instead of stdout.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Exit with status 1 when the score is below N.
    #[arg(long, value_name = "N")]
    pub min_score: Option<u32>,

    /// Show every failing test with its output, not only the first of each task.
    #[arg(long, short)]
    pub verbose: bool,
}

/// `verify` options.
#[derive(Debug, Args)]
pub struct VerifyArgs {
    #[command(flatten)]
    pub common: CommonArgs,
}

impl GradeArgs {
    /// The folder of task crates to grade.
    pub fn crates_root(&self, repo: &Path) -> PathBuf {
        match (&self.exercises, self.solutions) {
            (Some(dir), _) => dir.clone(),
            (None, true) => repo.join("solutions"),
            (None, false) => repo.join("exercises"),
        }
    }
}

impl CommonArgs {
    /// The folder holding tasks.toml and the suites.
    pub fn suites_dir(&self, repo: &Path) -> PathBuf {
        self.suites
            .clone()
            .unwrap_or_else(|| repo.join("checker").join("suites"))
    }

    /// How many tests may run at once. Tests mostly wait on timers and
    /// sockets, so twice the CPUs keeps the machine busy without starving
    /// the timing tests.
    pub fn jobs(&self) -> usize {
        self.jobs.map(usize::from).unwrap_or_else(|| {
            std::thread::available_parallelism().map_or(2, |cpus| cpus.get() * 2)
        })
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
    fn zero_jobs_is_refused() {
        assert!(Cli::try_parse_from(["checker", "--jobs", "0"]).is_err());
    }

    #[test]
    fn verify_takes_its_own_options() {
        let cli = Cli::try_parse_from(["checker", "verify", "--task", "2"]).unwrap();
        assert!(matches!(cli.command, Some(Command::Verify(args)) if args.common.tasks == [2]));
    }
}
