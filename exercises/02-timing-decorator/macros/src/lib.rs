//! # Task 2, bonus — `#[timeit]` / Задание 2, бонус — атрибут `#[timeit]`
//!
//! Python writes the decorator once and puts it on any function:
//!
//! ```python
//! @timeit
//! async def fetch(url): ...
//! ```
//!
//! Rust's form of that is an attribute macro: a function the compiler calls
//! with the code of `fetch`, which returns new code. Make
//!
//! ```ignore
//! #[timing_decorator::timeit]
//! async fn fetch(url: &str) -> u16 { /* body */ }
//! ```
//!
//! expand to the same function — its visibility, generics, `where` clause,
//! arguments and return type kept — whose body runs through your
//! `timing_decorator::timeit("fetch", async move { /* body */ })`, so that
//! every call prints `Execution time of fetch: 0.3012 seconds`.
//!
//! This is a bonus: task 2 passes without it, and it earns extra points.
//!
//! Where to look: `syn::parse_macro_input!` with `syn::ItemFn` (its `sig`,
//! `block`, `attrs`, `vis`), `sig.ident` for the name, and `quote::quote!`
//! to write the new function. Refuse a function that is not `async` with a
//! `syn::Error` (`.to_compile_error()`), so the student using it gets a clear
//! message: the grader tries it on one (README, [R6]), and a panic is not a
//! refusal.

use proc_macro::TokenStream;

/// **Your task (bonus).** Wrap the body of the `async fn` it decorates in
/// `timing_decorator::timeit`, named after the function. As shipped it
/// changes nothing, so code using it compiles but prints no time.
#[proc_macro_attribute]
pub fn timeit(_attribute: TokenStream, item: TokenStream) -> TokenStream {
    item
}
