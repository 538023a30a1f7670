//! Running cargo on a plan workspace, with the checker as rustc's wrapper,
//! and reading what it built.
//!
//! Only the course's code is compiled here: the pristine stubs, the probes,
//! the suites and their dependencies. Cargo's JSON messages name each
//! artifact with its package's manifest, which is how units are traced back
//! to their task; the wrapper ([`super::recorder`]) has written down how
//! each course unit was compiled.

use std::{
    io::{BufRead, BufReader},
    path::{Path, PathBuf},
    process::Stdio,
};

use anyhow::Context as _;
use serde::Deserialize;

use super::{BuildPaths, recorder};

/// How many of cargo's last stderr lines are kept to explain a failure that
/// no compiler message explains (an unresolvable dependency, say).
const STDERR_TAIL_LINES: usize = 30;

/// What one cargo run produced.
pub struct CargoOutcome {
    /// Every unit built (or found fresh).
    pub artifacts: Vec<Artifact>,
    /// The first error of each package that had one: (its manifest, the
    /// compiler's message).
    pub errors: Vec<(PathBuf, String)>,
    /// The end of cargo's stderr.
    pub stderr_tail: String,
}

/// One unit cargo built.
#[derive(Debug, Clone, Deserialize)]
pub struct Artifact {
    pub manifest_path: PathBuf,
    pub target: Target,
    pub filenames: Vec<PathBuf>,
    pub executable: Option<PathBuf>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Target {
    pub name: String,
    pub kind: Vec<String>,
}

impl Artifact {
    /// A test target (a suite).
    pub fn is_test(&self) -> bool {
        self.target.kind.iter().any(|kind| kind == "test")
    }
}

/// Builds the suites `packages` of the plan workspace in `dir`, recording
/// how the course's units are compiled.
pub fn build(
    dir: &Path,
    packages: &[String],
    paths: &BuildPaths,
    quiet: bool,
) -> anyhow::Result<CargoOutcome> {
    // Under `cargo run`, CARGO names the cargo that started us: use the same.
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let wrapper = crate::paths::own_executable()?;
    let target = paths.target_dir();
    std::fs::create_dir_all(&target)
        .with_context(|| format!("cannot create {}", target.display()))?;
    let target = crate::paths::canonical(&target)?;
    let mut command = std::process::Command::new(cargo);
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
        .env("CARGO_TARGET_DIR", &target)
        .env("RUSTC_WRAPPER", wrapper)
        .env(recorder::PLAN_DIR_VAR, dir)
        .env_remove("RUSTC_WORKSPACE_WRAPPER")
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
    for package in packages {
        command.arg("--package").arg(package);
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

    let mut artifacts = Vec::new();
    let mut errors: Vec<(PathBuf, String)> = Vec::new();
    let stdout = child.stdout.take().context("cargo's stdout")?;
    for line in BufReader::new(stdout).lines() {
        let line = line.context("reading cargo's messages")?;
        match serde_json::from_str::<CargoLine>(&line) {
            Ok(CargoLine::CompilerArtifact(artifact)) => artifacts.push(artifact),
            Ok(CargoLine::CompilerMessage {
                manifest_path,
                message,
            }) if message.level == "error" => {
                if let Some(rendered) = message.rendered
                    && !errors.iter().any(|(path, _)| *path == manifest_path)
                {
                    errors.push((manifest_path, rendered.trim_end().to_owned()));
                }
            }
            _ => {}
        }
    }
    child.wait().context("waiting for cargo")?;
    let stderr_tail = tee.join().unwrap_or_default();
    Ok(CargoOutcome {
        artifacts,
        errors,
        stderr_tail,
    })
}

/// The parts of cargo's JSON messages the checker reads.
#[derive(Deserialize)]
#[serde(tag = "reason", rename_all = "kebab-case")]
enum CargoLine {
    CompilerArtifact(Artifact),
    CompilerMessage {
        manifest_path: PathBuf,
        message: Diagnostic,
    },
    #[serde(other)]
    Other,
}

#[derive(Deserialize)]
struct Diagnostic {
    level: String,
    rendered: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn artifacts_and_errors_are_read_from_cargos_messages() {
        let artifact: CargoLine = serde_json::from_str(
            r#"{"reason":"compiler-artifact","package_id":"x","manifest_path":"/p/suite-x/Cargo.toml","target":{"kind":["test"],"crate_types":["bin"],"name":"grading","src_path":"/s/grading.rs"},"filenames":["/t/grading-1"],"executable":"/t/grading-1","fresh":true}"#,
        )
        .unwrap();
        let CargoLine::CompilerArtifact(artifact) = artifact else {
            panic!("an artifact")
        };
        assert!(artifact.is_test());
        assert_eq!(
            artifact.executable.as_deref(),
            Some(Path::new("/t/grading-1"))
        );
        let message: CargoLine = serde_json::from_str(
            r#"{"reason":"compiler-message","manifest_path":"/p/c/Cargo.toml","target":{"kind":["lib"],"name":"c"},"message":{"level":"error","rendered":"error: boom\n"}}"#,
        )
        .unwrap();
        assert!(matches!(message, CargoLine::CompilerMessage { .. }));
        let other: CargoLine =
            serde_json::from_str(r#"{"reason":"build-finished","success":true}"#).unwrap();
        assert!(matches!(other, CargoLine::Other));
    }
}
