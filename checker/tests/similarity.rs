//! The similarity check held to its evaluation class
//! (`tests/fixtures/similarity/`): per task, independent correct solutions
//! (the reference, the correct mutants of the suites — variants of the
//! reference —, and rewrites in other shapes) and planted copies of them,
//! disguised the ways students disguise code (each file's first lines say
//! how). Every file of the class grades full marks.
//!
//! Two documents are *independent* when they come from different origins
//! (the reference and its variants are one origin, each rewrite another; a
//! copy belongs to the origin it copies). A *copy pair* is a copy and the
//! document it copies. Pairs of one origin that are not copy pairs (the
//! reference and its own variants) share code by construction and are
//! neither.
//!
//! Run with `--nocapture` for the margins, the comparison of tiling with
//! winnowing, and the time for a class of 100.

use std::{
    path::{Path, PathBuf},
    time::Instant,
};

use checker::{
    manifest::Manifest,
    mutants::{self, Kind},
    similarity::{self, Document, SETTINGS},
};

struct Entry {
    name: String,
    origin: String,
    /// The document this one is a planted copy of.
    copy_of: Option<String>,
    text: String,
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// A task's evaluation class, and its stub (the base code).
fn evaluation_class(manifest: &Manifest, number: u32) -> (String, Vec<Entry>) {
    let repo = repo();
    let task = manifest.task(number).unwrap();
    let stub = std::fs::read_to_string(
        repo.join("checker/pristine")
            .join(&task.dir)
            .join(&task.edit),
    )
    .unwrap();
    let reference =
        std::fs::read_to_string(repo.join("solutions").join(&task.dir).join(&task.edit)).unwrap();
    let mut entries = vec![Entry {
        name: "reference".to_owned(),
        origin: "reference".to_owned(),
        copy_of: None,
        text: reference.clone(),
    }];
    for named in mutants::of_task(manifest, task).unwrap() {
        let edits_the_file = named
            .mutant
            .file
            .as_deref()
            .is_none_or(|file| file == task.edit);
        if named.mutant.kind == Kind::Correct && edits_the_file && named.mutant.added.is_empty() {
            entries.push(Entry {
                name: format!("right/{}", named.name),
                origin: "reference".to_owned(),
                copy_of: None,
                text: named.mutant.apply(&reference).unwrap(),
            });
        }
    }
    let folder = repo
        .join("checker/tests/fixtures/similarity")
        .join(&task.dir);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&folder)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    files.sort();
    for path in files {
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(&path).unwrap();
        let entry = match name.strip_prefix("copy_") {
            Some(of) => {
                let origin = if of == "reference" {
                    "reference".to_owned()
                } else {
                    of.to_owned()
                };
                Entry {
                    name: name.clone(),
                    origin,
                    copy_of: Some(of.to_owned()),
                    text,
                }
            }
            None => Entry {
                name: name.clone(),
                origin: name.clone(),
                copy_of: None,
                text,
            },
        };
        entries.push(entry);
    }
    (stub, entries)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Relation {
    Copy,
    Independent,
    SameOrigin,
}

fn relation(a: &Entry, b: &Entry) -> Relation {
    if a.copy_of.as_deref() == Some(&b.name) || b.copy_of.as_deref() == Some(&a.name) {
        Relation::Copy
    } else if a.origin != b.origin {
        Relation::Independent
    } else {
        Relation::SameOrigin
    }
}

fn documents(entries: &[Entry]) -> Vec<Document> {
    entries
        .iter()
        .map(|entry| Document {
            student: entry.name.clone(),
            files: vec![("src/lib.rs".to_owned(), entry.text.clone())],
        })
        .collect()
}

struct Scored {
    relation: Relation,
    /// Listed with the shipped settings.
    listed: bool,
    /// Winnowing's score (shipped).
    score: f64,
    /// Tiling's share of own tokens in shared stretches (the alternative).
    coverage: f64,
    /// Own tokens in shared stretches, of the smaller side.
    shared: usize,
    names: String,
}

/// Every pair of a task's evaluation class, scored.
fn scored(stub: &str, entries: &[Entry], k: usize) -> Vec<Scored> {
    let base = [("src/lib.rs".to_owned(), stub.to_owned())];
    let documents = documents(entries);
    let task = similarity::TaskDocuments::new(&base, &documents, k);
    let mut pairs = Vec::new();
    for i in 0..entries.len() {
        for j in i + 1..entries.len() {
            let found = task.compare(i, j);
            pairs.push(Scored {
                relation: relation(&entries[i], &entries[j]),
                listed: similarity::listed(&found, &SETTINGS),
                score: found.score,
                coverage: found.coverage,
                shared: found.shared_a.min(found.shared_b),
                names: format!("{} ~ {}", entries[i].name, entries[j].name),
            });
        }
    }
    pairs
}

/// (lowest copy score, highest independent score).
fn extremes(scores: impl Iterator<Item = (Relation, f64)>) -> (f64, f64) {
    let mut lowest_copy = f64::INFINITY;
    let mut highest_independent = 0.0f64;
    for (relation, score) in scores {
        match relation {
            Relation::Copy => lowest_copy = lowest_copy.min(score),
            Relation::Independent => highest_independent = highest_independent.max(score),
            Relation::SameOrigin => {}
        }
    }
    (lowest_copy, highest_independent)
}

fn manifest() -> Manifest {
    Manifest::load(&repo().join("checker/suites")).unwrap()
}

/// Whether the shipped settings judge a task at all: the median of its
/// documents' own tokens.
fn judged(stub: &str, entries: &[Entry]) -> (bool, usize) {
    let base = [("src/lib.rs".to_owned(), stub.to_owned())];
    let found = similarity::compare_task(0, "t", &base, &documents(entries), &SETTINGS);
    (found.judged, found.median_own_tokens)
}

#[test]
fn every_planted_copy_outranks_every_independent_pair_and_none_independent_is_listed() {
    let manifest = manifest();
    let mut problems = Vec::new();
    let mut tasks_judged = 0;
    for task in &manifest.tasks {
        let (stub, entries) = evaluation_class(&manifest, task.number);
        let pairs = scored(&stub, &entries, SETTINGS.k);
        let count = |relation| {
            pairs
                .iter()
                .filter(|pair| pair.relation == relation)
                .count()
        };
        let (copies, independent) = (count(Relation::Copy), count(Relation::Independent));
        assert!(
            copies >= 2 && independent >= 3,
            "task {}: {copies} copy pairs, {independent} independent",
            task.number
        );
        let (lowest_copy, highest_independent) =
            extremes(pairs.iter().map(|pair| (pair.relation, pair.score)));
        let (judged, median) = judged(&stub, &entries);
        println!(
            "task {} ({} documents, median {median} own tokens, {}): {copies} copy pairs, lowest {lowest_copy:.3}; {independent} independent, highest {highest_independent:.3}; margin {:+.3}",
            task.number,
            entries.len(),
            if judged { "judged" } else { "not judged" },
            lowest_copy - highest_independent
        );
        for pair in pairs
            .iter()
            .filter(|pair| pair.relation != Relation::SameOrigin)
        {
            println!(
                "    {:?} {:.3} (tiling {:.3}, {} shared) {}",
                pair.relation, pair.score, pair.coverage, pair.shared, pair.names
            );
        }
        if !judged {
            // Too little code of the students' own: nothing may be listed.
            let base = [("src/lib.rs".to_owned(), stub.clone())];
            let found = similarity::compare_task(
                task.number,
                &task.slug,
                &base,
                &documents(&entries),
                &SETTINGS,
            );
            assert!(
                found.pairs.is_empty(),
                "task {}: listed though not judged",
                task.number
            );
            continue;
        }
        tasks_judged += 1;
        if lowest_copy <= highest_independent {
            problems.push(format!(
                "task {}: a copy ranks below an independent pair",
                task.number
            ));
        }
        for pair in &pairs {
            match pair.relation {
                Relation::Independent if pair.listed => problems.push(format!(
                    "task {}: independent {} listed at {:.3}",
                    task.number, pair.names, pair.score
                )),
                Relation::Copy if !pair.listed => problems.push(format!(
                    "task {}: copy {} not listed ({:.3}, {} shared)",
                    task.number, pair.names, pair.score, pair.shared
                )),
                _ => {}
            }
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
    // The tasks where students write most are the ones that matter here.
    assert!(tasks_judged >= 3, "only {tasks_judged} tasks judged");
}

/// The figures behind the choice of winnowing's score over tiling's
/// coverage, and of k: the margin (lowest copy minus highest independent)
/// per task for each k, both ways (printed), and the choice held: at the
/// shipped k, winnowing's smallest margin over the compared tasks is the
/// wider.
#[test]
fn winnowing_separates_copies_wider_than_tiling() {
    let manifest = manifest();
    let classes: Vec<(u32, String, Vec<Entry>)> = manifest
        .tasks
        .iter()
        .map(|task| {
            let (stub, entries) = evaluation_class(&manifest, task.number);
            (task.number, stub, entries)
        })
        .collect();
    for k in [8, 10, 12, 15, 20, 25] {
        let mut line = format!("k = {k:2}:");
        let (mut winnowing_least, mut tiling_least) = (f64::INFINITY, f64::INFINITY);
        for (number, stub, entries) in &classes {
            let pairs = scored(stub, entries, k);
            let margin = |of: fn(&Scored) -> f64| {
                let (copy, independent) =
                    extremes(pairs.iter().map(|pair| (pair.relation, of(pair))));
                copy - independent
            };
            let (winnowing, tiling) = (margin(|pair| pair.score), margin(|pair| pair.coverage));
            line.push_str(&format!(
                "  task {number}: winnowing {winnowing:+.2}, tiling {tiling:+.2}"
            ));
            if judged(stub, entries).0 {
                winnowing_least = winnowing_least.min(winnowing);
                tiling_least = tiling_least.min(tiling);
            }
        }
        println!(
            "{line}  (least over the compared: winnowing {winnowing_least:+.2}, tiling {tiling_least:+.2})"
        );
        if k == SETTINGS.k {
            assert!(
                winnowing_least > tiling_least,
                "at k = {k}, tiling separates as well: {tiling_least:.2} against {winnowing_least:.2}"
            );
        }
    }
}

/// Not a test of speed (that is a figure, printed): a class of 100 with the
/// shipped settings gives every task an answer.
#[test]
fn a_class_of_a_hundred() {
    let manifest = manifest();
    let started = Instant::now();
    for task in &manifest.tasks {
        let (stub, entries) = evaluation_class(&manifest, task.number);
        let base = [("src/lib.rs".to_owned(), stub)];
        // A hundred students: the class's documents over and over, each
        // time with its names changed, as a hundred students' would be.
        let documents: Vec<Document> = (0..100)
            .map(|student| {
                let entry = &entries[student % entries.len()];
                Document {
                    student: format!("student-{student:03}"),
                    files: vec![(
                        "src/lib.rs".to_owned(),
                        entry
                            .text
                            .replace("let ", &format!("let _{student}_ = (); let ")),
                    )],
                }
            })
            .collect();
        let found = similarity::compare_task(task.number, &task.slug, &base, &documents, &SETTINGS);
        let pairs_scored = if found.judged {
            found.compared * (found.compared - 1) / 2
        } else {
            0
        };
        assert_eq!(found.score_bands.iter().sum::<usize>(), pairs_scored);
        // Every document is there five times over: the judged tasks list pairs.
        assert_eq!(
            found.judged,
            !found.pairs.is_empty(),
            "task {}",
            task.number
        );
    }
    println!(
        "similarity of 100 submissions x {} tasks: {:.2} s",
        manifest.tasks.len(),
        started.elapsed().as_secs_f64()
    );
}
