//! A class is as strong as its weakest folder. One batch grades, beside
//! honest classmates, a student whose bonus macro goes after the shared
//! build (mtimes, compiled artifacts), and folders an instructor really
//! gets: one nested thousands deep, a FIFO where a source file should be, a
//! name that is not UTF-8, and a folder named as a spreadsheet formula whose
//! code panics with terminal, Markdown and HTML injections. Each classmate
//! keeps the score their own work earns, the odd folders are graded with
//! what could not be read listed, and the student text reaches every report
//! as text.

#![cfg(target_os = "linux")]

mod support;

use std::{os::unix::ffi::OsStrExt as _, path::Path, process::Command};

use checker::mutants::Base;
use support::{copy_tree, hostile, one_grading_at_a_time, output_within_bound, tree};

const FORMULA_FOLDER: &str = "=HYPERLINK(\"evil.example\",\"x\")";

/// The class: (folder, expected score, expected bonus).
const EXPECTED: [(&str, u64, u64); 7] = [
    (FORMULA_FOLDER, 78, 15),
    ("a-poisoner", 100, 10),
    ("b-untouched", 0, 0),
    ("c-honest", 100, 15),
    ("d-deep", 100, 15),
    ("e-fifo", 75, 15),
    ("f-cp1251", 100, 15),
];

/// Lays out the class under `root`.
fn class(root: &Path) {
    let solved = tree("trust-solved", Base::Solutions, &[]);
    let stubs = tree("trust-stubs", Base::PristineStubs, &[]);
    let poison = hostile("02-timing-decorator", "poisons_the_build");
    let poisoner = tree(
        "trust-poisoner",
        Base::Solutions,
        &[("02-timing-decorator", &poison)],
    );
    let message = hostile("03-req", "hostile_message");
    let injector = tree("trust-injector", Base::Solutions, &[("03-req", &message)]);
    copy_tree(&injector.root, &root.join(FORMULA_FOLDER));
    copy_tree(&poisoner.root, &root.join("a-poisoner"));
    copy_tree(&stubs.root, &root.join("b-untouched"));
    for honest in ["c-honest", "d-deep", "e-fifo", "f-cp1251"] {
        copy_tree(&solved.root, &root.join(honest));
    }

    nest_3000_folders(&root.join("d-deep/03-req/src"));
    make_fifo(&root.join("e-fifo/01-async-rewrite/src/lib.rs"));
    write_cp1251_name(&root.join("f-cp1251/03-req/src"));
}

/// 3,000 nested folders in `folder`: deeper than a path may name, so made
/// one step at a time, each from the one above.
fn nest_3000_folders(folder: &Path) {
    let folder = std::ffi::CString::new(folder.as_os_str().as_bytes()).unwrap();
    // SAFETY: valid NUL-terminated paths; each descriptor is closed once.
    unsafe {
        let mut folder = libc::open(folder.as_ptr(), libc::O_RDONLY | libc::O_DIRECTORY);
        assert!(folder >= 0);
        for _ in 0..3000 {
            assert_eq!(libc::mkdirat(folder, c"d".as_ptr(), 0o755), 0);
            let inner = libc::openat(folder, c"d".as_ptr(), libc::O_RDONLY | libc::O_DIRECTORY);
            libc::close(folder);
            assert!(inner >= 0);
            folder = inner;
        }
        libc::close(folder);
    }
}

/// `file` swapped for a FIFO: reading it would block forever.
fn make_fifo(file: &Path) {
    std::fs::remove_file(file).unwrap();
    let path = std::ffi::CString::new(file.as_os_str().as_bytes()).unwrap();
    // SAFETY: a valid NUL-terminated path; mkfifo has no other effect.
    assert_eq!(unsafe { libc::mkfifo(path.as_ptr(), 0o644) }, 0);
}

/// "Привет.rs" as a Windows zip names it (CP1251), in `folder`.
fn write_cp1251_name(folder: &Path) {
    let name = std::ffi::OsStr::from_bytes(b"\xcf\xf0\xe8\xe2\xe5\xf2.rs");
    std::fs::write(folder.join(name), "// notes\n").unwrap();
}

