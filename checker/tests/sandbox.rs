//! The sandbox, tried the way a student who cannot solve a task would try
//! to buy its points: every attack earns nothing for its task, costs no
//! other task anything, leaves no process behind, leaves the suites as they
//! were, and an honest submission graded right after gets its true score.
//!
//! Each planted fixture is an attack followed by `todo!()`: only a working
//! attack could pass a test. The assertions that go with each say what the
//! attack would have done had it worked. The sandbox is Linux's.

#![cfg(target_os = "linux")]

mod support;

use std::{
    collections::BTreeMap,
    path::{Path, PathBuf},
    sync::{
        Arc,
        atomic::{AtomicUsize, Ordering},
    },
};

use checker::mutants::Base;
use support::{assert_each_costs_only_its_task, hostile, repo, task, tree};

/// Every file under `dir`, with its bytes.
fn fingerprint(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = BTreeMap::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            files.extend(fingerprint(&path));
        } else {
            files.insert(path.clone(), std::fs::read(&path).unwrap());
        }
    }
    files
}

/// The protections the checker reported.
fn protections(report: &serde_json::Value) -> &serde_json::Value {
    &report["sandbox"]
}

/// Whether the report says `protection` was in force; says so on stderr
/// when it was not, since then its assertions cannot be made here.
fn in_force(report: &serde_json::Value, protection: &str) -> bool {
    let on = protections(report)[protection] == true;
    if !on {
        eprintln!(
            "note: the sandbox's `{protection}` protection is not available here; its checks are skipped"
        );
    }
    on
}

/// Plants `fixtures` (one per task, tasks 1 to 4 in order) in the tree
/// `name`, grades it, checks that each costs only its task, and returns the
/// report.
fn grade_planted(name: &str, fixtures: [&str; 4]) -> serde_json::Value {
    let dirs = [
        "01-async-rewrite",
        "02-timing-decorator",
        "03-req",
        "04-site-check",
    ];
    let loaded: Vec<checker::mutants::Mutant> = dirs
        .iter()
        .zip(fixtures)
        .map(|(dir, fixture)| hostile(dir, fixture))
        .collect();
    let planted: Vec<(&str, &checker::mutants::Mutant)> = dirs.into_iter().zip(&loaded).collect();
    let tree = tree(name, Base::Solutions, &planted);
    assert_each_costs_only_its_task(&tree, &planted, &[])
}

/// An honest submission graded right after the attacks gets all its points.
fn assert_honest_grading_is_right() {
    let honest = tree("after-the-attacks", Base::Solutions, &[]);
    let report = support::grade_json(&["--exercises", honest.root.to_str().unwrap()]);
    assert_eq!(report["score"], 100, "{report:#}");
    assert_eq!(report["bonus"], report["max_bonus"], "{report:#}");
}

#[test]
fn attacks_on_what_grades_earn_nothing() {
    // A server outside the sandbox, on loopback, counting who reaches it.
    let reached = Arc::new(AtomicUsize::new(0));
    let listening = std::net::TcpListener::bind("127.0.0.1:47913").ok();
    let outside_server = listening.is_some();
    if let Some(listener) = listening {
        let reached = Arc::clone(&reached);
        std::thread::spawn(move || {
            for _ in listener.incoming().flatten() {
                reached.fetch_add(1, Ordering::SeqCst);
            }
        });
    }
    let grading = repo().join("target/grading");
    let _ = std::fs::remove_file(grading.join("PLANTED"));
    let suites_before = fingerprint(&repo().join("checker/suites"));

    let report = grade_planted(
        "attacks-on-grading",
        [
            "reads_the_suites",
            "writes_the_suites",
            "reads_own_memory",
            "calls_outside",
        ],
    );

    if in_force(&report, "files") {
        assert_eq!(
            fingerprint(&repo().join("checker/suites")),
            suites_before,
            "the suites changed"
        );
        assert!(
            !grading.join("PLANTED").exists(),
            "target/grading was written"
        );
        let text = report.to_string();
        assert!(!text.contains("LEAKED SUITE"), "a suite leaked: {text}");
        for name in ["/proc/self/mem", "fn main"] {
            assert!(!text.contains(name), "{name} in the report: {text}");
        }
    }
    if outside_server && in_force(&report, "network") {
        assert_eq!(
            reached.load(Ordering::SeqCst),
            0,
            "a test reached a server outside"
        );
    }
    assert_honest_grading_is_right();
}

