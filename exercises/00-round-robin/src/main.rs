//! The lecture's demo: one coroutine driven by hand, then four in turn.
//!
//! `cargo run -p round-robin`

use round_robin::{Log, count_to_three, poll_by_hand, run_round_robin};

fn main() {
    println!("-- one coroutine, send(None) by hand --");
    let (name, polls) = poll_by_hand(count_to_three("cor".to_owned(), Log::new()));
    println!("{name} finished after {polls} polls (the last one is Python's StopIteration)");

    println!("-- four coroutines, round robin --");
    let log = Log::new();
    let coroutines = (1..=4)
        .map(|i| count_to_three(format!("cor{i}"), log.clone()))
        .collect();
    let names = run_round_robin(coroutines);
    println!("finished: {names:?}");
}
