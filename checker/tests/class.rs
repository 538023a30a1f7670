//! Grading a class: `checker batch` over one folder per student (a shared
//! build, per-student reports, class.json and class.csv, resuming), shards
//! merged by `checker class-report`, and the class report's figures held
//! against class.json.

mod support;

use std::path::Path;

use checker::mutants::Base;
use support::{one_grading_at_a_time, output_within_bound};

/// Runs the checker, asserting success; returns stdout.
fn checker_ok(args: &[&str]) -> String {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_checker"));
    command.env("LC_ALL", "C").args(args);
    let output = output_within_bound(&mut command);
    assert!(output.status.success(), "checker {args:?}: {output:?}");
    String::from_utf8(output.stdout).unwrap()
}

/// Four students: all solved (a clone of the student edition), untouched
/// stubs (task folders at the top), task 1 not compiling, task 4 not
/// handed in.
fn class(root: &Path) {
    let solved = support::tree("class-solved", Base::Solutions, &[]);
    let stubs = support::tree("class-stubs", Base::PristineStubs, &[]);
    let broken = support::hostile("01-async-rewrite", "compile_error");
    let broken = support::tree(
        "class-broken",
        Base::Solutions,
        &[("01-async-rewrite", &broken)],
    );
    support::copy_tree(&solved.root, &root.join("alice/exercises"));
    support::copy_tree(&stubs.root, &root.join("bob"));
    support::copy_tree(&broken.root, &root.join("carol-gh"));
    support::copy_tree(&solved.root, &root.join("dave"));
    std::fs::remove_dir_all(root.join("dave/04-site-check")).unwrap();
    // Alice's is a repository of its own (a detached HEAD, as CI checks out).
    std::fs::create_dir_all(root.join("alice/.git")).unwrap();
    std::fs::write(root.join("alice/.git/HEAD"), format!("{ALICE_COMMIT}\n")).unwrap();
}

const ALICE_COMMIT: &str = "a11ce00000000000000000000000000000000001";

fn record(path: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn scores(record: &serde_json::Value) -> Vec<(String, u64)> {
    let mut scores: Vec<(String, u64)> = record["students"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["student"].as_str().unwrap().to_owned(),
                s["score"].as_u64().unwrap(),
            )
        })
        .collect();
    scores.sort();
    scores
}

