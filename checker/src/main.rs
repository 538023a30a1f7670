//! The checker's command line: parse, run the command, turn the outcome into
//! an exit status. The grading itself is in the library.

mod cli;
mod commands;

use std::process::ExitCode;

use clap::Parser as _;

/// Grading could not run (as clap's usage errors).
const CANNOT_GRADE: u8 = 2;

fn main() -> ExitCode {
    // Cargo starts the checker as rustc's wrapper while it builds the
    // course's plan: record, then become rustc.
    if checker::build::recorder::is_wrapper() {
        checker::build::recorder::record_and_run();
    }
    // The launcher must stay single-threaded: no Ctrl-C thread for it.
    if let Some(args) = cli::SandboxExecArgs::from_launcher_command_line() {
        checker::sandbox::launch(&args.request());
    }
    let cli = cli::Cli::parse();
    if let Err(error) = checker::interrupt::install() {
        eprintln!(
            "checker: cannot handle Ctrl-C ({error}); an interrupted grading may leave temporary folders"
        );
    }
    let outcome = commands::run(&cli);
    checker::interrupt::exit_if_interrupted();
    match outcome {
        Ok(code) => code,
        Err(error) => {
            eprintln!("checker: {error:#}");
            ExitCode::from(CANNOT_GRADE)
        }
    }
}
