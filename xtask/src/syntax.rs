//! Helpers that find and read shapes in progenitor's output: modules, `impl` blocks, functions,
//! attributes. Every fixup and the API summary reach the syntax tree through them.

use std::collections::BTreeMap;

use proc_macro2::{TokenStream, TokenTree};
use quote::ToTokens;
use syn::punctuated::Punctuated;
use syn::visit_mut::VisitMut;
use syn::{Attribute, Expr, File, Item, ItemImpl, Token};

/// The items of a top-level module of progenitor's output: `types` (every schema type) or
/// `builder` (every request builder) in a client, `operations` in a mock.
pub fn module_items<'a>(file: &'a mut File, name: &str) -> Result<&'a mut Vec<Item>, String> {
    module_items_mut(&mut file.items, name)
}

/// The items of the module `name` among `items` (a file's, or another module's).
pub fn module_items_mut<'a>(
    items: &'a mut [Item],
    name: &str,
) -> Result<&'a mut Vec<Item>, String> {
    items
        .iter_mut()
        .find_map(|item| match item {
            Item::Mod(module) if module.ident == name => {
                module.content.as_mut().map(|(_, items)| items)
            }
            _ => None,
        })
        .ok_or_else(|| format!("progenitor's output has no `{name}` module"))
}

/// The name of the type an `impl` block is for (`GetUser` for `impl<'a> GetUser<'a>`).
pub fn self_type_name(item: &ItemImpl) -> Option<String> {
    match item.self_ty.as_ref() {
        syn::Type::Path(path) => path.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    }
}

/// The name of the trait an `impl` block implements, when it implements one.
pub fn trait_name(item: &ItemImpl) -> Option<String> {
    let (path, _) = item.trait_.as_ref()?;
    path.segments.last().map(|s| s.ident.to_string())
}

/// The function `name` of an `impl` block.
pub fn fn_mut<'a>(block: &'a mut ItemImpl, name: &str) -> Option<&'a mut syn::ImplItemFn> {
    block.items.iter_mut().find_map(|item| match item {
        syn::ImplItem::Fn(function) if function.sig.ident == name => Some(function),
        _ => None,
    })
}

/// The inherent `impl` block (not a trait's) among `items` for the type named `name`.
pub fn inherent_impl_mut<'a>(items: &'a mut [Item], name: &str) -> Option<&'a mut ItemImpl> {
    items.iter_mut().find_map(|item| match item {
        Item::Impl(block)
            if block.trait_.is_none() && self_type_name(block).as_deref() == Some(name) =>
        {
            Some(block)
        }
        _ => None,
    })
}

/// The initialiser of `let <name> = ...;`, when `stmt` is that statement.
pub fn init_of<'a>(stmt: &'a mut syn::Stmt, name: &str) -> Option<&'a mut Expr> {
    let syn::Stmt::Local(local) = stmt else {
        return None;
    };
    if !matches!(&local.pat, syn::Pat::Ident(p) if p.ident == name) {
        return None;
    }
    local.init.as_mut().map(|init| init.expr.as_mut())
}

/// Replaces every string literal `from` in `block` by `to`; returns how many it replaced.
pub fn replace_string_literals(block: &mut syn::Block, from: &str, to: &str) -> usize {
    struct Replace<'a> {
        from: &'a str,
        to: &'a str,
        replaced: usize,
    }
    impl VisitMut for Replace<'_> {
        fn visit_lit_str_mut(&mut self, lit: &mut syn::LitStr) {
            if lit.value() == self.from {
                *lit = syn::LitStr::new(self.to, lit.span());
                self.replaced += 1;
            }
        }
    }
    let mut replace = Replace {
        from,
        to,
        replaced: 0,
    };
    replace.visit_block_mut(block);
    replace.replaced
}

