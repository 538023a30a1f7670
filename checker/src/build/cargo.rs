//! Running `cargo build` on a generated workspace and reading what it says.
//!
//! Cargo's JSON messages name each artifact and each diagnostic with the
//! source file of the target it belongs to; that is how a binary or an error
//! is traced back to its task: the task crate's folder, or a suite file.

use std::{
    io::{BufRead, BufReader},
    path::{Path, PathBuf},
    process::Stdio,
};

use anyhow::Context as _;
use serde::Deserialize;

use super::{BuildPaths, SuiteBinary, TaskBuild, workspace::TaskPlan};
use crate::paths::relative_to;
use crate::sandbox::Sandbox;

/// How many of cargo's last stderr lines are kept to explain a failure that
/// no compiler message explains (an unresolvable dependency, say).
const STDERR_TAIL_LINES: usize = 30;

/// What one cargo run produced.
pub struct CargoOutcome {
    /// Whether cargo reported success.
    pub success: bool,
    /// Per plan, in order: binaries built and the first error.
    pub tasks: Vec<TaskBuild>,
    /// The end of cargo's stderr, with absolute paths as cargo wrote them.
    pub stderr_tail: String,
}

/// Builds every suite of `plans` in the workspace at `dir`.
pub fn build(
    dir: &Path,
    plans: &[&TaskPlan],
    paths: &BuildPaths,
    sandbox: &Sandbox,
    quiet: bool,
) -> anyhow::Result<CargoOutcome> {
    // Under `cargo run`, CARGO names the cargo that started us: use the same.
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    // A student's procedural macro runs inside this build: it may write the
    // build's output and cargo's caches, not the suites or the repository.
    let temporary = std::env::temp_dir();
    let mut writable = vec![paths.grading.as_path(), temporary.as_path()];
    let cargo_home = crate::sandbox::cargo_home();
    writable.extend(cargo_home.as_deref());
    let mut command = sandbox.build_command(Path::new(&cargo), &writable);
    command
        .args([
            "build",
            "--tests",
            "--keep-going",
            "--message-format",
            "json",
        ])
        .arg("--manifest-path")
        .arg(dir.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", paths.grading.join("build"))
        // The suites build the same for everyone: flags from the user's
        // environment could turn the stubs' warnings into errors or build
        // for a machine the tests cannot run on (and every change of them
        // rebuilds everything). Proxies stay: cargo may need one to download.
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .env_remove("CARGO_BUILD_RUSTFLAGS")
        .env_remove("CARGO_BUILD_TARGET")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for plan in plans {
        command.arg("--package").arg(&plan.package);
    }
    if quiet {
        command.arg("--quiet");
    }
    let mut child = command
        .spawn()
        .context("cannot run cargo to build the suites")?;

    // Cargo's progress ("Compiling tokio ...") goes to our stderr as it comes:
    // a first build takes a minute and should not look stuck.
    let stderr = child.stderr.take().context("cargo's stderr")?;
    let tee = std::thread::spawn(move || {
        let mut tail = std::collections::VecDeque::new();
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if !quiet {
                eprintln!("{line}");
            }
            if tail.len() == STDERR_TAIL_LINES {
                tail.pop_front();
            }
            tail.push_back(line);
        }
        Vec::from(tail).join("\n")
    });

    let mut tasks = vec![TaskBuild::default(); plans.len()];
    let stdout = child.stdout.take().context("cargo's stdout")?;
    for line in BufReader::new(stdout).lines() {
        let line = line.context("reading cargo's messages")?;
        let Ok(message) = serde_json::from_str::<CargoLine>(&line) else {
            continue;
        };
        record(message, plans, &mut tasks, &paths.repo);
    }
    let status = child.wait().context("waiting for cargo")?;
    let stderr_tail = tee.join().unwrap_or_default();
    Ok(CargoOutcome {
        success: status.success(),
        tasks,
        stderr_tail,
    })
}

