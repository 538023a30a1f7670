//! `checker watch`: grade everything once, then re-grade the task whose files
//! change on every save, until the student types `q`.
//!
//! File events come from the operating system through `notify` (or, with
//! `--poll`, from looking every half second, for file systems that send
//! none), debounced so one save is one re-grade. Watching starts before the
//! first grading, so a save made while it runs (it is the long one) is
//! graded right after. A file counts as changed when its content does: file
//! systems also report reads, and some keep times to the second or coarser.
//! Keys are read a line at a time from stdin, so they work in any terminal
//! and from a pipe; when stdin ends (no terminal at all), watching simply
//! goes on.

use std::{
    collections::HashMap,
    io::BufRead as _,
    path::{Path, PathBuf},
    process::ExitCode,
    sync::mpsc,
    time::Duration,
};

use anyhow::Context as _;
use checker::{
    manifest::Task,
    messages::fill,
    report::human,
    verdict::{Grade, TaskStatus},
};
use notify_debouncer_mini::{
    Config, DebounceEventResult, new_debouncer_opt,
    notify::{PollWatcher, RecommendedWatcher, RecursiveMode},
};

use super::{Context, existing_dir};
use crate::cli::WatchArgs;

/// Saves closer together than this are one change (editors write a file in
/// several steps).
const DEBOUNCE: Duration = Duration::from_millis(300);
/// How often `--poll` looks at the files.
const POLL_INTERVAL: Duration = Duration::from_millis(500);

/// What the watch loop reacts to.
enum Event {
    Files(Vec<PathBuf>),
    Key(String),
}

