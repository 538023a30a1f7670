//! Serving the checker: read one [`Request`] from stdin, answer it with one
//! [`Record`] in the file it names, exit.

use std::io::BufRead;

use grading_protocol::{Action, Answer, Outcome, Record, RecordTo, Request};

use crate::{Test, test_body};

/// Exit status when the request itself is unusable: the checker treats a
/// missing record as a failed test, and the message on stderr says why.
const BAD_REQUEST: i32 = 64;

/// Answers the checker's request and exits. Never returns to student code.
pub fn serve(tests: &[Test]) -> ! {
    // Before any student code runs: the record's socket is the harness's
    // alone (no process the test starts inherits it), and no process of the
    // test's may trace this one to read the token out of its memory.
    guard_the_record();
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
        .and_then(|bytes| write_record(&request.record, &bytes));
    match written {
        // Exit at once: background tasks and threads the student left running
        // must not delay the verdict or change it.
        Ok(()) => std::process::exit(0),
        Err(error) => {
            eprintln!("grading harness: cannot write the record: {error}");
            std::process::exit(BAD_REQUEST);
        }
    }
}

#[cfg(unix)]
fn guard_the_record() {
    let fd = grading_protocol::RECORD_FD;
    // SAFETY: fcntl and prctl take integers and change only this process's
    // descriptor flags and dumpability; without a descriptor they fail and
    // nothing happens.
    unsafe {
        let flags = libc::fcntl(fd, libc::F_GETFD);
        if flags >= 0 {
            libc::fcntl(fd, libc::F_SETFD, flags | libc::FD_CLOEXEC);
        }
        #[cfg(target_os = "linux")]
        libc::prctl(libc::PR_SET_DUMPABLE, 0, 0, 0, 0);
    }
}

#[cfg(not(unix))]
fn guard_the_record() {}

/// Writes the record where the request says.
fn write_record(to: &RecordTo, bytes: &[u8]) -> std::io::Result<()> {
    match to {
        #[cfg(unix)]
        RecordTo::Descriptor { fd } => {
            use std::{io::Write as _, os::fd::FromRawFd as _};
            // SAFETY: the checker handed this descriptor over for the record,
            // and nothing else in the process owns it; it is written once.
            let mut socket = unsafe { std::fs::File::from_raw_fd(*fd) };
            socket.write_all(bytes)
        }
        #[cfg(not(unix))]
        RecordTo::Descriptor { .. } => Err(std::io::Error::other(
            "a record descriptor on a system without them",
        )),
        RecordTo::File { path } => std::fs::write(path, bytes),
    }
}
