//! A submission's code as the similarity check sees it: Rust tokens, lexed
//! by `proc-macro2` (the lexer the bonus task's macros use), with what a
//! student can change without changing the program taken out.
//!
//! Comments, doc comments (which the lexer turns into `#[doc]` attributes)
//! and whitespace are gone; every identifier that is not a keyword is the
//! same token, and so is every literal of one kind (string, number,
//! character). Renaming a variable or rewording a comment thus changes
//! nothing here; what is left is the shape of the code.

use std::{
    collections::hash_map::DefaultHasher,
    hash::{Hash as _, Hasher as _},
};

use proc_macro2::{Delimiter, TokenStream, TokenTree};

/// The code of one document (a student's files of one task), one entry per
/// token, in file order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tokens {
    /// Each token's normalised kind, hashed.
    pub kinds: Vec<u64>,
    /// Where each token is: the file (an index into the files given) and
    /// its 1-based line.
    pub places: Vec<(u16, u32)>,
}

/// Lexes `files` (name, text) into one token stream of at most `limit`
/// tokens. A file the lexer refuses (an unclosed bracket, say) adds
/// nothing, and its name is returned beside: a submission that does not
/// compile still has code to compare, but not that file's.
pub fn tokenize(files: &[(String, String)], limit: usize) -> (Tokens, Vec<String>) {
    let mut tokens = Tokens::default();
    let mut refused = Vec::new();
    for (index, (name, text)) in files.iter().enumerate() {
        let file = u16::try_from(index).unwrap_or(u16::MAX);
        match text.parse::<TokenStream>() {
            Ok(stream) => push_stream(&mut tokens, file, stream, limit),
            Err(_) => refused.push(name.clone()),
        }
        // With span locations, proc-macro2 keeps every text it lexed for
        // the thread's life; the lines are read, so let it go (a class of
        // large files would otherwise stay in memory to the end).
        proc_macro2::extra::invalidate_current_thread_spans();
    }
    (tokens, refused)
}

/// Flattens `stream` into `tokens`, brackets as tokens of their own. A
/// stack, not recursion: a file of a million nested brackets is still a
/// file a student can hand in.
fn push_stream(tokens: &mut Tokens, file: u16, stream: TokenStream, limit: usize) {
    let mut open: Vec<(
        std::iter::Peekable<proc_macro2::token_stream::IntoIter>,
        &str,
        usize,
    )> = vec![(stream.into_iter().peekable(), "", 0)];
    while let Some((trees, _, _)) = open.last_mut() {
        if tokens.kinds.len() >= limit {
            return;
        }
        let Some(tree) = trees.next() else {
            let (_, close, line) = open.pop().expect("a stream is open");
            push(tokens, file, line, close);
            continue;
        };
        match tree {
            TokenTree::Group(group) => {
                let (open_text, close) = match group.delimiter() {
                    Delimiter::Parenthesis => ("(", ")"),
                    Delimiter::Brace => ("{", "}"),
                    Delimiter::Bracket => ("[", "]"),
                    Delimiter::None => ("", ""),
                };
                push(tokens, file, group.span_open().start().line, open_text);
                let close_line = group.span_close().start().line;
                open.push((group.stream().into_iter().peekable(), close, close_line));
            }
            TokenTree::Punct(punct) => {
                // `#[doc = "..."]` and `#![doc = "..."]` are comments.
                if punct.as_char() == '#' {
                    let mut ahead = trees.clone();
                    if matches!(ahead.peek(), Some(TokenTree::Punct(bang)) if bang.as_char() == '!')
                    {
                        ahead.next();
                    }
                    if let Some(TokenTree::Group(attribute)) = ahead.next()
                        && is_doc(&attribute)
                    {
                        *trees = ahead;
                        continue;
                    }
                }
                // A lifetime is `'` and a name: a name like any other.
                let text = punct.as_char().to_string();
                push(tokens, file, punct.span().start().line, &text);
            }
            TokenTree::Ident(ident) => {
                let text = ident.to_string();
                let kind = if is_keyword(&text) {
                    text.as_str()
                } else {
                    "ident"
                };
                push(tokens, file, ident.span().start().line, kind);
            }
            TokenTree::Literal(literal) => {
                let text = literal.to_string();
                let kind = match text.trim_start_matches(['b', 'c', 'r', '#']).chars().next() {
                    Some('"') => "string",
                    Some('\'') => "char",
                    _ => "number",
                };
                push(tokens, file, literal.span().start().line, kind);
            }
        }
    }
}