/// Files one cargo message under the task it belongs to.
fn record(message: CargoLine, plans: &[&TaskPlan], tasks: &mut [TaskBuild], repo: &Path) {
    match message {
        CargoLine::CompilerArtifact {
            target,
            executable: Some(executable),
        } if target.kind.iter().any(|kind| kind == "test") => {
            for (plan, task) in plans.iter().zip(tasks.iter_mut()) {
                if let Some((name, _)) = plan
                    .suite_files
                    .iter()
                    .find(|(_, path)| *path == target.src_path)
                {
                    task.binaries.push(SuiteBinary {
                        name: name.clone(),
                        path: executable.clone(),
                    });
                }
            }
        }
        CargoLine::CompilerMessage { target, message } if message.level == "error" => {
            let owner = plans.iter().position(|plan| {
                target.src_path.starts_with(&plan.crate_dir)
                    || plan
                        .suite_files
                        .iter()
                        .any(|(_, path)| *path == target.src_path)
            });
            if let (Some(index), Some(rendered)) = (owner, message.rendered) {
                tasks[index]
                    .compile_error
                    .get_or_insert_with(|| relative_to(rendered.trim_end(), repo));
            }
        }
        _ => {}
    }
}

/// The parts of cargo's JSON messages the checker reads.
#[derive(Deserialize)]
#[serde(tag = "reason", rename_all = "kebab-case")]
enum CargoLine {
    CompilerArtifact {
        target: Target,
        executable: Option<PathBuf>,
    },
    CompilerMessage {
        target: Target,
        message: Diagnostic,
    },
    #[serde(other)]
    Other,
}

#[derive(Deserialize)]
struct Target {
    kind: Vec<String>,
    src_path: PathBuf,
}

#[derive(Deserialize)]
struct Diagnostic {
    level: String,
    rendered: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan() -> TaskPlan {
        TaskPlan {
            task_number: 1,
            package: "suite-x".into(),
            crate_dir: "/repo/exercises/01-x".into(),
            lib: "x".into(),
            crate_package: "x".into(),
            suite_files: vec![(
                "grading".into(),
                "/repo/checker/suites/01-x/grading.rs".into(),
            )],
            manifest_error: None,
        }
    }

    fn filed(lines: &[&str]) -> TaskBuild {
        let plan = plan();
        let mut tasks = vec![TaskBuild::default()];
        for line in lines {
            record(
                serde_json::from_str(line).unwrap(),
                &[&plan],
                &mut tasks,
                Path::new("/repo"),
            );
        }
        tasks.pop().unwrap()
    }

    #[test]
    fn a_suite_artifact_is_filed_under_its_task() {
        let build = filed(&[
            r#"{"reason":"compiler-artifact","target":{"kind":["test"],"src_path":"/repo/checker/suites/01-x/grading.rs"},"executable":"/t/grading-1"}"#,
        ]);
        assert_eq!(build.binaries.len(), 1);
        assert_eq!(build.binaries[0].name, "grading");
    }

    #[test]
    fn the_first_error_in_the_task_crate_is_kept_relative_to_the_repo() {
        let build = filed(&[
            r#"{"reason":"compiler-message","target":{"kind":["lib"],"src_path":"/repo/exercises/01-x/src/lib.rs"},"message":{"level":"error","rendered":"error: first\n --> /repo/exercises/01-x/src/lib.rs:3:1\n"}}"#,
            r#"{"reason":"compiler-message","target":{"kind":["lib"],"src_path":"/repo/exercises/01-x/src/lib.rs"},"message":{"level":"error","rendered":"error: second"}}"#,
        ]);
        assert_eq!(
            build.compile_error.as_deref(),
            Some("error: first\n --> exercises/01-x/src/lib.rs:3:1")
        );
    }

    #[test]
    fn warnings_and_other_crates_messages_are_ignored() {
        let build = filed(&[
            r#"{"reason":"compiler-message","target":{"kind":["lib"],"src_path":"/repo/exercises/01-x/src/lib.rs"},"message":{"level":"warning","rendered":"warning: unused"}}"#,
            r#"{"reason":"compiler-message","target":{"kind":["lib"],"src_path":"/cargo/registry/tokio/src/lib.rs"},"message":{"level":"error","rendered":"error: elsewhere"}}"#,
            r#"{"reason":"build-finished","success":false}"#,
        ]);
        assert!(build.compile_error.is_none());
    }
}
