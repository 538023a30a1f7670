//! Serving the checker: read one [`Request`] from stdin, answer it with one
//! [`Record`] in the file it names, exit.

use std::io::BufRead;

use grading_protocol::{Action, Answer, Outcome, Record, Request};

use crate::{Test, test_body};

/// Exit status when the request itself is unusable: the checker treats a
/// missing record as a failed test, and the message on stderr says why.
const BAD_REQUEST: i32 = 64;

/// Answers the checker's request and exits. Never returns to student code.
pub fn serve(tests: &[Test]) -> ! {
    // Read the request — and with it the token — before any student code runs.
    let mut line = String::new();
    let request: Request = match std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|error| error.to_string())
        .and_then(|_| serde_json::from_str(&line).map_err(|error| error.to_string()))
    {
        Ok(request) => request,
        Err(error) => {
            eprintln!("grading harness: unreadable request on stdin: {error}");
            std::process::exit(BAD_REQUEST);
        }
    };

    let answer = match &request.action {
        Action::List => Answer::Tests {
            names: tests.iter().map(|test| test.name.to_owned()).collect(),
        },
        Action::Run { test: name } => {
            let outcome = match tests.iter().find(|test| test.name == name) {
                Some(test) => {
                    test_body::install_panic_hook();
                    test_body::run(test)
                }
                None => Outcome::Failed {
                    message: format!("this suite has no test named `{name}`"),
                    message_ru: None,
                    location: None,
                    unimplemented: false,
                },
            };
            Answer::Outcome {
                test: name.clone(),
                outcome,
            }
        }
    };

    let record = Record {
        token: request.token,
        answer,
    };
    let written = serde_json::to_vec(&record)
        .map_err(std::io::Error::other)
        .and_then(|bytes| std::fs::write(&request.record_path, bytes));
    match written {
        // Exit at once: background tasks and threads the student left running
        // must not delay the verdict or change it.
        Ok(()) => std::process::exit(0),
        Err(error) => {
            eprintln!(
                "grading harness: cannot write {}: {error}",
                request.record_path.display()
            );
            std::process::exit(BAD_REQUEST);
        }
    }
}
