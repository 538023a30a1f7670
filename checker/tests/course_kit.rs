//! The course kit: the student edition `checker assign` writes, what its
//! checker says, and what it refuses to write.

mod support;

use std::path::Path;

use support::{checker, one_grading_at_a_time, output_within_bound, repo};

/// Runs the checker with `args`, returning its exit code, stdout and stderr.
fn run_checker(args: &[&str]) -> (i32, String, String) {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_checker"));
    command.env("LC_ALL", "C").args(args);
    let output = output_within_bound(&mut command);
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn the_student_edition_has_the_visible_tests_and_no_solutions() {
    let out = tempfile::tempdir().unwrap();
    let edition = out.path().join("edition");
    let dir = edition.to_str().unwrap();
    let _one = one_grading_at_a_time();
    let (code, stdout, stderr) = run_checker(&["assign", "--quiet", "--git", "--out", dir]);
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    assert!(
        stdout.contains("1 of the course's tests (3 points) are graded on hand-in only"),
        "{stdout}"
    );
    assert!(stdout.contains("grade 112/112"), "{stdout}");

    // What a student receives, and what stays with the instructor.
    for kept in [
        "README.md",
        ".github/workflows/classroom.yml",
        "exercises/01-async-rewrite/src/lib.rs",
        "checker/src/main.rs",
        "checker/harness/src/lib.rs",
        "checker/suites/02-timing-decorator/grading.rs",
        "checker/suites/02-timing-decorator/bonus_macro.rs",
    ] {
        assert!(edition.join(kept).is_file(), "{kept} is missing");
    }
    for left_out in [
        "solutions",
        "checker/tests",
        "checker/suites/01-async-rewrite/mutants",
        "checker/suites/02-timing-decorator/not_send.rs",
        "scripts",
        ".ci",
    ] {
        assert!(!edition.join(left_out).exists(), "{left_out} was shipped");
    }
    for task in support::TASKS {
        let stub = format!("exercises/{task}/src/lib.rs");
        assert_eq!(
            std::fs::read(edition.join(&stub)).unwrap(),
            std::fs::read(
                repo()
                    .join("checker/pristine")
                    .join(task)
                    .join("src/lib.rs")
            )
            .unwrap(),
            "{stub} is not the pristine stub"
        );
    }
    let workspace = std::fs::read_to_string(edition.join("Cargo.toml")).unwrap();
    assert!(!workspace.contains("solutions/"), "{workspace}");
    let commits = std::process::Command::new("git")
        .args(["-C", dir, "rev-list", "--count", "HEAD"])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&commits.stdout).trim(), "1");

    // Its checker grades the visible tests and says more come later.
    let (code, report, stderr) =
        run_checker(&["--repo", dir, "--quiet", "--format", "json", "--task", "2"]);
    assert_eq!(code, 0, "{stderr}");
    let report: serde_json::Value = serde_json::from_str(&report).unwrap();
    assert_eq!(
        report["graded_later"],
        serde_json::json!({"tests": 1, "points": 3})
    );
    let names: Vec<&str> = report["tasks"][0]["tests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|test| test["name"].as_str().unwrap())
        .collect();
    assert_eq!(names.len(), 10, "{names:?}");
    assert!(!names.contains(&"works_with_futures_that_are_not_send"));
    let (_, human, _) = run_checker(&["--repo", dir, "--quiet", "--color", "never", "--task", "1"]);
    assert!(
        human.contains("1 more tests (3 points) are graded when you hand your work in"),
        "{human}"
    );

    // No solutions to show, and verify says why it cannot run.
    let (code, said, _) = run_checker(&["solution", "1", "--repo", dir]);
    assert_eq!(code, 1);
    assert!(
        said.contains("the reference solutions are not in it"),
        "{said}"
    );
    let (code, _, refused) = run_checker(&["verify", "--repo", dir]);
    assert_eq!(code, 2);
    assert!(refused.contains("reference solutions"), "{refused}");
    let (code, _, refused) = run_checker(&["gradescope", "--repo", dir]);
    assert_eq!(code, 2);
    assert!(
        refused.contains("looks like a student edition"),
        "{refused}"
    );
}

