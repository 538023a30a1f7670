//! The grading manifest (`tasks.toml`): the tasks, where their crates and
//! suites live, their tests and what each is worth.
//!
//! Loading validates everything a later layer would otherwise trip over, so a
//! broken manifest is an instructor's error reported up front (exit 2), never a
//! student's lost points.

use std::{
    collections::HashSet,
    path::{Path, PathBuf},
    time::Duration,
};

use serde::{Deserialize, Serialize};

use crate::messages::Lang;

/// The manifest's file name inside a suites folder.
pub const FILE_NAME: &str = "tasks.toml";

/// Why a manifest could not be used.
#[derive(Debug, thiserror::Error)]
pub enum ManifestError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path} is not a valid manifest: {source}")]
    Parse {
        path: PathBuf,
        source: Box<toml::de::Error>,
    },
    #[error("{path}: {problem}")]
    Invalid { path: PathBuf, problem: String },
}

/// A loaded, validated manifest.
#[derive(Debug, Clone)]
pub struct Manifest {
    /// The folder holding `tasks.toml` and one suite folder per task.
    pub suites_dir: PathBuf,
    /// Shown at the top of the report.
    pub title: String,
    /// Time limits.
    pub limits: Limits,
    /// Crates every suite binary may use (a Cargo `[dependencies]` table).
    pub dependencies: toml::Table,
    /// The tasks, in the order they are graded and reported.
    pub tasks: Vec<Task>,
    /// In a student edition: the tests left out of it, graded on hand-in.
    pub graded_later: Option<GradedLater>,
}

/// What a student edition's suites leave out (`checker assign` writes it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct GradedLater {
    /// Tests not in this edition.
    pub tests: usize,
    /// Their points, bonus included.
    pub points: u32,
}

/// Who sees a test, in Gradescope's words: `visible` tests ship in the
/// student edition; the others stay with the instructor, and Gradescope
/// shows their results to students when the visibility says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Visibility {
    #[default]
    Visible,
    Hidden,
    AfterDueDate,
    AfterPublished,
}

impl Visibility {
    /// Whether the test ships in the student edition.
    pub fn is_visible(self) -> bool {
        self == Visibility::Visible
    }
}

/// Time limits for running suites.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// How long one test may run before it is killed.
    pub test_timeout: Duration,
    /// How long a task's tests may run, all told, before the rest are skipped.
    pub task_timeout: Duration,
}

/// One task: a crate the student edits, and the suite that grades it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Task {
    /// 1-based number, as students call the task (`--task 2`).
    pub number: u32,
    /// Short name, used in reports and in generated package names.
    pub slug: String,
    /// One-line description.
    pub title: String,
    /// The task's folder name: under `exercises/`, under `solutions/`, and
    /// its suite folder beside the manifest.
    pub dir: String,
    /// The library name the suites `use` (same for exercise and solution).
    pub lib: String,
    /// The file students edit, relative to the task's crate.
    pub edit: String,
    /// Other files students edit for a bonus (a macro crate, say), relative
    /// to the task's crate; the stubs and solutions of these are kept too.
    #[serde(default)]
    pub bonus_files: Vec<String>,
    /// Hints, mildest first: a nudge, then the concept, then the API.
    #[serde(default)]
    pub hints: Vec<Phrase>,
    /// A warm-up whose every point is bonus: it adds to `bonus`, never to
    /// the score, and the course is complete without it.
    #[serde(default)]
    pub bonus: bool,
    /// The graded tests, in report order.
    #[serde(rename = "test")]
    pub tests: Vec<TestSpec>,
}

/// A text in both languages of the course.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Phrase {
    pub en: String,
    pub ru: String,
}

impl Phrase {
    /// The text in `lang`.
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::En => &self.en,
            Lang::Ru => &self.ru,
        }
    }
}

