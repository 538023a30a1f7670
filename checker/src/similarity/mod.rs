//! Similar submissions: for each task, which students' code is much the
//! same, where, and how much — so that an instructor can look, not so that
//! a number decides.
//!
//! Each student's files of a task are one document, lexed into normalised
//! tokens ([`tokens`]); the stub's tokens are base code; two documents are
//! compared by the share of their own tokens in shared stretches
//! ([`matching`]). This module compares every pair of a task's documents
//! and keeps the pairs above the threshold, the groups they form, and the
//! code to show side by side. It reads no files: the class layer hands it
//! text.

pub mod matching;
pub mod tokens;

use std::collections::{BTreeMap, HashSet};

use serde::{Deserialize, Serialize};

use self::matching::{Fingerprinted, compare, kgram_hashes};

/// How similarity is judged.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Settings {
    /// Tokens in a k-gram: the shortest stretch that counts as shared.
    pub k: usize,
    /// A pair is listed at or above this score (0 to 1)...
    pub threshold: f64,
    /// ...when each of the two has at least this many of its own tokens in
    /// shared stretches: two one-line solutions that are the same say
    /// nothing.
    pub min_shared_tokens: usize,
    /// A task is compared only when its submissions' median count of own
    /// tokens is at least this: below it, independent solutions converge
    /// as much as disguised copies differ (measured on the evaluation
    /// class: two independent solutions of task 1, 90 tokens each, score
    /// 0.8), so a score would accuse, not inform.
    pub min_task_tokens: usize,
}

/// The settings shipped, chosen on the evaluation class
/// (`checker/tests/fixtures/similarity/`, margins in the README).
pub const SETTINGS: Settings = Settings {
    k: 15,
    threshold: 0.4,
    min_shared_tokens: 40,
    min_task_tokens: 180,
};

/// A document's tokens past this are not compared: no honest solution of
/// this course comes near, and the cost grows with it.
const MAX_TOKENS: usize = 40_000;

/// A file's text past this is not kept for the report's side-by-side view.
const MAX_SHOWN_BYTES: usize = 64 * 1024;

/// The pairs of a task shown side by side (the most similar; the rest are
/// listed): a class that shares one solution lists thousands of pairs, and
/// the report must still open.
pub const SHOWN_PAIRS: usize = 25;

/// The shared stretches kept of a pair, longest first.
const KEPT_REGIONS: usize = 20;

/// One student's files of one task: (name relative to the task's folder,
/// text).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    pub student: String,
    pub files: Vec<(String, String)>,
}

/// Every task's similar pairs: `class.json`'s `similarity`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Similarity {
    pub settings: Settings,
    pub tasks: Vec<TaskSimilarity>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaskSimilarity {
    pub number: u32,
    pub slug: String,
    /// The task's source folder compared (`src`, `macros/src`): a task's
    /// folders are compared apart.
    #[serde(default)]
    pub folder: String,
    /// Submissions with code of their own for the task.
    pub compared: usize,
    /// The median of their counts of own tokens.
    pub median_own_tokens: usize,
    /// Whether the task has enough code of the students' own to compare
    /// (see [`Settings::min_task_tokens`]); if not, nothing is listed.
    pub judged: bool,
    /// Every pair's score in ten bands (0–0.1, …, 0.9–1): how the listed
    /// pairs stand against the rest.
    pub score_bands: [usize; 10],
    /// Pairs at or above the threshold, the most similar first.
    pub pairs: Vec<SimilarPair>,
    /// Three or more students joined by listed pairs.
    pub groups: Vec<Vec<String>>,
    /// The files of each student in one of the [`SHOWN_PAIRS`] most
    /// similar pairs, for the side-by-side view.
    pub sources: BTreeMap<String, Vec<SourceFile>>,
    /// Per student, files the lexer could not read (left out).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub unreadable: BTreeMap<String, Vec<String>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SimilarPair {
    pub a: String,
    pub b: String,
    /// The share of both students' own tokens in shared stretches, 0 to 1.
    pub score: f64,
    /// Own tokens in shared stretches, of `a` and of `b`.
    pub shared_tokens: [usize; 2],
    /// Own tokens (not the stub's), of `a` and of `b`.
    pub own_tokens: [usize; 2],
    /// The shared stretches, longest first.
    pub regions: Vec<Region>,
}

