//! `checker similar`: similar code among a class's submissions, on its own
//! (for a class graded elsewhere); `batch` uses [`compare`] and
//! [`summary`] too.

use std::{path::Path, process::ExitCode};

use anyhow::Context as _;
use checker::{
    class::{
        roster::Roster,
        similar_html,
        similarity::of_class,
        submissions::{self, Shard, Submission},
    },
    manifest::Manifest,
    report::visible::plain,
    similarity::{SETTINGS, Similarity},
};

use super::Context;
use crate::cli::SimilarArgs;

/// Compares `found` with the shipped settings, the course's shipped stubs
/// as base code.
pub fn compare(
    context: &Context,
    manifest: &Manifest,
    found: &[Submission],
    trusted: &Path,
) -> anyhow::Result<Similarity> {
    let pristine = context.repo.join("checker").join("pristine");
    of_class(manifest, found, trusted, &pristine, &SETTINGS)
}

/// A few lines for the terminal: per task, the pairs listed, or why none.
pub fn summary(similarity: &Similarity) -> String {
    let mut text = String::from("Similar code (a reason to look, not a finding):\n");
    for task in &similarity.tasks {
        let line = if !task.judged {
            format!(
                "not compared: a median of {} tokens of the students' own, too little to tell a copy from a solution found twice",
                task.median_own_tokens
            )
        } else if task.pairs.is_empty() {
            format!("no pair of {} submissions listed", task.compared)
        } else {
            let pairs: Vec<String> = task
                .pairs
                .iter()
                .take(5)
                .map(|pair| format!("{} · {} {:.2}", plain(&pair.a), plain(&pair.b), pair.score))
                .collect();
            let more = task.pairs.len().saturating_sub(5);
            format!(
                "{} pair(s) listed: {}{}",
                task.pairs.len(),
                pairs.join(", "),
                if more > 0 {
                    format!(" and {more} more")
                } else {
                    String::new()
                }
            )
        };
        text.push_str(&format!(
            "  task {} {} {}/: {line}\n",
            task.number, task.slug, task.folder
        ));
    }
    text
}

pub fn run(context: &Context, args: &SimilarArgs) -> anyhow::Result<ExitCode> {
    let manifest = context.manifest(None)?;
    let roster = match &args.roster {
        Some(path) => Roster::load(path)?,
        None => Roster::default(),
    };
    let class = super::batch::class_folder(&args.class, &manifest, args.force)?;
    let found = submissions::discover(&class, &roster, Shard::ALL, &args.out)?;
    let trusted = checker::paths::canonical(&context.repo.join("exercises"))?;
    let similarity = compare(context, &manifest, &found, &trusted)?;
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("cannot create {}", args.out.display()))?;
    let json = args.out.join("similarity.json");
    let html = args.out.join("similarity.html");
    checker::paths::write_atomically(&json, &serde_json::to_vec_pretty(&similarity)?)?;
    checker::paths::write_atomically(
        &html,
        similar_html::page(&manifest.title, &similarity).as_bytes(),
    )?;
    context.print(&format!(
        "Compared {} submissions.\n{}Wrote {} and {}.\n",
        found.len(),
        summary(&similarity),
        json.display(),
        html.display()
    ))?;
    Ok(ExitCode::SUCCESS)
}
