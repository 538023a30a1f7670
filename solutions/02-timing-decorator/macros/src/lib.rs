//! # Task 2, bonus — `#[timeit]`: reference solution
//!
//! The statement lives in `exercises/02-timing-decorator/macros`.

use proc_macro::TokenStream;
use quote::quote;
use syn::{ItemFn, parse_macro_input};

/// Wraps the body of the `async fn` it decorates in
/// `timing_decorator::timeit`, named after the function.
#[proc_macro_attribute]
pub fn timeit(_attribute: TokenStream, item: TokenStream) -> TokenStream {
    let function = parse_macro_input!(item as ItemFn);
    if function.sig.asyncness.is_none() {
        return syn::Error::new_spanned(function.sig.fn_token, "#[timeit] goes on an async fn")
            .to_compile_error()
            .into();
    }
    let ItemFn {
        attrs,
        vis,
        sig,
        block,
    } = function;
    let name = sig.ident.to_string();
    // `async move` takes the arguments into the timed future; `return`
    // inside the body still returns from it, as it did from the function.
    quote! {
        #(#attrs)*
        #vis #sig {
            ::timing_decorator::timeit(#name, async move #block).await
        }
    }
    .into()
}
