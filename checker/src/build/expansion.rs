//! Reading what a student's macro expanded to, for what the compiler does
//! not lint there.
//!
//! `#![forbid(unsafe_code)]` does not reach tokens a procedural macro
//! makes: the compiler treats them as another crate's and lints nothing in
//! them. A macro could so emit `unsafe` code — a constructor that runs
//! before `main` and reads the token the checker hands the harness, raw
//! reads of the harness's memory — into the probe it is applied to. The
//! probe's expansion (`-Zunpretty=expanded`) is therefore read here: every
//! token of it is the student's macro's or the probe's own (which has
//! none of these), so any of them is refused.

/// Tokens that only `unsafe` code, or code that runs outside the rules,
/// can hold. `unsafe` itself covers `unsafe {}`, `unsafe fn`, `unsafe
/// extern` blocks and the `#[unsafe(no_mangle)]`-style attributes of the
/// 2024 edition; the assembly macros are the rest.
const FORBIDDEN: &[&str] = &["unsafe", "global_asm", "naked_asm", "asm"];

/// The expansion as a source file of its own: `$crate` of `alloc`'s macros
/// prints as `::alloc`, which a crate reaches only once it names it.
pub fn as_source(expanded: &str) -> String {
    format!("{expanded}\nextern crate alloc;\n")
}

/// Why `expanded` may not be compiled into a test, or `None` if it may.
pub fn forbidden(expanded: &str) -> Option<String> {
    let tokens: proc_macro2::TokenStream = match expanded.parse() {
        Ok(tokens) => tokens,
        Err(error) => {
            return Some(format!(
                "error: the expansion of your macro could not be read back ({error}); a macro must expand to ordinary Rust"
            ));
        }
    };
    let found = first_forbidden(tokens)?;
    Some(format!(
        "error: your macro's expansion uses `{found}`\n  = note: graded code may not use unsafe code, and neither may the code a macro writes (the compiler does not check a macro's output, so the checker does). Expand to safe Rust: `std::pin::pin!` rather than `tokio::pin!`, no `unsafe` blocks, functions or attributes."
    ))
}

fn first_forbidden(tokens: proc_macro2::TokenStream) -> Option<String> {
    use proc_macro2::TokenTree;
    for token in tokens {
        match token {
            TokenTree::Ident(ident) => {
                let name = ident.to_string();
                let name = name.strip_prefix("r#").unwrap_or(&name);
                if FORBIDDEN.contains(&name) {
                    return Some(name.to_owned());
                }
            }
            TokenTree::Group(group) => {
                if let Some(found) = first_forbidden(group.stream()) {
                    return Some(found);
                }
            }
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn safe_code_passes_and_unsafe_code_in_any_form_is_refused() {
        let safe = r#"pub async fn slow() -> u32 { let s = "unsafe in a string"; ::timing_decorator::timed(async move { 1 }).await.0 }"#;
        assert_eq!(forbidden(safe), None);
        for hostile in [
            "fn f() -> u8 { unsafe { *(&1u8 as *const u8) } }",
            r#"#[unsafe(link_section = ".init_array")] #[used] static C: extern "C" fn() = f;"#,
            r#"core::arch::global_asm!(".pushsection .init_array");"#,
            "mod m { pub unsafe fn g() {} }",
        ] {
            let refused = forbidden(hostile).unwrap_or_else(|| panic!("{hostile} passed"));
            assert!(
                refused.contains("graded code may not use unsafe code"),
                "{refused}"
            );
        }
    }
}
