//! `checker class-report`: merge class records and write the class report.

use std::process::ExitCode;

use anyhow::Context as _;
use checker::class::{html, record::ClassRecord};

use super::Context;
use crate::cli::ClassReportArgs;

pub fn run(context: &Context, args: &ClassReportArgs) -> anyhow::Result<ExitCode> {
    let records = args
        .records
        .iter()
        .map(|path| ClassRecord::load(path))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let class = ClassRecord::merge(records)?;
    if let Some(merged) = &args.merged {
        checker::paths::write_atomically(merged, &serde_json::to_vec_pretty(&class)?)
            .with_context(|| format!("cannot write {}", merged.display()))?;
        checker::paths::write_atomically(
            &merged.with_extension("csv"),
            class.to_csv()?.as_bytes(),
        )?;
    }
    checker::paths::write_atomically(&args.out, html::render(&class).as_bytes())
        .with_context(|| format!("cannot write {}", args.out.display()))?;
    context.print(&format!(
        "Wrote the class report of {} students to {}.\n",
        class.students.len(),
        args.out.display()
    ))?;
    Ok(ExitCode::SUCCESS)
}