/// The Rust name progenitor gives the types of a snake_case operationId: its request builder,
/// and its mock's `When` and `Then` wrappers without their suffix.
pub fn builder_name(operation_id: &str) -> String {
    operation_id
        .split('_')
        .map(|word| {
            let mut chars = word.chars();
            chars
                .next()
                .map(|first| first.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect()
}

/// Fails when generated code (`what`, for the message) still holds code that panics: `todo!`,
/// `unimplemented!`, `panic!`, `unreachable!`, `.unwrap()` or `.expect(..)`. Neither a client,
/// its mocks nor the command-line tool may panic on any input or response; a construct no
/// fixup handles yet is a codegen error, not a crash.
pub fn refuse_panics(file: &mut File, what: &str) -> Result<(), String> {
    struct Find {
        found: Vec<String>,
        function: String,
    }
    impl VisitMut for Find {
        fn visit_impl_item_fn_mut(&mut self, function: &mut syn::ImplItemFn) {
            self.function = function.sig.ident.to_string();
            syn::visit_mut::visit_impl_item_fn_mut(self, function);
        }
        fn visit_macro_mut(&mut self, mac: &mut syn::Macro) {
            let name = mac
                .path
                .segments
                .last()
                .map(|s| s.ident.to_string())
                .unwrap_or_default();
            if ["todo", "unimplemented", "panic", "unreachable"].contains(&name.as_str()) {
                self.found.push(format!("{name}! in {}", self.function));
            }
            // Arguments of `format!` and friends are raw tokens; look inside them too.
            if let Ok(mut args) =
                mac.parse_body_with(Punctuated::<Expr, Token![,]>::parse_terminated)
            {
                for arg in args.iter_mut() {
                    self.visit_expr_mut(arg);
                }
            }
        }
        fn visit_expr_method_call_mut(&mut self, call: &mut syn::ExprMethodCall) {
            if call.method == "unwrap" || call.method == "expect" {
                self.found
                    .push(format!(".{}() in {}", call.method, self.function));
            }
            syn::visit_mut::visit_expr_method_call_mut(self, call);
        }
    }
    let mut find = Find {
        found: Vec::new(),
        function: String::new(),
    };
    find.visit_file_mut(file);
    if find.found.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{what} could panic, no fixup handles: {}",
            find.found.join(", ")
        ))
    }
}

/// The arguments of the `#[serde(...)]` attributes: `rename` → `Some("firstName")`,
/// `default` → `None`.
pub fn serde_args(attrs: &[Attribute]) -> Result<BTreeMap<String, Option<String>>, String> {
    let mut args = BTreeMap::new();
    for attr in attrs.iter().filter(|a| a.path().is_ident("serde")) {
        attr.parse_nested_meta(|meta| {
            let key = meta
                .path
                .get_ident()
                .map(ToString::to_string)
                .unwrap_or_default();
            let value = if meta.input.peek(syn::Token![=]) {
                match meta.value()?.parse::<syn::Expr>()? {
                    syn::Expr::Lit(syn::ExprLit {
                        lit: syn::Lit::Str(text),
                        ..
                    }) => Some(text.value()),
                    other => Some(other.to_token_stream().to_string()),
                }
            } else {
                None
            };
            args.insert(key, value);
            Ok(())
        })
        .map_err(|e| format!("unreadable #[serde] attribute: {e}"))?;
    }
    Ok(args)
}

/// Whether `node` is exactly the syntax of `template`, such as
/// `is(&scrutinee, quote!(response.status().as_u16()))`: compared token tree by token tree
/// (identifiers, punctuation, literals, and groups with their delimiters), so neither spacing
/// nor how the tokens print can change the answer.
pub fn is(node: &impl ToTokens, template: TokenStream) -> bool {
    same_trees(&trees(node.to_token_stream()), &trees(template))
}

/// The token trees of `stream`, with the contents of invisible groups (which interpolated
/// syntax may leave around a type or an expression) in their place.
fn trees(stream: TokenStream) -> Vec<TokenTree> {
    let mut trees = Vec::new();
    for tree in stream {
        match tree {
            TokenTree::Group(group) if group.delimiter() == proc_macro2::Delimiter::None => {
                trees.extend(self::trees(group.stream()));
            }
            tree => trees.push(tree),
        }
    }
    trees
}

/// Whether the syntax of `template` occurs in `node`, at any depth: `mentions(&chain,
/// quote!(client.client))` for a method chain that starts on the HTTP client.
pub fn mentions(node: &impl ToTokens, template: TokenStream) -> bool {
    fn search(stream: TokenStream, template: &[TokenTree]) -> bool {
        let trees = trees(stream);
        trees
            .windows(template.len().max(1))
            .any(|window| same_trees(window, template))
            || trees.iter().any(|tree| match tree {
                TokenTree::Group(group) => search(group.stream(), template),
                _ => false,
            })
    }
    let template = trees(template);
    !template.is_empty() && search(node.to_token_stream(), &template)
}

