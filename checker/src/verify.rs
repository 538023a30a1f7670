//! `checker verify`: proof that every hidden test has teeth.
//!
//! Every test must pass on the reference solution and fail on the untouched
//! stub; every planted mistake must fail at least one test (and each test it
//! names); every correct variant must pass them all. Mutants are graded in
//! rounds — the n-th mutant of every task in one tree — and a task with no
//! mutant in a round carries the solution, which must keep full points: that
//! also shows one task's mistake never costs another.
//!
//! Before any of that, the statements are traced to the tests
//! ([`statement`]): a requirement no test holds, or a test that names no
//! requirement, is a problem too.

use std::fmt::Write as _;

use crate::{
    grading::Grader,
    manifest::Task,
    mutants::{self, Base, Kind, Named, Tree},
    statement::{self, Trace},
    verdict::{Grade, TaskGrade, TestStatus},
};

/// What one column of a task's table is, and what it must show.
#[derive(Debug, Clone)]
pub struct Column {
    pub label: String,
    pub description: String,
    pub expect: Expect,
    /// The status of each test, in manifest order.
    pub statuses: Vec<TestStatus>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expect {
    /// Every test passes.
    AllPass,
    /// No test passes.
    NonePass,
    /// At least one test fails, and these do.
    Fails(Vec<String>),
}

/// One task's table.
#[derive(Debug, Clone)]
pub struct TaskTable {
    pub number: u32,
    pub slug: String,
    pub tests: Vec<String>,
    pub columns: Vec<Column>,
}

/// Everything `verify` found.
#[derive(Debug, Clone)]
pub struct Verification {
    /// Each task's statement traced to its tests.
    pub traces: Vec<Trace>,
    pub tables: Vec<TaskTable>,
    pub problems: Vec<String>,
}

/// Traces the statements of `tasks` to their tests.
pub fn traces(grader: &Grader, tasks: &[&Task]) -> anyhow::Result<Vec<Trace>> {
    tasks
        .iter()
        .map(|task| statement::trace(&grader.paths.repo, task))
        .collect()
}

/// The traces' problems, each naming its task.
pub fn trace_problems(traces: &[Trace]) -> Vec<String> {
    traces
        .iter()
        .flat_map(|trace| {
            trace
                .problems
                .iter()
                .map(move |problem| format!("task {} statement: {problem}", trace.number))
        })
        .collect()
}

/// Grades the solutions and the pristine stubs of `tasks`: the tables'
/// first two columns, which say whether every test passes on the solution
/// and fails on the stub.
fn solution_and_stub_tables(grader: &Grader, tasks: &[&Task]) -> anyhow::Result<Vec<TaskTable>> {
    let repo = &grader.paths.repo;
    let trees = grader.paths.grading.join("trees");
    let solutions = grader.grade(tasks, &crate::paths::canonical(&repo.join("solutions"))?)?;
    let stubs_tree = Tree::make(
        &trees.join("stubs"),
        repo,
        &grader.manifest,
        Base::PristineStubs,
        &[],
    )?;
    let stubs = grader.grade(tasks, &stubs_tree.root)?;

    let tables: Vec<TaskTable> = tasks
        .iter()
        .map(|task| TaskTable {
            number: task.number,
            slug: task.slug.clone(),
            tests: task.tests.iter().map(|test| test.name.clone()).collect(),
            columns: vec![
                column(
                    "solution",
                    "the reference solution",
                    Expect::AllPass,
                    &solutions,
                    task,
                ),
                column("stub", "the untouched stub", Expect::NonePass, &stubs, task),
            ],
        })
        .collect();
    Ok(tables)
}

/// The problems of the solution and stub columns alone: `verify` without
/// the mutants, which is what every suite must pass before it grades anyone.
pub fn solutions_pass_and_stubs_fail(
    grader: &Grader,
    tasks: &[&Task],
) -> anyhow::Result<Vec<String>> {
    let tables = solution_and_stub_tables(grader, tasks)?;
    Ok(problems_of(&tables))
}

/// Every cell that breaks its column's expectation, worded.
fn problems_of(tables: &[TaskTable]) -> Vec<String> {
    let mut problems = Vec::new();
    for table in tables {
        for column in &table.columns {
            problems.extend(
                column_problems(table, column)
                    .into_iter()
                    .map(|problem| format!("task {} {}: {problem}", table.number, column.label)),
            );
        }
    }
    problems
}

/// Grades the solutions, the pristine stubs and every mutant of `tasks`.
pub fn verify(grader: &Grader, tasks: &[&Task]) -> anyhow::Result<Verification> {
    let repo = &grader.paths.repo;
    let trees = grader.paths.grading.join("trees");
    let traces = traces(grader, tasks)?;
    let mut problems = trace_problems(&traces);
    let mut tables = solution_and_stub_tables(grader, tasks)?;

    let mutants: Vec<Vec<Named>> = tasks
        .iter()
        .map(|task| {
            let all = mutants::of_task(&grader.manifest, task)?;
            Ok(all
                .into_iter()
                .filter(|named| named.mutant.kind != Kind::Hostile)
                .collect())
        })
        .collect::<anyhow::Result<_>>()?;
    let rounds = mutants.iter().map(Vec::len).max().unwrap_or(0);
    for round in 0..rounds {
        let plantings: Vec<(u32, &mutants::Mutant)> = tasks
            .iter()
            .zip(&mutants)
            .filter_map(|(task, named)| named.get(round).map(|named| (task.number, &named.mutant)))
            .collect();
        let tree = Tree::make(
            &trees.join(format!("round-{}", round + 1)),
            repo,
            &grader.manifest,
            Base::Solutions,
            &plantings,
        )?;
        let grade = grader.grade(tasks, &tree.root)?;
        for ((task, named), table) in tasks.iter().zip(&mutants).zip(&mut tables) {
            match named.get(round) {
                Some(named) => {
                    let expect = match named.mutant.kind {
                        Kind::Correct => Expect::AllPass,
                        Kind::Mistake | Kind::Hostile => Expect::Fails(named.mutant.fails.clone()),
                    };
                    let label = format!("m{}", table.columns.len() - 1);
                    let description = format!(
                        "{} ({}): {}",
                        named.name,
                        named.mutant.kind.word(),
                        named.mutant.description
                    );
                    table
                        .columns
                        .push(column(&label, &description, expect, &grade, task));
                }
                None => {
                    let graded = task_grade(&grade, task);
                    if graded.points != graded.max_points {
                        problems.push(format!(
                            "task {}: the solution lost points in mutant round {} — another task's mutant leaked into it",
                            task.number,
                            round + 1
                        ));
                    }
                }
            }
        }
    }

    problems.extend(problems_of(&tables));
    Ok(Verification {
        traces,
        tables,
        problems,
    })
}

fn task_grade<'g>(grade: &'g Grade, task: &Task) -> &'g TaskGrade {
    grade
        .tasks
        .iter()
        .find(|graded| graded.number == task.number)
        .expect("every selected task is graded")
}