/// A suite file with hidden and visible tests cannot be split: the edition
/// is refused before anything is written, naming the file.
#[test]
fn a_suite_file_mixing_hidden_and_visible_tests_is_refused() {
    let suites = tempfile::tempdir().unwrap();
    support::copy_tree(&repo().join("checker/suites"), suites.path());
    let manifest = suites.path().join("tasks.toml");
    let text = std::fs::read_to_string(&manifest).unwrap().replace(
        "name = \"statuses_come_back_in_order_of_i\"\n",
        "name = \"statuses_come_back_in_order_of_i\"\nvisibility = \"hidden\"\n",
    );
    std::fs::write(&manifest, text).unwrap();
    let out = tempfile::tempdir().unwrap();
    let edition = out.path().join("edition");
    let output = checker()
        .args(["assign", "--suites"])
        .arg(suites.path())
        .arg("--out")
        .arg(&edition)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("01-async-rewrite/grading.rs")
            && stderr.contains("declares both visible and hidden tests"),
        "{stderr}"
    );
    assert!(!Path::new(&edition).exists(), "nothing is written");
}

/// Gradescope's bundle, rehearsed: unpacked where Gradescope unpacks it,
/// with a submission where Gradescope puts it, `run_autograder` writes the
/// results where Gradescope reads them. The toolchain and the pre-build
/// that `setup.sh` makes on Gradescope are stood in for by this machine's
/// toolchain, this test's checker and this repository's build folder.
#[test]
fn the_gradescope_bundle_grades_a_submission_where_gradescope_puts_it() {
    let scratch = tempfile::tempdir().unwrap();
    let bundle = scratch.path().join("autograder.zip");
    let (code, said, stderr) = run_checker(&["gradescope", "--out", bundle.to_str().unwrap()]);
    assert_eq!(code, 0, "{said}{stderr}");

    let root = scratch.path().join("autograder");
    let source = root.join("source");
    let mut archive = zip::ZipArchive::new(std::fs::File::open(&bundle).unwrap()).unwrap();
    archive.extract(&source).unwrap();
    for script in ["setup.sh", "run_autograder"] {
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = std::fs::metadata(source.join(script))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o111, 0o111, "{script} is not executable");
        }
        let syntax = std::process::Command::new("bash")
            .arg("-n")
            .arg(source.join(script))
            .status()
            .unwrap();
        assert!(syntax.success(), "{script} is not valid bash");
    }
    assert!(!source.join("checker/tests").exists());
    // No solutions in a tree that grades students: the suites were proven
    // on them when the bundle was made.
    assert!(!source.join("solutions").exists());
    assert!(said.contains("pass every reference solution"), "{said}");
    let workspace = std::fs::read_to_string(source.join("Cargo.toml")).unwrap();
    assert!(!workspace.contains("solutions/"), "{workspace}");
    assert!(
        source
            .join("checker/suites/02-timing-decorator/not_send.rs")
            .is_file()
    );
    #[cfg(unix)]
    std::os::unix::fs::symlink(repo().join("target"), source.join("target")).unwrap();

    // The student's repository (a clone of the student edition): task 1
    // awaited in a loop, everything else solved.
    let sequential = support::suite_mutant("01-async-rewrite", "sequential_wrapper");
    let tree = support::tree(
        "gradescope",
        checker::mutants::Base::Solutions,
        &[("01-async-rewrite", &sequential)],
    );
    support::copy_tree(&tree.root, &root.join("submission/exercises"));
    // What real uploads carry beside the code: a name a Windows zip wrote
    // in CP1251, a FIFO, folders nested past the walk's limit. They are
    // listed, never read; the grade is the code's.
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt as _;
        let src = root.join("submission/exercises/03-req/src");
        let name = std::ffi::OsStr::from_bytes(b"\xcf\xf0\xe8\xe2\xe5\xf2.rs");
        std::fs::write(src.join(name), "// notes\n").unwrap();
        std::fs::create_dir_all(src.join("d/".repeat(40))).unwrap();
        let fifo = std::ffi::CString::new(src.join("pipe.rs").as_os_str().as_bytes()).unwrap();
        // SAFETY: a valid NUL-terminated path; mkfifo has no other effect.
        assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o644) }, 0);
    }
    std::fs::write(
        root.join("submission_metadata.json"),
        r#"{"users": [{"email": "alice@example.edu", "name": "Alice"}]}"#,
    )
    .unwrap();

    let _one = one_grading_at_a_time();
    let mut command = std::process::Command::new(source.join("run_autograder"));
    command
        .env("AUTOGRADER_ROOT", &root)
        .env("CHECKER", env!("CARGO_BIN_EXE_checker"));
    let ran = output_within_bound(&mut command);
    assert!(ran.status.success(), "{ran:?}");
    let results = std::fs::read_to_string(root.join("results/results.json")).unwrap();
    let results: serde_json::Value = serde_json::from_str(&results).unwrap();
    // 85 of 100, and the whole bonus (15) as extra credit.
    assert_eq!(results["score"], 100, "{results:#}");
    let tests = results["tests"].as_array().unwrap();
    assert_eq!(tests.len(), 55);
    let failed: Vec<&str> = tests
        .iter()
        .filter(|test| test["status"] == "failed")
        .map(|test| test["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        failed,
        [
            "Task 1 (async-rewrite): all_requests_are_in_flight_together",
            "Task 1 (async-rewrite): requests_run_at_once"
        ]
    );
    let not_send = tests
        .iter()
        .find(|test| {
            test["name"]
                .as_str()
                .unwrap()
                .ends_with("works_with_futures_that_are_not_send")
        })
        .unwrap();
    assert_eq!(not_send["visibility"], "after_published");
    let summary = results["output"].as_str().unwrap();
    assert!(summary.contains("student `alice@example.edu`"), "{summary}");

    // The shapes real uploads take. Each is graded where it lies.
    let rerun = |submission: &dyn Fn(&Path), checker: &Path| -> serde_json::Value {
        let folder = root.join("submission");
        std::fs::remove_dir_all(&folder).unwrap();
        std::fs::create_dir_all(&folder).unwrap();
        submission(&folder);
        let mut command = std::process::Command::new(source.join("run_autograder"));
        command
            .env("AUTOGRADER_ROOT", &root)
            .env("CHECKER", checker);
        let ran = output_within_bound(&mut command);
        assert!(ran.status.success(), "{ran:?}");
        let results = std::fs::read_to_string(root.join("results/results.json")).unwrap();
        serde_json::from_str(&results).unwrap()
    };
    let checker = Path::new(env!("CARGO_BIN_EXE_checker"));
    // GitHub's "Download ZIP": the repository inside <repo>-main/.
    let zipped = rerun(
        &|folder| support::copy_tree(&tree.root, &folder.join("async-exercises-main/exercises")),
        checker,
    );
    assert_eq!(zipped["score"], 100, "{zipped:#}");
    let summary = zipped["output"].as_str().unwrap();
    assert!(
        summary.contains("async-exercises-main/exercises/"),
        "{summary}"
    );
    // The lib.rs files alone, under names of the student's choosing.
    let loose = rerun(
        &|folder| {
            for (task, name) in [("03-req", "lib.rs"), ("04-site-check", "site_check.rs")] {
                std::fs::copy(tree.root.join(task).join("src/lib.rs"), folder.join(name)).unwrap();
            }
        },
        checker,
    );
    assert_eq!(loose["score"], 50, "{loose:#}");
    let summary = loose["output"].as_str().unwrap();
    assert!(
        summary.contains("lib.rs → 03-req/src/lib.rs")
            && summary.contains("site_check.rs → 04-site-check/src/lib.rs"),
        "{summary}"
    );
    // Nothing of the course's at all: every task missing, and the layout
    // the student should have uploaded.
    let nothing = rerun(
        &|folder| std::fs::write(folder.join("homework.txt"), "done").unwrap(),
        checker,
    );
    assert_eq!(nothing["score"], 0, "{nothing:#}");
    let summary = nothing["output"].as_str().unwrap();
    assert!(
        summary.contains("hand in the task folders (00-round-robin/src/lib.rs"),
        "{summary}"
    );
    // A checker that cannot grade at all still leaves a results.json that
    // says so, instead of Gradescope's generic failure.
    let failed = rerun(
        &|folder| support::copy_tree(&tree.root, &folder.join("exercises")),
        Path::new("/bin/false"),
    );
    assert_eq!(failed["score"], 0, "{failed:#}");
    let output = failed["output"].as_str().unwrap();
    assert!(
        output.contains("could not grade this submission"),
        "{output}"
    );
}

