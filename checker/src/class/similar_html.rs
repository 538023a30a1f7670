//! The class report's section on similar code: per task, the pairs listed,
//! the groups they form, how all pairs' scores spread, and for each pair
//! the shared stretches side by side in both students' code. Everything a
//! student wrote is escaped; the page stays self-contained (no scripts:
//! `<details>` opens a pair).

use std::{collections::BTreeSet, fmt::Write as _};

use super::html::escape;
use crate::similarity::{SHOWN_PAIRS, SimilarPair, Similarity, SourceFile, TaskSimilarity};

/// What the numbers mean, and what they do not: said once, above the tasks.
const HOW_TO_READ: &str = "<p class=\"similar-intro\">Pairs of submissions with much of their own code in common: the stub's code is left out, and names, literals, comments and layout are ignored. <b>Similar small solutions are expected</b>: a short function can be written only a few ways, and a class learns from the same lecture. A pair listed here is a reason to open the two side by side, not a finding: judge by the code, and by what the students can tell you about it.</p>\n<p class=\"similar-intro\">The score is the share of code fingerprints (runs of {k} tokens) the two have in common, from 0 to 1; 1 is the same code under other names. On the course's evaluation class, independent correct solutions score at most 0.29 and copies disguised by renaming, reordering, extracting helpers or rewriting loops at least 0.55; pairs are listed from {threshold:.2}. A task on which students write little code of their own (a median under {min_task} tokens) is not compared: there, independent solutions are as alike as copies.</p>\n";

/// The section, for the class report or a page of its own.
pub fn section(page: &mut String, similarity: &Similarity) {
    page.push_str("<h2 id=\"similar\">Similar code</h2>\n");
    let settings = &similarity.settings;
    page.push_str(
        &HOW_TO_READ
            .replace("{k}", &settings.k.to_string())
            .replace("{threshold:.2}", &format!("{:.2}", settings.threshold))
            .replace("{min_task}", &settings.min_task_tokens.to_string()),
    );
    for task in &similarity.tasks {
        task_section(page, task);
    }
}

fn task_section(page: &mut String, task: &TaskSimilarity) {
    let _ = writeln!(
        page,
        "<h3 data-similar-task=\"{0}\" data-folder=\"{2}\">Task {0} {1} <code>{2}/</code></h3>",
        task.number,
        escape(&task.slug),
        escape(&task.folder)
    );
    if !task.judged {
        let _ = writeln!(
            page,
            "<p class=\"not-judged\" data-judged=\"false\">Not compared: {} submissions have code of their own here, a median of {} tokens, too little to tell a copy from a solution found twice.</p>",
            task.compared, task.median_own_tokens
        );
        return;
    }
    let pairs_scored: usize = task.score_bands.iter().sum();
    let _ = writeln!(
        page,
        "<p data-judged=\"true\">{} submissions compared (a median of {} tokens of their own), {} pairs: <span data-listed=\"{}\">{} listed</span>.</p>",
        task.compared,
        task.median_own_tokens,
        pairs_scored,
        task.pairs.len(),
        task.pairs.len()
    );
    score_bands(page, &task.score_bands);
    if task.pairs.is_empty() {
        return;
    }
    for group in &task.groups {
        let names: Vec<String> = group.iter().map(|name| escape(name)).collect();
        let _ = writeln!(
            page,
            "<p class=\"group\" data-group=\"{}\">{} students share much of their code with each other: {}.</p>",
            group.len(),
            group.len(),
            names.join(", ")
        );
    }
    page.push_str("<table class=\"pairs\">\n<tr><th>students</th><th>score</th><th>own tokens in shared stretches</th><th></th></tr>\n");
    for (at, pair) in task.pairs.iter().enumerate() {
        let link = if at < SHOWN_PAIRS {
            format!(
                "<a href=\"#pair-{}-{}-{at}\">side by side</a>",
                task.number,
                anchor(&task.folder)
            )
        } else {
            String::new()
        };
        let _ = writeln!(
            page,
            "<tr data-pair=\"{a}|{b}\" data-score=\"{score:.3}\"><td>{a} · {b}</td><td>{score:.2}</td><td>{} of {} · {} of {}</td><td>{link}</td></tr>",
            pair.shared_tokens[0],
            pair.own_tokens[0],
            pair.shared_tokens[1],
            pair.own_tokens[1],
            a = escape(&pair.a),
            b = escape(&pair.b),
            score = pair.score,
        );
    }
    page.push_str("</table>\n");
    for (at, pair) in task.pairs.iter().enumerate().take(SHOWN_PAIRS) {
        side_by_side(page, task, at, pair);
    }
    if task.pairs.len() > SHOWN_PAIRS {
        let _ = writeln!(
            page,
            "<p class=\"axis\">Side by side: the {SHOWN_PAIRS} most similar pairs; class.json has every pair's shared lines.</p>"
        );
    }
}

