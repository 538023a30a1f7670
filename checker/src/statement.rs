//! A task's statement (`exercises/<task>/README.md`) read as requirements,
//! and the trace from each requirement to the hidden tests that hold it.
//!
//! Every sentence the grader holds a student to carries a tag, `[R1]`,
//! `[R2]`, ..., in the English part and again in the Russian one; a test in
//! `tasks.toml` names the tags it checks (`checks = ["R2"]`). The trace is
//! what `checker verify` proves before anything is graded: no requirement
//! without a test, no test without a requirement, and both languages tag
//! the same requirements.

use std::{collections::BTreeSet, path::Path};

use anyhow::Context as _;

use crate::manifest::Task;

/// One tagged requirement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Requirement {
    /// `R1`, `R2`, ...
    pub id: String,
    /// The English sentence the tag stands before, in one line.
    pub text: String,
}

/// A requirement and the tests that check it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Traced {
    pub requirement: Requirement,
    pub tests: Vec<String>,
}

/// One task's trace, and whatever breaks it.
#[derive(Debug, Clone)]
pub struct Trace {
    pub number: u32,
    pub slug: String,
    pub requirements: Vec<Traced>,
    pub problems: Vec<String>,
}

/// Where task `task`'s statement lives in the repository `repo`.
pub fn statement_path(repo: &Path, task: &Task) -> std::path::PathBuf {
    repo.join("exercises").join(&task.dir).join("README.md")
}

/// Reads `task`'s statement and traces it to the tests of the manifest.
pub fn trace(repo: &Path, task: &Task) -> anyhow::Result<Trace> {
    let path = statement_path(repo, task);
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read the statement {}", path.display()))?;
    Ok(trace_text(&text, task))
}

/// [`trace`] of a statement already read.
pub fn trace_text(statement: &str, task: &Task) -> Trace {
    let mut problems = Vec::new();
    let (english, russian) = split_languages(statement);
    let requirements = tagged(english, &mut problems, "English");
    let russian_ids: BTreeSet<String> = tagged(russian.unwrap_or(""), &mut problems, "Russian")
        .into_iter()
        .map(|requirement| requirement.id)
        .collect();
    if russian.is_none() {
        problems.push("the statement has no \"## Русский\" part".to_owned());
    }
    let english_ids: BTreeSet<String> = requirements.iter().map(|r| r.id.clone()).collect();
    for id in english_ids.difference(&russian_ids) {
        problems.push(format!(
            "[{id}] is in the English statement, not the Russian one"
        ));
    }
    for id in russian_ids.difference(&english_ids) {
        problems.push(format!(
            "[{id}] is in the Russian statement, not the English one"
        ));
    }

    let traced: Vec<Traced> = requirements
        .into_iter()
        .map(|requirement| {
            let tests = task
                .tests
                .iter()
                .filter(|test| test.checks.contains(&requirement.id))
                .map(|test| test.name.clone())
                .collect::<Vec<_>>();
            if tests.is_empty() {
                problems.push(format!(
                    "[{}] has no test: {}",
                    requirement.id,
                    shorten(&requirement.text, 70)
                ));
            }
            Traced { requirement, tests }
        })
        .collect();
    for test in &task.tests {
        if test.checks.is_empty() {
            problems.push(format!(
                "{} names no requirement (give it checks = [\"R..\"])",
                test.name
            ));
        }
        for id in test.checks.iter().filter(|id| !english_ids.contains(*id)) {
            problems.push(format!(
                "{} checks [{id}], which the statement does not tag",
                test.name
            ));
        }
    }
    Trace {
        number: task.number,
        slug: task.slug.clone(),
        requirements: traced,
        problems,
    }
}

/// The English part and, after its `## Русский` heading, the Russian one.
fn split_languages(statement: &str) -> (&str, Option<&str>) {
    match statement.find("\n## Русский") {
        Some(at) => (&statement[..at], Some(&statement[at..])),
        None => (statement, None),
    }
}

/// Every `[R<n>]` tag of `text`, with the sentence after it: up to the next
/// tag, the end of its paragraph or list item.
fn tagged(text: &str, problems: &mut Vec<String>, language: &str) -> Vec<Requirement> {
    let mut found: Vec<Requirement> = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find("[R") {
        let after = &rest[at + 2..];
        let digits = after.chars().take_while(char::is_ascii_digit).count();
        if digits == 0 || !after[digits..].starts_with(']') {
            rest = after;
            continue;
        }
        let id = format!("R{}", &after[..digits]);
        let body = &after[digits + 1..];
        let end = sentence_end(body);
        let text = body[..end]
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .replace("**", "");
        if found.iter().any(|requirement| requirement.id == id) {
            problems.push(format!(
                "[{id}] is tagged twice in the {language} statement"
            ));
        } else {
            found.push(Requirement { id, text });
        }
        rest = body;
    }
    found
}

/// Where a requirement's sentence ends in `body`: at the next tag, a blank
/// line, or the next list item.
fn sentence_end(body: &str) -> usize {
    let mut end = body.find("[R").unwrap_or(body.len());
    let mut offset = 0;
    for line in body.split_inclusive('\n') {
        if offset > 0 {
            let trimmed = line.trim_start();
            let list_item = trimmed.starts_with("- ")
                || trimmed
                    .split_once(". ")
                    .is_some_and(|(number, _)| number.parse::<u32>().is_ok());
            if trimmed.is_empty() || list_item {
                end = end.min(offset);
                break;
            }
        }
        offset += line.len();
    }
    end
}