fn column(label: &str, description: &str, expect: Expect, grade: &Grade, task: &Task) -> Column {
    Column {
        label: label.to_owned(),
        description: description.to_owned(),
        expect,
        statuses: task_grade(grade, task)
            .tests
            .iter()
            .map(|test| test.status)
            .collect(),
    }
}

/// Which cells of `column` break its expectation (test index), and why the
/// column as a whole does.
fn column_problems(table: &TaskTable, column: &Column) -> Vec<String> {
    let passed = |index: usize| column.statuses[index] == TestStatus::Passed;
    let tests = 0..table.tests.len();
    match &column.expect {
        Expect::AllPass => tests
            .filter(|&index| !passed(index))
            .map(|index| {
                format!(
                    "{} does not pass on {}",
                    table.tests[index], column.description
                )
            })
            .collect(),
        Expect::NonePass => tests
            .filter(|&index| passed(index))
            .map(|index| {
                format!(
                    "{} passes on {}: it cannot fail",
                    table.tests[index], column.description
                )
            })
            .collect(),
        Expect::Fails(names) => {
            let mut problems: Vec<String> = names
                .iter()
                .filter(|name| {
                    table
                        .tests
                        .iter()
                        .position(|test| test == *name)
                        .is_none_or(passed)
                })
                .map(|name| format!("{name} should catch {}, and does not", column.description))
                .collect();
            if tests.clone().all(passed) {
                problems.push(format!("no test catches {}", column.description));
            }
            problems
        }
    }
}