#[test]
fn a_class_is_graded_resumed_sharded_and_reported() {
    let scratch = tempfile::tempdir().unwrap();
    let root = scratch.path().join("class");
    class(&root);
    let roster = scratch.path().join("roster.csv");
    // Erin is on the roster and handed nothing in.
    std::fs::write(&roster, "folder,student\ncarol-gh,carol\nerin-gh,erin\n").unwrap();
    // The output inside the class folder is not taken for a student.
    let out = root.join("grades");
    let (root_arg, out_arg, roster_arg) = (
        root.to_str().unwrap(),
        out.to_str().unwrap(),
        roster.to_str().unwrap(),
    );
    let slots = support::repo().join("target/grading/batch");

    let _one = one_grading_at_a_time();
    let batch = |extra: &[&str], out: &str| {
        let mut args = vec![
            "batch", root_arg, "--out", out, "--roster", roster_arg, "--quiet",
        ];
        args.extend_from_slice(extra);
        checker_ok(&args)
    };
    let said = batch(&["--format", "json", "--format", "junit"], out_arg);
    assert!(said.starts_with("Graded 4 submissions"), "{said}");
    assert!(
        said.contains("1 roster student(s) handed nothing in (recorded as missing): erin"),
        "{said}"
    );

    let class = record(&out.join("class.json"));
    let expected = [
        ("alice", 100),
        ("bob", 0),
        ("carol", 75),
        ("dave", 75),
        ("erin", 0),
    ];
    let expected: Vec<(String, u64)> = expected.iter().map(|(s, p)| (s.to_string(), *p)).collect();
    assert_eq!(scores(&class), expected, "{class:#}");
    let csv = std::fs::read_to_string(out.join("class.csv")).unwrap();
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some(
            "student,folder,score,max_score,bonus,task_0_round-robin,task_1_async-rewrite,task_2_timing-decorator,task_3_req,task_4_site-check,status,commit"
        )
    );
    assert!(
        csv.contains("alice,alice,100,100,15,10,25,30,25,25,complete,"),
        "{csv}"
    );
    assert!(
        csv.contains("carol,carol-gh,75,100,15,10,0,30,25,25,incomplete,"),
        "{csv}"
    );
    assert!(csv.contains("erin,erin-gh,0,100,0,,,,,,missing,"), "{csv}");
    // Alice, Carol and Dave hand in the reference's code: a group on the
    // tasks compared; Bob's untouched stubs are nobody's code; task 1 has
    // too little code of the students' own to be compared.
    let similarity = &class["similarity"]["tasks"];
    let unit = |task: u64| -> &serde_json::Value {
        similarity
            .as_array()
            .unwrap()
            .iter()
            .find(|unit| unit["number"] == task && unit["folder"] == "src")
            .unwrap()
    };
    let listed = |task: u64| -> Vec<String> {
        unit(task)["pairs"]
            .as_array()
            .unwrap()
            .iter()
            .map(|pair| {
                format!(
                    "{}|{} {}",
                    pair["a"].as_str().unwrap(),
                    pair["b"].as_str().unwrap(),
                    pair["score"]
                )
            })
            .collect()
    };
    assert_eq!(
        listed(0),
        ["alice|carol 1.0", "alice|dave 1.0", "carol|dave 1.0"],
        "{similarity:#}"
    );
    assert_eq!(
        similarity[0]["groups"],
        serde_json::json!([["alice", "carol", "dave"]])
    );
    assert_eq!(similarity[0]["compared"], 3);
    assert_eq!(similarity[1]["judged"], false);
    assert!(listed(1).is_empty());
    assert_eq!(listed(4), ["alice|carol 1.0"]);
    let region = &unit(0)["pairs"][0]["regions"][0];
    assert_eq!(region["a"]["file"], "src/lib.rs");
    assert!(region["tokens"].as_u64().unwrap() > 100, "{region:#}");
    for student in ["alice", "bob", "carol", "dave"] {
        let dir = out.join("students").join(student);
        let grade = record(&dir.join("grade.json"));
        assert_eq!(grade["student"], student);
        assert!(dir.join("grade.xml").is_file());
    }
    // One shared build: the copies live in two slots, whatever the class size.
    let slot_names: Vec<String> = std::fs::read_dir(&slots)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(slot_names.len(), 2, "{slot_names:?}");

    // Resuming: nothing changed, nothing graded; one change, one graded.
    let said = batch(&[], out_arg);
    assert!(
        said.starts_with("Graded 0 submissions") && said.contains("4 unchanged"),
        "{said}"
    );
    let lib = root.join("bob/01-async-rewrite/src/lib.rs");
    let source = std::fs::read_to_string(&lib).unwrap();
    std::fs::write(&lib, source + "\n// bob had another go\n").unwrap();
    let said = batch(&[], out_arg);
    assert!(
        said.starts_with("Graded 1 submissions") && said.contains("3 unchanged"),
        "{said}"
    );

    // Two shards, merged, are the whole class.
    let shard_out = |k: usize| scratch.path().join(format!("shard-{k}"));
    for k in 1..=2 {
        let shard = format!("{k}/2");
        batch(&["--shard", &shard], shard_out(k).to_str().unwrap());
        // The first shard also lists the roster's missing student, and
        // compares the whole class.
        let students = if k == 1 { 3 } else { 2 };
        let shard_record = record(&shard_out(k).join("class.json"));
        assert_eq!(scores(&shard_record).len(), students);
        assert_eq!(shard_record["similarity"].is_object(), k == 1);
    }
    let page = scratch.path().join("report.html");
    let merged = scratch.path().join("merged.json");
    let said = checker_ok(&[
        "class-report",
        shard_out(1).join("class.json").to_str().unwrap(),
        shard_out(2).join("class.json").to_str().unwrap(),
        "--out",
        page.to_str().unwrap(),
        "--merged",
        merged.to_str().unwrap(),
    ]);
    assert!(said.contains("5 students"), "{said}");
    let merged = record(&merged);
    assert_eq!(scores(&merged), expected);
    assert_eq!(merged["similarity"], class["similarity"]);
    assert!(scratch.path().join("merged.csv").is_file());

    let page = std::fs::read_to_string(&page).unwrap();
    report_matches(&page, &merged);
    assert!(page.contains("data-pair=\"alice|dave\""));
    assert!(page.contains("Similar small solutions are expected"));
    assert!(page.contains("<p class=\"not-judged\" data-judged=\"false\">"));

    // A student in two records is refused.
    let twice = checker_out_err(&[
        "class-report",
        out.join("class.json").to_str().unwrap(),
        shard_out(1).join("class.json").to_str().unwrap(),
        "--out",
        scratch.path().join("twice.html").to_str().unwrap(),
    ]);
    assert!(
        twice.contains("is in more than one class record"),
        "{twice}"
    );
}

/// Runs the checker, asserting exit 2; returns stderr.
fn checker_out_err(args: &[&str]) -> String {
    let output = support::checker().args(args).output().unwrap();
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    String::from_utf8(output.stderr).unwrap()
}

