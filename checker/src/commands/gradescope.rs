//! `checker gradescope`: write the autograder bundle to upload to Gradescope.

use std::process::ExitCode;

use checker::kit::gradescope;

use super::Context;
use crate::cli::GradescopeArgs;

pub fn run(context: &Context, args: &GradescopeArgs) -> anyhow::Result<ExitCode> {
    super::ensure_course_kit(context, "gradescope")?;
    // Loaded first: a broken manifest is refused here, not on Gradescope.
    let manifest = context.manifest(args.suites.as_ref())?;
    let bundle = gradescope::write(&context.repo, &manifest.suites_dir, &args.out)?;
    context.print(&format!(
        "Wrote {} ({} files, {} KiB): upload it as the assignment's autograder (Configure Autograder, zip file upload).\n",
        bundle.path.display(),
        bundle.files,
        bundle.bytes / 1024
    ))?;
    Ok(ExitCode::SUCCESS)
}
