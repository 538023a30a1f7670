//! The checker: grades the task crates against the hidden suites.
//!
//! The layers, each in its own module and each replaceable on its own:
//! [`manifest`] (what the tasks and tests are) → [`build`] (compile each
//! task's suites against its crate) → [`run`] (every test in its own process)
//! → [`verdict`] (statuses and points) → [`report`] (terminal or JSON).
//! [`grading`] strings them together; [`verify`] uses it to prove the suites
//! right against the solutions, the stubs and planted [`mutants`].
//! [`class`] grades many submissions at once, and uses [`similarity`] to
//! show which of them share their code.

pub mod build;
pub mod class;
pub mod grading;
pub mod integrity;
pub mod interrupt;
pub mod kit;
pub mod manifest;
pub mod messages;
pub mod mutants;
pub mod paths;
pub mod proof;
pub mod provenance;
pub mod report;
pub mod run;
pub mod sandbox;
pub mod similarity;
pub mod state;
pub mod statement;
pub mod submission;
pub mod verdict;
pub mod verify;