pub fn run(context: &Context, args: &WatchArgs) -> anyhow::Result<ExitCode> {
    let grader = context.grader(args.place.suites.as_ref(), &args.run)?;
    let crates_root = existing_dir(args.place.crates_root(&context.repo))?;
    let all: Vec<&Task> = grader.select_tasks(&[])?;
    let text = context.lang.text();

    // What the files hold before the first grading: a save during it differs.
    let mut seen = fingerprints(&crates_root);
    let (sender, events) = mpsc::channel();
    let files = sender.clone();
    let handler = move |result: DebounceEventResult| {
        if let Ok(changes) = result {
            let _ = files.send(Event::Files(
                changes.into_iter().map(|change| change.path).collect(),
            ));
        }
    };
    let config = Config::default().with_timeout(DEBOUNCE).with_notify_config(
        notify_debouncer_mini::notify::Config::default()
            .with_poll_interval(POLL_INTERVAL)
            // Times kept to the second would hide a second save within it.
            .with_compare_contents(true),
    );
    // Keep the debouncer alive for as long as we watch.
    let _debouncer = if args.poll {
        let mut debouncer = new_debouncer_opt::<_, PollWatcher>(config, handler)?;
        debouncer
            .watcher()
            .watch(&crates_root, RecursiveMode::Recursive)?;
        Box::new(debouncer) as Box<dyn std::any::Any>
    } else {
        let mut debouncer = new_debouncer_opt::<_, RecommendedWatcher>(config, handler)
            .context("cannot watch for file changes here; try --poll")?;
        debouncer
            .watcher()
            .watch(&crates_root, RecursiveMode::Recursive)?;
        Box::new(debouncer)
    };

    let mut grade = grader.grade(&all, &crates_root)?;
    context.print(&human::render(&grade, false, context.lang))?;
    let mut focus = first_unpassed(&grade);
    std::thread::spawn(move || {
        for line in std::io::stdin().lock().lines().map_while(Result::ok) {
            if sender.send(Event::Key(line.trim().to_owned())).is_err() {
                return;
            }
        }
    });

    let shown_root = checker::paths::display(&crates_root, &context.repo);
    context.print(&format!(
        "\n{}\n",
        fill(text.watch_ready, &[("dir", &shown_root)])
    ))?;
    for event in events {
        match event {
            Event::Files(paths) => {
                // Operating systems also report files being read (cargo
                // reads every Cargo.toml on each build): only new content
                // is a change.
                let paths: Vec<PathBuf> = paths
                    .into_iter()
                    .filter(|path| {
                        let now = fingerprint(path);
                        seen.insert(path.clone(), now) != Some(now)
                    })
                    .collect();
                let changed = changed_tasks(&all, &crates_root, &paths);
                if changed.is_empty() {
                    continue;
                }
                for (task, file) in &changed {
                    let shown = checker::paths::display(file, &context.repo);
                    context.print(&format!(
                        "\n{}\n",
                        fill(
                            text.watch_changed,
                            &[("file", &shown), ("number", &task.number)]
                        )
                    ))?;
                }
                let tasks: Vec<&Task> = changed.iter().map(|(task, _)| *task).collect();
                let update = grader.grade(&tasks, &crates_root)?;
                grade.update(update);
                let numbers: Vec<u32> = tasks.iter().map(|task| task.number).collect();
                context.print(&human::render_update(&grade, &numbers, context.lang))?;
                focus = first_unpassed(&grade);
            }
            Event::Key(key) => match key.as_str() {
                "q" | "quit" => {
                    context.print(&format!("{}\n", text.watch_bye))?;
                    return Ok(ExitCode::SUCCESS);
                }
                "h" | "hint" => {
                    let number = grade.tasks[focus].number;
                    if let Some(task) = all.iter().find(|task| task.number == number) {
                        context.print(&super::student::next_hint(context, task, &crates_root)?)?;
                    }
                }
                "n" | "next" => {
                    focus = (focus + 1) % grade.tasks.len();
                    context.print(&focus_line(context, &grade, focus))?;
                }
                "r" => {
                    grade = grader.grade(&all, &crates_root)?;
                    context.print(&human::render(&grade, false, context.lang))?;
                }
                "" => {}
                _ => context.print(&format!("{}\n", text.watch_unknown_key))?,
            },
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The tasks whose source files are among `paths`, each with one of its
/// changed files. Build output and editors' scratch files do not count.
///
/// A task folder may be a link to somewhere else; some systems (macOS's
/// FSEvents) report a change under the folder the link resolves to, so a
/// path counts for a task under either name.
fn changed_tasks<'t>(
    tasks: &[&'t Task],
    crates_root: &Path,
    paths: &[PathBuf],
) -> Vec<(&'t Task, PathBuf)> {
    let task_dirs: Vec<(&Task, Vec<PathBuf>)> = tasks
        .iter()
        .map(|task| {
            let named = crates_root.join(&task.dir);
            let resolved = dunce::canonicalize(&named).ok();
            (*task, std::iter::once(named).chain(resolved).collect())
        })
        .collect();
    let mut changed: Vec<(&Task, PathBuf)> = Vec::new();
    for path in paths {
        let is_source =
            path.extension().is_some_and(|ext| ext == "rs") || path.ends_with("Cargo.toml");
        let owner = task_dirs.iter().find_map(|(task, dirs)| {
            dirs.iter()
                .find_map(|dir| path.strip_prefix(dir).ok())
                .map(|inside| (task, inside))
        });
        let Some((task, inside)) = owner else {
            continue;
        };
        if !is_source || inside.components().any(|part| part.as_os_str() == "target") {
            continue;
        }
        if !changed.iter().any(|(seen, _)| seen.number == task.number) {
            changed.push((task, path.clone()));
        }
    }
    changed.sort_by_key(|(task, _)| task.number);
    changed
}

/// What `path` holds, in short: its length and a hash of its bytes (`None`
/// if it is gone or unreadable). Source files are small; reading them is
/// cheap next to a re-grade.
fn fingerprint(path: &Path) -> Option<(usize, u64)> {
    let bytes = std::fs::read(path).ok()?;
    Some((bytes.len(), checker::integrity::hash_of(&bytes)))
}

/// The fingerprint of every file under `root`, build output aside.
fn fingerprints(root: &Path) -> HashMap<PathBuf, Option<(usize, u64)>> {
    let mut times = HashMap::new();
    let mut folders = vec![root.to_path_buf()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                if entry.file_name() != "target" {
                    folders.push(path);
                }
            } else {
                times.insert(path.clone(), fingerprint(&path));
            }
        }
    }
    times
}

/// The index of the first task that does not pass, or 0.
fn first_unpassed(grade: &Grade) -> usize {
    grade
        .tasks
        .iter()
        .position(|task| task.status != TaskStatus::Passed)
        .unwrap_or(0)
}

fn focus_line(context: &Context, grade: &Grade, focus: usize) -> String {
    let task = &grade.tasks[focus];
    let (status, _) = human::status_word(task.status, context.lang.text());
    format!(
        "{}\n",
        fill(
            context.lang.text().watch_focus,
            &[
                ("number", &task.number),
                ("slug", &task.slug),
                ("status", &status),
                ("file", &task.file)
            ]
        )
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn task(number: u32, dir: &str) -> Task {
        Task {
            number,
            slug: dir.to_owned(),
            title: String::new(),
            dir: dir.to_owned(),
            lib: "x".to_owned(),
            edit: "src/lib.rs".to_owned(),
            bonus_files: Vec::new(),
            hints: Vec::new(),
            bonus: false,
            tests: Vec::new(),
        }
    }

    #[test]
    fn source_files_count_for_their_task_and_build_output_does_not() {
        let root = Path::new("/course/exercises");
        let (one, three) = (task(1, "01-a"), task(3, "03-c"));
        let tasks = [&one, &three];
        let changed = changed_tasks(
            &tasks,
            root,
            &[
                root.join("03-c/src/lib.rs"),
                root.join("03-c/src/extra.rs"),
                root.join("01-a/target/debug/build.rs"),
                root.join("01-a/README.md"),
                PathBuf::from("/elsewhere/01-a/src/lib.rs"),
            ],
        );
        let numbers: Vec<u32> = changed.iter().map(|(task, _)| task.number).collect();
        assert_eq!(numbers, [3], "one entry per task, sources only");
    }

    #[cfg(unix)]
    #[test]
    fn a_change_reported_under_a_linked_task_folders_target_counts() {
        let scratch = tempfile::tempdir().unwrap();
        let real = scratch.path().join("work/03-c");
        std::fs::create_dir_all(real.join("src")).unwrap();
        let root = scratch.path().join("exercises");
        std::fs::create_dir_all(&root).unwrap();
        std::os::unix::fs::symlink(&real, root.join("03-c")).unwrap();
        let three = task(3, "03-c");
        let resolved = dunce::canonicalize(&real).unwrap().join("src/lib.rs");
        let changed = changed_tasks(&[&three], &root, &[resolved]);
        assert_eq!(changed.len(), 1);
    }
}
