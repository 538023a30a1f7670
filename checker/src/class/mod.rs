//! Grading a class: many submissions with one shared build
//! ([`batch`]), what each student earned in one file ([`record`]: the
//! class's `class.json` and `class.csv`), and the class report an
//! instructor reads ([`html`]). It uses the grading layer below it
//! ([`crate::grading`]) and is used only by the commands above it.

pub mod batch;
pub mod html;
pub mod record;
pub mod roster;
pub mod similar_html;
pub mod similarity;
pub mod submissions;
