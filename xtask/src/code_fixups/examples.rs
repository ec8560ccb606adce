//! The usage example in each operation's documentation, compiled.
//!
//! progenitor ends the documentation of every `Client` method with an example of its builder
//! (`let response = client.get_user().user_id(user_id).send().await;`) in an `ignore` block:
//! its variables are never declared, so it could not compile. rustdoc lists every such block as
//! an ignored test, and nothing checks that the example still matches the builder. This fixup
//! declares the variables, hidden, as the parameters of an `async fn` that takes the client and
//! a value of each setter's type, and marks the block `no_run`: every example now compiles
//! against the real builder (a renamed setter or a changed type fails `cargo test --doc`), and
//! reads as before.

use std::collections::BTreeMap;

use quote::ToTokens;
use syn::visit_mut::VisitMut;
use syn::{Expr, File, FnArg, GenericParam, ImplItem, Item, Type, WherePredicate, parse_quote};

use super::ClientCtx;
use crate::fixup::Applied;
use crate::syntax::{conversion_target, module_items_mut, self_type_name};

/// How progenitor opens each example (its fence, then its first line) and closes it.
const FENCE: &str = "```ignore\n";
const FIRST_LINE: &str = "let response = client.";
const CLOSE: &str = "```";

/// Compiles the usage example of every `Client` method of `crate_name` (see the module).
///
/// Every provider's client has this shape, so codegen fails when this changes nothing.
pub fn compile_operation_examples(file: &mut File, ctx: &ClientCtx) -> Result<Applied, String> {
    let crate_name = ctx.crate_name.as_str();
    let setters = setter_types(file, crate_name)?;
    let open = format!("{FENCE}{FIRST_LINE}");
    let mut compiled = 0;
    for item in &mut file.items {
        let Item::Impl(block) = item else { continue };
        if block.trait_.is_some() || self_type_name(block).as_deref() != Some("Client") {
            continue;
        }
        for member in &mut block.items {
            let ImplItem::Fn(function) = member else {
                continue;
            };
            let builder = match &function.sig.output {
                syn::ReturnType::Type(_, ty) => last_segment(ty),
                syn::ReturnType::Default => None,
            };
            for attr in &mut function.attrs {
                let syn::Meta::NameValue(doc) = &mut attr.meta else {
                    continue;
                };
                if !doc.path.is_ident("doc") {
                    continue;
                }
                let Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(text),
                    ..
                }) = &doc.value
                else {
                    continue;
                };
                let value = text.value();
                let Some(start) = value.find(&open) else {
                    continue;
                };
                let method = function.sig.ident.to_string();
                let builder = builder
                    .as_deref()
                    .ok_or_else(|| format!("Client::{method} does not return a builder"))?;
                let example_start = start + FENCE.len();
                let end = value[example_start..]
                    .find(CLOSE)
                    .map(|at| example_start + at)
                    .ok_or_else(|| format!("the example of Client::{method} does not end"))?;
                let example = &value[example_start..end];
                let mut parameters = vec![format!("client: &{crate_name}::Client")];
                for (setter, variable) in calls(example) {
                    let ty = setters.get(&(builder.to_string(), setter.clone())).ok_or_else(
                        || format!("the example of Client::{method} calls {builder}::{setter}, which takes no single value"),
                    )?;
                    parameters.push(format!("{variable}: {ty}"));
                }
                let compiled_example = format!(
                    "```no_run\n# async fn example({}) {{\n{example}# }}\n",
                    parameters.join(", ")
                );
                let new_value = format!("{}{compiled_example}{}", &value[..start], &value[end..]);
                doc.value = parse_quote!(#new_value);
                compiled += 1;
            }
        }
    }
    Ok(Applied::new(
        compiled,
        format!(
            "compile_operation_examples: {compiled} operation examples compile (no_run) with their variables declared"
        ),
    ))
}

/// The setters an example calls, with the variable each is given: `.name(variable)` lines.
fn calls(example: &str) -> Vec<(String, String)> {
    example
        .lines()
        .filter_map(|line| {
            let call = line.trim().strip_prefix('.')?.strip_suffix(')')?;
            let (setter, variable) = call.split_once('(')?;
            (!variable.is_empty()).then(|| (setter.to_string(), variable.to_string()))
        })
        .collect()
}

/// The last segment of a type's path: `ListUsers` for `builder::ListUsers<'_>`.
fn last_segment(ty: &Type) -> Option<String> {
    match ty {
        Type::Path(path) => path.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    }
}

/// The type of the value each request builder's setter takes, keyed by (builder, setter),
/// written as a path from outside the crate: `T` for `fn name<V>(self, value: V) where V:
/// TryInto<T>`, the shape of every progenitor setter.
fn setter_types(
    file: &mut File,
    crate_name: &str,
) -> Result<BTreeMap<(String, String), String>, String> {
    let mut types = BTreeMap::new();
    for item in module_items_mut(&mut file.items, "builder")?.iter() {
        let Item::Impl(block) = item else { continue };
        let Some(builder) = self_type_name(block) else {
            continue;
        };
        for member in &block.items {
            let ImplItem::Fn(function) = member else {
                continue;
            };
            if let Some(ty) = try_into_target(function) {
                types.insert(
                    (builder.clone(), function.sig.ident.to_string()),
                    from_outside(ty, crate_name),
                );
            }
        }
    }
    Ok(types)
}