const MARKERS: [&str; 3] = [
    "/tmp/async-exercises-escaped-setsid",
    "/tmp/async-exercises-escaped-forked",
    "/tmp/async-exercises-escaped-build",
];

#[test]
fn resource_attacks_end_their_tests_and_nothing_survives() {
    for marker in MARKERS {
        let _ = std::fs::remove_file(marker);
    }
    let report = grade_planted(
        "resource-attacks",
        ["memory_bomb", "file_bomb", "escapes_the_test", "fork_bomb"],
    );

    let messages = |dir: &str| -> Vec<String> {
        task(&report, dir)["tests"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|test| test["status"] != "passed")
            .map(|test| test["message"].as_str().unwrap_or_default().to_owned())
            .collect()
    };
    if in_force(&report, "limits") {
        for message in messages("01-async-rewrite") {
            assert!(message.contains("ran out of memory"), "{message}");
        }
        for message in messages("02-timing-decorator") {
            // The bonus test compiles the macro crate only; the rest write.
            assert!(
                message.contains("SIGXFSZ") || message.contains("not yet implemented"),
                "{message}"
            );
        }
    }
    if in_force(&report, "processes") {
        // The fork bomb meets the process limit and gives up, long before
        // its time is out (as root too: the kernel does not count root's
        // processes, so the test runs as the sandbox's own user).
        for test in task(&report, "04-site-check")["tests"].as_array().unwrap() {
            assert_ne!(test["status"], "timed_out", "{test:#}");
            assert!(
                test["message"]
                    .as_str()
                    .unwrap_or_default()
                    .contains("not yet implemented"),
                "{test:#}"
            );
        }
    }
    // A submission's build script is not used, and the report says so.
    assert_eq!(
        task(&report, "03-req")["ignored_files"],
        serde_json::json!(["build.rs"])
    );
    if in_force(&report, "descendants") {
        // The planted processes would act three seconds after they started.
        std::thread::sleep(std::time::Duration::from_secs(4));
        for marker in MARKERS {
            assert!(!Path::new(marker).exists(), "{marker} was written");
        }
        assert_eq!(
            support::processes_with(Some("6007"), None),
            Vec::<String>::new()
        );
    }
    assert_honest_grading_is_right();
}

/// `--sandbox strict` grades only where every protection is in force, and
/// says which is missing otherwise; the human report names what was not in
/// force (here, with the sandbox off, everything).
#[test]
fn strict_grades_only_with_every_protection_and_the_report_says_what_was_off() {
    let all = support::every_protection();

    let _one = support::one_grading_at_a_time();
    let strict = support::checker()
        .args([
            "--quiet",
            "--sandbox",
            "strict",
            "--solutions",
            "--task",
            "3",
        ])
        .output()
        .unwrap();
    if all {
        assert_eq!(strict.status.code(), Some(0), "{strict:?}");
    } else {
        assert_eq!(strict.status.code(), Some(2), "{strict:?}");
        let stderr = String::from_utf8_lossy(&strict.stderr);
        assert!(stderr.contains("--sandbox strict"), "{stderr}");
    }

    let off = support::checker()
        .args([
            "--quiet",
            "--color",
            "never",
            "--sandbox",
            "off",
            "--solutions",
            "--task",
            "3",
        ])
        .output()
        .unwrap();
    let human = String::from_utf8_lossy(&off.stdout);
    assert!(
        human.contains(
            "sandbox: not in force here: files, limits, network, processes, descendants, build"
        ),
        "{human}"
    );
}
