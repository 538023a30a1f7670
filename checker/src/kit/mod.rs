//! The course kit: what the checker writes for an instructor to hand out
//! and to grade with elsewhere — the student edition (`checker assign`),
//! proven before anyone receives it, and Gradescope's autograder bundle
//! (`checker gradescope`). Templates of the files it ships live in
//! `checker/kit/`.

pub mod edition;
pub mod edition_check;
mod files;
pub mod gradescope;