/// One graded test.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TestSpec {
    /// The name the suite declares it under.
    pub name: String,
    /// Points for passing it.
    pub points: u32,
    /// The idea of the lecture the test checks, shown when it fails.
    pub about: Option<Phrase>,
    /// A bonus test: its points come on top of the task's, and the task's
    /// status does not depend on it.
    #[serde(default)]
    pub bonus: bool,
    /// Overrides the manifest's per-test limit for this test.
    pub timeout_secs: Option<u64>,
    /// Its verdict reads a clock (how long something took, what ran at
    /// once), so the load of the tests beside it can fail right code: a
    /// failure among other tests is run again once the other tasks' tests
    /// have ended, and that run decides.
    #[serde(default)]
    pub timing: bool,
    /// Who sees it: only `visible` tests ship in the student edition.
    #[serde(default)]
    pub visibility: Visibility,
    /// The statement's requirements (`R1`, `R2`, ...: tags in the task's
    /// README) this test holds; `checker verify` traces them.
    #[serde(default)]
    pub checks: Vec<String>,
}

impl Task {
    /// Whether `test`'s points are bonus: it is a bonus test, or this is a
    /// bonus task.
    pub fn is_bonus(&self, test: &TestSpec) -> bool {
        self.bonus || test.bonus
    }

    /// The most points this task can give, bonus aside.
    pub fn max_points(&self) -> u32 {
        self.tests
            .iter()
            .filter(|test| !self.is_bonus(test))
            .map(|test| test.points)
            .sum()
    }

    /// The most bonus points this task can give.
    pub fn max_bonus_points(&self) -> u32 {
        self.tests
            .iter()
            .filter(|test| self.is_bonus(test))
            .map(|test| test.points)
            .sum()
    }

    /// Every file students edit: the main one, then the bonus ones.
    pub fn edited_files(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.edit.as_str()).chain(self.bonus_files.iter().map(String::as_str))
    }

    /// The folder of this task's suite files.
    pub fn suite_dir(&self, manifest: &Manifest) -> PathBuf {
        manifest.suites_dir.join(&self.dir)
    }
}

impl Manifest {
    /// The time limit of one test.
    pub fn test_timeout(&self, test: &TestSpec) -> Duration {
        test.timeout_secs
            .map_or(self.limits.test_timeout, Duration::from_secs)
    }

    /// Task `number`, or an error naming the tasks there are.
    pub fn task(&self, number: u32) -> anyhow::Result<&Task> {
        self.tasks
            .iter()
            .find(|task| task.number == number)
            .ok_or_else(|| {
                let known: Vec<String> = self
                    .tasks
                    .iter()
                    .map(|task| task.number.to_string())
                    .collect();
                anyhow::anyhow!(
                    "there is no task {number}; the tasks are {}",
                    known.join(", ")
                )
            })
    }

    /// Gives every test `limit`, replacing the manifest's limits.
    pub fn override_test_timeout(&mut self, limit: Duration) {
        self.limits.test_timeout = limit;
        for test in self.tasks.iter_mut().flat_map(|task| task.tests.iter_mut()) {
            test.timeout_secs = None;
        }
    }

    /// Reads and validates `DIR/tasks.toml`.
    pub fn load(suites_dir: &Path) -> Result<Manifest, ManifestError> {
        let path = suites_dir.join(FILE_NAME);
        let text = std::fs::read_to_string(&path).map_err(|source| ManifestError::Read {
            path: path.clone(),
            source,
        })?;
        let raw: RawManifest = toml::from_str(&text).map_err(|source| ManifestError::Parse {
            path: path.clone(),
            source: Box::new(source),
        })?;
        let manifest = Manifest {
            suites_dir: suites_dir.to_path_buf(),
            title: raw.title,
            limits: Limits {
                test_timeout: Duration::from_secs(raw.limits.test_timeout_secs),
                task_timeout: Duration::from_secs(raw.limits.task_timeout_secs),
            },
            dependencies: raw.dependencies,
            tasks: raw.tasks,
            graded_later: raw.graded_later,
        };
        manifest
            .validate()
            .map_err(|problem| ManifestError::Invalid { path, problem })?;
        Ok(manifest)
    }

