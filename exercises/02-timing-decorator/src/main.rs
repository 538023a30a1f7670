//! The lecture's demo: time a slow async function with the decorator.
//!
//! `cargo run -p timing-decorator`

use std::time::Duration;

/// A stand-in for slow work: waits, then answers.
async fn slow_answer() -> u32 {
    tokio::time::sleep(Duration::from_millis(300)).await;
    42
}

#[tokio::main]
async fn main() {
    let answer = timing_decorator::timeit("slow_answer", slow_answer()).await;
    println!("the answer is {answer}");
}
