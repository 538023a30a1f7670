//! `checker gradescope`: write the autograder bundle to upload to Gradescope.

use std::process::ExitCode;

use checker::kit::gradescope;

use super::Context;
use crate::cli::GradescopeArgs;

pub fn run(context: &Context, args: &GradescopeArgs) -> anyhow::Result<ExitCode> {
    super::ensure_course_kit(context, "gradescope")?;
    // Proven first: a broken manifest, or a test that fails a solution or
    // passes a stub, is refused here, not on Gradescope — which has no
    // solutions to prove them on.
    let grader = context.grader(args.suites.as_ref(), &args.run)?;
    let tasks = grader.select_tasks(&[])?;
    let quiet = args.run.quiet;
    let proof = checker::proof::ensure_proven(&grader, &tasks, &|suites| {
        if !quiet {
            eprintln!(
                "proving the suites in {} on the reference solutions and the stubs...",
                suites.display()
            );
        }
    })?;
    let bundle = gradescope::write(&context.repo, &grader.manifest.suites_dir, &args.out)?;
    let proven = match proof {
        checker::proof::Proof::Remembered => {
            "proven earlier on the reference solutions and the stubs, for this same content"
                .to_owned()
        }
        checker::proof::Proof::ProvenNow { secs } => {
            format!("proven now on the reference solutions and the stubs ({secs:.1} s)")
        }
    };
    context.print(&format!(
        "The suites pass every reference solution and fail every stub ({proven}); the bundle carries no solutions.\n"
    ))?;
    context.print(&format!(
        "Wrote {} ({} files, {} KiB): upload it as the assignment's autograder (Configure Autograder, zip file upload).\n",
        bundle.path.display(),
        bundle.files,
        bundle.bytes / 1024
    ))?;
    Ok(ExitCode::SUCCESS)
}