    /// Checks what the types cannot: uniqueness, non-empty suites, and that
    /// every suite folder exists.
    fn validate(&self) -> Result<(), String> {
        if self.tasks.is_empty() {
            return Err("it declares no [[task]]".into());
        }
        // A limit of 0 would time out every test and blame every student.
        if self.limits.test_timeout.is_zero() || self.limits.task_timeout.is_zero() {
            return Err("[limits]: time limits must be at least 1 second".into());
        }
        let mut numbers = HashSet::new();
        let mut slugs = HashSet::new();
        let mut dirs = HashSet::new();
        for task in &self.tasks {
            let name = format!("task {} ({})", task.number, task.slug);
            if !numbers.insert(task.number) {
                return Err(format!("{name}: another task has number {}", task.number));
            }
            // Slugs name generated packages, dirs name folders: both must be
            // unique and plain, or two tasks would share a package or a
            // folder would lie outside the suites.
            if !is_plain_name(&task.slug) {
                return Err(format!(
                    "{name}: slug {:?} must be lower-case letters, digits, '-' and '_'",
                    task.slug
                ));
            }
            if !slugs.insert(&task.slug) {
                return Err(format!("{name}: another task has slug {:?}", task.slug));
            }
            if !is_plain_name(&task.dir) {
                return Err(format!(
                    "{name}: dir {:?} must be one folder name of lower-case letters, digits, '-' and '_'",
                    task.dir
                ));
            }
            if !dirs.insert(&task.dir) {
                return Err(format!("{name}: another task uses dir {:?}", task.dir));
            }
            if !is_identifier(&task.lib) {
                return Err(format!(
                    "{name}: lib {:?} is not a Rust identifier",
                    task.lib
                ));
            }
            if task.tests.is_empty() {
                return Err(format!("{name} lists no [[task.test]]"));
            }
            let mut test_names = HashSet::new();
            for test in &task.tests {
                if !test_names.insert(&test.name) {
                    return Err(format!("{name} lists test {} twice", test.name));
                }
                if !is_identifier(&test.name) {
                    return Err(format!(
                        "{name}: test {:?} is not a Rust identifier",
                        test.name
                    ));
                }
                if test.timeout_secs == Some(0) {
                    return Err(format!(
                        "{name}: test {} has timeout_secs = 0; give it at least 1",
                        test.name
                    ));
                }
            }
            let suite_dir = task.suite_dir(self);
            if !suite_dir.is_dir() {
                return Err(format!("{name}: no suite folder {}", suite_dir.display()));
            }
        }
        Ok(())
    }
}

/// A name safe as a folder and a package name: `01-async-rewrite`, `req`.
fn is_plain_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
}