fn read_json(path: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn no_submission_touches_another_stops_the_class_or_writes_into_its_reports() {
    let scratch = tempfile::tempdir().unwrap();
    let root = scratch.path().join("class");
    class(&root);
    let out = scratch.path().join("grades");

    let _one = one_grading_at_a_time();
    let mut command = Command::new(env!("CARGO_BIN_EXE_checker"));
    command
        .env("LC_ALL", "C")
        .arg("batch")
        .arg(&root)
        .arg("--out")
        .arg(&out)
        .args(["--quiet", "--format", "human", "--format", "json"])
        .args(["--format", "markdown", "--format", "junit"])
        .args(["--format", "gradescope", "--format", "classroom"]);
    let output = output_within_bound(&mut command);
    assert!(output.status.success(), "{output:?}");

    // Where builds cannot be confined (no Landlock), a macro reaches the
    // shared build: the report says so, and there is nothing to hold here.
    let any_grade = std::fs::read_dir(out.join("students"))
        .unwrap()
        .map(|entry| read_json(&entry.unwrap().path().join("grade.json")))
        .next()
        .unwrap();
    if any_grade["sandbox"]["build"] != true {
        eprintln!("note: builds cannot be confined here; the class-trust checks are skipped");
        return;
    }
    let class = read_json(&out.join("class.json"));
    let students = class["students"].as_array().unwrap();
    let mut found: Vec<(String, u64, u64)> = students
        .iter()
        .map(|student| {
            (
                student["folder"].as_str().unwrap().to_owned(),
                student["score"].as_u64().unwrap_or(u64::MAX),
                student["bonus"].as_u64().unwrap_or(u64::MAX),
            )
        })
        .collect();
    found.sort();
    let expected: Vec<(String, u64, u64)> = EXPECTED
        .iter()
        .map(|(folder, score, bonus)| (folder.to_string(), *score, *bonus))
        .collect();
    assert_eq!(found, expected, "{class:#}");

    // Each student's folder of reports, by the folder they handed in.
    let reports_of = |folder: &str| -> std::path::PathBuf {
        let student = &students.iter().find(|s| s["folder"] == folder).unwrap()["student"];
        std::fs::read_dir(out.join("students"))
            .unwrap()
            .map(|entry| entry.unwrap().path())
            .find(|dir| read_json(&dir.join("grade.json"))["student"] == *student)
            .unwrap()
    };
    // What could not be read is listed in the student's own report.
    let ignored = |folder: &str, task: &str| -> String {
        let grade = read_json(&reports_of(folder).join("grade.json"));
        support::task(&grade, task)["ignored_files"].to_string()
    };
    assert!(
        ignored("d-deep", "03-req").contains("nested deeper than"),
        "{}",
        ignored("d-deep", "03-req")
    );
    assert!(ignored("e-fifo", "01-async-rewrite").contains("src/lib.rs (not a regular file)"));
    assert!(ignored("f-cp1251", "03-req").contains("its name is not UTF-8"));

    // The spreadsheet sees text, not a formula.
    let csv = std::fs::read_to_string(out.join("class.csv")).unwrap();
    assert!(
        csv.lines()
            .all(|line| !line.starts_with('=') && !line.contains(",=")),
        "{csv}"
    );
    assert!(csv.contains("'=HYPERLINK("), "{csv}");

    // The injector's message, in each report: present, and inert.
    let dir = reports_of(FORMULA_FOLDER);
    // Gradescope's and Classroom's JSON escape a control character; what
    // they show is the decoded text, so that is what is checked.
    let decoded = |json: &str| -> String {
        let mut strings = Vec::new();
        collect_strings(&serde_json::from_str(json).unwrap(), &mut strings);
        strings.join("\n")
    };
    let gradescope = decoded(&std::fs::read_to_string(dir.join("results.json")).unwrap());
    let classroom = {
        use base64::Engine as _;
        let encoded = std::fs::read_to_string(dir.join("classroom.b64")).unwrap();
        let json = base64::engine::general_purpose::STANDARD
            .decode(encoded.trim())
            .unwrap();
        decoded(&String::from_utf8(json).unwrap())
    };
    let shown: Vec<(&str, String)> = ["report.txt", "summary.md", "grade.xml"]
        .into_iter()
        .map(|file| (file, std::fs::read_to_string(dir.join(file)).unwrap()))
        .chain([("results.json", gradescope), ("classroom.b64", classroom)])
        .collect();
    for (file, text) in shown {
        assert!(text.contains("INJECTED-MD"), "{file}: {text}");
        assert!(
            !text
                .chars()
                .any(|c| c == '\u{1b}' || c == '\r' || c == '\u{7}'),
            "{file} carries a control character: {text:?}"
        );
    }
    let markdown = std::fs::read_to_string(dir.join("summary.md")).unwrap();
    for injected in ["INJECTED-MD", "INJECTED-IMG", "INJECTED-HTML"] {
        let line = markdown
            .lines()
            .find(|line| line.contains(injected))
            .unwrap();
        let at = line.find(injected).unwrap();
        assert!(
            line[..at].contains('`') && line[at..].contains('`'),
            "{injected} is not inside a code span: {line}"
        );
    }
    // The class report (HTML) shows the formula folder's name as text.
    let page = scratch.path().join("report.html");
    let mut report = Command::new(env!("CARGO_BIN_EXE_checker"));
    report
        .arg("class-report")
        .arg(out.join("class.json"))
        .arg("--out")
        .arg(&page);
    assert!(output_within_bound(&mut report).status.success());
    let page = std::fs::read_to_string(&page).unwrap();
    assert!(
        page.contains("=HYPERLINK(&quot;evil.example&quot;"),
        "{page}"
    );
    assert!(!page.contains("<b>INJECTED-HTML"), "{page}");
    assert!(!page.contains('\u{1b}'), "{page}");
}

/// Every string in a JSON document.
fn collect_strings(value: &serde_json::Value, into: &mut Vec<String>) {
    match value {
        serde_json::Value::String(text) => into.push(text.clone()),
        serde_json::Value::Array(items) => {
            items.iter().for_each(|item| collect_strings(item, into))
        }
        serde_json::Value::Object(map) => map.values().for_each(|item| collect_strings(item, into)),
        _ => {}
    }
}

/// A single grading of one folder with all three oddities says what the
/// batch says: exit 0, a report, the odd files listed, the rest graded.
#[test]
fn a_single_grading_of_an_odd_folder_reports_it() {
    let scratch = tempfile::tempdir().unwrap();
    let submission = scratch.path().join("odd");
    copy_tree(
        &tree("trust-solved", Base::Solutions, &[]).root,
        &submission,
    );
    nest_3000_folders(&submission.join("03-req/src"));
    make_fifo(&submission.join("01-async-rewrite/src/lib.rs"));
    write_cp1251_name(&submission.join("03-req/src"));

    let _one = one_grading_at_a_time();
    let mut command = Command::new(env!("CARGO_BIN_EXE_checker"));
    command
        .env("LC_ALL", "C")
        .args(["--quiet", "--format", "json", "--task", "1", "--task", "3"])
        .arg("--exercises")
        .arg(&submission);
    let output = output_within_bound(&mut command);
    assert!(output.status.success(), "{output:?}");
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let fifo = support::task(&report, "01-async-rewrite");
    assert_eq!(fifo["status"], "not_started", "{fifo:#}");
    assert!(
        fifo["ignored_files"]
            .to_string()
            .contains("not a regular file")
    );
    let req = support::task(&report, "03-req");
    assert_eq!(req["points"], 25, "{req:#}");
    let ignored = req["ignored_files"].to_string();
    assert!(
        ignored.contains("nested deeper than") && ignored.contains("not UTF-8"),
        "{ignored}"
    );
}
