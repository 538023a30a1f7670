//! The environment a test process gets: an allow-list, not what the
//! checker happened to inherit.
//!
//! Anything else in the student's or the CI machine's environment can change
//! what correct code does. The worst is a proxy: reqwest honours `HTTP_PROXY`
//! and `ALL_PROXY`, so with a university's proxy set, requests meant for the
//! suite's loopback mock server went to the proxy and correct code failed.

use std::{ffi::OsString, process::Command};

/// Variables passed through as they are: what a program needs to find
/// programs and its home, to speak the right language, to make temporary
/// files, and (on Windows) to start at all — without `SYSTEMROOT` sockets
/// cannot be opened there.
const PASSED_THROUGH: &[&str] = &[
    "PATH",
    "HOME",
    "USER",
    "LOGNAME",
    "LANG",
    "LC_ALL",
    "LC_MESSAGES",
    "LC_CTYPE",
    "TZ",
    "TMPDIR",
    "TEMP",
    "TMP",
    "SYSTEMROOT",
    "SYSTEMDRIVE",
    "WINDIR",
    "COMSPEC",
    "PATHEXT",
    "USERPROFILE",
];

/// Hosts that are never proxied, whatever a library's own defaults: every
/// suite talks to loopback only.
const LOOPBACK: &str = "127.0.0.1,localhost,::1";

/// The variables a test process runs with.
pub fn for_tests() -> Vec<(&'static str, OsString)> {
    let mut variables: Vec<(&'static str, OsString)> = PASSED_THROUGH
        .iter()
        .filter_map(|name| Some((*name, std::env::var_os(name)?)))
        .collect();
    variables.extend([
        ("NO_PROXY", LOOPBACK.into()),
        ("no_proxy", LOOPBACK.into()),
        // The panic location is reported on its own; a backtrace in every
        // failing test's output would bury what the student printed.
        ("RUST_BACKTRACE", "0".into()),
    ]);
    variables
}

/// Gives `command` exactly the environment of [`for_tests`].
pub fn apply(command: &mut Command) {
    command.env_clear().envs(for_tests());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proxies_and_unknown_variables_are_left_out() {
        let names: Vec<&str> = for_tests().iter().map(|(name, _)| *name).collect();
        for proxy in [
            "HTTP_PROXY",
            "http_proxy",
            "HTTPS_PROXY",
            "ALL_PROXY",
            "all_proxy",
        ] {
            assert!(!names.contains(&proxy), "{proxy} reaches the tests");
        }
        assert!(names.iter().all(|name| PASSED_THROUGH.contains(name)
            || ["NO_PROXY", "no_proxy", "RUST_BACKTRACE"].contains(name)));
        let no_proxy = for_tests()
            .into_iter()
            .find(|(name, _)| *name == "NO_PROXY")
            .unwrap()
            .1;
        assert_eq!(no_proxy, LOOPBACK);
    }
}
