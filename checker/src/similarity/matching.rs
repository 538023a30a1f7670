//! How much of two documents' own code is the same, with the stub's code
//! (base code) left out: a score from winnowed fingerprints, and the shared
//! stretches to show from greedy tiling.
//!
//! Every run of `k` tokens (a k-gram) of a document is hashed. A k-gram the
//! stub also has is the course's, not the student's: it is never matched,
//! and a token inside one is not the student's own.
//!
//! - **The score** is MOSS's winnowing: of each window of `w` consecutive
//!   k-gram hashes the smallest is kept as a fingerprint, and two documents
//!   score the share of fingerprints they have in common (Dice). On the
//!   evaluation class it separates planted copies from independent
//!   solutions by a wider margin than the share of tokens in tiles (the
//!   evaluation test prints both): a set of fingerprints counts a shared
//!   idiom once, where tokens count it as long as it is.
//! - **The stretches** are tiles, as in JPlag's greedy string tiling: runs
//!   of k-grams shared at the same offset, longest first, each token used
//!   once, so a moved function still matches whole and a repeated stretch is
//!   counted once. They give the lines shown side by side, and the count of
//!   a student's own tokens that are shared.

use std::collections::{HashMap, HashSet, hash_map::DefaultHasher};
use std::hash::{Hash as _, Hasher as _};

use super::tokens::Tokens;

/// A k-gram that occurs more often than this in one document is filler (a
/// table of numbers, a repeated line), not evidence, and is not matched:
/// it would also make the pairs to look at grow with the square of its
/// count.
const MAX_REPEATS: usize = 16;

/// A document ready to be compared.
#[derive(Debug, Clone)]
pub struct Fingerprinted {
    pub tokens: Tokens,
    /// The hash of the k-gram starting at each token (none for the last
    /// `k - 1`).
    pub hashes: Vec<u64>,
    /// Whether the k-gram at each start may be matched (not base code, not
    /// filler).
    matchable: Vec<bool>,
    /// Whether each token is the student's own: in no k-gram of the base.
    own: Vec<bool>,
    /// How many tokens are the student's own.
    pub own_tokens: usize,
    /// The winnowed fingerprints, base code and filler left out.
    fingerprints: HashSet<u64>,
    /// Where each matchable k-gram starts, by hash.
    starts: HashMap<u64, Vec<usize>>,
}

/// The winnowing window: a shared stretch of `k + WINDOW - 1` tokens is
/// always seen; at `k = 15` that is 18 tokens, about one line.
pub const WINDOW: usize = 4;

/// Of each window of `w` consecutive hashes, the smallest, each kept once
/// (a set: where it was does not count toward the score).
pub fn winnow(hashes: &[u64], w: usize) -> HashSet<u64> {
    if hashes.len() <= w {
        return hashes.iter().copied().min().into_iter().collect();
    }
    hashes
        .windows(w)
        .map(|window| *window.iter().min().expect("a window is never empty"))
        .collect()
}

/// Dice's share of fingerprints in common, 0 to 1.
fn dice(a: &HashSet<u64>, b: &HashSet<u64>) -> f64 {
    let total = a.len() + b.len();
    if total == 0 {
        return 0.0;
    }
    2.0 * a.intersection(b).count() as f64 / total as f64
}

/// The hashes of every k-gram of `tokens`.
pub fn kgram_hashes(tokens: &Tokens, k: usize) -> Vec<u64> {
    tokens
        .kinds
        .windows(k)
        .map(|window| {
            let mut hasher = DefaultHasher::new();
            window.hash(&mut hasher);
            hasher.finish()
        })
        .collect()
}