/// `T` when the function's one value argument is its type parameter `V` and its `where`
/// clause says `V: ...TryInto<T>` (or `IntoArg<T>`).
fn try_into_target(function: &syn::ImplItemFn) -> Option<Type> {
    let mut arguments = function.sig.inputs.iter().filter_map(|input| match input {
        FnArg::Typed(typed) => Some(typed.ty.as_ref()),
        FnArg::Receiver(_) => None,
    });
    let (Some(Type::Path(argument)), None) = (arguments.next(), arguments.next()) else {
        return None;
    };
    let parameter = function
        .sig
        .generics
        .params
        .iter()
        .find_map(|param| match param {
            GenericParam::Type(param) => Some(&param.ident),
            _ => None,
        })?;
    if !argument.path.is_ident(parameter) {
        return None;
    }
    function
        .sig
        .generics
        .where_clause
        .as_ref()?
        .predicates
        .iter()
        .filter_map(|predicate| match predicate {
            WherePredicate::Type(predicate)
                if matches!(&predicate.bounded_ty, Type::Path(path) if path.path.is_ident(parameter)) =>
            {
                Some(&predicate.bounds)
            }
            _ => None,
        })
        .flatten()
        .find_map(|bound| conversion_target(bound).map(|(_, ty)| ty.clone()))
}

/// `ty` as written outside the crate: `types::X` (a path from the `builder` module) starts at
/// `crate_name` instead.
fn from_outside(mut ty: Type, crate_name: &str) -> String {
    struct Rebase<'a>(&'a str);
    impl VisitMut for Rebase<'_> {
        fn visit_type_path_mut(&mut self, path: &mut syn::TypePath) {
            syn::visit_mut::visit_type_path_mut(self, path);
            let relative = path.qself.is_none() && path.path.leading_colon.is_none();
            if relative
                && path
                    .path
                    .segments
                    .first()
                    .is_some_and(|s| s.ident == "types")
            {
                let crate_ident = syn::Ident::new(self.0, proc_macro2::Span::call_site());
                path.path.segments.insert(0, crate_ident.into());
                path.path.leading_colon = Some(Default::default());
            }
        }
    }
    Rebase(crate_name).visit_type_mut(&mut ty);
    ty.to_token_stream().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn examples_declare_each_variable_with_its_setter_s_type() {
        let mut file: File = parse_quote! {
            impl Client {
                #[doc = "Get a user\n\nArguments:\n- `user_id`: The id.\n```ignore\nlet response = client.get_user()\n    .user_id(user_id)\n    .body(body)\n    .limit(limit)\n    .send()\n    .await;\n```"]
                pub fn get_user(&self) -> builder::GetUser<'_> {
                    builder::GetUser::new(self)
                }
            }
            pub mod builder {
                impl<'a> GetUser<'a> {
                    pub fn user_id<V>(mut self, value: V) -> Self
                    where
                        V: std::convert::TryInto<::std::string::String>,
                    {
                        self
                    }
                    pub fn body<V>(mut self, value: V) -> Self
                    where
                        V: std::convert::TryInto<types::UserInput>,
                        <V as std::convert::TryInto<types::UserInput>>::Error: std::fmt::Display,
                    {
                        self
                    }
                    pub fn limit<V>(mut self, value: V) -> Self
                    where
                        V: std::convert::TryInto<u32>,
                    {
                        self
                    }
                }
            }
        };
        let log = compile_operation_examples(
            &mut file,
            &ClientCtx {
                crate_name: "user_apis_okta".to_string(),
                ..ClientCtx::default()
            },
        )
        .expect("applies")
        .log;
        assert_eq!(
            log,
            vec![
                "compile_operation_examples: 1 operation examples compile (no_run) with their variables declared"
            ]
        );
        let Item::Impl(block) = &file.items[0] else {
            panic!("an impl")
        };
        let ImplItem::Fn(function) = &block.items[0] else {
            panic!("a method")
        };
        let doc = function.attrs[0].meta.require_name_value().expect("a doc");
        let Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(text),
            ..
        }) = &doc.value
        else {
            panic!("a doc string")
        };
        assert_eq!(
            text.value(),
            "Get a user\n\nArguments:\n- `user_id`: The id.\n```no_run\n# async fn example(client: &user_apis_okta::Client, user_id: :: std :: string :: String, body: :: user_apis_okta :: types :: UserInput, limit: u32) {\nlet response = client.get_user()\n    .user_id(user_id)\n    .body(body)\n    .limit(limit)\n    .send()\n    .await;\n# }\n```"
        );
    }

    #[test]
    fn an_example_calling_an_unknown_setter_is_refused() {
        let mut file: File = parse_quote! {
            impl Client {
                #[doc = "```ignore\nlet response = client.get_user()\n    .nickname(nickname)\n    .send()\n    .await;\n```"]
                pub fn get_user(&self) -> builder::GetUser<'_> {
                    builder::GetUser::new(self)
                }
            }
            pub mod builder {
                impl<'a> GetUser<'a> {}
            }
        };
        let error = compile_operation_examples(
            &mut file,
            &ClientCtx {
                crate_name: "user_apis_okta".to_string(),
                ..ClientCtx::default()
            },
        )
        .expect_err("refused");
        assert!(error.contains("GetUser::nickname"), "{error}");
    }
}
