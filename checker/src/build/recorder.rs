//! Standing in for rustc while cargo builds the course's plan, to learn how
//! cargo compiles each of the course's units.
//!
//! Cargo runs `RUSTC_WRAPPER rustc ARGS…` for every unit it compiles. When
//! the checker is that wrapper, it writes down the arguments and the
//! `CARGO_*` variables of every unit whose package lives in the plan's
//! workspace (the task crates, the probes, the suites), then runs rustc as
//! asked. Grading later replays those commands with the student's sources
//! (see [`super::rustc`]), without cargo, in the sandbox. Units of
//! dependencies and cargo's own probes (`rustc -vV`) pass straight through.

use std::{
    collections::BTreeMap,
    ffi::OsString,
    path::{Path, PathBuf},
};

use anyhow::Context as _;
use serde::{Deserialize, Serialize};

/// Set for the wrapper: the plan workspace whose units are recorded.
pub const PLAN_DIR_VAR: &str = "ASYNC_EXERCISES_PLAN_DIR";

/// The folder of recordings inside a plan workspace.
pub const RECORDINGS: &str = "recordings";

/// How cargo compiled one unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recording {
    /// `--crate-name`.
    pub crate_name: String,
    /// `-C extra-filename`: what makes the unit's file names its own.
    pub extra_filename: String,
    /// Every argument after the rustc program.
    pub args: Vec<String>,
    /// The `CARGO_*` variables cargo set for it (`env!` reads them).
    pub env: BTreeMap<String, String>,
}

impl Recording {
    /// The file a unit's recording is kept in.
    pub fn file(plan_dir: &Path, crate_name: &str, extra_filename: &str) -> PathBuf {
        plan_dir
            .join(RECORDINGS)
            .join(format!("{crate_name}{extra_filename}.json"))
    }

    /// The value of `flag` (`--crate-name X` or `--crate-name=X`), and of
    /// `-C key=value` when `flag` is `-C` and `key` is given.
    fn value_of<'a>(args: &'a [String], flag: &str, key: Option<&str>) -> Option<&'a str> {
        let mut iter = args.iter();
        while let Some(arg) = iter.next() {
            let value = if arg == flag {
                iter.next().map(String::as_str)
            } else {
                arg.strip_prefix(flag)
                    .and_then(|rest| rest.strip_prefix('='))
            };
            let Some(value) = value else { continue };
            match key {
                None => return Some(value),
                Some(key) => {
                    if let Some(found) = value
                        .strip_prefix(key)
                        .and_then(|rest| rest.strip_prefix('='))
                    {
                        return Some(found);
                    }
                }
            }
        }
        None
    }
}

/// Whether this process was started by cargo as the recording wrapper.
pub fn is_wrapper() -> bool {
    std::env::var_os(PLAN_DIR_VAR).is_some()
}

/// Records the unit (if it is the course's) and becomes rustc.
pub fn record_and_run() -> ! {
    let mut args = std::env::args_os().skip(1);
    let Some(rustc) = args.next() else {
        eprintln!("checker: started as a rustc wrapper without a rustc to run");
        std::process::exit(101);
    };
    let args: Vec<OsString> = args.collect();
    if let Err(error) = record(&args) {
        eprintln!("checker: cannot record how cargo compiles a unit: {error:#}");
        std::process::exit(101);
    }
    let mut command = std::process::Command::new(&rustc);
    command.args(&args);
    if is_shared_harness() {
        // Its own references bound to its own definitions at link time:
        // otherwise the loader looks up thousands of its symbols in every
        // test process it is loaded into (10 ms each; 2 ms with this).
        // Nothing here relies on interposing a symbol.
        command.args(["-C", "link-arg=-Wl,-Bsymbolic"]);
    }
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt as _;
        let error = command.exec();
        eprintln!("checker: cannot run {}: {error}", rustc.to_string_lossy());
        std::process::exit(101);
    }
    #[cfg(not(unix))]
    {
        let status = command.status();
        std::process::exit(status.ok().and_then(|status| status.code()).unwrap_or(101));
    }
}

/// Whether the unit being compiled is the plan's shared harness.
fn is_shared_harness() -> bool {
    let (Some(plan_dir), Some(manifest_dir)) = (
        std::env::var_os(PLAN_DIR_VAR),
        std::env::var_os("CARGO_MANIFEST_DIR"),
    ) else {
        return false;
    };
    Path::new(&manifest_dir) == Path::new(&plan_dir).join(super::workspace::SHARED_HARNESS_DIR)
}

fn record(args: &[OsString]) -> anyhow::Result<()> {
    let plan_dir = PathBuf::from(std::env::var_os(PLAN_DIR_VAR).context("no plan folder")?);
    let Some(manifest_dir) = std::env::var_os("CARGO_MANIFEST_DIR") else {
        return Ok(()); // cargo asking rustc about itself
    };
    if !Path::new(&manifest_dir).starts_with(&plan_dir) {
        return Ok(()); // a dependency
    }
    // Cargo names a member's sources relative to the workspace it runs
    // in; a replay runs elsewhere.
    let cwd = std::env::current_dir()?;
    let args: Vec<String> = args
        .iter()
        .map(|arg| {
            let arg = arg.to_str()?;
            Some(
                if !arg.starts_with('-') && arg.ends_with(".rs") && Path::new(arg).is_relative() {
                    cwd.join(arg).to_string_lossy().into_owned()
                } else {
                    arg.to_owned()
                },
            )
        })
        .collect::<Option<_>>()
        .context("an argument is not UTF-8")?;
    let (Some(crate_name), Some(extra_filename)) = (
        Recording::value_of(&args, "--crate-name", None),
        Recording::value_of(&args, "-C", Some("extra-filename")),
    ) else {
        return Ok(()); // not a compilation cargo will ask about
    };
    let env = std::env::vars()
        .filter(|(name, _)| name.starts_with("CARGO_") || name == "CARGO")
        .collect();
    let recording = Recording {
        crate_name: crate_name.to_owned(),
        extra_filename: extra_filename.to_owned(),
        args: args.clone(),
        env,
    };
    let file = Recording::file(&plan_dir, crate_name, extra_filename);
    std::fs::create_dir_all(plan_dir.join(RECORDINGS))?;
    crate::paths::write_if_changed(&file, &serde_json::to_vec_pretty(&recording)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(args: &[&str]) -> Vec<String> {
        args.iter().map(|arg| (*arg).to_owned()).collect()
    }

    #[test]
    fn flags_are_read_in_both_spellings() {
        let args = strings(&[
            "--crate-name",
            "req",
            "--edition=2024",
            "-C",
            "metadata=abc",
            "-C",
            "extra-filename=-0123",
        ]);
        assert_eq!(
            Recording::value_of(&args, "--crate-name", None),
            Some("req")
        );
        assert_eq!(Recording::value_of(&args, "--edition", None), Some("2024"));
        assert_eq!(
            Recording::value_of(&args, "-C", Some("extra-filename")),
            Some("-0123")
        );
        assert_eq!(Recording::value_of(&args, "-C", Some("incremental")), None);
    }
}