impl Fingerprinted {
    /// `tokens` hashed in k-grams, with those of `base` marked as not the
    /// student's.
    pub fn new(tokens: Tokens, k: usize, base: &HashSet<u64>) -> Fingerprinted {
        let hashes = kgram_hashes(&tokens, k);
        let mut counts: HashMap<u64, usize> = HashMap::new();
        for hash in &hashes {
            *counts.entry(*hash).or_default() += 1;
        }
        let mut own = vec![true; tokens.kinds.len()];
        for (start, hash) in hashes.iter().enumerate() {
            if base.contains(hash) {
                own[start..start + k].fill(false);
            }
        }
        let matchable: Vec<bool> = hashes
            .iter()
            .map(|hash| !base.contains(hash) && counts[hash] <= MAX_REPEATS)
            .collect();
        let own_tokens = own.iter().filter(|own| **own).count();
        let mut starts: HashMap<u64, Vec<usize>> = HashMap::new();
        for (start, hash) in hashes.iter().enumerate() {
            if matchable[start] {
                starts.entry(*hash).or_default().push(start);
            }
        }
        let fingerprints = winnow(&hashes, WINDOW)
            .into_iter()
            .filter(|hash| !base.contains(hash) && counts[hash] <= MAX_REPEATS)
            .collect();
        Fingerprinted {
            tokens,
            hashes,
            matchable,
            own,
            own_tokens,
            fingerprints,
            starts,
        }
    }
}

impl Fingerprinted {
    /// Whether token `at` is the student's own (in no k-gram of the stub).
    pub fn is_own(&self, at: usize) -> bool {
        self.own[at]
    }
}

/// A stretch of tokens the same in both documents: `len` tokens from `a`
/// in the first and from `b` in the second.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tile {
    pub a: usize,
    pub b: usize,
    pub len: usize,
}

/// What two documents share.
#[derive(Debug, Clone, PartialEq)]
pub struct PairMatch {
    /// Longest first.
    pub tiles: Vec<Tile>,
    /// Own tokens of each document inside a tile.
    pub shared_a: usize,
    pub shared_b: usize,
    /// The share of both documents' own tokens inside tiles, 0 to 1.
    pub coverage: f64,
    /// The share of fingerprints in common, 0 to 1: what pairs are ranked
    /// and listed by.
    pub score: f64,
}

/// The score of `a` and `b` alone: cheap, for every pair of a class;
/// [`compare`] then only for the pairs it lists.
pub fn score(a: &Fingerprinted, b: &Fingerprinted) -> f64 {
    dice(&a.fingerprints, &b.fingerprints)
}