/// An instructor's own suites grade nobody until every test passes on the
/// reference solution and fails on the stub; the proof is made once per
/// version of the suites.
#[test]
fn private_suites_are_proven_before_they_grade_anyone() {
    let solved = support::tree("proof", checker::mutants::Base::Solutions, &[]);
    let grade = |suites: &Path| {
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_checker"));
        command
            .env("LC_ALL", "C")
            .args(["--format", "json", "--task", "3", "--suites"])
            .arg(suites)
            .arg("--exercises")
            .arg(&solved.root);
        output_within_bound(&mut command)
    };

    let broken = tempfile::tempdir().unwrap();
    support::copy_tree(&repo().join("checker/suites"), broken.path());
    let suite = broken.path().join("03-req/grading.rs");
    let source = std::fs::read_to_string(&suite).unwrap();
    let planted = source.replacen(
        "async fn text_is_returned_verbatim() {",
        "async fn text_is_returned_verbatim() {\n    panic!(\"this private test is wrong\");",
        1,
    );
    assert_ne!(planted, source);
    std::fs::write(&suite, planted).unwrap();
    let _one = one_grading_at_a_time();
    let refused = grade(broken.path());
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert_eq!(refused.status.code(), Some(2), "{stderr}");
    assert!(refused.stdout.is_empty(), "no report");
    assert!(
        stderr.contains("text_is_returned_verbatim does not pass on the reference solution")
            && stderr.contains("nobody was graded"),
        "{stderr}"
    );

    let sound = tempfile::tempdir().unwrap();
    support::copy_tree(&repo().join("checker/suites"), sound.path());
    let first = grade(sound.path());
    let second = grade(sound.path());
    for (run, proving) in [(&first, true), (&second, false)] {
        let stderr = String::from_utf8_lossy(&run.stderr);
        assert!(run.status.success(), "{stderr}");
        assert_eq!(stderr.contains("proving the suites"), proving, "{stderr}");
        let report: serde_json::Value = serde_json::from_slice(&run.stdout).unwrap();
        assert_eq!(report["score"], 25);
    }
}