/// Whether two sequences of token trees are the same syntax.
fn same_trees(a: &[TokenTree], b: &[TokenTree]) -> bool {
    a.len() == b.len()
        && a.iter().zip(b).all(|pair| match pair {
            (TokenTree::Ident(a), TokenTree::Ident(b)) => a == b,
            (TokenTree::Punct(a), TokenTree::Punct(b)) => a.as_char() == b.as_char(),
            (TokenTree::Literal(a), TokenTree::Literal(b)) => a.to_string() == b.to_string(),
            (TokenTree::Group(a), TokenTree::Group(b)) => {
                a.delimiter() == b.delimiter() && same_trees(&trees(a.stream()), &trees(b.stream()))
            }
            _ => false,
        })
}

/// The generic arguments of `ty` when it is a path ending in `name`: `Option<T>` → `[T]`.
pub fn generic_types<'a>(ty: &'a syn::Type, name: &str) -> Option<Vec<&'a syn::Type>> {
    let syn::Type::Path(path) = ty else {
        return None;
    };
    let last = path.path.segments.last()?;
    if last.ident != name {
        return None;
    }
    match &last.arguments {
        syn::PathArguments::AngleBracketed(args) => Some(
            args.args
                .iter()
                .filter_map(|arg| match arg {
                    syn::GenericArgument::Type(ty) => Some(ty),
                    _ => None,
                })
                .collect(),
        ),
        _ => None,
    }
}

/// The trait and the `T` of a setter's conversion bound, `V: TryInto<T>` (progenitor's and
/// typify's) or `V: IntoArg<T>` (the runtime's, after `plain_setter_values`), by the path's
/// last segment: the type the setter's value must convert to.
pub fn conversion_target(bound: &syn::TypeParamBound) -> Option<(&syn::Ident, &syn::Type)> {
    let syn::TypeParamBound::Trait(bound) = bound else {
        return None;
    };
    let last = bound.path.segments.last()?;
    if last.ident != "TryInto" && last.ident != "IntoArg" {
        return None;
    }
    let syn::PathArguments::AngleBracketed(arguments) = &last.arguments else {
        return None;
    };
    match arguments.args.first()? {
        syn::GenericArgument::Type(ty) => Some((&last.ident, ty)),
        _ => None,
    }
}

/// Whether `path` is exactly the segments `names`, without generic arguments:
/// `path_is(path, &["ResponseValue", "from_response"])`.
pub fn path_is(path: &syn::Path, names: &[&str]) -> bool {
    path.leading_colon.is_none()
        && path.segments.len() == names.len()
        && path
            .segments
            .iter()
            .zip(names)
            .all(|(segment, name)| segment.ident == name && segment.arguments.is_none())
}

/// Whether `attr` is a `#[derive(..)]` naming the trait `name` (by its last segment).
pub fn derives(attr: &Attribute, name: &str) -> bool {
    attr.path().is_ident("derive")
        && attr
            .parse_args_with(Punctuated::<syn::Path, Token![,]>::parse_terminated)
            .is_ok_and(|paths| {
                paths
                    .iter()
                    .any(|path| path.segments.last().is_some_and(|last| last.ident == name))
            })
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;

    #[test]
    fn shapes_compare_as_token_trees_not_as_text() {
        let expr: Expr = syn::parse_quote!(response.status().as_u16());
        assert!(is(&expr, quote!(response.status().as_u16())));
        assert!(!is(&expr, quote!(response.status())));
        assert!(mentions(&expr, quote!(status())));
        assert!(!mentions(&expr, quote!(status(1))));
        let path: syn::Path = syn::parse_quote!(ResponseValue::from_response);
        assert!(path_is(&path, &["ResponseValue", "from_response"]));
        assert!(!path_is(&path, &["from_response"]));
        let attr: Attribute = syn::parse_quote!(#[derive(Clone, ::serde::Deserialize)]);
        assert!(derives(&attr, "Deserialize") && !derives(&attr, "Serialize"));
        let ty: syn::Type = syn::parse_quote!(Result<ResponseValue<()>, Error<()>>);
        let args = generic_types(&ty, "Result").expect("a Result");
        assert!(is(args[0], quote!(ResponseValue<()>)));
    }
}