/// The tiles `a` and `b` share, and their score.
pub fn compare(a: &Fingerprinted, b: &Fingerprinted, k: usize) -> PairMatch {
    // Every (start in a, start in b) of a shared k-gram, the same tokens
    // (not merely the same hash)...
    let mut matches: Vec<(isize, usize, usize)> = Vec::new();
    for (i, hash) in a.hashes.iter().enumerate() {
        if !a.matchable[i] {
            continue;
        }
        for &j in b.starts.get(hash).into_iter().flatten() {
            if a.tokens.kinds[i..i + k] == b.tokens.kinds[j..j + k] {
                matches.push((i as isize - j as isize, i, j));
            }
        }
    }
    // ...joined into runs along each diagonal: consecutive starts on one
    // diagonal are one stretch of `run + k - 1` tokens.
    matches.sort_unstable();
    let mut runs: Vec<Tile> = Vec::new();
    for (diagonal, i, j) in matches {
        match runs.last_mut() {
            Some(run) if run.a as isize - run.b as isize == diagonal && run.a + run.len == i => {
                run.len += 1;
            }
            _ => runs.push(Tile { a: i, b: j, len: 1 }),
        }
    }
    for run in &mut runs {
        run.len += k - 1;
    }
    runs.sort_by(|x, y| y.len.cmp(&x.len).then((x.a, x.b).cmp(&(y.a, y.b))));

    // Longest first, each token used once: what an earlier tile took is
    // cut out of a later one, and what is left of at least k tokens stays.
    let mut taken_a = vec![false; a.tokens.kinds.len()];
    let mut taken_b = vec![false; b.tokens.kinds.len()];
    let mut tiles = Vec::new();
    for run in runs {
        let mut offset = 0;
        while offset < run.len {
            let free = |at: usize| !taken_a[run.a + at] && !taken_b[run.b + at];
            while offset < run.len && !free(offset) {
                offset += 1;
            }
            let start = offset;
            while offset < run.len && free(offset) {
                offset += 1;
            }
            if offset - start >= k {
                let tile = Tile {
                    a: run.a + start,
                    b: run.b + start,
                    len: offset - start,
                };
                taken_a[tile.a..tile.a + tile.len].fill(true);
                taken_b[tile.b..tile.b + tile.len].fill(true);
                tiles.push(tile);
            }
        }
    }
    let shared = |taken: &[bool], own: &[bool]| {
        taken
            .iter()
            .zip(own)
            .filter(|(taken, own)| **taken && **own)
            .count()
    };
    let shared_a = shared(&taken_a, &a.own);
    let shared_b = shared(&taken_b, &b.own);
    let own = a.own_tokens + b.own_tokens;
    PairMatch {
        tiles,
        shared_a,
        shared_b,
        coverage: if own == 0 {
            0.0
        } else {
            (shared_a + shared_b) as f64 / own as f64
        },
        score: score(a, b),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::similarity::tokens::tokenize;

    const K: usize = 6;

    fn document(text: &str, base: &HashSet<u64>) -> Fingerprinted {
        let (tokens, _) = tokenize(&[("lib.rs".to_owned(), text.to_owned())], usize::MAX);
        Fingerprinted::new(tokens, K, base)
    }

    fn base_of(text: &str) -> HashSet<u64> {
        let (tokens, _) = tokenize(&[("lib.rs".to_owned(), text.to_owned())], usize::MAX);
        kgram_hashes(&tokens, K).into_iter().collect()
    }

    const FIRST: &str = "fn first(x: u32) -> u32 { let y = x * 2; y + 1 }";
    const SECOND: &str = "fn second(v: &[u8]) -> usize { v.iter().filter(|b| **b > 3).count() }";

    #[test]
    fn a_moved_function_matches_whole_and_once() {
        let base = HashSet::new();
        let one = document(&format!("{FIRST}\n{SECOND}"), &base);
        let other = document(&format!("{SECOND}\n{FIRST}"), &base);
        let found = compare(&one, &other, K);
        assert_eq!(found.coverage, 1.0);
        assert!(found.score > 0.8, "{found:?}");
        assert_eq!(found.tiles.len(), 2);
        assert_eq!(found.shared_a, one.tokens.kinds.len());
    }

    #[test]
    fn the_stubs_code_is_not_the_students() {
        let base = base_of(FIRST);
        let one = document(&format!("{FIRST}\n{SECOND}"), &base);
        let other = document(
            &format!("{FIRST}\nfn third() {{ loop {{ break; }} }}"),
            &base,
        );
        let first_tokens = document(FIRST, &HashSet::new()).tokens.kinds.len();
        assert!(one.own_tokens > 0 && one.own_tokens <= one.tokens.kinds.len() - first_tokens);
        let found = compare(&one, &other, K);
        // Only where the new code meets the stub's (`} fn ident (`).
        assert!(found.shared_a < K && found.coverage < 0.2, "{found:?}");
    }

    #[test]
    fn unrelated_code_scores_nothing() {
        let base = HashSet::new();
        let found = compare(&document(FIRST, &base), &document(SECOND, &base), K);
        assert!(found.tiles.is_empty());
        assert_eq!((found.coverage, found.score), (0.0, 0.0));
    }

    #[test]
    fn winnowing_keeps_a_minimum_of_every_window() {
        let hashes = [5, 3, 9, 7, 1, 8, 6];
        assert_eq!(winnow(&hashes, 3), HashSet::from([3, 1]));
        assert_eq!(winnow(&hashes[..2], 3), HashSet::from([3]));
        assert!(winnow(&[], 3).is_empty());
    }

    #[test]
    fn filler_is_not_evidence_and_costs_little() {
        let table = format!("const T: [u8; 4000] = [{}];", "1, ".repeat(4000));
        let base = HashSet::new();
        let found = compare(&document(&table, &base), &document(&table, &base), K);
        // The head and tail of the table (`const T : [ ...`) still match;
        // the thousands of repeats do not.
        assert!(found.shared_a < 40, "{found:?}");
    }
}
