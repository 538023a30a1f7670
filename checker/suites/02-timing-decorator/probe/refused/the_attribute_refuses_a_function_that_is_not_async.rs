//! A compile-fail probe: `#[timeit]` on a function that is not `async` must
//! be refused with a compile error, not passed through untimed. The student's
//! macro expands this file on its own; the test passes when the compiler
//! fails with the macro's error (a panic does not count).

#[timing_decorator_macros::timeit]
pub fn not_async(x: u32) -> u32 {
    x + 1
}