/// `text` cut to about `width` characters.
fn shorten(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        return text.to_owned();
    }
    let cut: String = text.chars().take(width - 1).collect();
    format!("{}…", cut.trim_end())
}

/// The traces as text: per task, each requirement and the tests holding it.
pub fn render(traces: &[Trace]) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    for trace in traces {
        let _ = writeln!(
            out,
            "task {} ({}): {} requirements",
            trace.number,
            trace.slug,
            trace.requirements.len()
        );
        for traced in &trace.requirements {
            let tests = if traced.tests.is_empty() {
                "! no test".to_owned()
            } else {
                traced.tests.join(", ")
            };
            let _ = writeln!(
                out,
                "  [{}] {}\n        ← {tests}",
                traced.requirement.id,
                shorten(&traced.requirement.text, 72)
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manifest::TestSpec;

    fn task_with(tests: &[(&str, &[&str])]) -> Task {
        let tests = tests
            .iter()
            .map(|(name, checks)| {
                toml::from_str::<TestSpec>(&format!(
                    "name = {name:?}\npoints = 1\nchecks = {checks:?}"
                ))
                .unwrap()
            })
            .collect::<Vec<_>>();
        let mut task: Task = toml::from_str(
            "number = 1\nslug = \"x\"\ntitle = \"X\"\ndir = \"01-x\"\nlib = \"x\"\nedit = \"src/lib.rs\"\ntest = []",
        )
        .unwrap();
        task.tests = tests;
        task
    }

    const STATEMENT: &str = "# Task\n\n## English\n\nDone means:\n- [R1] results come back **in order**,\n  even late ones;\n- [R2] nothing panics. [R3] Nothing blocks.\n\nTry it.\n\n## Русский\n\n- [R1] по порядку;\n- [R2] без паники. [R3] Без блокировок.\n";

    #[test]
    fn tags_read_as_requirements_with_their_sentences() {
        let task = task_with(&[("a", &["R1"]), ("b", &["R2", "R3"])]);
        let trace = trace_text(STATEMENT, &task);
        assert!(trace.problems.is_empty(), "{:?}", trace.problems);
        let texts: Vec<(&str, &str)> = trace
            .requirements
            .iter()
            .map(|traced| {
                (
                    traced.requirement.id.as_str(),
                    traced.requirement.text.as_str(),
                )
            })
            .collect();
        assert_eq!(
            texts,
            [
                ("R1", "results come back in order, even late ones;"),
                ("R2", "nothing panics."),
                ("R3", "Nothing blocks."),
            ]
        );
        assert_eq!(trace.requirements[2].tests, ["b"]);
        let text = render(&[trace]);
        assert!(
            text.contains("task 1 (x): 3 requirements\n  [R1] results come back in order"),
            "{text}"
        );
    }

    #[test]
    fn an_untested_requirement_a_test_without_one_and_an_unknown_tag_are_problems() {
        let task = task_with(&[("a", &["R1"]), ("b", &[]), ("c", &["R9"])]);
        let problems = trace_text(STATEMENT, &task).problems;
        assert_eq!(
            problems,
            [
                "[R2] has no test: nothing panics.",
                "[R3] has no test: Nothing blocks.",
                "b names no requirement (give it checks = [\"R..\"])",
                "c checks [R9], which the statement does not tag",
            ]
        );
    }

    #[test]
    fn both_languages_must_tag_the_same_requirements() {
        let task = task_with(&[("a", &["R1", "R2", "R3"])]);
        let statement = STATEMENT.replace("[R3] Без блокировок.", "Без блокировок. [R4] Ещё.");
        let problems = trace_text(&statement, &task).problems;
        assert_eq!(
            problems,
            [
                "[R3] is in the English statement, not the Russian one",
                "[R4] is in the Russian statement, not the English one",
            ]
        );
        let english_only = STATEMENT.split("\n## Русский").next().unwrap();
        let problems = trace_text(english_only, &task).problems;
        assert!(
            problems
                .iter()
                .any(|p| p.contains("no \"## Русский\" part")),
            "{problems:?}"
        );
        let twice = STATEMENT.replace("[R3] Nothing", "[R2] Nothing");
        let problems = trace_text(&twice, &task).problems;
        assert!(
            problems.contains(&"[R2] is tagged twice in the English statement".to_owned()),
            "{problems:?}"
        );
    }

    #[test]
    fn every_built_in_statement_is_traced_to_its_tests() {
        let repo = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
        let manifest = crate::manifest::Manifest::load(&repo.join("checker/suites")).unwrap();
        for task in &manifest.tasks {
            let trace = trace(repo, task).unwrap();
            // A student edition leaves some tests out (graded on hand-in):
            // the requirements only they hold are untested there.
            let problems: Vec<&String> = trace
                .problems
                .iter()
                .filter(|problem| {
                    manifest.graded_later.is_none() || !problem.contains("has no test")
                })
                .collect();
            assert!(problems.is_empty(), "task {}: {problems:#?}", task.number);
            assert!(trace.requirements.len() >= 5, "task {}", task.number);
        }
    }
}
