//! Hidden suite of task 2, compiled on its own: `timed` and `timeit` accept
//! futures that are not `Send`.
//!
//! A separate binary because a solution that demands `Send` (say, one that
//! hands the future to `tokio::spawn`) fails to *compile* this test; on its
//! own, that costs this test's points and not the whole task's.

use std::{rc::Rc, time::Duration};

use harness::ensure;
use timing_decorator::{timed, timeit};

async fn works_with_futures_that_are_not_send() {
    // An Rc held across an await makes the future !Send.
    let shared = Rc::new(7);
    let (output, elapsed) = timed({
        let shared = Rc::clone(&shared);
        async move {
            tokio::time::sleep(Duration::from_millis(20)).await;
            *shared * 6
        }
    })
    .await;
    ensure!(output == 42, en: "timed changed the output: 42 came back as {output}", ru: "timed изменил результат: 42 вернулось как {output}");
    ensure!(
        elapsed >= Duration::from_millis(20),
        en: "measured {elapsed:?} for a 20 ms sleep",
        ru: "для сна в 20 мс измерено {elapsed:?}",
    );

    let output = timeit("not_send", async move {
        tokio::task::yield_now().await;
        Rc::strong_count(&shared)
    })
    .await;
    ensure!(output == 1, en: "timeit changed the output: 1 came back as {output}", ru: "timeit изменил результат: 1 вернулось как {output}");
}

harness::suite!(works_with_futures_that_are_not_send);