/// The page's figures, read from its data attributes, against class.json.
fn report_matches(page: &str, class: &serde_json::Value) {
    // Outside the students' code (escaped text in <pre>), nothing is
    // fetched; the only links are to the page's own anchors.
    let markup: String = page
        .split("<pre>")
        .map(|part| part.split_once("</pre>").map_or(part, |(_, after)| after))
        .collect();
    for outside in ["<script", "src=", "href=\"h", "href=\"/", "@import", "url("] {
        assert!(
            !markup.contains(outside),
            "self-contained, yet it has {outside}"
        );
    }
    let attribute = |name: &str| -> Vec<String> {
        page.match_indices(&format!("{name}=\""))
            .map(|(at, found)| {
                let rest = &page[at + found.len()..];
                rest[..rest.find('"').unwrap()].to_owned()
            })
            .collect()
    };
    let students = class["students"].as_array().unwrap();
    assert_eq!(attribute("data-students"), [students.len().to_string()]);
    assert_eq!(attribute("data-mean"), ["62.5"]);

    // The histogram: one band per tenth of the maximum.
    let mut bands = [0usize; 11];
    for student in students
        .iter()
        .filter(|student| student.get("missing").is_none())
    {
        bands[(student["score"].as_u64().unwrap() / 10).min(10) as usize] += 1;
    }
    let counts: Vec<usize> = attribute("data-count")
        .iter()
        .map(|c| c.parse().unwrap())
        .collect();
    assert_eq!(counts, bands);

    // Each test's failures: the students whose status for it is not passed.
    let tests = attribute("data-test");
    let failed = attribute("data-failed");
    for (name, shown) in tests.iter().zip(&failed) {
        let actual = students
            .iter()
            .filter(|student| {
                student["tasks"].as_array().unwrap().iter().any(|task| {
                    task["tests"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .any(|test| test["name"] == name.as_str() && test["status"] != "passed")
                })
            })
            .count();
        assert_eq!(shown, &actual.to_string(), "{name}");
    }
    // Ranked by the share failed among those who tried the task (neither
    // the untouched stub nor missing), worst first.
    let tried_failed = attribute("data-attempted-failed");
    let tried = attribute("data-attempted");
    let rates: Vec<f64> = tried_failed
        .iter()
        .zip(&tried)
        .map(|(failed, tried)| {
            let (failed, tried): (f64, f64) = (failed.parse().unwrap(), tried.parse().unwrap());
            if tried == 0.0 { 0.0 } else { failed / tried }
        })
        .collect();
    assert!(
        rates.windows(2).all(|pair| pair[0] >= pair[1]),
        "worst first: {rates:?}"
    );
    for (name, tried) in tests.iter().zip(&tried) {
        let actual = students
            .iter()
            .filter(|student| {
                student["tasks"].as_array().unwrap().iter().any(|task| {
                    !["not_started", "missing"].contains(&task["status"].as_str().unwrap())
                        && task["tests"]
                            .as_array()
                            .unwrap()
                            .iter()
                            .any(|test| test["name"] == name.as_str())
                })
            })
            .count();
        assert_eq!(tried, &actual.to_string(), "{name}");
    }
    assert!(tests.len() >= 49);
    // Carol's task 1 did not compile; bob's stubs did.
    assert!(
        page.contains("<li data-student=\"carol\">carol: task 1</li>"),
        "{page}"
    );
}

/// `batch` pointed at one student's folder (task folders at its top, or in
/// its exercises/) would grade each task folder as a "student", all 0: it
/// refuses and says what to run instead.
#[test]
fn batch_refuses_a_folder_that_is_one_submission() {
    let solved = support::tree("class-one-submission", Base::Solutions, &[]);
    let out = tempfile::tempdir().unwrap();
    let said = checker_out_err(&[
        "batch",
        solved.root.to_str().unwrap(),
        "--out",
        out.path().to_str().unwrap(),
        "--quiet",
    ]);
    assert!(
        said.contains("looks like one student's submission"),
        "{said}"
    );
    assert!(said.contains("checker --exercises"), "{said}");
    assert!(!out.path().join("class.json").exists());
}

/// `checker similar` on a class graded elsewhere: the pair of copies is
/// listed, the names and the code shown are escaped, and an untouched
/// stub is compared with no one.
#[test]
fn similar_lists_copies_with_their_code_escaped() {
    let scratch = tempfile::tempdir().unwrap();
    let class = scratch.path().join("class");
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    support::copy_tree(&repo.join("solutions"), &class.join("<img src=x>"));
    support::copy_tree(&repo.join("solutions"), &class.join("yan"));
    support::copy_tree(&repo.join("checker/pristine"), &class.join("zed"));
    let out = scratch.path().join("out");
    let said = checker_ok(&[
        "similar",
        class.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(said.contains("Compared 3 submissions"), "{said}");
    assert!(
        said.contains("task 4 site-check src/: 1 pair(s) listed: <img src=x> · yan 1.00"),
        "{said}"
    );
    let found = record(&out.join("similarity.json"));
    let site_check = found["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|unit| unit["number"] == 4)
        .unwrap();
    assert_eq!(site_check["compared"], 2);
    assert_eq!(site_check["pairs"][0]["a"], "<img src=x>");
    assert_eq!(site_check["pairs"][0]["b"], "yan");
    let page = std::fs::read_to_string(out.join("similarity.html")).unwrap();
    assert!(
        page.contains("&lt;img src=x&gt; · yan"),
        "the name is escaped"
    );
    assert!(!page.contains("<img src=x>"));
    // The reference's own code, escaped line by line, shared lines marked.
    assert!(page.contains("Vec&lt;Option&lt;SiteResult&gt;&gt;"));
    assert!(!page.contains("Vec<Option<SiteResult>>"));
    assert!(page.contains("<span class=\"m\">"));
}