/// One shared stretch: lines of `a`'s file and of `b`'s.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Region {
    pub a: Lines,
    pub b: Lines,
    pub tokens: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lines {
    pub file: String,
    pub first: u32,
    pub last: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceFile {
    pub name: String,
    pub text: String,
    /// The text was cut at [`MAX_SHOWN_BYTES`].
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub cut: bool,
}

/// A task's documents, fingerprinted against the task's stub (`base`).
pub struct TaskDocuments<'a> {
    documents: Vec<(&'a Document, Fingerprinted)>,
    unreadable: BTreeMap<String, Vec<String>>,
    k: usize,
}

impl<'a> TaskDocuments<'a> {
    pub fn new(base: &[(String, String)], documents: &'a [Document], k: usize) -> Self {
        let (base_tokens, _) = tokens::tokenize(base, MAX_TOKENS);
        let base: HashSet<u64> = kgram_hashes(&base_tokens, k).into_iter().collect();
        let mut unreadable = BTreeMap::new();
        let documents = documents
            .iter()
            .map(|document| {
                let (tokens, refused) = tokens::tokenize(&document.files, MAX_TOKENS);
                if !refused.is_empty() {
                    unreadable.insert(document.student.clone(), refused);
                }
                (document, Fingerprinted::new(tokens, k, &base))
            })
            .collect();
        TaskDocuments {
            documents,
            unreadable,
            k,
        }
    }

    /// The score of documents `i` and `j`, and what they share.
    pub fn compare(&self, i: usize, j: usize) -> matching::PairMatch {
        compare(&self.documents[i].1, &self.documents[j].1, self.k)
    }

    /// Each document's own tokens (not the stub's), in order.
    pub fn own_tokens(&self) -> Vec<usize> {
        self.documents
            .iter()
            .map(|(_, document)| document.own_tokens)
            .collect()
    }

    pub fn len(&self) -> usize {
        self.documents.len()
    }

    pub fn is_empty(&self) -> bool {
        self.documents.is_empty()
    }
}

/// Compares every pair of `documents` (one per student) of task `number`.
pub fn compare_task(
    number: u32,
    slug: &str,
    base: &[(String, String)],
    documents: &[Document],
    settings: &Settings,
) -> TaskSimilarity {
    let task = TaskDocuments::new(base, documents, settings.k);
    // An untouched stub, or a file of the stub's alone, is nobody's code.
    let compared: Vec<usize> = (0..task.len())
        .filter(|&i| task.documents[i].1.own_tokens > 0)
        .collect();
    let mut sizes: Vec<usize> = compared
        .iter()
        .map(|&i| task.documents[i].1.own_tokens)
        .collect();
    sizes.sort_unstable();
    let median_own_tokens = sizes.get(sizes.len() / 2).copied().unwrap_or(0);
    let judged = median_own_tokens >= settings.min_task_tokens;
    let mut score_bands = [0; 10];
    let mut pairs = Vec::new();
    let judged_documents = if judged { compared.as_slice() } else { &[] };
    for (at, &i) in judged_documents.iter().enumerate() {
        for &j in &compared[at + 1..] {
            let score = matching::score(&task.documents[i].1, &task.documents[j].1);
            score_bands[((score * 10.0) as usize).min(9)] += 1;
            if score < settings.threshold {
                continue;
            }
            let found = task.compare(i, j);
            if listed(&found, settings) {
                pairs.push(pair(&task, i, j, &found));
            }
        }
    }
    pairs.sort_by(|x, y| {
        y.score
            .total_cmp(&x.score)
            .then_with(|| (&x.a, &x.b).cmp(&(&y.a, &y.b)))
    });
    let mut sources = BTreeMap::new();
    for pair in pairs.iter().take(SHOWN_PAIRS) {
        for student in [&pair.a, &pair.b] {
            if let Some(document) = documents.iter().find(|d| &d.student == student) {
                sources
                    .entry(student.clone())
                    .or_insert_with(|| shown(&document.files));
            }
        }
    }
    TaskSimilarity {
        number,
        slug: slug.to_owned(),
        folder: String::new(),
        compared: compared.len(),
        median_own_tokens,
        judged,
        score_bands,
        groups: groups(&pairs),
        pairs,
        sources,
        unreadable: task.unreadable,
    }
}

/// Whether a pair is similar enough to list.
pub fn listed(found: &matching::PairMatch, settings: &Settings) -> bool {
    found.score >= settings.threshold
        && found.shared_a.min(found.shared_b) >= settings.min_shared_tokens
}

/// A listed pair, named in name order, with its regions.
fn pair(task: &TaskDocuments, i: usize, j: usize, found: &matching::PairMatch) -> SimilarPair {
    let (first, second) = (&task.documents[i], &task.documents[j]);
    let mut regions: Vec<Region> = found
        .tiles
        .iter()
        .flat_map(|tile| regions_of(first, second, tile))
        .collect();
    let mut pair = SimilarPair {
        a: first.0.student.clone(),
        b: second.0.student.clone(),
        score: found.score,
        shared_tokens: [found.shared_a, found.shared_b],
        own_tokens: [first.1.own_tokens, second.1.own_tokens],
        regions: Vec::new(),
    };
    if pair.a > pair.b {
        std::mem::swap(&mut pair.a, &mut pair.b);
        pair.shared_tokens.reverse();
        pair.own_tokens.reverse();
        for region in &mut regions {
            std::mem::swap(&mut region.a, &mut region.b);
        }
    }
    regions.sort_by(|x, y| {
        y.tokens
            .cmp(&x.tokens)
            .then_with(|| x.a.first.cmp(&y.a.first))
    });
    regions.truncate(KEPT_REGIONS);
    pair.regions = regions;
    pair
}

/// A tile as lines of each side's files, split where either side moves on
/// to another file.
fn regions_of(
    first: &(&Document, Fingerprinted),
    second: &(&Document, Fingerprinted),
    tile: &matching::Tile,
) -> Vec<Region> {
    let place_a = |at: usize| first.1.tokens.places[tile.a + at];
    let place_b = |at: usize| second.1.tokens.places[tile.b + at];
    let name = |document: &Document, file: u16| {
        document
            .files
            .get(usize::from(file))
            .map_or_else(String::new, |(name, _)| name.clone())
    };
    // A tile reaches up to k - 1 tokens into the stub's code on either
    // side (a k-gram that straddles the two is nobody's base): the lines
    // shown start and end at the students' own tokens.
    let own = |at: usize| first.1.is_own(tile.a + at) || second.1.is_own(tile.b + at);
    let Some(from) = (0..tile.len).find(|&at| own(at)) else {
        return Vec::new();
    };
    let to = (0..tile.len)
        .rev()
        .find(|&at| own(at))
        .map_or(from, |at| at + 1);
    let mut regions: Vec<Region> = Vec::new();
    let mut start = from;
    for at in from + 1..=to {
        let split =
            at == to || place_a(at).0 != place_a(start).0 || place_b(at).0 != place_b(start).0;
        if split {
            let (a_first, a_last) = (place_a(start), place_a(at - 1));
            let (b_first, b_last) = (place_b(start), place_b(at - 1));
            regions.push(Region {
                a: Lines {
                    file: name(first.0, a_first.0),
                    first: a_first.1,
                    last: a_last.1,
                },
                b: Lines {
                    file: name(second.0, b_first.0),
                    first: b_first.1,
                    last: b_last.1,
                },
                tokens: at - start,
            });
            start = at;
        }
    }
    regions
}

/// The students that listed pairs join into groups of three or more.
fn groups(pairs: &[SimilarPair]) -> Vec<Vec<String>> {
    let mut groups: Vec<Vec<String>> = Vec::new();
    for pair in pairs {
        let found: Vec<usize> = (0..groups.len())
            .filter(|&g| groups[g].contains(&pair.a) || groups[g].contains(&pair.b))
            .collect();
        let mut joined = vec![pair.a.clone(), pair.b.clone()];
        for &g in found.iter().rev() {
            joined.extend(groups.remove(g));
        }
        joined.sort();
        joined.dedup();
        groups.push(joined);
    }
    groups.retain(|group| group.len() >= 3);
    groups.sort();
    groups
}

/// Files as the report shows them: each cut at [`MAX_SHOWN_BYTES`].
fn shown(files: &[(String, String)]) -> Vec<SourceFile> {
    files
        .iter()
        .map(|(name, text)| {
            let mut end = text.len().min(MAX_SHOWN_BYTES);
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            SourceFile {
                name: name.clone(),
                text: text[..end].to_owned(),
                cut: end < text.len(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn document(student: &str, text: &str) -> Document {
        Document {
            student: student.to_owned(),
            files: vec![("src/lib.rs".to_owned(), text.to_owned())],
        }
    }

    const STUB: &str =
        "pub fn given(x: u32) -> u32 { x + 1 }\npub fn task(v: &[u32]) -> u32 { todo!() }\n";
    const SOLVED: &str = "pub fn given(x: u32) -> u32 { x + 1 }\npub fn task(v: &[u32]) -> u32 {\n    let mut total = 0;\n    for x in v.iter() {\n        if *x % 2 == 0 { total += given(*x) * 3; } else { total -= 1; }\n    }\n    let doubled: Vec<u32> = v.iter().map(|x| x * 2).filter(|x| *x > 10).collect();\n    total + doubled.len() as u32\n}\n";

    fn settings() -> Settings {
        Settings {
            k: 8,
            threshold: 0.5,
            min_shared_tokens: 10,
            min_task_tokens: 10,
        }
    }

    #[test]
    fn a_renamed_copy_is_listed_with_its_lines_and_an_untouched_stub_is_not_compared() {
        let renamed = SOLVED.replace("total", "acc").replace("doubled", "big");
        let base = [("src/lib.rs".to_owned(), STUB.to_owned())];
        let documents = [
            document("zoe", SOLVED),
            document("adam", &renamed),
            document("stub", STUB),
        ];
        let task = compare_task(1, "t", &base, &documents, &settings());
        assert_eq!(task.compared, 2);
        assert_eq!(task.pairs.len(), 1);
        let pair = &task.pairs[0];
        assert_eq!((pair.a.as_str(), pair.b.as_str()), ("adam", "zoe"));
        assert!(pair.score > 0.95, "{pair:?}");
        let region = &pair.regions[0];
        // Line 2 is the stub's signature: the region starts where the
        // student's code does.
        assert_eq!((region.a.first, region.a.last), (3, 9));
        assert_eq!(region.a.file, "src/lib.rs");
        assert_eq!(task.sources.len(), 2);
        assert!(task.groups.is_empty());
        assert_eq!(task.score_bands[9], 1);
    }

    #[test]
    fn a_task_with_too_little_code_of_the_students_is_not_judged() {
        let base = [("src/lib.rs".to_owned(), STUB.to_owned())];
        let documents = [document("a", SOLVED), document("b", SOLVED)];
        let settings = Settings {
            min_task_tokens: 1000,
            ..settings()
        };
        let task = compare_task(1, "t", &base, &documents, &settings);
        assert!(!task.judged);
        assert!(task.median_own_tokens > 0 && task.median_own_tokens < 1000);
        assert!(task.pairs.is_empty() && task.sources.is_empty());
    }

    #[test]
    fn three_alike_make_a_group() {
        let base = [("src/lib.rs".to_owned(), STUB.to_owned())];
        let documents = [
            document("a", SOLVED),
            document("b", SOLVED),
            document("c", SOLVED),
            document("d", "pub fn task(v: &[u32]) -> u32 { v.len() as u32 }"),
        ];
        let task = compare_task(1, "t", &base, &documents, &settings());
        assert_eq!(task.pairs.len(), 3);
        assert_eq!(task.groups, [["a", "b", "c"]]);
    }
}