/// A folder as part of an id: `macros/src` → `macros-src`.
fn anchor(folder: &str) -> String {
    folder
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect()
}

/// All pairs' scores, as a row of ten bars.
fn score_bands(page: &mut String, bands: &[usize; 10]) {
    let tallest = bands.iter().copied().max().unwrap_or(0).max(1);
    page.push_str("<svg class=\"bands\" width=\"330\" height=\"70\" role=\"img\" aria-label=\"pairs by score\">");
    for (band, &count) in bands.iter().enumerate() {
        let height = if count == 0 {
            0
        } else {
            (count * 44 / tallest).max(2)
        };
        let x = band * 32;
        let _ = write!(
            page,
            "<g data-score-band=\"{band}\" data-pairs=\"{count}\"><rect x=\"{x}\" y=\"{}\" width=\"28\" height=\"{height}\" fill=\"#4c78a8\"/><text x=\"{}\" y=\"66\" text-anchor=\"middle\" class=\"axis\">{:.1}</text><title>{count} pairs</title></g>",
            50 - height,
            x + 14,
            band as f64 / 10.0
        );
    }
    page.push_str(
        "</svg>\n<p class=\"axis\">pairs by score (each bar from its label up to the next)</p>\n",
    );
}

/// One pair's shared stretches, and both students' files with the shared
/// lines marked.
fn side_by_side(page: &mut String, task: &TaskSimilarity, at: usize, pair: &SimilarPair) {
    let _ = writeln!(
        page,
        "<details class=\"pair\" id=\"pair-{}-{}-{at}\"><summary>{} · {}: {:.2}</summary>",
        task.number,
        anchor(&task.folder),
        escape(&pair.a),
        escape(&pair.b),
        pair.score
    );
    page.push_str("<ul class=\"regions\">");
    for region in &pair.regions {
        let _ = write!(
            page,
            "<li>{} lines {}–{} ↔ {} lines {}–{} ({} tokens)</li>",
            escape(&region.a.file),
            region.a.first,
            region.a.last,
            escape(&region.b.file),
            region.b.first,
            region.b.last,
            region.tokens
        );
    }
    page.push_str("</ul>\n<div class=\"sides\">");
    for (student, side) in [(&pair.a, 0), (&pair.b, 1)] {
        let marked: BTreeSet<(&str, u32)> = pair
            .regions
            .iter()
            .flat_map(|region| {
                let lines = if side == 0 { &region.a } else { &region.b };
                (lines.first..=lines.last).map(move |line| (lines.file.as_str(), line))
            })
            .collect();
        let _ = write!(page, "<div class=\"side\"><h4>{}</h4>", escape(student));
        for file in task.sources.get(student).into_iter().flatten() {
            code(page, file, &marked);
        }
        page.push_str("</div>");
    }
    page.push_str("</div></details>\n");
}

/// A file with line numbers, the `marked` lines highlighted.
fn code(page: &mut String, file: &SourceFile, marked: &BTreeSet<(&str, u32)>) {
    let _ = write!(page, "<p class=\"file\">{}</p><pre>", escape(&file.name));
    for (number, line) in (1u32..).zip(file.text.lines()) {
        let class = if marked.contains(&(file.name.as_str(), number)) {
            " class=\"m\""
        } else {
            ""
        };
        // One block per line: no newline between them, or <pre> shows two.
        let _ = write!(
            page,
            "<span{class}><i>{number:4}</i> {}</span>",
            escape(line)
        );
    }
    if file.cut {
        page.push_str("<span><i>(cut here: the file is longer)</i></span>");
    }
    page.push_str("</pre>");
}

/// The section as a page of its own (`checker similar`).
pub fn page(title: &str, similarity: &Similarity) -> String {
    let mut page = String::new();
    let title = escape(title);
    let _ = write!(
        page,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{title}: similar code</title>\n<style>{}{STYLE}</style>\n</head>\n<body>\n<h1>{title}: similar code</h1>\n",
        super::html::STYLE
    );
    section(&mut page, similarity);
    page.push_str("</body>\n</html>\n");
    page
}

/// The section's own style, added to the report's.
pub const STYLE: &str = ".similar-intro{max-width:60em}.pair summary{cursor:pointer;margin:.5em 0}\
.sides{display:flex;gap:1em;align-items:flex-start}.side{flex:1;min-width:0;overflow-x:auto}\
pre{font-size:12px;background:#fafafa;border:1px solid #ddd;padding:4px}pre span{display:block;white-space:pre}\
pre span.m{background:#fde2b8}pre i{color:#999;font-style:normal}.file{font-family:monospace;margin:.3em 0}\
.not-judged{color:#555}.group{font-weight:bold}";
