//! Student text shown as text, never acted on.
//!
//! A test's message, what a program printed, a compiler error quoting the
//! student's `compile_error!`, a file or folder name: all of it is the
//! student's, and all of it reaches an instructor's terminal, a CI page, a
//! spreadsheet. There a control character is an instruction (`ESC[2J`
//! clears the screen, OSC 8 makes a link, a carriage return overwrites the
//! line, a bidirectional override reorders what is read). Here every one of
//! them is written as its escape (`\u{1b}`, `\r`), visible and inert. The
//! only sequences kept, and only for a terminal, are colours and weights
//! (SGR, `ESC[…m`): the compiler's errors are coloured, and a colour
//! changes how text looks, not what the terminal does.

use std::borrow::Cow;

/// `text` for a terminal: SGR styles kept, every other control character
/// escaped.
pub fn for_terminal(text: &str) -> Cow<'_, str> {
    escape_controls(text, Styles::Keep)
}

/// `text` for anything that is not a terminal (Markdown, XML, a file): SGR
/// styles dropped, every other control character escaped.
pub fn plain(text: &str) -> Cow<'_, str> {
    escape_controls(text, Styles::Drop)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Styles {
    Keep,
    Drop,
}

fn escape_controls(text: &str, styles: Styles) -> Cow<'_, str> {
    if !text.chars().any(|c| c == '\u{1b}' || is_unsafe(c)) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if let Some(length) = sgr_length(rest) {
            if styles == Styles::Keep {
                out.push_str(&rest[..length]);
            }
            rest = &rest[length..];
            continue;
        }
        if is_unsafe(c) {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
        rest = &rest[c.len_utf8()..];
    }
    Cow::Owned(out)
}

/// A character a terminal or an editor acts on instead of showing: C0 and
/// C1 controls but newline and tab, DEL, and the bidirectional marks and
/// overrides ("Trojan Source").
fn is_unsafe(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || matches!(c, '\u{200e}' | '\u{200f}' | '\u{061c}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// The length of the SGR sequence (`ESC [ digits and semicolons m`) that
/// `text` starts with, if it starts with one.
fn sgr_length(text: &str) -> Option<usize> {
    let body = text.strip_prefix("\u{1b}[")?;
    let parameters = body
        .bytes()
        .take_while(|byte| byte.is_ascii_digit() || *byte == b';')
        .count();
    (body.as_bytes().get(parameters) == Some(&b'm')).then_some(2 + parameters + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn styles_stay_for_a_terminal_and_every_other_control_is_shown() {
        let red = "\u{1b}[1m\u{1b}[31merror\u{1b}[0m";
        assert_eq!(for_terminal(red), red);
        assert_eq!(plain(red), "error");
        let hostile =
            "a\u{1b}[2Jb\u{1b}]8;;https://evil.example\u{7}x\u{1b}]8;;\u{7}\rc\n\td\u{202e}e";
        let shown = r"a\u{1b}[2Jb\u{1b}]8;;https://evil.example\u{7}x\u{1b}]8;;\u{7}\rc";
        assert_eq!(for_terminal(hostile), format!("{shown}\n\td\\u{{202e}}e"));
        assert_eq!(plain(hostile), for_terminal(hostile));
        assert!(matches!(plain("привет, мир"), Cow::Borrowed(_)));
    }
}
