//! Runs one test body and turns how it ended into an [`Outcome`].

use std::{
    panic::{self, AssertUnwindSafe},
    sync::Mutex,
};

use grading_protocol::Outcome;

use crate::{Bilingual, Test};

/// Where the most recent panic happened, recorded by our panic hook (the
/// payload that `catch_unwind` returns carries the message but not the place).
static LAST_PANIC_LOCATION: Mutex<Option<String>> = Mutex::new(None);

/// Installs a panic hook that remembers where each panic happened, then lets
/// the default hook print it as usual: a panic in a spawned task is otherwise
/// invisible, and the student needs to see it in their output.
pub fn install_panic_hook() {
    let default_hook = panic::take_hook();
    panic::set_hook(Box::new(move |info| {
        let location = info
            .location()
            .map(|at| format!("{}:{}", at.file(), at.line()));
        *LAST_PANIC_LOCATION
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = location.clone();
        match info.payload().downcast_ref::<Bilingual>() {
            // The default hook would print "Box<dyn Any>" for it.
            Some(both) => eprintln!(
                "test failed at {}:\n{}",
                location.unwrap_or_default(),
                both.en
            ),
            None => default_hook(info),
        }
    }));
}

/// Runs `test` to completion on a fresh current-thread runtime.
pub fn run(test: &Test) -> Outcome {
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            return Outcome::Failed {
                message: format!("could not start a tokio runtime: {error}"),
                message_ru: None,
                location: None,
                unimplemented: false,
            };
        }
    };
    let result = panic::catch_unwind(AssertUnwindSafe(|| runtime.block_on((test.body)())));
    // A student's stray blocking task must not keep the process alive: the
    // outcome is known, so leave the runtime behind instead of joining it.
    runtime.shutdown_background();
    match result {
        Ok(()) => Outcome::Passed,
        Err(payload) => {
            let (message, message_ru) = match payload.downcast_ref::<Bilingual>() {
                Some(both) => (shortened(both.en.clone()), Some(shortened(both.ru.clone()))),
                None => (shortened(panic_message(payload.as_ref())), None),
            };
            let location = LAST_PANIC_LOCATION
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner())
                .take();
            Outcome::Failed {
                unimplemented: is_unimplemented(&message),
                message,
                message_ru,
                location,
            }
        }
    }
}

/// The text of a panic payload (`panic!` gives a `&str` or a `String`).
fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(text) = payload.downcast_ref::<&str>() {
        (*text).to_owned()
    } else if let Some(text) = payload.downcast_ref::<String>() {
        text.clone()
    } else {
        "the test panicked with a value that is not text".to_owned()
    }
}

/// A panic message longer than this is cut: an assertion that prints what
/// the code under test printed could otherwise carry megabytes.
const MESSAGE_LIMIT: usize = 4000;

/// `message`, cut to [`MESSAGE_LIMIT`] characters with a note saying so.
fn shortened(message: String) -> String {
    match message.char_indices().nth(MESSAGE_LIMIT) {
        Some((cut, _)) => format!(
            "{}[... {} more bytes of this message not kept]",
            &message[..cut],
            message.len() - cut
        ),
        None => message,
    }
}

/// Whether a panic message is the one `todo!()` or `unimplemented!()` makes.
fn is_unimplemented(message: &str) -> bool {
    message.starts_with("not yet implemented") || message.starts_with("not implemented")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outcome_of(body: fn() -> crate::TestFuture) -> Outcome {
        run(&Test { name: "t", body })
    }

    #[test]
    fn a_returning_body_passes() {
        assert_eq!(outcome_of(|| crate::boxed(async {})), Outcome::Passed);
    }

    #[test]
    fn a_failed_assertion_fails_with_its_message() {
        let outcome = outcome_of(|| crate::boxed(async { assert_eq!(1 + 1, 3, "arithmetic") }));
        let Outcome::Failed {
            message,
            unimplemented,
            ..
        } = outcome
        else {
            panic!("expected a failure");
        };
        assert!(message.contains("arithmetic"), "{message}");
        assert!(!unimplemented);
    }

    #[test]
    fn a_huge_message_is_cut_with_a_note() {
        let cut = shortened("x".repeat(MESSAGE_LIMIT + 10));
        assert!(cut.starts_with(&"x".repeat(MESSAGE_LIMIT)));
        assert!(cut.ends_with("[... 10 more bytes of this message not kept]"));
        assert_eq!(shortened("short".into()), "short");
    }

    #[test]
    fn a_bilingual_failure_keeps_both_languages() {
        let outcome = outcome_of(|| {
            crate::boxed(async {
                let took = 3;
                crate::ensure!(took < 2, en: "took {took} s", ru: "заняло {took} с");
            })
        });
        let Outcome::Failed {
            message,
            message_ru,
            ..
        } = outcome
        else {
            panic!("expected a failure");
        };
        assert_eq!(message, "took 3 s");
        assert_eq!(message_ru.as_deref(), Some("заняло 3 с"));
    }

    #[test]
    fn todo_is_recognised_as_unimplemented() {
        let outcome = outcome_of(|| crate::boxed(async { todo!("write me") }));
        assert!(matches!(
            outcome,
            Outcome::Failed {
                unimplemented: true,
                ..
            }
        ));
    }
}