/// The instructor's trusted grading (README, "Grading in CI"): the script
/// the workflow runs grades a clone of a student's repository beside the
/// course, in the strict sandbox, into every format.
#[test]
fn the_trusted_grading_script_grades_a_student_repository_into_every_format() {
    let scratch = tempfile::tempdir().unwrap();
    let submission = scratch.path().join("submission");
    let sequential = support::suite_mutant("01-async-rewrite", "sequential_wrapper");
    let tree = support::tree(
        "trusted-ci",
        checker::mutants::Base::Solutions,
        &[("01-async-rewrite", &sequential)],
    );
    support::copy_tree(&tree.root, &submission.join("exercises"));
    std::fs::write(submission.join("README.md"), "a student's clone\n").unwrap();
    let out = scratch.path().join("grade");

    let _one = one_grading_at_a_time();
    let mut command =
        std::process::Command::new(repo().join("checker/kit/instructor/grade-submission.sh"));
    command
        .arg(&submission)
        .arg(&out)
        .arg("bob")
        .env("CHECKER", env!("CARGO_BIN_EXE_checker"));
    let ran = output_within_bound(&mut command);
    if !support::every_protection() {
        // The script grades in the strict sandbox, which then refuses.
        assert_eq!(ran.status.code(), Some(2), "{ran:?}");
        return;
    }
    assert!(ran.status.success(), "{ran:?}");

    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("grade.json")).unwrap()).unwrap();
    assert_eq!(report["student"], "bob");
    assert_eq!(
        (report["score"].as_u64(), report["bonus"].as_u64()),
        (Some(85), Some(15))
    );
    assert_eq!(
        report["sandbox"],
        serde_json::json!({"files": true, "limits": true, "network": true, "processes": true, "descendants": true, "build": true}),
        "strict: every protection"
    );
    let xml = std::fs::read_to_string(out.join("grade.xml")).unwrap();
    quick_junit::Report::deserialize_from_str(&xml).unwrap();
    let summary = std::fs::read_to_string(out.join("summary.md")).unwrap();
    assert!(summary.contains("student `bob`"), "{summary}");
    let results: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("results.json")).unwrap()).unwrap();
    assert_eq!(results["score"], 100);
}
