//! The wire protocol between the checker and a suite binary.
//!
//! The checker starts one process per test. It hands the process a
//! [`Request`] as one JSON line on stdin, and the harness inside the suite
//! answers by writing one [`Record`] where the request says — never to
//! stdout, which belongs to the student's code and can print anything.
//!
//! On Unix the record goes down a socket the checker holds the other end of,
//! inherited as descriptor [`RECORD_FD`]. The harness marks it close-on-exec
//! before any student code runs, so a process the test starts does not have
//! it, and a socket cannot be opened again through `/proc`: nothing but the
//! harness can write a record, and nothing can read one back. The checker
//! takes the first record and ignores anything after it.
//!
//! Each request also carries a fresh random token; the checker accepts a
//! record only if it carries the same token. Student code runs after the
//! harness has read stdin, so it has no ordinary way to learn the token.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

/// The command-line flag that puts a suite binary into protocol mode.
/// Without it the binary runs its tests itself and prints a summary, which is
/// handy while writing a suite.
pub const PROTOCOL_FLAG: &str = "--grading-protocol-v2";

/// The descriptor a test's record socket is inherited as, on Unix.
pub const RECORD_FD: i32 = 3;

/// What the checker asks of a suite process.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Request {
    /// Must be copied into the record for the checker to accept it.
    pub token: String,
    /// Where the harness writes its [`Record`].
    pub record: RecordTo,
    /// What to do.
    pub action: Action,
}

/// Where a record goes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum RecordTo {
    /// An inherited descriptor: the checker's socket ([`RECORD_FD`]).
    Descriptor { fd: i32 },
    /// A file (where there are no inherited sockets: Windows).
    File { path: PathBuf },
}

/// The two things a suite process can be asked to do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Action {
    /// Name every test in this binary.
    List,
    /// Run the one test with this name.
    Run { test: String },
}

/// The harness's answer to a [`Request`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record {
    /// The token of the request this answers.
    pub token: String,
    /// The answer itself.
    pub answer: Answer,
}

/// The answer to [`Action::List`] or [`Action::Run`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Answer {
    /// The names of the tests, in the order the suite declares them.
    Tests { names: Vec<String> },
    /// How the one test went.
    Outcome { test: String, outcome: Outcome },
}

/// How one test went, as seen from inside its process.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Outcome {
    /// The test body returned.
    Passed,
    /// The test body panicked: a failed assertion, or a panic in the code under test.
    Failed {
        /// The panic message (in English when the suite gives two).
        message: String,
        /// The same in Russian, when the suite gives it (`harness::ensure!`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        message_ru: Option<String>,
        /// `file:line` of the panic, if known.
        location: Option<String>,
        /// The panic came from `todo!()` / `unimplemented!()`: the student has
        /// not written this part yet.
        unimplemented: bool,
    },
}

impl Record {
    /// Parses the first record in `bytes` and checks that it answers the
    /// request with `token`; anything after the first is ignored. Anything
    /// else — garbage, a truncated record, a forged or stale one — is `None`.
    pub fn parse_for(bytes: &[u8], token: &str) -> Option<Record> {
        let record: Record = serde_json::Deserializer::from_slice(bytes)
            .into_iter()
            .next()?
            .ok()?;
        (record.token == token).then_some(record)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn passed(token: &str) -> Vec<u8> {
        serde_json::to_vec(&Record {
            token: token.into(),
            answer: Answer::Outcome {
                test: "t".into(),
                outcome: Outcome::Passed,
            },
        })
        .unwrap()
    }

    #[test]
    fn a_record_with_the_right_token_is_accepted() {
        assert!(Record::parse_for(&passed("abc"), "abc").is_some());
    }

    #[test]
    fn a_record_with_another_token_is_rejected() {
        assert!(Record::parse_for(&passed("forged"), "abc").is_none());
    }

    #[test]
    fn the_first_record_wins() {
        let mut bytes = passed("abc");
        bytes.extend(br#"{"token":"abc","answer":{"kind":"tests","names":[]}}"#);
        let record = Record::parse_for(&bytes, "abc").unwrap();
        assert!(matches!(record.answer, Answer::Outcome { .. }));
    }

    #[test]
    fn garbage_is_rejected() {
        assert!(Record::parse_for(b"test result: ok. 1 passed", "abc").is_none());
        assert!(Record::parse_for(b"", "abc").is_none());
    }

    #[test]
    fn requests_round_trip_as_one_json_line() {
        let request = Request {
            token: "t".into(),
            record: RecordTo::Descriptor { fd: RECORD_FD },
            action: Action::Run { test: "x".into() },
        };
        let line = serde_json::to_string(&request).unwrap();
        assert!(!line.contains('\n'));
        assert_eq!(serde_json::from_str::<Request>(&line).unwrap(), request);
    }
}
