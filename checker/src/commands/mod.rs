//! What each command does, with what every command shares: the repository,
//! the language, the colours, and a grader built from the options.

mod assign;
mod batch;
mod class_report;
mod grade;
mod gradescope;
mod list;
mod similar;
mod student;
mod verify;
mod watch;

use std::{io::Write as _, path::PathBuf, process::ExitCode};

use anyhow::Context as _;
use checker::{build::BuildPaths, grading::Grader, manifest::Manifest, messages::Lang, paths};

use crate::cli::{Cli, ColorWhen, Command, RunArgs};

/// Grading ran, and the score is below `--min-score`; `verify` found a
/// problem; or a command declined to act.
pub const FELL_SHORT: u8 = 1;

/// What every command needs.
pub struct Context {
    pub repo: PathBuf,
    pub lang: Lang,
    pub color: anstream::ColorChoice,
}

impl Context {
    /// Writes `text` (which may carry styles) to stdout.
    pub fn print(&self, text: &str) -> anyhow::Result<()> {
        let mut out = anstream::AutoStream::new(std::io::stdout(), self.color);
        out.write_all(text.as_bytes())?;
        out.flush()?;
        Ok(())
    }

    /// A grader for the suites in `suites` (or the built-in ones).
    pub fn grader(&self, suites: Option<&PathBuf>, run: &RunArgs) -> anyhow::Result<Grader> {
        let manifest = Manifest::load(&crate::cli::suites_dir(suites, &self.repo))?;
        self.grader_with(manifest, BuildPaths::for_repo(&self.repo), run)
    }

    /// A grader for `manifest`, building in `paths`.
    pub fn grader_with(
        &self,
        mut manifest: Manifest,
        paths: BuildPaths,
        run: &RunArgs,
    ) -> anyhow::Result<Grader> {
        if let Some(secs) = run.test_timeout {
            manifest.override_test_timeout(std::time::Duration::from_secs(secs));
        }
        let launcher = checker::paths::own_executable()?;
        Ok(Grader {
            manifest,
            sandbox: checker::sandbox::Sandbox::new(run.sandbox.into(), &launcher)?,
            paths,
            jobs: run.jobs(),
            quiet: run.quiet,
            lang: self.lang,
        })
    }

    /// The manifest alone, for commands that do not grade.
    pub fn manifest(&self, suites: Option<&PathBuf>) -> anyhow::Result<Manifest> {
        Ok(Manifest::load(&crate::cli::suites_dir(suites, &self.repo))?)
    }
}

/// Refuses an instructor's command where the course kit's templates are
/// not (a student edition leaves them out, with the solutions).
pub fn ensure_course_kit(context: &Context, command: &str) -> anyhow::Result<()> {
    anyhow::ensure!(
        context.repo.join("checker/kit").is_dir(),
        "`checker {command}` needs the course's own repository (it has checker/kit/ and solutions/); {} looks like a student edition",
        context.repo.display()
    );
    Ok(())
}

/// `dir`, canonical, or a clear error if it is not there.
pub fn existing_dir(dir: PathBuf) -> anyhow::Result<PathBuf> {
    let found = dunce::canonicalize(&dir)
        .with_context(|| format!("no folder of task crates at {}", dir.display()))?;
    anyhow::ensure!(
        found.is_dir(),
        "{} is a file, not a folder: give the folder that holds the task folders",
        dir.display()
    );
    Ok(found)
}

/// Runs the command `cli` asks for.
pub fn run(cli: &Cli) -> anyhow::Result<ExitCode> {
    let context = Context {
        repo: paths::find_repo(cli.repo.as_deref())?,
        lang: cli.lang.unwrap_or_else(Lang::from_env),
        color: match cli.color {
            ColorWhen::Auto => anstream::ColorChoice::Auto,
            ColorWhen::Always => anstream::ColorChoice::Always,
            ColorWhen::Never => anstream::ColorChoice::Never,
        },
    };
    match &cli.command {
        None => grade::run(&context, &cli.grade),
        Some(Command::Watch(args)) => watch::run(&context, args),
        Some(Command::Hint(args)) => student::hint(&context, args),
        Some(Command::Solution(args)) => student::solution(&context, args),
        Some(Command::Reset(args)) => student::reset(&context, args),
        Some(Command::List(args)) => list::run(&context, args),
        Some(Command::Verify(args)) => verify::run(&context, args),
        Some(Command::Assign(args)) => assign::run(&context, args),
        Some(Command::Gradescope(args)) => gradescope::run(&context, args),
        Some(Command::Batch(args)) => batch::run(&context, args),
        Some(Command::ClassReport(args)) => class_report::run(&context, args),
        Some(Command::Similar(args)) => similar::run(&context, args),
    }
}