fn push(tokens: &mut Tokens, file: u16, line: usize, kind: &str) {
    if kind.is_empty() {
        return;
    }
    let mut hasher = DefaultHasher::new();
    kind.hash(&mut hasher);
    tokens.kinds.push(hasher.finish());
    tokens
        .places
        .push((file, u32::try_from(line).unwrap_or(u32::MAX)));
}

/// `[doc = ...]`, the attribute a doc comment becomes.
fn is_doc(attribute: &proc_macro2::Group) -> bool {
    attribute.delimiter() == Delimiter::Bracket
        && matches!(attribute.stream().into_iter().next(), Some(TokenTree::Ident(name)) if name == "doc")
}

/// Rust's keywords (strict and 2018+): the words a rename cannot touch.
fn is_keyword(word: &str) -> bool {
    matches!(
        word,
        "as" | "async"
            | "await"
            | "break"
            | "const"
            | "continue"
            | "crate"
            | "dyn"
            | "else"
            | "enum"
            | "extern"
            | "false"
            | "fn"
            | "for"
            | "if"
            | "impl"
            | "in"
            | "let"
            | "loop"
            | "match"
            | "mod"
            | "move"
            | "mut"
            | "pub"
            | "ref"
            | "return"
            | "self"
            | "Self"
            | "static"
            | "struct"
            | "super"
            | "trait"
            | "true"
            | "type"
            | "unsafe"
            | "use"
            | "where"
            | "while"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<u64> {
        let (tokens, refused) = tokenize(&[("lib.rs".to_owned(), text.to_owned())], usize::MAX);
        assert!(refused.is_empty());
        tokens.kinds
    }

    #[test]
    fn renames_comments_and_layout_change_nothing() {
        let original =
            "/// Sums.\nfn total(xs: &[u32]) -> u32 {\n    // every one\n    xs.iter().sum()\n}\n";
        let disguised = "//! A crate.\n#[doc = \"Adds up.\"]\nfn add_all(values: &[u32]) -> u32 { /* all */ values.iter().sum() }";
        assert_eq!(kinds(original), kinds(disguised));
    }

    #[test]
    fn keywords_literal_kinds_and_structure_still_count() {
        assert_ne!(kinds("for x in y {}"), kinds("while x in y {}"));
        assert_ne!(kinds("f(\"1\")"), kinds("f(1)"));
        assert_ne!(kinds("f(a, b)"), kinds("f(a)(b)"));
        assert_eq!(kinds("f(\"a\")"), kinds("f(r#\"b\"#)"));
        assert_eq!(kinds("f(1)"), kinds("f(2.5e3)"));
        // Other attributes are code: `#[derive]` is not a comment.
        assert_ne!(kinds("#[derive(Debug)] struct S;"), kinds("struct S;"));
    }

    #[test]
    fn tokens_know_their_file_and_line() {
        let (tokens, _) = tokenize(
            &[
                ("a.rs".to_owned(), "fn a() {}".to_owned()),
                ("b.rs".to_owned(), "\n\nfn b() {}".to_owned()),
            ],
            usize::MAX,
        );
        assert_eq!(tokens.places.first(), Some(&(0, 1)));
        assert_eq!(tokens.places.last(), Some(&(1, 3)));
    }

    #[test]
    fn a_file_the_lexer_refuses_is_named_and_skipped() {
        let (tokens, refused) = tokenize(
            &[
                ("broken.rs".to_owned(), "fn a() {".to_owned()),
                ("ok.rs".to_owned(), "fn b() {}".to_owned()),
            ],
            usize::MAX,
        );
        assert_eq!(refused, ["broken.rs"]);
        assert_eq!(tokens.kinds.len(), 6);
    }

    #[test]
    fn deep_nesting_and_length_are_bounded() {
        // Deeper than any stack would take by recursion.
        let nested = format!("{}{}", "(".repeat(300_000), ")".repeat(300_000));
        let (tokens, refused) = tokenize(&[("deep.rs".to_owned(), nested)], 1000);
        assert!(refused.is_empty());
        assert_eq!(tokens.kinds.len(), 1000);
        let (all, _) = tokenize(
            &[("lib.rs".to_owned(), "fn a() { b(c) }".to_owned())],
            usize::MAX,
        );
        assert_eq!(all.kinds.len(), 10);
    }
}