/// A name the suites can write in Rust: `async_rewrite`, `requests_run_at_once`.
fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// `tasks.toml` as written.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawManifest {
    title: String,
    limits: RawLimits,
    #[serde(default)]
    dependencies: toml::Table,
    #[serde(rename = "task")]
    tasks: Vec<Task>,
    graded_later: Option<GradedLater>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLimits {
    test_timeout_secs: u64,
    task_timeout_secs: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn built_in() -> Manifest {
        Manifest::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("suites")).unwrap()
    }

    #[test]
    fn the_built_in_manifest_gives_25_points_a_task() {
        let manifest = built_in();
        // The lecture's four tasks, and the warm-up whose points are bonus.
        assert_eq!(manifest.tasks.len(), 5);
        if let Some(later) = manifest.graded_later {
            // A student edition: the tests it leaves out are worth the rest.
            let shipped: u32 = manifest.tasks.iter().map(Task::max_points).sum();
            assert!(shipped < 100 && later.points > 0, "{shipped} + {later:?}");
            return;
        }
        for task in &manifest.tasks {
            let expected = if task.bonus { 0 } else { 25 };
            assert_eq!(task.max_points(), expected, "task {}", task.number);
        }
        let warm_up = manifest.task(0).unwrap();
        assert!(warm_up.bonus);
        assert_eq!(warm_up.max_bonus_points(), 10);
        assert_eq!(
            manifest.tasks.iter().map(Task::max_points).sum::<u32>(),
            100
        );
    }

    #[test]
    fn every_built_in_task_has_hints_and_every_test_its_idea_in_both_languages() {
        for task in built_in().tasks {
            assert!(
                task.hints.len() >= 3,
                "task {} has fewer than 3 hints",
                task.number
            );
            let ideas = task.tests.iter().map(|test| {
                test.about
                    .as_ref()
                    .unwrap_or_else(|| panic!("test {} says nothing about its idea", test.name))
            });
            for phrase in task.hints.iter().chain(ideas) {
                assert!(!phrase.en.is_empty() && !phrase.ru.is_empty(), "{phrase:?}");
            }
        }
    }

    /// Loads `text` as the manifest of a suites folder with the folders
    /// `01-x` and `02-y`.
    fn load_text(text: &str) -> Result<Manifest, ManifestError> {
        let dir = tempfile::tempdir().unwrap();
        for folder in ["01-x", "02-y"] {
            std::fs::create_dir(dir.path().join(folder)).unwrap();
        }
        std::fs::write(dir.path().join(FILE_NAME), text).unwrap();
        Manifest::load(dir.path())
    }

    const ONE_TASK: &str = r#"
        title = "t"
        [limits]
        test_timeout_secs = 1
        task_timeout_secs = 2
        [[task]]
        number = 1
        slug = "x"
        title = "X"
        dir = "01-x"
        lib = "x"
        edit = "src/lib.rs"
        [[task.test]]
        name = "a"
        points = 1
    "#;

    #[test]
    fn a_minimal_manifest_loads() {
        let manifest = load_text(ONE_TASK).unwrap();
        assert_eq!(manifest.tasks[0].max_points(), 1);
        assert_eq!(manifest.limits.test_timeout, Duration::from_secs(1));
    }

    #[test]
    fn a_tests_own_limit_wins_until_the_command_line_sets_one() {
        let text = format!(
            "{}\n[[task.test]]\nname = \"b\"\npoints = 1\ntimeout_secs = 3\n",
            ONE_TASK
        );
        let mut manifest = load_text(&text).unwrap();
        let limits: Vec<Duration> = manifest.tasks[0]
            .tests
            .iter()
            .map(|test| manifest.test_timeout(test))
            .collect();
        assert_eq!(limits, [Duration::from_secs(1), Duration::from_secs(3)]);
        manifest.override_test_timeout(Duration::from_secs(9));
        let limits: Vec<Duration> = manifest.tasks[0]
            .tests
            .iter()
            .map(|test| manifest.test_timeout(test))
            .collect();
        assert_eq!(limits, [Duration::from_secs(9); 2]);
    }

    #[test]
    fn tasks_count_bonus_points_apart_and_name_every_file_students_edit() {
        let with_bonus = ONE_TASK.replace(
            "edit = \"src/lib.rs\"",
            "edit = \"src/lib.rs\"\nbonus_files = [\"macros/src/lib.rs\"]\nhints = [{ en = \"look\", ru = \"смотри\" }]",
        );
        let text =
            format!("{with_bonus}\n[[task.test]]\nname = \"extra\"\npoints = 5\nbonus = true\n");
        let manifest = load_text(&text).unwrap();
        let task = manifest.task(1).unwrap();
        assert_eq!((task.max_points(), task.max_bonus_points()), (1, 5));
        let files: Vec<&str> = task.edited_files().collect();
        assert_eq!(files, ["src/lib.rs", "macros/src/lib.rs"]);
        assert_eq!(task.hints[0].get(Lang::En), "look");
        assert_eq!(task.hints[0].get(Lang::Ru), "смотри");
        let error = manifest.task(2).unwrap_err().to_string();
        assert_eq!(error, "there is no task 2; the tasks are 1");
    }

    #[test]
    fn identifiers_are_what_rust_accepts() {
        for good in ["req", "_private", "a1", "requests_run_at_once"] {
            assert!(is_identifier(good), "{good}");
        }
        for bad in ["", "1a", "my-lib", "a b", "é"] {
            assert!(!is_identifier(bad), "{bad}");
        }
    }

    #[test]
    fn a_test_listed_twice_is_refused() {
        let text = format!("{ONE_TASK}\n[[task.test]]\nname = \"a\"\npoints = 2\n");
        let error = load_text(&text).unwrap_err().to_string();
        assert!(error.contains("lists test a twice"), "{error}");
    }

    #[test]
    fn a_missing_suite_folder_is_refused() {
        let error = load_text(&ONE_TASK.replace("\"01-x\"", "\"03-z\""))
            .unwrap_err()
            .to_string();
        assert!(error.contains("no suite folder"), "{error}");
    }

    /// ONE_TASK plus a second task whose fields `edit` changes.
    fn two_tasks(edit: impl Fn(String) -> String) -> String {
        let second = ONE_TASK[ONE_TASK.find("[[task]]").unwrap()..]
            .replace("number = 1", "number = 2")
            .replace("slug = \"x\"", "slug = \"y\"")
            .replace("\"01-x\"", "\"02-y\"");
        format!("{ONE_TASK}\n{}", edit(second))
    }

    fn refusal(text: &str) -> String {
        match load_text(text) {
            Ok(_) => panic!("accepted:\n{text}"),
            Err(error) => error.to_string(),
        }
    }

    #[test]
    fn two_distinct_tasks_load() {
        assert_eq!(load_text(&two_tasks(|task| task)).unwrap().tasks.len(), 2);
    }

    #[test]
    fn a_slug_used_twice_or_not_plain_is_refused() {
        let error = refusal(&two_tasks(|task| {
            task.replace("slug = \"y\"", "slug = \"x\"")
        }));
        assert!(error.contains("another task has slug \"x\""), "{error}");
        let error = refusal(&ONE_TASK.replace("slug = \"x\"", "slug = \"my task\""));
        assert!(error.contains("slug \"my task\" must be"), "{error}");
    }

    #[test]
    fn a_dir_outside_the_suites_folder_is_refused() {
        let error = refusal(&ONE_TASK.replace("\"01-x\"", "\"../01-x\""));
        assert!(error.contains("must be one folder name"), "{error}");
    }

    #[test]
    fn a_lib_or_test_name_that_is_not_an_identifier_is_refused() {
        let error = refusal(&ONE_TASK.replace("lib = \"x\"", "lib = \"my-lib\""));
        assert!(error.contains("is not a Rust identifier"), "{error}");
        let error = refusal(&ONE_TASK.replace("name = \"a\"", "name = \"a b\""));
        assert!(error.contains("is not a Rust identifier"), "{error}");
    }

    #[test]
    fn zero_time_limits_are_refused() {
        for (from, to) in [
            ("test_timeout_secs = 1", "test_timeout_secs = 0"),
            ("task_timeout_secs = 2", "task_timeout_secs = 0"),
            ("points = 1", "points = 1\ntimeout_secs = 0"),
        ] {
            let error = refusal(&ONE_TASK.replace(from, to));
            assert!(error.contains("at least 1"), "{to}: {error}");
        }
    }

    #[test]
    fn unknown_keys_are_refused() {
        let error = load_text(&ONE_TASK.replace("points = 1", "points = 1\npoitns = 2"))
            .unwrap_err()
            .to_string();
        assert!(error.contains("poitns"), "{error}");
    }
}