/// Whether the cell breaks its column's expectation.
fn cell_is_wrong(table: &TaskTable, column: &Column, index: usize) -> bool {
    let passed = column.statuses[index] == TestStatus::Passed;
    match &column.expect {
        Expect::AllPass => !passed,
        Expect::NonePass => passed,
        Expect::Fails(names) => passed && names.contains(&table.tests[index]),
    }
}

/// The tables and the verdict, as text.
pub fn render(verification: &Verification) -> String {
    let mut out = statement::render(&verification.traces);
    if !out.is_empty() {
        out.push('\n');
    }
    for table in &verification.tables {
        let name_width = table.tests.iter().map(String::len).max().unwrap_or(4);
        let _ = writeln!(out, "task {} ({})", table.number, table.slug);
        let mut header = format!("  {:name_width$}", "test");
        for column in &table.columns {
            let _ = write!(header, "  {:>8}", column.label);
        }
        let _ = writeln!(out, "{header}");
        for (index, test) in table.tests.iter().enumerate() {
            let mut line = format!("  {test:name_width$}");
            for column in &table.columns {
                let cell = match column.statuses[index] {
                    TestStatus::Passed => "pass",
                    TestStatus::Failed => "fail",
                    TestStatus::TimedOut => "timeout",
                    TestStatus::NotCompiled => "no-build",
                    TestStatus::Missing => "missing",
                    TestStatus::NotStarted => "todo",
                };
                let mark = if cell_is_wrong(table, column, index) {
                    "!"
                } else {
                    ""
                };
                let _ = write!(line, "  {:>8}", format!("{mark}{cell}"));
            }
            let _ = writeln!(out, "{line}");
        }
        for column in &table.columns[2..] {
            let _ = writeln!(out, "  {}: {}", column.label, column.description);
        }
        out.push('\n');
    }
    if verification.problems.is_empty() {
        let tests: usize = verification
            .tables
            .iter()
            .map(|table| table.tests.len())
            .sum();
        let mutants: usize = verification
            .tables
            .iter()
            .map(|table| table.columns.len() - 2)
            .sum();
        let requirements: usize = verification
            .traces
            .iter()
            .map(|trace| trace.requirements.len())
            .sum();
        let _ = writeln!(
            out,
            "verify: ok — {requirements} requirements each held by a test; {tests} tests pass on the solutions and fail on the stubs; {mutants} mutants are judged right"
        );
    } else {
        let _ = writeln!(out, "verify: {} problems", verification.problems.len());
        for problem in &verification.problems {
            let _ = writeln!(out, "  ! {problem}");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    use TestStatus::{Failed, NotStarted, Passed};

    fn table() -> TaskTable {
        TaskTable {
            number: 1,
            slug: "x".into(),
            tests: vec!["a".into(), "b".into(), "c".into()],
            columns: Vec::new(),
        }
    }

    fn problems_of(expect: Expect, statuses: [TestStatus; 3]) -> Vec<String> {
        let column = Column {
            label: "m1".into(),
            description: "the column".into(),
            expect,
            statuses: statuses.to_vec(),
        };
        column_problems(&table(), &column)
    }

    #[test]
    fn the_solution_must_pass_every_test() {
        assert!(problems_of(Expect::AllPass, [Passed; 3]).is_empty());
        let problems = problems_of(Expect::AllPass, [Passed, Failed, Passed]);
        assert_eq!(problems, ["b does not pass on the column"]);
    }

    #[test]
    fn a_test_that_passes_on_the_stub_is_a_problem() {
        assert!(problems_of(Expect::NonePass, [NotStarted, Failed, NotStarted]).is_empty());
        let problems = problems_of(Expect::NonePass, [NotStarted, Passed, NotStarted]);
        assert_eq!(problems, ["b passes on the column: it cannot fail"]);
    }

    #[test]
    fn a_mistake_must_fail_some_test_and_every_test_it_names() {
        let fails = |names: &[&str]| Expect::Fails(names.iter().map(|&n| n.into()).collect());
        assert!(problems_of(fails(&["b"]), [Passed, Failed, Passed]).is_empty());
        assert_eq!(
            problems_of(fails(&[]), [Passed; 3]),
            ["no test catches the column"]
        );
        assert_eq!(
            problems_of(fails(&["a"]), [Passed, Failed, Passed]),
            ["a should catch the column, and does not"]
        );
        assert_eq!(
            problems_of(fails(&["no_such_test"]), [Failed; 3]),
            ["no_such_test should catch the column, and does not"]
        );
    }

    fn column_of(label: &str, expect: Expect, statuses: [TestStatus; 3]) -> Column {
        Column {
            label: label.into(),
            description: format!("the {label}"),
            expect,
            statuses: statuses.to_vec(),
        }
    }

    #[test]
    fn the_table_marks_wrong_cells_and_the_verdict_counts_tests_and_mutants() {
        let mut table = table();
        table.columns = vec![
            column_of("solution", Expect::AllPass, [Passed; 3]),
            column_of("stub", Expect::NonePass, [NotStarted, Failed, NotStarted]),
            column_of(
                "m1",
                Expect::Fails(vec!["b".into()]),
                [Passed, Failed, Passed],
            ),
            column_of("m2", Expect::AllPass, [Passed; 3]),
            column_of("m3", Expect::Fails(Vec::new()), [Failed; 3]),
        ];
        let ok = Verification {
            traces: Vec::new(),
            tables: vec![table.clone()],
            problems: Vec::new(),
        };
        let text = render(&ok);
        assert!(text.starts_with("task 1 (x)\n"), "{text}");
        assert!(
            text.contains("  m1: the m1\n"),
            "the mutant is described: {text}"
        );
        assert!(!text.contains('!'), "{text}");
        assert!(
            text.ends_with(
                "verify: ok — 0 requirements each held by a test; 3 tests pass on the solutions and fail on the stubs; 3 mutants are judged right\n"
            ),
            "{text}"
        );

        table.columns[1].statuses[1] = Passed;
        let problems = column_problems(&table, &table.columns[1]);
        let wrong = Verification {
            traces: Vec::new(),
            tables: vec![table],
            problems,
        };
        let text = render(&wrong);
        assert!(text.contains("!pass"), "{text}");
        assert!(
            text.contains("verify: 1 problems\n  ! b passes on the stub: it cannot fail"),
            "{text}"
        );
    }

    #[test]
    fn wrong_cells_are_marked() {
        let column = Column {
            label: "stub".into(),
            description: "the stub".into(),
            expect: Expect::NonePass,
            statuses: vec![NotStarted, Passed, Failed],
        };
        let marks = |column: &Column| -> Vec<bool> {
            (0..3)
                .map(|index| cell_is_wrong(&table(), column, index))
                .collect()
        };
        assert_eq!(marks(&column), [false, true, false]);
        let solution = column_of("solution", Expect::AllPass, [Passed, Failed, Passed]);
        assert_eq!(marks(&solution), [false, true, false]);
        // A mistake's cell is wrong only where a test it names passes.
        let mistake = column_of(
            "m1",
            Expect::Fails(vec!["a".into(), "b".into()]),
            [Passed, Failed, Passed],
        );
        assert_eq!(marks(&mistake), [true, false, false]);
    }
}
