//! Named transformations of the generated code, applied to progenitor's output before printing.
//!
//! They give the generated types the behaviour the user contract asks for and that progenitor
//! has no setting for. [`CLIENT_FIXUPS`] lists them in the order codegen runs them.

use std::collections::BTreeMap;

use quote::{ToTokens, format_ident, quote};
use syn::punctuated::Punctuated;
use syn::visit_mut::VisitMut;
use syn::{Attribute, Expr, Fields, File, Item, ItemEnum, ItemImpl, Token, parse_quote};

use crate::code_fixups::docs::SpecDocs;
use crate::fixup::{Applied, Fixup, fixup};
use crate::spec::Route;
use crate::spec_fixups::{Split, WireName};
use crate::syntax::{
    builder_name, conversion_target, derives, fn_mut, generic_types, inherent_impl_mut, init_of,
    is, mentions, module_items, path_is, replace_string_literals, self_type_name, serde_args,
    trait_name,
};

pub mod docs;
pub mod examples;

use docs::{
    document_enum_variants, document_reference_fields, document_request_builders,
    document_type_builders,
};
use examples::compile_operation_examples;

/// What the client fixups read from the spec.
#[derive(Debug, Default)]
pub struct ClientCtx {
    /// The Rust name of the client crate (`user_apis_okta`), which examples import from.
    pub crate_name: String,
    /// The schemas split into a read and a write form.
    pub splits: Vec<Split>,
    /// The spec's descriptions of what progenitor leaves undocumented.
    pub docs: SpecDocs,
    /// The query parameters named in Rust by `x-rust-name`.
    pub wire_names: Vec<WireName>,
    /// The schemas marked `x-acknowledgement: true`.
    pub acknowledgements: Vec<String>,
    /// The operations whose request body may be left out.
    pub optional_bodies: Vec<String>,
    /// Every operation's route.
    pub routes: Vec<Route>,
    /// The write schemas a read one turns into, as (write, read).
    pub update_sources: Vec<(String, String)>,
}

/// A client fixup: changes progenitor's client code.
pub type ClientFixup = Fixup<File, ClientCtx>;

/// Every client fixup, in the order codegen applies them to progenitor's client.
pub const CLIENT_FIXUPS: &[ClientFixup] = &[
    fixup!(open_string_enums, EveryProvider),
    fixup!(null_collections_as_empty, EveryProvider),
    fixup!(add_input_conversions, SomeProvider),
    fixup!(add_update_conversions, SomeProvider),
    fixup!(guard_path_segments, EveryProvider),
    fixup!(lean_request_building, EveryProvider),
    fixup!(decode_through_runtime, EveryProvider),
    fixup!(any_success_without_data, EveryProvider),
    fixup!(answer_through_runtime, EveryProvider),
    fixup!(configured_constructors_only, EveryProvider),
    fixup!(optional_request_bodies, SomeProvider),
    fixup!(crate_visible_builder_fields, EveryProvider),
    fixup!(builder_field_defaults, EveryProvider),
    fixup!(optional_nested_builders, EveryProvider),
    fixup!(plain_setter_values, EveryProvider),
    fixup!(per_call_options, EveryProvider),
    fixup!(skip_empty_hooks, EveryProvider),
    fixup!(default_for_optional_types, SomeProvider),
    fixup!(add_path_templates, EveryProvider),
    fixup!(document_enum_variants, EveryProvider),
    fixup!(document_reference_fields, EveryProvider),
    fixup!(document_type_builders, EveryProvider),
    fixup!(document_request_builders, EveryProvider),
    fixup!(wire_parameter_names, SomeProvider),
    fixup!(compile_operation_examples, EveryProvider),
    fixup!(mock_only_received_builders, EveryProvider),
];

/// Counts the schema types (structs and enums) in the generated `types` module.
pub fn count_types(file: &mut File) -> usize {
    module_items(file, "types").map_or(0, |items| {
        items
            .iter()
            .filter(|item| matches!(item, Item::Struct(_) | Item::Enum(_)))
            .count()
    })
}

/// Makes every string enum keep values the spec does not list.
///
/// progenitor turns `enum: [admin, user]` into a Rust enum whose decoding fails on any other
/// string, so a server that adds a value would break every response carrying it. This adds a
/// last variant, `Unknown(String)`, marked `#[serde(untagged)]`: known values still decode to
/// their own variants, an unknown value decodes to `Unknown` with the string kept, and it is
/// written back unchanged. `Display` prints the kept string and `FromStr` accepts any string.
/// `Copy` is dropped from the derives, since the new variant owns a `String`.
///
/// Every provider's client has this shape, so codegen fails when this changes nothing.
pub fn open_string_enums(file: &mut File, _: &ClientCtx) -> Result<Applied, String> {
    let items = module_items(file, "types")?;
    let mut opened = BTreeMap::new();
    for item in items.iter_mut() {
        let Item::Enum(item) = item else { continue };
        if !is_string_enum(item) {
            continue;
        }
        let taken = |name: &str| item.variants.iter().any(|v| v.ident == name);
        let variant = if taken("Unknown") {
            format_ident!("UnknownValue")
        } else {
            format_ident!("Unknown")
        };
        if taken(&variant.to_string()) {
            return Err(format!(
                "enum {} has no free name for its unknown variant",
                item.ident
            ));
        }
        drop_copy(&mut item.attrs)?;
        item.variants.push(parse_quote! {
            /// A value this client does not know yet, kept exactly as received.
            #[serde(untagged)]
            #variant(::std::string::String)
        });
        opened.insert(item.ident.to_string(), variant);
    }

    // Teach the conversions generated for each enum about the new variant.
    for item in items.iter_mut() {
        let Item::Impl(item) = item else { continue };
        let Some(name) = self_type_name(item) else {
            continue;
        };
        let Some(variant) = opened.get(&name) else {
            continue;
        };
        match trait_name(item).as_deref() {
            Some("Display") => add_match_arm(
                item,
                parse_quote! {
                    Self::#variant(ref value) => f.write_str(value)
                },
            )?,
            Some("FromStr") => replace_wildcard_arm(
                item,
                parse_quote! {
                    _ => Ok(Self::#variant(value.to_string()))
                },
            )?,
            _ => {}
        }
    }

    Ok(Applied::each(
        opened
            .iter()
            .map(|(name, variant)| {
                format!("open_string_enums: {name} keeps unknown values in {name}::{variant}")
            })
            .collect(),
    ))
}

/// Makes every optional list and map of the generated types decode `null` as empty.
///
/// typify gives such a field `#[serde(default)]`, which covers a missing field but not an
/// explicit `null`, and servers written in Go send an empty list as `null`: one such field
/// would fail the whole response. This adds
/// `deserialize_with = "::user_apis_runtime::null_as_empty"`. A flattened map (the extra
/// properties of a schema) is left alone: it is never `null`.
///
/// Every provider's client has this shape, so codegen fails when this changes nothing.
pub fn null_collections_as_empty(file: &mut File, _: &ClientCtx) -> Result<Applied, String> {
    const COLLECTIONS: [&str; 4] = ["Vec", "HashMap", "BTreeMap", "Map"];
    let items = module_items(file, "types")?;
    let mut log = Vec::new();
    for item in items.iter_mut() {
        let Item::Struct(item) = item else { continue };
        let mut changed = Vec::new();
        for field in item.fields.iter_mut() {
            let args = crate::syntax::serde_args(&field.attrs)?;
            let collection = matches!(&field.ty, syn::Type::Path(path)
            if path.path.segments.last().is_some_and(|last| {
                COLLECTIONS.iter().any(|name| last.ident == name)
            }));
            if !collection
                || !args.contains_key("default")
                || ["flatten", "with", "deserialize_with"]
                    .iter()
                    .any(|key| args.contains_key(*key))
            {
                continue;
            }
            field.attrs.push(parse_quote! {
                #[serde(deserialize_with = "::user_apis_runtime::null_as_empty")]
            });
            if let Some(ident) = &field.ident {
                changed.push(ident.to_string());
            }
        }
        if !changed.is_empty() {
            log.push(format!(
                "null_collections_as_empty: {}: {}",
                item.ident,
                changed.join(", ")
            ));
        }
    }
    Ok(Applied::each(log))
}

/// A string enum as typify emits it: unit variants only, deriving `Deserialize`.
fn is_string_enum(item: &ItemEnum) -> bool {
    !item.variants.is_empty()
        && item
            .variants
            .iter()
            .all(|v| matches!(v.fields, Fields::Unit))
        && item.attrs.iter().any(|attr| derives(attr, "Deserialize"))
        && !item.attrs.iter().any(|attr| attr.path().is_ident("serde"))
}

fn drop_copy(attrs: &mut [Attribute]) -> Result<(), String> {
    for attr in attrs.iter_mut().filter(|a| a.path().is_ident("derive")) {
        let paths = attr
            .parse_args_with(Punctuated::<syn::Path, Token![,]>::parse_terminated)
            .map_err(|e| format!("unreadable derive list: {e}"))?;
        let kept = paths
            .into_iter()
            .filter(|path| path.segments.last().is_none_or(|s| s.ident != "Copy"));
        *attr = parse_quote!(#[derive(#(#kept),*)]);
    }
    Ok(())
}

/// The first `match` in the first method of an impl.
fn first_match(item: &mut ItemImpl) -> Result<&mut syn::ExprMatch, String> {
    let name = self_type_name(item).unwrap_or_default();
    item.items
        .iter_mut()
        .find_map(|item| match item {
            syn::ImplItem::Fn(function) => {
                function.block.stmts.iter_mut().find_map(|stmt| match stmt {
                    syn::Stmt::Expr(syn::Expr::Match(expr), _) => Some(expr),
                    _ => None,
                })
            }
            _ => None,
        })
        .ok_or_else(|| format!("an impl for {name} has no match to extend"))
}

fn add_match_arm(item: &mut ItemImpl, arm: syn::Arm) -> Result<(), String> {
    let expr = first_match(item)?;
    expr.arms.push(arm);
    Ok(())
}

fn replace_wildcard_arm(item: &mut ItemImpl, arm: syn::Arm) -> Result<(), String> {
    let expr = first_match(item)?;
    let last = expr
        .arms
        .last_mut()
        .filter(|last| matches!(last.pat, syn::Pat::Wild(_)))
        .ok_or_else(|| "a FromStr match does not end in `_ =>`".to_string())?;
    *last = arm;
    Ok(())
}

/// The fields of the struct `name`, each with its type.
fn fields_of(items: &[Item], name: &str) -> Option<Vec<(syn::Ident, syn::Type)>> {
    items.iter().find_map(|item| match item {
        Item::Struct(s) if s.ident == name => Some(
            s.fields
                .iter()
                .filter_map(|field| Some((field.ident.clone()?, field.ty.clone())))
                .collect(),
        ),
        _ => None,
    })
}

/// Adds `impl From<Read> for Write` for every schema split by
/// [`crate::spec_fixups::split_read_only_request_bodies`].
///
/// Fields of the same type move across; fields whose type is itself split convert with
/// `Into` (through `Option` and `Vec`); the read-only fields are dropped.
///
/// It changes only what some specs have, so it may change nothing in one provider's client;
/// codegen fails when it changes nothing in any.
pub fn add_input_conversions(file: &mut File, ctx: &ClientCtx) -> Result<Applied, String> {
    let splits = &ctx.splits;
    let items = module_items(file, "types")?;
    let mut log = Vec::new();
    let mut impls = Vec::new();
    for split in splits {
        let read_fields = fields_of(items, &split.read)
            .ok_or_else(|| format!("no generated struct named {}", split.read))?;
        let write_fields = fields_of(items, &split.write)
            .ok_or_else(|| format!("no generated struct named {}", split.write))?;
        let mut assignments = Vec::new();
        for (ident, write_ty) in &write_fields {
            let read_ty = read_fields
                .iter()
                .find(|(name, _)| name == ident)
                .map(|(_, ty)| ty)
                .ok_or_else(|| {
                    format!(
                        "{} has no field {ident} to fill {}",
                        split.read, split.write
                    )
                })?;
            let in_std = |module: &str, name: &str| {
                matches!(write_ty, syn::Type::Path(path) if path.path.leading_colon.is_some()
                    && path.path.segments.len() == 3
                    && path.path.segments[0].ident == "std"
                    && path.path.segments[1].ident == module
                    && path.path.segments[2].ident == name)
            };
            let value = if is(read_ty, write_ty.to_token_stream()) {
                quote!(value.#ident)
            } else if in_std("option", "Option") {
                quote!(value.#ident.map(::std::convert::Into::into))
            } else if in_std("vec", "Vec") {
                quote!(value.#ident.into_iter().map(::std::convert::Into::into).collect())
            } else {
                quote!(::std::convert::Into::into(value.#ident))
            };
            assignments.push(quote!(#ident: #value));
        }
        let read = format_ident!("{}", split.read);
        let write = format_ident!("{}", split.write);
        let doc = format!(
            "Keeps the writable fields of a [`{}`], so a value read from the server can be sent back.",
            split.read
        );
        impls.push(parse_quote! {
            #[doc = #doc]
            impl ::std::convert::From<#read> for #write {
                fn from(value: #read) -> Self {
                    Self { #(#assignments),* }
                }
            }
        });
        log.push(format!("add_input_conversions: From<{read}> for {write}"));
    }
    items.extend(impls.into_iter().map(Item::Impl));
    Ok(Applied::each(log))
}

/// Decodes every JSON response body through `Runtime::decode`, and makes the client's `Error`
/// the runtime's.
///
/// progenitor reads a body whole, however long, and when it cannot be decoded its error keeps
/// neither the operation nor the status (a 404 with an HTML page loses its 404). The runtime's
/// `decode` reads at most the configured maximum, and its `Error::InvalidResponse` names the
/// operation, the status and the content type and keeps the start of the body. The runtime's
/// `Error` keeps progenitor's variant names for everything else; its `ErrorResponse` and
/// `UnexpectedResponse` name the operation too (`Runtime::decode_error`,
/// `Runtime::unexpected`), so that every API error says which call it answered.
///
/// Every provider's client has this shape, so codegen fails when this changes nothing.
pub fn decode_through_runtime(file: &mut File, _: &ClientCtx) -> Result<Applied, String> {
    struct Decode {
        replaced: usize,
        named: usize,
        handed_over: usize,
    }
    /// Renames `client.inner.decode(..)` to `decode_error`, counting.
    struct DecodeError(usize);
    impl VisitMut for DecodeError {
        fn visit_expr_method_call_mut(&mut self, call: &mut syn::ExprMethodCall) {
            syn::visit_mut::visit_expr_method_call_mut(self, call);
            if call.method == "decode" {
                call.method = syn::Ident::new("decode_error", call.method.span());
                self.0 += 1;
            }
        }
    }
    impl VisitMut for Decode {
        fn visit_expr_mut(&mut self, expr: &mut Expr) {
            syn::visit_mut::visit_expr_mut(self, expr);
            if let Expr::Call(call) = expr {
                let Expr::Path(func) = call.func.as_ref() else {
                    return;
                };
                let func = &func.path;
                if path_is(func, &["ResponseValue", "from_response"]) {
                    {
                        let args = &call.args;
                        *expr = parse_quote!(client.inner.decode(#args, &info));
                        self.replaced += 1;
                    }
                } else if path_is(func, &["Error", "ErrorResponse"]) {
                    // The error body decoded (above) keeps the operation it answered.
                    let mut rename = DecodeError(0);
                    for arg in &mut call.args {
                        rename.visit_expr_mut(arg);
                    }
                    self.named += rename.0;
                } else if path_is(func, &["Error", "UnexpectedResponse"]) {
                    // Handed to the caller undecoded, with its operation: the runtime may have
                    // read a JSON body already, and gives it back readable.
                    let args = &call.args;
                    call.args = parse_quote!(client.inner.unexpected(#args, &info));
                    self.handed_over += 1;
                } else if path_is(func, &["ResponseValue", "stream"]) {
                    let args = &call.args;
                    call.args = parse_quote!(client.inner.readable(#args));
                    self.handed_over += 1;
                }
            }
        }
    }

    // The re-export of progenitor's support types loses `Error`, which the runtime provides.
    let position = file
        .items
        .iter()
        .position(|item| {
            matches!(item, Item::Use(u) if is(&u.vis, quote!(pub))
                && is(&u.tree, quote!(progenitor_client::{ByteStream, ClientInfo, Error, ResponseValue,})))
        })
        .ok_or_else(|| {
            "progenitor's output does not re-export its Error as expected".to_string()
        })?;
    file.items[position] = parse_quote! {
        #[allow(unused_imports)]
        pub use progenitor_client::{ByteStream, ClientInfo, ResponseValue};
    };
    file.items.insert(
        position + 1,
        parse_quote!(
            pub use ::user_apis_runtime::Error;
        ),
    );

    let mut decode = Decode {
        replaced: 0,
        named: 0,
        handed_over: 0,
    };
    decode.visit_file_mut(file);
    Ok(Applied::new(
        decode.replaced + decode.handed_over,
        format!(
            "decode_through_runtime: {} response bodies decode through Runtime::decode ({} error bodies through decode_error, keeping the operation), {} undecoded responses pass through Runtime::unexpected or readable; Error is user_apis_runtime::Error",
            decode.replaced, decode.named, decode.handed_over
        ),
    ))
}

/// Makes any 2xx answer a success for the operations that return no data: those whose `send`
/// returns `ResponseValue<()>`, and those whose answer is only an acknowledgement, a type in
/// `acknowledgements` (Mattermost's `StatusOk`, `{"status": "OK"}`).
///
/// progenitor succeeds only on the 2xx statuses the spec lists, and an answer the spec does not
/// list becomes `Error::UnexpectedResponse`, although the server performed the action: GitLab
/// answers some deletes `200` where its documentation says `204`, and Mattermost some actions
/// with an empty `200`. The first success arm of such an operation's status `match` becomes
/// `200u16..=299u16` and the other success arms go. Without data, the arm returns
/// `ResponseValue::empty`, which keeps the status and headers; with an acknowledgement, it
/// reads the body through `Runtime::acknowledge`, which gives the type's default when the body
/// is missing or does not decode. Fails when a `send` has another shape than it expects, or
/// when an acknowledgement type is the answer of no operation.
///
/// Every provider's client has this shape, so codegen fails when this changes nothing.
pub fn any_success_without_data(file: &mut File, ctx: &ClientCtx) -> Result<Applied, String> {
    let acknowledgements = &ctx.acknowledgements;
    /// What `send` returns, by the type inside `ResponseValue<..>`: the kind of operation.
    enum Answer {
        Empty,
        Acknowledgement(String),
    }
    fn success_type(function: &syn::ImplItemFn) -> Option<&syn::Type> {
        let syn::ReturnType::Type(_, ty) = &function.sig.output else {
            return None;
        };
        let [ok, error] = generic_types(ty, "Result")?[..] else {
            return None;
        };
        generic_types(error, "Error")?;
        match generic_types(ok, "ResponseValue")?[..] {
            [inner] => Some(inner),
            _ => None,
        }
    }
    fn is_success(pat: &syn::Pat) -> bool {
        let is_2xx = |pat: &syn::Pat| match pat {
            syn::Pat::Lit(syn::ExprLit {
                lit: syn::Lit::Int(int),
                ..
            }) => int
                .base10_parse::<u16>()
                .is_ok_and(|status| (200..300).contains(&status)),
            _ => false,
        };
        match pat {
            syn::Pat::Or(or) => or.cases.iter().all(is_2xx),
            single => is_2xx(single),
        }
    }
    /// Rewrites the status `match` of one `send`; returns whether it found one to change.
    fn rewrite(block: &mut syn::Block, answer: &Answer) -> Result<bool, String> {
        struct Find<'a> {
            answer: &'a Answer,
            changed: usize,
            problem: Option<String>,
        }
        impl VisitMut for Find<'_> {
            fn visit_expr_match_mut(&mut self, expr: &mut syn::ExprMatch) {
                syn::visit_mut::visit_expr_match_mut(self, expr);
                let scrutinee = &expr.expr;
                if !is(scrutinee, quote!(response.status().as_u16())) {
                    return;
                }
                // The success arms progenitor writes: a decode's result is returned as it
                // is, or unwrapped and wrapped again.
                let (expected, arm): (Vec<proc_macro2::TokenStream>, syn::Arm) = match self.answer {
                    Answer::Empty => (
                        vec![quote!(Ok(ResponseValue::empty(response)))],
                        parse_quote!(200u16..=299u16 => Ok(ResponseValue::empty(response)),),
                    ),
                    Answer::Acknowledgement(_) => (
                        vec![
                            quote!(Ok(client.inner.decode(response, &info).await?)),
                            quote!(client.inner.decode(response, &info).await),
                        ],
                        parse_quote!(
                            200u16..=299u16 => Ok(client.inner.acknowledge(response, &info).await),
                        ),
                    ),
                };
                let mut first = None;
                let mut arms = Vec::with_capacity(expr.arms.len());
                for existing in std::mem::take(&mut expr.arms) {
                    if !is_success(&existing.pat) {
                        arms.push(existing);
                        continue;
                    }
                    // progenitor writes some arms' value in a block of its own.
                    let body = match existing.body.as_ref() {
                        Expr::Block(block) if block.block.stmts.len() == 1 => {
                            match &block.block.stmts[0] {
                                syn::Stmt::Expr(inner, None) => inner,
                                _ => existing.body.as_ref(),
                            }
                        }
                        other => other,
                    };
                    if !expected.iter().any(|template| is(body, template.clone())) {
                        let expected: Vec<String> =
                            expected.iter().map(ToString::to_string).collect();
                        self.problem = Some(format!(
                            "a success arm is `{}`, not one of `{}`",
                            body.to_token_stream(),
                            expected.join("`, `")
                        ));
                    }
                    if first.is_none() {
                        first = Some(arms.len());
                        arms.push(arm.clone());
                    }
                }
                expr.arms = arms;
                if first.is_some() {
                    self.changed += 1;
                }
            }
        }
        let mut find = Find {
            answer,
            changed: 0,
            problem: None,
        };
        find.visit_block_mut(block);
        match (find.problem, find.changed) {
            (Some(problem), _) => Err(problem),
            (None, 0) => Ok(false),
            (None, 1) => Ok(true),
            (None, _) => Err("more than one status match".to_string()),
        }
    }

    let items = module_items(file, "builder")?;
    let mut empty = Vec::new();
    let mut acknowledged = Vec::new();
    for item in items.iter_mut() {
        let Item::Impl(block) = item else { continue };
        let name = self_type_name(block).unwrap_or_default();
        let Some(send) = fn_mut(block, "send") else {
            continue;
        };
        let answer = match success_type(send) {
            Some(ty) if is(ty, quote!(())) => Answer::Empty,
            Some(syn::Type::Path(ty)) => match &ty.path.segments.iter().collect::<Vec<_>>()[..] {
                [module, name]
                    if module.ident == "types"
                        && acknowledgements.iter().any(|known| name.ident == known) =>
                {
                    Answer::Acknowledgement(name.ident.to_string())
                }
                _ => continue,
            },
            Some(_) => continue,
            // Every `send` of progenitor's returns that shape: another is a change this
            // fixup would otherwise miss silently.
            None => {
                return Err(format!(
                    "any_success_without_data: {name}::send does not return Result<ResponseValue<..>, Error<..>>"
                ));
            }
        };
        if !rewrite(&mut send.block, &answer).map_err(|e| format!("{name}::send: {e}"))? {
            return Err(format!(
                "{name}::send returns no data but has no success arm to widen"
            ));
        }
        match answer {
            Answer::Empty => empty.push(name),
            Answer::Acknowledgement(ty) => acknowledged.push((name, ty)),
        }
    }
    for ty in acknowledgements {
        if !acknowledged.iter().any(|(_, answered)| answered == ty) {
            return Err(format!(
                "any_success_without_data: the acknowledgement {ty} is no operation's answer"
            ));
        }
    }
    let mut log = vec![format!(
        "any_success_without_data: any 2xx is a success of {} operations without data",
        empty.len()
    )];
    if !acknowledged.is_empty() {
        log.push(format!(
            "any_success_without_data: any 2xx is a success of {} operations answering an acknowledgement ({}), read by Runtime::acknowledge",
            acknowledged.len(),
            acknowledgements.join(", ")
        ));
    }
    Ok(Applied {
        places: empty.len() + acknowledged.len(),
        log,
    })
}

/// Sends every path parameter through `user_apis_runtime::path_segment`.
///
/// progenitor's `encode_path` percent-encodes `/`, `?` and `#`, but leaves an empty value, `.`
/// and `..` as they are; URL parsing then resolves them, and `get_user("..")` would request
/// the parent path. `path_segment` encodes the same way and refuses those values with an
/// `InvalidRequest` error, so no parameter can make a request reach another path.
///
/// Every provider's client has this shape, so codegen fails when this changes nothing.
pub fn guard_path_segments(file: &mut File, _: &ClientCtx) -> Result<Applied, String> {
    struct Guard {
        replaced: usize,
    }
    impl VisitMut for Guard {
        // URLs are built inside `format!`, whose arguments syn keeps as raw tokens.
        fn visit_macro_mut(&mut self, mac: &mut syn::Macro) {
            if mac.path.is_ident("format")
                && let Ok(mut args) =
                    mac.parse_body_with(Punctuated::<Expr, Token![,]>::parse_terminated)
            {
                for arg in args.iter_mut() {
                    self.visit_expr_mut(arg);
                }
                mac.tokens = quote!(#args);
            }
        }

        fn visit_expr_mut(&mut self, expr: &mut Expr) {
            syn::visit_mut::visit_expr_mut(self, expr);
            if let Expr::Call(call) = expr {
                let is_encode_path = matches!(call.func.as_ref(), Expr::Path(path) if path.path.is_ident("encode_path"));
                if is_encode_path {
                    let args = &call.args;
                    *expr = parse_quote!(::user_apis_runtime::path_segment(#args)?);
                    self.replaced += 1;
                }
            }
        }
    }
    let mut guard = Guard { replaced: 0 };
    guard.visit_file_mut(file);
    Ok(Applied::new(
        guard.replaced,
        format!(
            "guard_path_segments: {} path parameter(s) go through user_apis_runtime::path_segment",
            guard.replaced
        ),
    ))
}

/// Makes the fields of every request builder visible to the rest of its crate (`pub(crate)`).
///
/// progenitor keeps a builder's parameters in private fields, so hand-written code beside the
/// generated file cannot see what a caller set. A stream that pages by `page` and `per_page`
/// needs the page size the caller chose to tell a short (last) page from a full one. Users of
/// the crate see no difference: the fields stay private to it.
///
/// Every provider's client has this shape, so codegen fails when this changes nothing.
pub fn crate_visible_builder_fields(file: &mut File, _: &ClientCtx) -> Result<Applied, String> {
    let items = module_items(file, "builder")?;
    let mut builders = 0;
    for item in items.iter_mut() {
        let Item::Struct(item) = item else { continue };
        let mut changed = false;
        for field in item.fields.iter_mut() {
            if matches!(field.vis, syn::Visibility::Inherited) {
                field.vis = parse_quote!(pub(crate));
                changed = true;
            }
        }
        builders += usize::from(changed);
    }
    Ok(Applied::new(
        builders,
        format!(
            "crate_visible_builder_fields: the fields of {builders} request builders are pub(crate)"
        ),
    ))
}

/// Makes the request body of each listed operation optional: sent only when set.
///
/// progenitor starts every body builder from `Default` and always sends it, so an operation
/// whose body is optional (`requestBody.required: false`) would send `{}` where the API expects
/// no body at all, and for some operations that changes the meaning. This changes the builder's
/// body to `Option`: `body(..)` and `body_map(..)` set it, and `send()` attaches it (with its
/// `Content-Type`) only when it is set.
///
/// It changes only what some specs have, so it may change nothing in one provider's client;
/// codegen fails when it changes nothing in any.
pub fn optional_request_bodies(file: &mut File, ctx: &ClientCtx) -> Result<Applied, String> {
    let operation_ids = &ctx.optional_bodies;
    let items = module_items(file, "builder")?;
    let mut log = Vec::new();
    for operation_id in operation_ids {
        let name = builder_name(operation_id);
        // The body's builder type, from the field `body: Result<types::builder::X, String>`.
        let mut body_type = None;
        for item in items.iter_mut() {
            let Item::Struct(item) = item else { continue };
            if item.ident != name {
                continue;
            }
            for field in item.fields.iter_mut() {
                if field.ident.as_ref().is_some_and(|i| i == "body") {
                    // `Result<types::builder::Body, String>`
                    let ty = &field.ty;
                    let inner = match generic_types(ty, "Result").as_deref() {
                        Some([syn::Type::Path(body), error]) if is(*error, quote!(String)) => {
                            match &body.path.segments.iter().collect::<Vec<_>>()[..] {
                                [types, builder, inner]
                                    if types.ident == "types" && builder.ident == "builder" =>
                                {
                                    Some(inner.ident.clone())
                                }
                                _ => None,
                            }
                        }
                        _ => None,
                    }
                    .ok_or_else(|| {
                        format!(
                            "{name}.body has an unexpected type: {}",
                            ty.to_token_stream()
                        )
                    })?;
                    field.ty = parse_quote!(Result<Option<types::builder::#inner>, String>);
                    body_type = Some(inner);
                }
            }
        }
        let Some(body_type) = body_type else {
            return Err(format!(
                "no request builder {name} with a body for {operation_id}"
            ));
        };
        let impl_block = inherent_impl_mut(items, &name)
            .ok_or_else(|| format!("no impl for the request builder {name}"))?;
        let mut replaced = 0;
        for member in impl_block.items.iter_mut() {
            let syn::ImplItem::Fn(function) = member else {
                continue;
            };
            match function.sig.ident.to_string().as_str() {
                "new" => {
                    let mut fix = ReplaceBodyInit { done: false };
                    fix.visit_block_mut(&mut function.block);
                    replaced += usize::from(fix.done);
                }
                "body" => {
                    let message = format!("conversion to `{body_type}` for body failed: {{}}");
                    function.block = parse_quote! {{
                        self.body = value
                            .try_into()
                            .map(|value: types::#body_type| Some(From::from(value)))
                            .map_err(|s| format!(#message, s));
                        self
                    }};
                    replaced += 1;
                }
                "body_map" => {
                    function.block = parse_quote! {{
                        self.body = self.body.map(|body| Some(f(body.unwrap_or_default())));
                        self
                    }};
                    replaced += 1;
                }
                "send" => {
                    let mut fix = OptionalBodyInSend {
                        body_type: body_type.clone(),
                        converted: false,
                        detached: false,
                        attached: false,
                    };
                    fix.visit_block_mut(&mut function.block);
                    if fix.converted && fix.detached && fix.attached {
                        replaced += 1;
                    }
                }
                _ => {}
            }
        }
        if replaced != 4 {
            return Err(format!(
                "the request builder {name} is not shaped as expected ({replaced} of 4 parts changed)"
            ));
        }
        log.push(format!(
            "optional_request_bodies: {operation_id} sends its body only when set"
        ));
    }
    Ok(Applied::each(log))
}

/// Adds `path_template(operation_id)`: the spec's path of each operation, placeholders left in
/// (`/api/v1/users/{userId}`), by operationId.
///
/// progenitor tells the client's hooks only the operationId of a request, and the request
/// itself carries the filled-in path, ids and all. With the `tracing` feature the runtime
/// records the template instead, which groups the requests of one operation and keeps ids out
/// of traces; the client's hooks hand it this function. `routes` are the spec's operations, in
/// its order.
///
/// Every provider's client has this shape, so codegen fails when this changes nothing.
pub fn add_path_templates(file: &mut File, ctx: &ClientCtx) -> Result<Applied, String> {
    let routes = &ctx.routes;
    let arms = routes.iter().map(|route| {
        let (id, path) = (&route.operation_id, &route.path);
        quote!(#id => ::std::option::Option::Some(#path),)
    });
    file.items.push(parse_quote! {
        /// The spec's path template of the operation `operation_id` (`/api/v1/users/{userId}`),
        /// or `None` for an operationId the spec does not have.
        pub(crate) fn path_template(operation_id: &str) -> ::std::option::Option<&'static str> {
            match operation_id {
                #(#arms)*
                _ => ::std::option::Option::None,
            }
        }
    });
    Ok(Applied::new(
        routes.len(),
        format!(
            "add_path_templates: path_template() knows the path template of {} operation(s)",
            routes.len()
        ),
    ))
}

/// `body: Ok(Default::default())` in a builder's `new()` becomes `body: Ok(None)`.
struct ReplaceBodyInit {
    done: bool,
}

impl VisitMut for ReplaceBodyInit {
    fn visit_field_value_mut(&mut self, field: &mut syn::FieldValue) {
        if matches!(&field.member, syn::Member::Named(name) if name == "body") {
            field.expr = parse_quote!(Ok(None));
            self.done = true;
        }
    }
}

/// In `send()`: converts the optional body, drops `.json(&body)` from the request chain, and
/// attaches the body to the built request only when there is one.
struct OptionalBodyInSend {
    body_type: syn::Ident,
    converted: bool,
    detached: bool,
    attached: bool,
}

impl VisitMut for OptionalBodyInSend {
    fn visit_block_mut(&mut self, block: &mut syn::Block) {
        let mut statements = Vec::with_capacity(block.stmts.len() + 1);
        for mut statement in block.stmts.drain(..) {
            let mut is_build = false;
            if let syn::Stmt::Local(local) = &mut statement {
                let name = match &local.pat {
                    syn::Pat::Ident(p) => p.ident.to_string(),
                    _ => String::new(),
                };
                if name == "body" {
                    let ty = &self.body_type;
                    if let Some(init) = local.init.as_mut() {
                        *init.expr = parse_quote! {
                            body.and_then(|v| {
                                v.map(|v| types::#ty::try_from(v).map_err(|e| e.to_string()))
                                    .transpose()
                            })
                            .map_err(Error::InvalidRequest)?
                        };
                        self.converted = true;
                    }
                }
                if name == "request" {
                    if let Some(init) = local.init.as_mut() {
                        self.visit_expr_mut(&mut init.expr);
                    }
                    is_build = true;
                }
            }
            statements.push(statement);
            if is_build {
                statements.push(parse_quote! {
                    if let Some(body) = &body {
                        request.headers_mut().insert(
                            ::reqwest::header::CONTENT_TYPE,
                            ::reqwest::header::HeaderValue::from_static("application/json"),
                        );
                        *request.body_mut() = Some(
                            ::serde_json::to_vec(body)
                                .map_err(|e| Error::InvalidRequest(e.to_string()))?
                                .into(),
                        );
                    }
                });
                self.attached = true;
            }
        }
        block.stmts = statements;
    }

    fn visit_expr_mut(&mut self, expr: &mut Expr) {
        if let Expr::MethodCall(call) = expr {
            let is_json_body = call.method == "json"
                && call.args.len() == 1
                && call.args.iter().any(|arg| is(arg, quote!(&body)));
            if is_json_body {
                *expr = (*call.receiver).clone();
                self.detached = true;
                self.visit_expr_mut(expr);
                return;
            }
        }
        syn::visit_mut::visit_expr_mut(self, expr);
    }
}

/// Puts back the wire name of each query parameter that `x-rust-name` renamed
/// ([`spec_fixups::rust_parameter_names`](crate::spec_fixups::rust_parameter_names)): in its
/// operation's `send`, the string literal of the Rust name (the query pair's name) becomes the
/// wire name, and the setter's docs say what it is sent as. Runs after the docs fixups, which
/// document only setters without docs.
///
/// It changes only what some specs have, so it may change nothing in one provider's client;
/// codegen fails when it changes nothing in any.
pub fn wire_parameter_names(file: &mut File, ctx: &ClientCtx) -> Result<Applied, String> {
    let names = &ctx.wire_names;
    let items = module_items(file, "builder")?;
    let mut log = Vec::new();
    for name in names {
        let builder = builder_name(&name.operation_id);
        let block = inherent_impl_mut(items, &builder)
            .ok_or_else(|| format!("no builder {builder} for {}", name.operation_id))?;
        let send = fn_mut(block, "send").ok_or_else(|| format!("{builder} has no send"))?;
        if replace_string_literals(&mut send.block, &name.rust, &name.wire) == 0 {
            return Err(format!(
                "{builder}::send does not send the query parameter {:?}",
                name.rust
            ));
        }
        let setter = fn_mut(block, &name.rust)
            .ok_or_else(|| format!("{builder} has no setter {}", name.rust))?;
        let sent = format!(" Sent as the `{}` query parameter.", name.wire);
        setter.attrs.push(parse_quote!(#[doc = ""]));
        setter.attrs.push(parse_quote!(#[doc = #sent]));
        log.push(format!(
            "wire_parameter_names: {builder}::{} sends the query parameter {:?}",
            name.rust, name.wire
        ));
    }
    Ok(Applied::each(log))
}

/// Leaves `Client` only the constructor that takes a configured HTTP client.
///
/// progenitor's `Client::new(baseurl, inner)` builds its own `reqwest::Client` and unwraps the
/// build, so it panics when the TLS backend cannot start, and it skips the client's
/// configuration: no credential, no user agent, progenitor's 15-second timeouts instead of the
/// defaults, no check of the base URL. It is removed; the provider's `with_*` constructors
/// build through `ClientConfig`, and `new_with_client` stays for a caller's own
/// `reqwest::Client`, documented with where its parts come from.
///
/// Every provider's client has this shape, so codegen fails when this changes nothing.
pub fn configured_constructors_only(file: &mut File, _: &ClientCtx) -> Result<Applied, String> {
    let block = inherent_impl_mut(&mut file.items, "Client")
        .ok_or("progenitor's output has no `impl Client`")?;
    let before = block.items.len();
    block
        .items
        .retain(|item| !matches!(item, syn::ImplItem::Fn(function) if function.sig.ident == "new"));
    if block.items.len() == before {
        return Err("progenitor's `impl Client` has no `new` to remove".to_string());
    }
    let with_client = fn_mut(block, "new_with_client")
        .ok_or("progenitor's `impl Client` has no `new_with_client`")?;
    with_client
        .attrs
        .retain(|attr| !attr.path().is_ident("doc"));
    with_client.attrs.splice(
        0..0,
        [
            parse_quote!(#[doc = " A client for the server at `baseurl` (its root URL) that sends through `client`,"]),
            parse_quote!(#[doc = " with `inner` applying retries and the body size limit."]),
            parse_quote!(#[doc = ""]),
            parse_quote!(#[doc = " The provider's `with_*` constructors are the usual way to a client: they also set"]),
            parse_quote!(#[doc = " the provider's rate-limit header. This one takes an HTTP client of your own, which"]),
            parse_quote!(#[doc = " sends every request as you configured it. [`ClientConfig::build`](crate::ClientConfig::build)"]),
            parse_quote!(#[doc = " gives all three parts with the default timeouts, user agent and a credential."]),
        ],
    );
    Ok(Applied::new(1,
        "configured_constructors_only: Client::new removed (it unwrapped reqwest's build and skipped the configuration); new_with_client documented".to_string(),
    ))
}

/// Builds each request without work that sends nothing: progenitor's `api-version` header,
/// parsing the whole URL again, and a copy of each string path parameter.
///
/// progenitor adds an `api-version` header (the spec's `info.version`) to every request. None
/// of the APIs served here defines such a header, so it is dropped here, and with it the header
/// map when nothing else goes into it. progenitor formats each URL as text, which reqwest then
/// parses whole, base URL included, on every call; here it comes from `Runtime::url`, which
/// appends the path's segments to the base URL parsed once, with the same result (on loopback,
/// `get_user` went from about 111,000 to 106,700 instructions; BENCHMARKS.md).
/// A path parameter that is already a `String` is passed to `path_segment` as it is, not
/// through `to_string()`. `Accept: application/json` is left to the client's default headers
/// (`ClientConfig::build` sets it), so a request carries no header of its own to copy for a
/// retry; the few operations that download bytes send `Accept: */*` instead.
///
/// It is the one fixup kept for speed alone: without it a call runs about 9,300 more
/// instructions, 1.088x raw reqwest, over the per-call goal of 1.05x (BENCHMARKS.md).
///
/// Every provider's client has this shape, so codegen fails when this changes nothing.
pub fn lean_request_building(file: &mut File, _: &ClientCtx) -> Result<Applied, String> {
    struct Lean {
        headers_dropped: usize,
        maps_dropped: usize,
        urls: usize,
        copies: usize,
        json_accepts: usize,
        any_accepts: usize,
        problem: Option<String>,
        /// The `String` fields of each request builder, and those of the one being visited.
        string_fields: BTreeMap<String, Vec<String>>,
        current: Vec<String>,
    }
    impl VisitMut for Lean {
        fn visit_item_impl_mut(&mut self, item: &mut ItemImpl) {
            self.current = self_type_name(item)
                .and_then(|name| self.string_fields.get(&name).cloned())
                .unwrap_or_default();
            syn::visit_mut::visit_item_impl_mut(self, item);
            self.current.clear();
        }

        fn visit_expr_mut(&mut self, expr: &mut Expr) {
            syn::visit_mut::visit_expr_mut(self, expr);
            // `path_segment(&name.to_string())` -> `path_segment(&name)` for a `String` field.
            let Expr::Call(call) = expr else { return };
            let is_guard = matches!(call.func.as_ref(),
                Expr::Path(path) if path.path.segments.last().is_some_and(|s| s.ident == "path_segment"));
            if !is_guard {
                return;
            }
            let Some(Expr::Reference(reference)) = call.args.first_mut() else {
                return;
            };
            let Expr::MethodCall(to_string) = reference.expr.as_ref() else {
                return;
            };
            let receiver = &to_string.receiver;
            let is_string_field = to_string.method == "to_string"
                && to_string.args.is_empty()
                && matches!(receiver.as_ref(), Expr::Path(path)
                    if path.path.get_ident().is_some_and(|ident| self.current.contains(&ident.to_string())));
            if is_string_field {
                *reference.expr = (**receiver).clone();
                self.copies += 1;
            }
        }

        fn visit_block_mut(&mut self, block: &mut syn::Block) {
            syn::visit_mut::visit_block_mut(self, block);
            let before = block.stmts.len();
            block.stmts.retain(|stmt| {
                !(matches!(stmt, syn::Stmt::Expr(Expr::MethodCall(call), _) if call.method == "append")
                    && mentions(stmt, quote!("api-version")))
            });
            self.headers_dropped += before - block.stmts.len();

            let is_map = |stmt: &syn::Stmt| {
                matches!(stmt, syn::Stmt::Local(local)
                    if matches!(&local.pat, syn::Pat::Ident(p) if p.ident == "header_map"))
            };
            if let Some(map) = block.stmts.iter().position(is_map) {
                let users = block
                    .stmts
                    .iter()
                    .filter(|stmt| !is_map(stmt) && mentions(*stmt, quote!(header_map)))
                    .count();
                // Only the request chain's `.headers(header_map)` uses an empty map.
                if users == 1 {
                    block.stmts.remove(map);
                    let mut strip = StripCalls::new(|call: &syn::ExprMethodCall| {
                        call.method == "headers"
                            && call.args.len() == 1
                            && is(&call.args[0], quote!(header_map))
                    });
                    for stmt in &mut block.stmts {
                        strip.visit_stmt_mut(stmt);
                    }
                    if strip.stripped == 1 {
                        self.maps_dropped += 1;
                    } else {
                        self.problem = Some(format!(
                            "a request chain uses its header map {} times, not once",
                            strip.stripped
                        ));
                    }
                }
            }

            for stmt in &mut block.stmts {
                let Some(url) = init_of(stmt, "url") else {
                    continue;
                };
                let Expr::Macro(mac) = &*url else { continue };
                if !mac.mac.path.is_ident("format") {
                    continue;
                }
                match url_for_format(&mac.mac) {
                    Ok(joined) => {
                        *url = joined;
                        // Its arguments were macro tokens until now.
                        self.visit_expr_mut(url);
                        self.urls += 1;
                    }
                    Err(problem) => self.problem = Some(problem),
                }
            }

            // The request chains: `Accept: application/json` comes from the client's default
            // headers; a chain that asked for no type (a binary download) accepts any.
            for stmt in &mut block.stmts {
                let Some(chain) = init_of(stmt, "request") else {
                    continue;
                };
                if !mentions(chain, quote!(client.client)) {
                    continue;
                }
                let (changed, counter) = if mentions(chain, quote!(ACCEPT)) {
                    let mut json = StripCalls::new(|call: &syn::ExprMethodCall| {
                        call.method == "header"
                            && call.args.len() == 2
                            && is(&call.args[0], quote!(::reqwest::header::ACCEPT))
                            && matches!(&call.args[1], Expr::Call(value)
                                if matches!(value.func.as_ref(), Expr::Path(func)
                                    if func.path.segments.last().is_some_and(|last| last.ident == "from_static"))
                                    && value.args.first().is_some_and(|arg| is(arg, quote!("application/json"))))
                    });
                    json.visit_expr_mut(chain);
                    (json.stripped, &mut self.json_accepts)
                } else {
                    let mut any = AcceptAny { added: 0 };
                    any.visit_expr_mut(chain);
                    (any.added, &mut self.any_accepts)
                };
                if changed == 1 {
                    *counter += 1;
                } else {
                    self.problem = Some(format!(
                        "a request chain asks for a type other than JSON, or twice: {}",
                        chain.to_token_stream()
                    ));
                }
            }
        }
    }
    /// Adds `Accept: */*` after the method call of a request chain that sets no `Accept`.
    struct AcceptAny {
        added: usize,
    }
    impl VisitMut for AcceptAny {
        fn visit_expr_mut(&mut self, expr: &mut Expr) {
            syn::visit_mut::visit_expr_mut(self, expr);
            let Expr::MethodCall(call) = expr else { return };
            let is_method = ["get", "post", "put", "patch", "delete", "head"]
                .iter()
                .any(|method| call.method == method);
            if is_method && is(&call.receiver, quote!(client.client)) {
                *expr = parse_quote!(#call.header(
                    ::reqwest::header::ACCEPT,
                    ::reqwest::header::HeaderValue::from_static("*/*"),
                ));
                self.added += 1;
            }
        }
    }

    let string_fields = module_items(file, "builder")?
        .iter()
        .filter_map(|item| match item {
            Item::Struct(item) => Some((
                item.ident.to_string(),
                item.fields
                    .iter()
                    .filter(|field| is(&field.ty, quote!(Result<::std::string::String, String>)))
                    .filter_map(|field| field.ident.as_ref().map(ToString::to_string))
                    .collect(),
            )),
            _ => None,
        })
        .collect();
    let mut lean = Lean {
        headers_dropped: 0,
        maps_dropped: 0,
        urls: 0,
        copies: 0,
        json_accepts: 0,
        any_accepts: 0,
        problem: None,
        string_fields,
        current: Vec::new(),
    };
    lean.visit_file_mut(file);
    if let Some(problem) = lean.problem {
        return Err(format!("lean_request_building: {problem}"));
    }
    let places = lean.headers_dropped
        + lean.maps_dropped
        + lean.urls
        + lean.copies
        + lean.json_accepts
        + lean.any_accepts;
    Ok(Applied::new(
        places,
        format!(
            "lean_request_building: {} api-version headers and {} empty header maps dropped; {} URLs appended to the parsed base URL; {} string path parameters passed without a copy; {} requests take Accept: application/json from the client's default headers, {} binary downloads send Accept: */*",
            lean.headers_dropped,
            lean.maps_dropped,
            lean.urls,
            lean.copies,
            lean.json_accepts,
            lean.any_accepts
        ),
    ))
}

/// Replaces every method call that `strip` picks with its receiver, dropping it from a chain.
struct StripCalls<F> {
    strip: F,
    stripped: usize,
}

impl<F: Fn(&syn::ExprMethodCall) -> bool> StripCalls<F> {
    fn new(strip: F) -> Self {
        Self { strip, stripped: 0 }
    }
}

impl<F: Fn(&syn::ExprMethodCall) -> bool> VisitMut for StripCalls<F> {
    fn visit_expr_mut(&mut self, expr: &mut Expr) {
        syn::visit_mut::visit_expr_mut(self, expr);
        if let Expr::MethodCall(call) = expr
            && (self.strip)(call)
        {
            *expr = (*call.receiver).clone();
            self.stripped += 1;
        }
    }
}

/// `client.inner.url(&client.baseurl, &[...])?` for progenitor's `format!("{}/a/{}/b",
/// client.baseurl, parameter)`: the path's segments, each literal as the template writes it
/// and each parameter as its (already encoded) value.
fn url_for_format(mac: &syn::Macro) -> Result<Expr, String> {
    let args = mac
        .parse_body_with(Punctuated::<Expr, Token![,]>::parse_terminated)
        .map_err(|error| format!("a URL format! cannot be read: {error}"))?;
    let mut args = args.into_iter();
    let Some(Expr::Lit(syn::ExprLit {
        lit: syn::Lit::Str(template),
        ..
    })) = args.next()
    else {
        return Err("a URL format! does not start with a string literal".to_string());
    };
    let template = template.value();
    let base = args.next();
    let Some(path) = template
        .strip_prefix("{}/")
        .filter(|_| is(&base, quote!(client.baseurl)))
    else {
        return Err(format!(
            "the URL template {template:?} does not start with the client's base URL"
        ));
    };
    let mut segments: Vec<Expr> = Vec::new();
    for segment in path.split('/') {
        if segment == "{}" {
            let arg = args
                .next()
                .ok_or_else(|| format!("the URL template {template:?} has too few arguments"))?;
            segments.push(parse_quote!(::std::convert::AsRef::<str>::as_ref(&#arg)));
        } else if segment.contains(['{', '}']) {
            return Err(format!(
                "the URL template {template:?} has a segment that is not all literal or all parameter"
            ));
        } else {
            segments.push(parse_quote!(#segment));
        }
    }
    if args.next().is_some() {
        return Err(format!(
            "the URL template {template:?} has too many arguments"
        ));
    }
    Ok(parse_quote!(client.inner.url(&client.baseurl, &[#(#segments),*])?))
}

/// Whether `ty` is a type whose empty value means "nothing given": `Option`, `Vec` or a map.
fn empty_by_default(ty: &syn::Type) -> bool {
    let syn::Type::Path(path) = ty else {
        return false;
    };
    path.path.segments.last().is_some_and(|last| {
        ["Option", "Vec", "Map", "HashMap", "BTreeMap"]
            .iter()
            .any(|name| last.ident == name)
    })
}

/// Starts every type builder's optional, list and map fields empty, and names the type in the
/// errors of its other fields.
///
/// typify's builders start a field that has no schema default as an error ("no value
/// supplied for extra"), even the map that keeps an open object's undeclared fields (Okta's
/// `UserProfile`, Mattermost's `UserNotifyProps`): `UserProfile::builder().email(..)` then
/// fails at `try_into()`. A field the schema lets be left out (an `Option`, or a list or map
/// that serde fills in when absent or that holds the undeclared fields) now starts `Ok` and
/// empty; a required field, a required list included, still starts as an error, which now names its type
/// (`UserProfile: no value supplied for login`), as do the setters' conversion errors.
///
/// Every provider's client has type builders, so codegen fails when this changes nothing.
pub fn builder_field_defaults(file: &mut File, _: &ClientCtx) -> Result<Applied, String> {
    struct Prefix<'a> {
        name: &'a str,
        named: usize,
    }
    impl VisitMut for Prefix<'_> {
        // A setter's message is the first argument of a `format!`, whose tokens syn leaves
        // unparsed.
        fn visit_macro_mut(&mut self, mac: &mut syn::Macro) {
            if !mac.path.is_ident("format") {
                return;
            }
            let Ok(mut args) = mac.parse_body_with(Punctuated::<Expr, Token![,]>::parse_terminated)
            else {
                return;
            };
            if let Some(Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(lit),
                ..
            })) = args.first_mut()
            {
                self.visit_lit_str_mut(lit);
                mac.tokens = args.to_token_stream();
            }
        }

        fn visit_lit_str_mut(&mut self, lit: &mut syn::LitStr) {
            let text = lit.value();
            if text.starts_with("error converting supplied value for ")
                || text.starts_with("no value supplied for ")
            {
                *lit = syn::LitStr::new(&format!("{}: {text}", self.name), lit.span());
                self.named += 1;
            }
        }
    }
    let types = module_items(file, "types")?;
    // Each type's fields, by name: whether the schema lets it be left out (an `Option`, or a
    // list or map that serde fills in when absent or that holds the undeclared fields).
    let mut fields: BTreeMap<String, BTreeMap<String, bool>> = BTreeMap::new();
    for item in types.iter() {
        let Item::Struct(item) = item else { continue };
        let mut kinds = BTreeMap::new();
        for field in &item.fields {
            let Some(ident) = &field.ident else { continue };
            let serde = serde_args(&field.attrs)?;
            let optional = generic_types(&field.ty, "Option").is_some()
                || (empty_by_default(&field.ty)
                    && (serde.contains_key("default") || serde.contains_key("flatten")));
            kinds.insert(ident.to_string(), optional);
        }
        fields.insert(item.ident.to_string(), kinds);
    }
    let builders = crate::syntax::module_items_mut(types, "builder")?;
    let (mut emptied, mut named) = (0, 0);
    for item in builders.iter_mut() {
        let Item::Impl(block) = item else { continue };
        let Some(name) = self_type_name(block) else {
            continue;
        };
        let Some(kinds) = fields.get(&name) else {
            continue;
        };
        if trait_name(block).as_deref() == Some("Default") {
            let Some(function) = fn_mut(block, "default") else {
                continue;
            };
            struct Empty<'a> {
                kinds: &'a BTreeMap<String, bool>,
                emptied: usize,
            }
            impl VisitMut for Empty<'_> {
                fn visit_field_value_mut(&mut self, value: &mut syn::FieldValue) {
                    let syn::Member::Named(field) = &value.member else {
                        return;
                    };
                    let starts_unset = matches!(&value.expr, Expr::Call(call)
                        if matches!(call.func.as_ref(), Expr::Path(f) if f.path.is_ident("Err")));
                    if starts_unset && self.kinds.get(&field.to_string()) == Some(&true) {
                        value.expr = parse_quote!(Ok(Default::default()));
                        self.emptied += 1;
                    }
                }
            }
            let mut empty = Empty { kinds, emptied: 0 };
            empty.visit_block_mut(&mut function.block);
            emptied += empty.emptied;
        }
        if matches!(trait_name(block).as_deref(), None | Some("Default")) {
            let mut prefix = Prefix {
                name: &name,
                named: 0,
            };
            prefix.visit_item_impl_mut(block);
            named += prefix.named;
        }
    }
    Ok(Applied::new(
        emptied + named,
        format!(
            "builder_field_defaults: {emptied} optional, list or map builder fields start empty; {named} builder errors name their type"
        ),
    ))
}

/// Derives `Default` for every schema type whose fields can all be left out.
///
/// typify derives it for some such types but not for others (one with a map of undeclared
/// fields, such as Okta's `UserProfile`, or a read form such as GitLab's `User`), so
/// a test fixture of those needs a builder and an `unwrap`. A struct whose every field is an
/// `Option`, a `Vec` or a map gets `Default` in its derives, unless it has an `impl Default`.
///
/// It changes only what some specs have, so it may change nothing in one provider's client;
/// codegen fails when it changes nothing in any.
pub fn default_for_optional_types(file: &mut File, _: &ClientCtx) -> Result<Applied, String> {
    let items = module_items(file, "types")?;
    let implemented: Vec<String> = items
        .iter()
        .filter_map(|item| match item {
            Item::Impl(block) if trait_name(block).as_deref() == Some("Default") => {
                self_type_name(block)
            }
            _ => None,
        })
        .collect();
    let mut log = Vec::new();
    for item in items.iter_mut() {
        let Item::Struct(item) = item else { continue };
        let name = item.ident.to_string();
        let Fields::Named(named) = &item.fields else {
            continue;
        };
        let optional = named.named.iter().all(|field| empty_by_default(&field.ty));
        if !optional
            || implemented.contains(&name)
            || item.attrs.iter().any(|attr| derives(attr, "Default"))
        {
            continue;
        }
        let Some(derive) = item
            .attrs
            .iter_mut()
            .find(|attr| attr.path().is_ident("derive"))
        else {
            continue;
        };
        let mut paths = derive
            .parse_args_with(Punctuated::<syn::Path, Token![,]>::parse_terminated)
            .map_err(|e| format!("unreadable derive list of {name}: {e}"))?;
        paths.push(parse_quote!(Default));
        *derive = parse_quote!(#[derive(#paths)]);
        log.push(format!(
            "default_for_optional_types: {name} derives Default"
        ));
    }
    Ok(Applied::each(log))
}

/// Lets a type builder be given where an optional value of its type is expected.
///
/// A builder's setter takes anything that converts into the field's type, and typify makes
/// each type's builder convert into the type, but not into `Option` of it: for an optional
/// field, `UserInput::builder().profile(UserProfile::builder().email(..))` does not compile,
/// and users write `Some(b.try_into()?)`. For every type with a builder that is an optional
/// field somewhere, this adds `TryFrom<builder::X> for Option<X>`, building it.
///
/// Every provider has such a field, so codegen fails when this changes nothing.
pub fn optional_nested_builders(file: &mut File, _: &ClientCtx) -> Result<Applied, String> {
    let types = module_items(file, "types")?;
    // The types that are some struct's optional field, by name.
    let mut optional = std::collections::BTreeSet::new();
    for item in types.iter() {
        let Item::Struct(item) = item else { continue };
        for field in &item.fields {
            let Some(inner) = generic_types(&field.ty, "Option") else {
                continue;
            };
            if let [syn::Type::Path(path)] = inner.as_slice()
                && let Some(last) = path.path.segments.last()
                && last.arguments.is_none()
            {
                optional.insert(last.ident.to_string());
            }
        }
    }
    let builders = crate::syntax::module_items_mut(types, "builder")?;
    let built: Vec<syn::Ident> = builders
        .iter()
        .filter_map(|item| match item {
            Item::Struct(item) if optional.contains(&item.ident.to_string()) => {
                Some(item.ident.clone())
            }
            _ => None,
        })
        .collect();
    for name in &built {
        builders.push(parse_quote! {
            impl ::std::convert::TryFrom<#name> for ::std::option::Option<super::#name> {
                type Error = super::error::ConversionError;
                fn try_from(
                    value: #name,
                ) -> ::std::result::Result<Self, super::error::ConversionError> {
                    super::#name::try_from(value).map(Some)
                }
            }
        });
    }
    Ok(Applied::new(
        built.len(),
        format!(
            "optional_nested_builders: {} builders convert into an optional value",
            built.len()
        ),
    ))
}

/// The types whose setters take the runtime's `IntoArg` instead of `TryInto`,
/// as `quote` prints them without spaces: strings and string lists, integers and page sizes,
/// optional or not.
const PLAIN_SETTER_TARGETS: &[&str] = &[
    "::std::option::Option<::std::string::String>",
    "::std::vec::Vec<::std::string::String>",
    "i64",
    "::std::option::Option<i64>",
    "i32",
    "::std::option::Option<i32>",
    "::std::option::Option<bool>",
    "::std::num::NonZeroU64",
    "::std::option::Option<::std::num::NonZeroU64>",
];

/// Lets setters take what a caller has: `.first_name("Ada")` on an optional string,
/// `.theme_id(99)` on an optional number, `.per_page(100)` on a page size, `.id(3_000_000_000)`.
///
/// progenitor's and typify's setters take `V: TryInto<T>`, which std satisfies for `T` and
/// what converts into it. An optional string then refuses `&str` (no `From<&str> for
/// Option<String>`), a literal is an `i32` (so neither an `Option<i64>` nor a `NonZeroU64`
/// takes `100`, and an `i64` refuses `3_000_000_000`). The setters of the types in
/// [`PLAIN_SETTER_TARGETS`] take the runtime's `IntoArg<T>` instead, which has exactly the
/// conversions a caller needs and none that make a literal ambiguous; what a value that does
/// not fit (a page size of zero) reports still reaches `send()` or `try_into()`, naming the
/// field. Other setters (enums, nested types, bodies) keep `TryInto`.
///
/// Every provider's client has such setters, so codegen fails when this changes nothing.
pub fn plain_setter_values(file: &mut File, _: &ClientCtx) -> Result<Applied, String> {
    struct Setters {
        changed: usize,
    }
    impl VisitMut for Setters {
        fn visit_impl_item_fn_mut(&mut self, function: &mut syn::ImplItemFn) {
            let Some(clause) = function.sig.generics.where_clause.as_mut() else {
                return;
            };
            let mut changed = false;
            for predicate in clause.predicates.iter_mut() {
                let syn::WherePredicate::Type(predicate) = predicate else {
                    continue;
                };
                for bound in predicate.bounds.iter_mut() {
                    let Some((trait_name, target)) = conversion_target(bound) else {
                        continue;
                    };
                    let text = target.to_token_stream().to_string().replace(' ', "");
                    if trait_name != "TryInto" || !PLAIN_SETTER_TARGETS.contains(&text.as_str()) {
                        continue;
                    }
                    let target = target.clone();
                    *bound = parse_quote!(::user_apis_runtime::IntoArg<#target>);
                    changed = true;
                }
            }
            if !changed {
                return;
            }
            // `value.try_into()` becomes `IntoArg::into_arg(value)`: the value's type is the
            // parameter, so the call names the trait rather than relying on method lookup.
            // progenitor's request builders drop the conversion's error for "conversion to
            // `:: std :: num :: NonZeroU64` for per_page failed"; the error now says why
            // ("per_page: 0 is out of range: a number from 1 up").
            struct Calls;
            impl VisitMut for Calls {
                fn visit_expr_mut(&mut self, expr: &mut Expr) {
                    syn::visit_mut::visit_expr_mut(self, expr);
                    let Expr::MethodCall(call) = expr else {
                        return;
                    };
                    if call.method == "try_into" && call.args.is_empty() {
                        let receiver = &call.receiver;
                        *expr = parse_quote!(::user_apis_runtime::IntoArg::into_arg(#receiver));
                    } else if call.method == "map_err"
                        && let Some(Expr::Closure(closure)) = call.args.first()
                        && let Some(Expr::MethodCall(text)) = match closure.body.as_ref() {
                            Expr::Block(block) => match block.block.stmts.as_slice() {
                                [syn::Stmt::Expr(expr, None)] => Some(expr),
                                _ => None,
                            },
                            expr => Some(expr),
                        }
                        && let Expr::Lit(syn::ExprLit {
                            lit: syn::Lit::Str(message),
                            ..
                        }) = text.receiver.as_ref()
                        && let Some(name) = message
                            .value()
                            .strip_suffix(" failed")
                            .and_then(|rest| rest.rsplit_once(" for "))
                            .map(|(_, name)| name.to_string())
                    {
                        let format = format!("{name}: {{e}}");
                        call.args = parse_quote!(|e| format!(#format));
                    }
                }
            }
            Calls.visit_block_mut(&mut function.block);
            self.changed += 1;
        }
    }
    let mut setters = Setters { changed: 0 };
    setters.visit_file_mut(file);
    Ok(Applied::new(
        setters.changed,
        format!(
            "plain_setter_values: {} setters take strings, numbers and page sizes as a caller has them",
            setters.changed
        ),
    ))
}

/// Lets one call set its own timeout and retry policy: `.timeout(..)` and `.retry(..)` on
/// every operation's builder, in place of the client's `ClientConfig::timeout` and
/// `ClientConfig::retry`.
///
/// Each request builder gains a field `call: user_apis_runtime::CallOptions`, empty from
/// `new`, the two setters, and a `send` that hands the options to the runtime
/// (`Client::exec_call`, declared with the client's hooks) instead of calling the `exec` hook.
/// A stream clones its builder for every page, so its pages share the options.
///
/// Every provider's client has request builders, so codegen fails when this changes nothing.
pub fn per_call_options(file: &mut File, _: &ClientCtx) -> Result<Applied, String> {
    let items = module_items(file, "builder")?;
    let mut builders = Vec::new();
    for item in items.iter_mut() {
        let Item::Struct(item) = item else { continue };
        let syn::Fields::Named(fields) = &mut item.fields else {
            continue;
        };
        if !fields
            .named
            .iter()
            .any(|field| field.ident.as_ref().is_some_and(|name| name == "client"))
        {
            continue;
        }
        fields
            .named
            .push(parse_quote!(pub(crate) call: ::user_apis_runtime::CallOptions));
        builders.push(item.ident.to_string());
    }
    struct Sends {
        sends: usize,
        error: Option<String>,
    }
    impl VisitMut for Sends {
        fn visit_impl_item_fn_mut(&mut self, function: &mut syn::ImplItemFn) {
            if function.sig.ident == "new" {
                // `Self { client: client, ... }` starts with no options.
                struct Init;
                impl VisitMut for Init {
                    fn visit_expr_struct_mut(&mut self, init: &mut syn::ExprStruct) {
                        if init.path.is_ident("Self") {
                            init.fields.push(parse_quote!(
                                call: ::std::default::Default::default()
                            ));
                        }
                    }
                }
                Init.visit_block_mut(&mut function.block);
                return;
            }
            if function.sig.ident != "send" {
                return;
            }
            // `let Self { client, .. } = self;` also takes the options, and the request goes
            // to the runtime with them.
            struct Send {
                destructured: bool,
                executed: bool,
            }
            impl VisitMut for Send {
                fn visit_pat_struct_mut(&mut self, pattern: &mut syn::PatStruct) {
                    if pattern.path.is_ident("Self") {
                        let syn::Pat::Struct(call) = parse_quote!(Self { call }) else {
                            unreachable!("a struct pattern")
                        };
                        pattern.fields.extend(call.fields);
                        self.destructured = true;
                    }
                }
                fn visit_expr_mut(&mut self, expr: &mut Expr) {
                    syn::visit_mut::visit_expr_mut(self, expr);
                    if let Expr::MethodCall(call) = expr
                        && call.method == "exec"
                        && is(&call.receiver, quote!(client))
                    {
                        let args = &call.args;
                        *expr = parse_quote!(client.exec_call(#args, &call));
                        self.executed = true;
                    }
                }
            }
            let mut send = Send {
                destructured: false,
                executed: false,
            };
            send.visit_block_mut(&mut function.block);
            if send.destructured && send.executed {
                self.sends += 1;
            } else {
                self.error.get_or_insert(format!(
                    "per_call_options: a send() without `let Self {{ .. }} = self` or \
                     `client.exec(..)` (destructured: {}, executed: {})",
                    send.destructured, send.executed
                ));
            }
        }
    }
    let mut sends = Sends {
        sends: 0,
        error: None,
    };
    for item in items.iter_mut() {
        let Item::Impl(block) = item else { continue };
        let Some(name) = self_type_name(block) else {
            continue;
        };
        if !builders.contains(&name) {
            continue;
        }
        sends.visit_item_impl_mut(block);
        block.items.push(parse_quote! {
            /// Time allowed for each attempt of this request, body included, in place of the
            /// client's `ClientConfig::timeout`.
            pub fn timeout(mut self, timeout: ::std::time::Duration) -> Self {
                self.call.timeout = Some(timeout);
                self
            }
        });
        block.items.push(parse_quote! {
            /// The retry policy of this request, in place of the client's
            /// `ClientConfig::retry`: `RetryPolicy::never()` sends it once, whatever the answer.
            pub fn retry(mut self, policy: ::user_apis_runtime::RetryPolicy) -> Self {
                self.call.retry = Some(policy);
                self
            }
        });
    }
    if let Some(error) = sends.error {
        return Err(error);
    }
    if sends.sends != builders.len() {
        return Err(format!(
            "per_call_options: {} request builders but {} send()s",
            builders.len(),
            sends.sends
        ));
    }
    Ok(Applied::new(
        builders.len(),
        format!(
            "per_call_options: {} request builders take a timeout and a retry policy of their own",
            builders.len()
        ),
    ))
}

/// Turns a value read into the body of its update, for read-modify-write: `From<Read> for
/// Write` for each schema the spec marks `x-user-apis-update-from: Read` (GitLab's
/// `UserInput` from the `User` that `get_user` gives).
///
/// Every field the two share is carried over as read (a required one into an optional one
/// as `Some`); what only the read form has (server-assigned fields such as `id` or
/// `created_at`) is dropped, and what only the write form has (a password) is left unset.
/// The write type must derive `Default`.
///
/// It changes only what some specs have, so it may change nothing in one provider's client;
/// codegen fails when it changes nothing in any.
pub fn add_update_conversions(file: &mut File, ctx: &ClientCtx) -> Result<Applied, String> {
    let items = module_items(file, "types")?;
    let fields_of = |name: &str| -> Result<Vec<syn::Field>, String> {
        items
            .iter()
            .find_map(|item| match item {
                Item::Struct(item) if item.ident == name => {
                    Some(item.fields.iter().cloned().collect())
                }
                _ => None,
            })
            .ok_or_else(|| format!("add_update_conversions: no type {name}"))
    };
    let mut impls: Vec<Item> = Vec::new();
    let mut log = Vec::new();
    for (write, read) in &ctx.update_sources {
        let (write_fields, read_fields) = (fields_of(write)?, fields_of(read)?);
        let mut assignments = Vec::new();
        for field in &write_fields {
            let Some(name) = &field.ident else { continue };
            let Some(source) = read_fields.iter().find(|f| f.ident.as_ref() == Some(name)) else {
                continue;
            };
            if is(&source.ty, field.ty.to_token_stream()) {
                assignments.push(quote!(#name: value.#name));
            } else if generic_types(&field.ty, "Option")
                .is_some_and(|inner| inner.len() == 1 && is(inner[0], source.ty.to_token_stream()))
            {
                assignments.push(quote!(#name: Some(value.#name)));
            }
        }
        let (write_ident, read_ident) = (format_ident!("{write}"), format_ident!("{read}"));
        let doc = format!(
            "The body of an update from a [`{read}`] read: the {} fields both have, as read; what only [`{read}`] has (assigned by the server) is dropped, what only [`{write}`] has is left unset.",
            assignments.len()
        );
        impls.push(parse_quote! {
            #[doc = #doc]
            impl ::std::convert::From<#read_ident> for #write_ident {
                fn from(value: #read_ident) -> Self {
                    Self {
                        #(#assignments,)*
                        ..Default::default()
                    }
                }
            }
        });
        log.push(format!(
            "add_update_conversions: From<{read}> for {write}, {} fields",
            assignments.len()
        ));
    }
    items.extend(impls);
    Ok(Applied::each(log))
}

/// Compiles the builders of the types that are only ever received with the crate's `mock`
/// feature alone.
///
/// typify writes a builder for every struct of the spec: its `builder::X` with a setter per
/// field, `Default`, `TryFrom` into the type and `From` back, and `X::builder()`. A request
/// needs the builders of what it sends: each operation's body, parameter and what those hold,
/// which the request builders take. The types that are only ever received (GitLab's `User`,
/// every error body) need theirs only to write response fixtures for the typed mocks, in
/// tests. Their `TryFrom` is the largest code of a client crate that no service calls: GitLab's
/// `User` alone was 9,588 of its 70,464 LLVM lines (BENCHMARKS.md). Those builders, their impls
/// and `X::builder()` are now compiled only with the `mock` feature, and documented as such;
/// the types themselves (public fields, and `Default` where every field can be left out)
/// still build without it.
///
/// The types sent are those the request builders' fields name (`Result<types::builder::
/// UserInput, String>`), and every type a field of a type sent names, to the end.
///
/// Every provider's client has types only received, so codegen fails when this changes
/// nothing.
pub fn mock_only_received_builders(file: &mut File, _: &ClientCtx) -> Result<Applied, String> {
    use std::collections::BTreeSet;
    /// The names of every path segment in `node`: the types it names, among the rest.
    fn idents(node: &impl ToTokens) -> BTreeSet<String> {
        fn walk(tokens: proc_macro2::TokenStream, out: &mut BTreeSet<String>) {
            for token in tokens {
                match token {
                    proc_macro2::TokenTree::Ident(ident) => {
                        out.insert(ident.to_string());
                    }
                    proc_macro2::TokenTree::Group(group) => walk(group.stream(), out),
                    _ => {}
                }
            }
        }
        let mut out = BTreeSet::new();
        walk(node.to_token_stream(), &mut out);
        out
    }
    // What the request builders hold.
    let mut sent: BTreeSet<String> = BTreeSet::new();
    for item in module_items(file, "builder")? {
        let Item::Struct(item) = item else { continue };
        for field in &item.fields {
            sent.extend(idents(&field.ty));
        }
    }
    let types = module_items(file, "types")?;
    let fields: BTreeMap<String, BTreeSet<String>> = types
        .iter()
        .filter_map(|item| match item {
            Item::Struct(item) => Some((item.ident.to_string(), idents(&item.fields))),
            Item::Enum(item) => Some((item.ident.to_string(), idents(&item.variants))),
            _ => None,
        })
        .collect();
    // Every type a type sent holds, to the end.
    let mut queue: Vec<String> = sent.iter().cloned().collect();
    while let Some(name) = queue.pop() {
        for held in fields.get(&name).into_iter().flatten() {
            if fields.contains_key(held) && sent.insert(held.clone()) {
                queue.push(held.clone());
            }
        }
    }
    let gate: Vec<Attribute> = vec![
        parse_quote!(#[cfg(feature = "mock")]),
        parse_quote!(#[cfg_attr(docsrs, doc(cfg(feature = "mock")))]),
    ];
    let received = |name: &str| fields.contains_key(name) && !sent.contains(name);
    // `impl X { pub fn builder() -> builder::X }` of each type received.
    let mut gated = BTreeSet::new();
    for item in types.iter_mut() {
        let Item::Impl(block) = item else { continue };
        let Some(name) = self_type_name(block) else {
            continue;
        };
        if block.trait_.is_some() || !received(&name) {
            continue;
        }
        for member in block.items.iter_mut() {
            if let syn::ImplItem::Fn(function) = member
                && function.sig.ident == "builder"
            {
                function.attrs.extend(gate.iter().cloned());
                gated.insert(name.clone());
            }
        }
    }
    // The builder itself and every impl of it: `impl X`, `impl Default for X`,
    // `impl TryFrom<X> for super::X`, `impl From<super::X> for X`, `impl TryFrom<X> for
    // Option<super::X>`. In this module a builder is named bare, the type as `super::X`.
    fn bare(ty: &syn::Type) -> Option<String> {
        match ty {
            syn::Type::Path(path)
                if path.qself.is_none()
                    && path.path.segments.len() == 1
                    && path.path.segments[0].arguments.is_none() =>
            {
                Some(path.path.segments[0].ident.to_string())
            }
            _ => None,
        }
    }
    let builders = crate::syntax::module_items_mut(types, "builder")?;
    let mut builder_items = 0;
    for item in builders.iter_mut() {
        let (name, attrs) = match item {
            Item::Struct(item) => (Some(item.ident.to_string()), &mut item.attrs),
            Item::Impl(block) => {
                let from_trait = block.trait_.as_ref().and_then(|(path, _)| {
                    match &path.segments.last()?.arguments {
                        syn::PathArguments::AngleBracketed(args) => {
                            args.args.iter().find_map(|arg| match arg {
                                syn::GenericArgument::Type(ty) => bare(ty),
                                _ => None,
                            })
                        }
                        _ => None,
                    }
                });
                (bare(&block.self_ty).or(from_trait), &mut block.attrs)
            }
            _ => continue,
        };
        let Some(name) = name else {
            return Err(format!(
                "mock_only_received_builders: an item of types::builder names no builder: {}",
                item.to_token_stream()
            ));
        };
        if received(&name) {
            attrs.extend(gate.iter().cloned());
            gated.insert(name);
            builder_items += 1;
        }
    }
    Ok(Applied::new(
        gated.len(),
        format!(
            "mock_only_received_builders: {} of {} types are only received; their builders ({} items) compile with the mock feature alone",
            gated.len(),
            fields.len(),
            builder_items
        ),
    ))
}

/// Reads every answer through one runtime function instead of a `match` on the status in each
/// operation: `Runtime::answer` (data), `Runtime::answer_empty` (no data) or
/// `Runtime::answer_acknowledged` (an acknowledgement), given the statuses that succeed and
/// those whose body is the operation's error type.
///
/// progenitor writes an arm per documented status, each with its own `.await` of a decode, so
/// each operation's future held a decoding state per status, compiled into every crate that
/// calls it (the command line calls them all: 140,527 of its 1,234,164 LLVM lines were the
/// operations' `send` futures; BENCHMARKS.md). The runtime's functions do the same, and are
/// compiled once per pair of body types, which operations share. Behaviour is unchanged: the
/// same statuses decode the same way, anything else is `Error::UnexpectedResponse`. A `match`
/// of another shape (a byte stream's) is left as it is.
///
/// Every provider's client has this shape, so codegen fails when this changes nothing.
pub fn answer_through_runtime(file: &mut File, _: &ClientCtx) -> Result<Applied, String> {
    /// Operations changed, by kind (data, no data, acknowledgement), and matches kept.
    #[derive(Default)]
    struct Answers {
        changed: [usize; 3],
        kept: usize,
    }
    enum Success {
        Data(Vec<syn::Pat>),
        Empty,
        Acknowledged,
    }
    /// The call that replaces a status `match`, or `None` when it has another shape.
    fn answer_of(expr: &syn::ExprMatch) -> Option<(Expr, usize)> {
        let mut success: Option<Success> = None;
        let mut errors: Vec<syn::Pat> = Vec::new();
        let mut wildcard = false;
        for arm in &expr.arms {
            // progenitor writes some arms' value in a block of its own.
            let body = match arm.body.as_ref() {
                Expr::Block(block) if block.block.stmts.len() == 1 => match &block.block.stmts[0] {
                    syn::Stmt::Expr(inner, None) => inner,
                    _ => return None,
                },
                other => other,
            };
            let statuses: Vec<syn::Pat> = match &arm.pat {
                syn::Pat::Or(or) => or.cases.iter().cloned().collect(),
                single => vec![single.clone()],
            };
            let literal = statuses.iter().all(|pat| matches!(pat, syn::Pat::Lit(_)));
            if matches!(arm.pat, syn::Pat::Wild(_)) {
                wildcard = is(
                    body,
                    quote!(Err(Error::UnexpectedResponse(
                        client.inner.unexpected(response, &info)
                    ))),
                );
                if !wildcard {
                    return None;
                }
            } else if literal
                && is(
                    body,
                    quote!(Err(Error::ErrorResponse(
                        client.inner.decode_error(response, &info).await?
                    ))),
                )
            {
                errors.extend(statuses);
            } else if literal && is(body, quote!(client.inner.decode(response, &info).await)) {
                match &mut success {
                    None => success = Some(Success::Data(statuses)),
                    Some(Success::Data(ok)) => ok.extend(statuses),
                    Some(_) => return None,
                }
            } else if is(&arm.pat, quote!(200u16..=299u16)) && success.is_none() {
                if is(body, quote!(Ok(ResponseValue::empty(response)))) {
                    success = Some(Success::Empty);
                } else if is(
                    body,
                    quote!(Ok(client.inner.acknowledge(response, &info).await)),
                ) {
                    success = Some(Success::Acknowledged);
                } else {
                    return None;
                }
            } else {
                return None;
            }
        }
        if !wildcard {
            return None;
        }
        Some(match success? {
            Success::Data(ok) => (
                parse_quote!(
                    client.inner.answer(response, &info, &[#(#ok),*], &[#(#errors),*]).await
                ),
                0,
            ),
            Success::Empty => (
                parse_quote!(client.inner.answer_empty(response, &info, &[#(#errors),*]).await),
                1,
            ),
            Success::Acknowledged => (
                parse_quote!(
                    client.inner.answer_acknowledged(response, &info, &[#(#errors),*]).await
                ),
                2,
            ),
        })
    }
    impl VisitMut for Answers {
        fn visit_expr_mut(&mut self, expr: &mut Expr) {
            syn::visit_mut::visit_expr_mut(self, expr);
            let Expr::Match(status) = expr else { return };
            if !is(&status.expr, quote!(response.status().as_u16())) {
                return;
            }
            match answer_of(status) {
                Some((call, kind)) => {
                    *expr = call;
                    self.changed[kind] += 1;
                }
                None => self.kept += 1,
            }
        }
    }
    let mut answers = Answers::default();
    for item in module_items(file, "builder")? {
        answers.visit_item_mut(item);
    }
    let [data, empty, acknowledged] = answers.changed;
    let changed = data + empty + acknowledged;
    Ok(Applied::new(
        changed,
        format!(
            "answer_through_runtime: {changed} operations read their answer through the runtime ({data} with data, {empty} without, {acknowledged} acknowledgements); {} status matches of another shape kept",
            answers.kept
        ),
    ))
}

/// Drops the calls of progenitor's `pre` and `post` hooks from every `send`, which then awaits
/// its request alone: `let response = client.exec_call(request, &info, &call).await?;`.
///
/// The provider table's `ClientHooks` impl (`declared.rs`) defines `exec` alone, and no other
/// crate can implement progenitor's trait for the client, so `pre` and `post` are progenitor's
/// defaults, which return `Ok(())`. Yet each is a future that every operation's future awaits,
/// a state of it compiled into every crate that calls it, and run on every call. A hook that
/// does something would be called from the table's `exec`. A `send` without the sequence
/// progenitor writes (`pre`, the request, `post`, the request's error) fails codegen.
///
/// Every provider's client has this shape, so codegen fails when this changes nothing.
pub fn skip_empty_hooks(file: &mut File, _: &ClientCtx) -> Result<Applied, String> {
    let sequence = [
        quote!(client.pre(&mut request, &info).await?;),
        quote!(let result = client.exec_call(request, &info, &call).await;),
        quote!(client.post(&result, &info).await?;),
        quote!(let response = result?;),
    ];
    let mut changed = 0;
    for item in module_items(file, "builder")? {
        let Item::Impl(block) = item else { continue };
        let name = self_type_name(block).unwrap_or_default();
        let Some(send) = fn_mut(block, "send") else {
            continue;
        };
        let stmts = &mut send.block.stmts;
        let Some(start) = stmts.windows(sequence.len()).position(|window| {
            window
                .iter()
                .zip(&sequence)
                .all(|(stmt, expected)| is(stmt, expected.clone()))
        }) else {
            return Err(format!(
                "skip_empty_hooks: {name}::send has no `pre`, `exec_call`, `post` sequence"
            ));
        };
        stmts.splice(
            start..start + sequence.len(),
            [parse_quote!(let response = client.exec_call(request, &info, &call).await?;)],
        );
        changed += 1;
    }
    Ok(Applied::new(
        changed,
        format!("skip_empty_hooks: {changed} operations call neither `pre` nor `post`"),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The doc lines of an attribute list, as written.
    fn doc_lines(attrs: &[Attribute]) -> Vec<String> {
        attrs
            .iter()
            .filter_map(|attr| match &attr.meta {
                syn::Meta::NameValue(meta) if meta.path.is_ident("doc") => match &meta.value {
                    Expr::Lit(syn::ExprLit {
                        lit: syn::Lit::Str(text),
                        ..
                    }) => Some(text.value()),
                    _ => None,
                },
                _ => None,
            })
            .collect()
    }

    /// The doc lines of the first method named `name` in `file`.
    fn method_docs(file: &File, name: &str) -> Vec<String> {
        struct Find<'a>(&'a str, Option<Vec<String>>);
        impl<'ast> syn::visit::Visit<'ast> for Find<'_> {
            fn visit_impl_item_fn(&mut self, function: &'ast syn::ImplItemFn) {
                if self.1.is_none() && function.sig.ident == self.0 {
                    self.1 = Some(doc_lines(&function.attrs));
                }
            }
        }
        let mut find = Find(name, None);
        syn::visit::Visit::visit_file(&mut find, file);
        find.1.unwrap_or_else(|| panic!("no method {name}"))
    }

    #[test]
    fn builders_start_optional_fields_empty_and_name_their_type() {
        let mut file: File = parse_quote! {
            pub mod types {
                #[derive(Clone, Debug)]
                pub struct Profile {
                    pub email: Option<String>,
                    #[serde(flatten)]
                    pub extra: Map<String, Value>,
                }
                #[derive(Clone, Debug)]
                pub struct Account {
                    pub login: String,
                }
                pub mod builder {
                    pub struct Profile {
                        email: Result<Option<String>, String>,
                        extra: Result<Map<String, Value>, String>,
                    }
                    impl Default for Profile {
                        fn default() -> Self {
                            Self {
                                email: Ok(Default::default()),
                                extra: Err("no value supplied for extra".to_string()),
                            }
                        }
                    }
                    pub struct Account {
                        login: Result<String, String>,
                    }
                    impl Default for Account {
                        fn default() -> Self {
                            Self { login: Err("no value supplied for login".to_string()) }
                        }
                    }
                    impl Account {
                        pub fn login(mut self, value: T) -> Self {
                            self.login = value.try_into().map_err(|e| {
                                format!("error converting supplied value for login: {e}")
                            });
                            self
                        }
                    }
                }
            }
        };
        let applied = builder_field_defaults(&mut file, &ClientCtx::default()).expect("applies");
        assert_eq!(applied.places, 3, "{applied:?}");
        let expected: File = parse_quote! {
            pub mod types {
                #[derive(Clone, Debug)]
                pub struct Profile {
                    pub email: Option<String>,
                    #[serde(flatten)]
                    pub extra: Map<String, Value>,
                }
                #[derive(Clone, Debug)]
                pub struct Account {
                    pub login: String,
                }
                pub mod builder {
                    pub struct Profile {
                        email: Result<Option<String>, String>,
                        extra: Result<Map<String, Value>, String>,
                    }
                    impl Default for Profile {
                        fn default() -> Self {
                            Self {
                                email: Ok(Default::default()),
                                extra: Ok(Default::default()),
                            }
                        }
                    }
                    pub struct Account {
                        login: Result<String, String>,
                    }
                    impl Default for Account {
                        fn default() -> Self {
                            Self { login: Err("Account: no value supplied for login".to_string()) }
                        }
                    }
                    impl Account {
                        pub fn login(mut self, value: T) -> Self {
                            self.login = value.try_into().map_err(|e| {
                                format!("Account: error converting supplied value for login: {e}")
                            });
                            self
                        }
                    }
                }
            }
        };
        assert!(
            is(&file, expected.to_token_stream()),
            "{}",
            prettyplease::unparse(&file)
        );

        let applied =
            default_for_optional_types(&mut file, &ClientCtx::default()).expect("applies");
        assert_eq!(applied.places, 1, "{applied:?}");
        let types = module_items(&mut file, "types").expect("types");
        let derive = |name: &str| -> Vec<Attribute> {
            types
                .iter()
                .find_map(|item| match item {
                    Item::Struct(item) if item.ident == name => Some(item.attrs.clone()),
                    _ => None,
                })
                .expect("the struct")
        };
        let (profile, account) = (derive("Profile"), derive("Account"));
        assert!(is(&profile[0], quote!(#[derive(Clone, Debug, Default)])));
        assert!(is(&account[0], quote!(#[derive(Clone, Debug)])));
    }

    #[test]
    fn a_renamed_query_parameter_is_sent_under_its_wire_name() {
        let builder = |name: &str| -> File {
            parse_quote! {
                pub mod builder {
                    impl<'a> GetImage<'a> {
                        ///Defeats caches.
                        pub fn update_time<V>(mut self, value: V) -> Self { self }
                        pub async fn send(self) {
                            let Self { client, update_time } = self;
                            let request = client.client.get(url)
                                .query(&progenitor_client::QueryParam::new(#name, &update_time))
                                .build()?;
                        }
                    }
                }
            }
        };
        let names = [WireName {
            operation_id: "get_image".to_string(),
            rust: "update_time".to_string(),
            wire: "_".to_string(),
        }];
        let mut file = builder("update_time");
        let log = wire_parameter_names(
            &mut file,
            &ClientCtx {
                wire_names: names.to_vec(),
                ..ClientCtx::default()
            },
        )
        .expect("applies")
        .log;
        assert_eq!(
            log,
            ["wire_parameter_names: GetImage::update_time sends the query parameter \"_\""]
        );
        assert!(mentions(&file, quote!(QueryParam::new("_", &update_time))));
        assert_eq!(
            method_docs(&file, "update_time"),
            ["Defeats caches.", "", " Sent as the `_` query parameter."]
        );
        // A send that no longer sends the Rust name is an error, not a silent mismatch.
        let error = wire_parameter_names(
            &mut builder("t"),
            &ClientCtx {
                wire_names: names.to_vec(),
                ..ClientCtx::default()
            },
        )
        .expect_err("not sent");
        assert_eq!(
            error,
            "GetImage::send does not send the query parameter \"update_time\""
        );
    }

    #[test]
    fn only_the_constructor_taking_a_configured_client_stays() {
        let mut file: File = parse_quote! {
            impl Client {
                /// Create a new client.
                pub fn new(baseurl: &str, inner: Runtime) -> Self {
                    Self::new_with_client(baseurl, reqwest::ClientBuilder::new().build().unwrap(), inner)
                }
                /// Construct a new client with an existing `reqwest::Client`.
                #[must_use]
                pub fn new_with_client(baseurl: &str, client: reqwest::Client, inner: Runtime) -> Self {
                    Self { baseurl: baseurl.to_string(), client, inner }
                }
            }
            impl ClientInfo<Runtime> for Client {
                fn new() {}
            }
        };
        configured_constructors_only(&mut file, &ClientCtx::default()).expect("applies");
        let [Item::Impl(client), Item::Impl(info)] = file.items.as_slice() else {
            panic!("two impls");
        };
        let names: Vec<String> = client
            .items
            .iter()
            .filter_map(|item| match item {
                syn::ImplItem::Fn(function) => Some(function.sig.ident.to_string()),
                _ => None,
            })
            .collect();
        assert_eq!(names, ["new_with_client"]);
        let syn::ImplItem::Fn(with_client) = &client.items[0] else {
            unreachable!()
        };
        let docs = doc_lines(&with_client.attrs).concat();
        assert!(docs.contains("`with_*` constructors"), "{docs}");
        assert!(
            !docs.contains("existing"),
            "progenitor's text is replaced: {docs}"
        );
        assert!(
            with_client
                .attrs
                .iter()
                .any(|attr| attr.path().is_ident("must_use")),
            "other attributes stay"
        );
        assert_eq!(info.items.len(), 1, "a trait impl is left alone");
        // Run twice, it finds nothing to remove: progenitor's output changed.
        let error =
            configured_constructors_only(&mut file, &ClientCtx::default()).expect_err("no `new`");
        assert!(error.contains("no `new`"), "{error}");
    }

    #[test]
    fn requests_are_built_without_needless_work() {
        let mut file: File = parse_quote! {
            pub mod builder {
                pub struct GetUser<'a> {
                    client: &'a super::Client,
                    user_id: Result<::std::string::String, String>,
                    number: Result<i64, String>,
                }
                impl<'a> GetUser<'a> {
                    pub async fn send(self) {
                        let url = format!(
                            "{}/api/v1/users/{}/n/{}",
                            client.baseurl,
                            ::user_apis_runtime::path_segment(&user_id.to_string())?,
                            ::user_apis_runtime::path_segment(&number.to_string())?,
                        );
                        let mut header_map = ::reqwest::header::HeaderMap::with_capacity(1usize);
                        header_map.append(
                            ::reqwest::header::HeaderName::from_static("api-version"),
                            ::reqwest::header::HeaderValue::from_static(super::Client::api_version()),
                        );
                        let mut request = client
                            .client
                            .get(url)
                            .header(
                                ::reqwest::header::ACCEPT,
                                ::reqwest::header::HeaderValue::from_static("application/json"),
                            )
                            .headers(header_map)
                            .build()?;
                    }
                    pub async fn download(self) {
                        let mut request = client.client.get(url).build()?;
                    }
                }
            }
        };
        let log = lean_request_building(&mut file, &ClientCtx::default())
            .expect("applies")
            .log;
        assert_eq!(
            log,
            [
                "lean_request_building: 1 api-version headers and 1 empty header maps dropped; \
              1 URLs appended to the parsed base URL; 1 string path parameters passed without a copy; \
              1 requests take Accept: application/json from the client's default headers, \
              1 binary downloads send Accept: */*"
            ]
        );
        let expected: File = parse_quote! {
            pub mod builder {
                pub struct GetUser<'a> {
                    client: &'a super::Client,
                    user_id: Result<::std::string::String, String>,
                    number: Result<i64, String>,
                }
                impl<'a> GetUser<'a> {
                    pub async fn send(self) {
                        let url = client.inner.url(
                            &client.baseurl,
                            &[
                                "api",
                                "v1",
                                "users",
                                ::std::convert::AsRef::<str>::as_ref(&::user_apis_runtime::path_segment(&user_id)?),
                                "n",
                                ::std::convert::AsRef::<str>::as_ref(&::user_apis_runtime::path_segment(&number.to_string())?),
                            ],
                        )?;
                        let mut request = client.client.get(url).build()?;
                    }
                    pub async fn download(self) {
                        let mut request = client
                            .client
                            .get(url)
                            .header(
                                ::reqwest::header::ACCEPT,
                                ::reqwest::header::HeaderValue::from_static("*/*"),
                            )
                            .build()?;
                    }
                }
            }
        };
        assert_eq!(
            prettyplease::unparse(&file),
            prettyplease::unparse(&expected)
        );
    }

    #[test]
    fn path_templates_map_each_operation_to_its_spec_path() {
        let mut file: File = parse_quote! {
            pub mod builder {}
        };
        let route = |id: &str, path: &str| Route {
            operation_id: id.to_string(),
            method: "GET".to_string(),
            path: path.to_string(),
        };
        let routes = [
            route("list_users", "/api/v1/users"),
            route("get_user", "/api/v1/users/{userId}"),
        ];
        let log = add_path_templates(
            &mut file,
            &ClientCtx {
                routes: routes.to_vec(),
                ..ClientCtx::default()
            },
        )
        .expect("applies")
        .log;
        assert_eq!(
            log,
            vec!["add_path_templates: path_template() knows the path template of 2 operation(s)"]
        );
        let text = prettyplease::unparse(&file);
        assert!(
            text.contains(
                "pub(crate) fn path_template(operation_id: &str) -> ::std::option::Option<&'static str> {"
            ),
            "{text}"
        );
        assert!(
            text.contains(
                r#""get_user" => ::std::option::Option::Some("/api/v1/users/{userId}"),"#
            ),
            "{text}"
        );
        assert!(
            mentions(&file, quote!(_ => ::std::option::Option::None,)),
            "{text}"
        );
    }

    #[test]
    fn builder_fields_become_visible_to_the_crate() {
        let mut file: File = parse_quote! {
            pub mod builder {
                pub struct ListUsers<'a> {
                    client: &'a super::Client,
                    per_page: Result<Option<i32>, String>,
                    pub kept: u8,
                }
            }
        };
        let log = crate_visible_builder_fields(&mut file, &ClientCtx::default())
            .expect("fixup applies")
            .log;
        assert_eq!(
            log,
            vec!["crate_visible_builder_fields: the fields of 1 request builders are pub(crate)"]
        );
        let text = prettyplease::unparse(&file);
        assert!(
            mentions(
                &file,
                quote!(pub(crate) per_page: Result<Option<i32>, String>,)
            ),
            "{text}"
        );
        assert!(
            mentions(&file, quote!(pub(crate) client: &'a super::Client,)),
            "{text}"
        );
        assert!(mentions(&file, quote!(pub kept: u8,)), "{text}");
    }

    #[test]
    fn optional_lists_and_maps_decode_null_as_empty() {
        let mut file: File = parse_quote! {
            pub mod types {
                pub struct Page {
                    #[serde(default, skip_serializing_if = "::std::vec::Vec::is_empty")]
                    pub rows: ::std::vec::Vec<User>,
                    #[serde(default, skip_serializing_if = ":: std :: collections :: HashMap::is_empty")]
                    pub tags: ::std::collections::HashMap<String, String>,
                    pub ids: ::std::vec::Vec<i64>,
                    #[serde(flatten)]
                    pub extra: ::serde_json::Map<String, ::serde_json::Value>,
                    #[serde(default)]
                    pub total: Option<i64>,
                }
            }
        };
        let log = null_collections_as_empty(&mut file, &ClientCtx::default())
            .expect("fixup applies")
            .log;
        assert_eq!(log, vec!["null_collections_as_empty: Page: rows, tags"]);
        let text = prettyplease::unparse(&file);
        assert_eq!(
            text.matches(r#"deserialize_with = "::user_apis_runtime::null_as_empty""#)
                .count(),
            2,
            "{text}"
        );
    }

    #[test]
    fn string_enums_gain_an_unknown_variant_and_conversions_follow() {
        let mut file: File = parse_quote! {
            pub mod types {
                #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Copy, Debug)]
                pub enum Role {
                    #[serde(rename = "admin")]
                    Admin,
                }
                impl ::std::fmt::Display for Role {
                    fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        match *self {
                            Self::Admin => f.write_str("admin"),
                        }
                    }
                }
                impl ::std::str::FromStr for Role {
                    type Err = &'static str;
                    fn from_str(value: &str) -> ::std::result::Result<Self, &'static str> {
                        match value {
                            "admin" => Ok(Self::Admin),
                            _ => Err("invalid value"),
                        }
                    }
                }
                #[derive(::serde::Deserialize, Clone, Debug)]
                #[serde(untagged)]
                pub enum Mixed { A, B }
            }
        };
        let log = open_string_enums(&mut file, &ClientCtx::default())
            .expect("fixup applies")
            .log;
        assert_eq!(
            log,
            vec!["open_string_enums: Role keeps unknown values in Role::Unknown"]
        );
        let text = prettyplease::unparse(&file);
        assert!(
            text.contains("#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug)]"),
            "{text}"
        );
        assert!(
            text.contains("#[serde(untagged)]\n        Unknown(::std::string::String),"),
            "{text}"
        );
        assert!(
            mentions(
                &file,
                quote!(Self::Unknown(ref value) => f.write_str(value))
            ),
            "{text}"
        );
        assert!(
            mentions(&file, quote!(_ => Ok(Self::Unknown(value.to_string())))),
            "{text}"
        );
        // An enum with its own serde representation is left alone.
        assert!(
            text.contains("pub enum Mixed {\n        A,\n        B,\n    }"),
            "{text}"
        );
    }

    #[test]
    fn input_conversions_move_shared_fields_and_convert_split_ones() {
        let mut file: File = parse_quote! {
            pub mod types {
                pub struct User {
                    pub id: ::std::option::Option<String>,
                    pub name: String,
                    pub company: ::std::option::Option<Company>,
                }
                pub struct UserInput {
                    pub name: String,
                    pub company: ::std::option::Option<CompanyInput>,
                }
            }
        };
        let splits = [Split {
            read: "User".into(),
            write: "UserInput".into(),
        }];
        add_input_conversions(
            &mut file,
            &ClientCtx {
                splits: splits.to_vec(),
                ..ClientCtx::default()
            },
        )
        .expect("fixup applies");
        let text = prettyplease::unparse(&file);
        assert!(
            mentions(&file, quote!(impl ::std::convert::From<User> for UserInput)),
            "{text}"
        );
        assert!(mentions(&file, quote!(name: value.name,)), "{text}");
        assert!(
            mentions(
                &file,
                quote!(company: value.company.map(::std::convert::Into::into))
            ),
            "{text}"
        );
        assert!(!mentions(&file, quote!(value.id)), "{text}");
    }

    #[test]
    fn setters_of_strings_and_numbers_take_plain_values() {
        let mut file: File = parse_quote! {
            impl Profile {
                pub fn first_name<T>(mut self, value: T) -> Self
                where
                    T: ::std::convert::TryInto<::std::option::Option<::std::string::String>>,
                    T::Error: ::std::fmt::Display,
                {
                    self.first_name = value.try_into().map_err(|e| format!("{e}"));
                    self
                }
                pub fn status<T>(mut self, value: T) -> Self
                where
                    T: ::std::convert::TryInto<::std::option::Option<super::Status>>,
                    T::Error: ::std::fmt::Display,
                {
                    self.status = value.try_into().map_err(|e| format!("{e}"));
                    self
                }
            }
            impl<'a> ListUsers<'a> {
                pub fn per_page<V>(mut self, value: V) -> Self
                where
                    V: std::convert::TryInto<::std::num::NonZeroU64>,
                {
                    self.per_page = value.try_into().map(Some).map_err(|_| {
                        "conversion to `:: std :: num :: NonZeroU64` for per_page failed"
                            .to_string()
                    });
                    self
                }
            }
        };
        let applied = plain_setter_values(&mut file, &ClientCtx::default()).expect("applies");
        assert_eq!(applied.places, 2, "{applied:?}");
        let expected: File = parse_quote! {
            impl Profile {
                pub fn first_name<T>(mut self, value: T) -> Self
                where
                    T: ::user_apis_runtime::IntoArg<::std::option::Option<::std::string::String>>,
                    T::Error: ::std::fmt::Display,
                {
                    self.first_name = ::user_apis_runtime::IntoArg::into_arg(value)
                        .map_err(|e| format!("{e}"));
                    self
                }
                pub fn status<T>(mut self, value: T) -> Self
                where
                    T: ::std::convert::TryInto<::std::option::Option<super::Status>>,
                    T::Error: ::std::fmt::Display,
                {
                    self.status = value.try_into().map_err(|e| format!("{e}"));
                    self
                }
            }
            impl<'a> ListUsers<'a> {
                pub fn per_page<V>(mut self, value: V) -> Self
                where
                    V: ::user_apis_runtime::IntoArg<::std::num::NonZeroU64>,
                {
                    self.per_page = ::user_apis_runtime::IntoArg::into_arg(value)
                        .map(Some)
                        .map_err(|e| format!("per_page: {e}"));
                    self
                }
            }
        };
        assert_eq!(
            prettyplease::unparse(&file),
            prettyplease::unparse(&expected)
        );
    }

    #[test]
    fn every_request_builder_takes_its_own_timeout_and_retry_policy() {
        let mut file: File = parse_quote! {
            pub mod builder {
                pub struct GetUser<'a> {
                    pub(crate) client: &'a super::Client,
                    pub(crate) id: Result<i64, String>,
                }
                impl<'a> GetUser<'a> {
                    pub fn new(client: &'a super::Client) -> Self {
                        Self { client: client, id: Err("id was not initialized".to_string()) }
                    }
                    pub async fn send(self) -> Result<ResponseValue<types::User>, Error<()>> {
                        let Self { client, id } = self;
                        let result = client.exec(request, &info).await;
                        todo!()
                    }
                }
            }
        };
        let applied = per_call_options(&mut file, &ClientCtx::default()).expect("applies");
        assert_eq!(applied.places, 1, "{applied:?}");
        let text = prettyplease::unparse(&file);
        for expected in [
            "pub(crate) call: ::user_apis_runtime::CallOptions,",
            "call: ::std::default::Default::default(),",
            "let Self { client, id, call } = self;",
            "let result = client.exec_call(request, &info, &call).await;",
            "pub fn timeout(mut self, timeout: ::std::time::Duration) -> Self {",
            "pub fn retry(mut self, policy: ::user_apis_runtime::RetryPolicy) -> Self {",
        ] {
            assert!(text.contains(expected), "{expected} not in {text}");
        }
    }

    #[test]
    fn builders_of_types_only_received_compile_with_mocks_alone() {
        let mut file: File = parse_quote! {
            pub mod types {
                pub struct User { pub id: i64, pub profile: Profile }
                pub struct Profile { pub email: Option<String> }
                pub struct UserInput { pub profile: Option<Profile>, pub role: Role }
                pub enum Role { Admin }
                pub struct ApiError { pub message: String }
                impl User {
                    pub fn builder() -> builder::User { Default::default() }
                }
                impl UserInput {
                    pub fn builder() -> builder::UserInput { Default::default() }
                }
                pub mod builder {
                    pub struct User { id: Result<i64, String> }
                    impl Default for User {
                        fn default() -> Self { todo!() }
                    }
                    impl User {
                        pub fn id<T>(mut self, value: T) -> Self { todo!() }
                    }
                    impl TryFrom<User> for super::User {
                        type Error = super::error::ConversionError;
                        fn try_from(value: User) -> Result<Self, Self::Error> { todo!() }
                    }
                    impl From<super::User> for User {
                        fn from(value: super::User) -> Self { todo!() }
                    }
                    impl TryFrom<User> for ::std::option::Option<super::User> {
                        type Error = super::error::ConversionError;
                        fn try_from(value: User) -> Result<Self, Self::Error> { todo!() }
                    }
                    pub struct Profile { email: Result<Option<String>, String> }
                    impl TryFrom<Profile> for super::Profile {
                        type Error = super::error::ConversionError;
                        fn try_from(value: Profile) -> Result<Self, Self::Error> { todo!() }
                    }
                    pub struct UserInput { profile: Result<Option<super::Profile>, String> }
                    pub struct ApiError { message: Result<String, String> }
                }
            }
            pub mod builder {
                pub struct UpdateUser<'a> {
                    pub(crate) client: &'a super::Client,
                    pub(crate) body: Result<types::builder::UserInput, String>,
                }
            }
        };
        let applied =
            mock_only_received_builders(&mut file, &ClientCtx::default()).expect("applies");
        assert_eq!(
            applied.log,
            vec![
                "mock_only_received_builders: 2 of 5 types are only received; their builders \
                 (7 items) compile with the mock feature alone"
            ]
        );
        let gated = |node: &dyn Fn(&File) -> Option<Vec<Attribute>>| {
            node(&file).is_some_and(|attrs| {
                attrs.iter().any(|attr| {
                    attr.to_token_stream().to_string() == "# [cfg (feature = \"mock\")]"
                })
            })
        };
        let types = |file: &File| match &file.items[0] {
            Item::Mod(module) => module.content.as_ref().map(|(_, items)| items.clone()),
            _ => None,
        };
        let builders = |file: &File| {
            types(file)?.into_iter().find_map(|item| match item {
                Item::Mod(module) => module.content.map(|(_, items)| items),
                _ => None,
            })
        };
        // `User` and `ApiError` are only received: their builders, every impl of `User`'s
        // and `User::builder()` are gated.
        for index in [0, 1, 2, 3, 4, 5, 9] {
            assert!(
                gated(&|file| match builders(file)?.get(index)? {
                    Item::Struct(item) => Some(item.attrs.clone()),
                    Item::Impl(item) => Some(item.attrs.clone()),
                    _ => None,
                }),
                "builder item {index} is not gated"
            );
        }
        assert!(gated(&|file| match types(file)?.get(5)? {
            Item::Impl(block) => match block.items.first()? {
                syn::ImplItem::Fn(function) => Some(function.attrs.clone()),
                _ => None,
            },
            _ => None,
        }));
        // What a request sends, and what that holds, keeps its builder.
        for index in [6, 7, 8] {
            assert!(
                !gated(&|file| match builders(file)?.get(index)? {
                    Item::Struct(item) => Some(item.attrs.clone()),
                    Item::Impl(item) => Some(item.attrs.clone()),
                    _ => None,
                }),
                "builder item {index} is gated"
            );
        }
        assert!(!gated(&|file| match types(file)?.get(6)? {
            Item::Impl(block) => match block.items.first()? {
                syn::ImplItem::Fn(function) => Some(function.attrs.clone()),
                _ => None,
            },
            _ => None,
        }));
    }

    #[test]
    fn every_answer_is_read_through_the_runtime() {
        let mut file: File = parse_quote! {
            pub mod builder {
                impl<'a> GetUser<'a> {
                    pub async fn send(self) -> Result<ResponseValue<types::User>, Error<types::ApiError>> {
                        let response = result?;
                        match response.status().as_u16() {
                            200u16 => client.inner.decode(response, &info).await,
                            201u16 => client.inner.decode(response, &info).await,
                            401u16 => {
                                Err(Error::ErrorResponse(client.inner.decode_error(response, &info).await?))
                            }
                            404u16 => {
                                Err(Error::ErrorResponse(client.inner.decode_error(response, &info).await?))
                            }
                            _ => Err(Error::UnexpectedResponse(client.inner.unexpected(response, &info))),
                        }
                    }
                }
                impl<'a> DeleteUser<'a> {
                    pub async fn send(self) -> Result<ResponseValue<()>, Error<types::ApiError>> {
                        let response = result?;
                        match response.status().as_u16() {
                            200u16..=299u16 => Ok(ResponseValue::empty(response)),
                            404u16 => {
                                Err(Error::ErrorResponse(client.inner.decode_error(response, &info).await?))
                            }
                            _ => Err(Error::UnexpectedResponse(client.inner.unexpected(response, &info))),
                        }
                    }
                }
                impl<'a> Logout<'a> {
                    pub async fn send(self) -> Result<ResponseValue<types::StatusOk>, Error<types::ApiError>> {
                        let response = result?;
                        match response.status().as_u16() {
                            200u16..=299u16 => Ok(client.inner.acknowledge(response, &info).await),
                            _ => Err(Error::UnexpectedResponse(client.inner.unexpected(response, &info))),
                        }
                    }
                }
                impl<'a> GetImage<'a> {
                    pub async fn send(self) -> Result<ResponseValue<ByteStream>, Error<types::ApiError>> {
                        let response = result?;
                        match response.status().as_u16() {
                            200u16 => Ok(ResponseValue::stream(client.inner.readable(response))),
                            _ => Err(Error::UnexpectedResponse(client.inner.unexpected(response, &info))),
                        }
                    }
                }
            }
        };
        let applied = answer_through_runtime(&mut file, &ClientCtx::default()).expect("applies");
        assert_eq!(applied.places, 3, "{applied:?}");
        assert_eq!(
            applied.log,
            vec![
                "answer_through_runtime: 3 operations read their answer through the runtime \
                 (1 with data, 1 without, 1 acknowledgements); 1 status matches of another \
                 shape kept"
            ]
        );
        let text = prettyplease::unparse(&file);
        for expected in [
            quote!(
                client
                    .inner
                    .answer(response, &info, &[200u16, 201u16], &[401u16, 404u16])
                    .await
            ),
            quote!(client.inner.answer_empty(response, &info, &[404u16]).await),
            quote!(client.inner.answer_acknowledged(response, &info, &[]).await),
            quote!(200u16 => Ok(ResponseValue::stream(client.inner.readable(response)))),
        ] {
            assert!(
                mentions(&file, expected.clone()),
                "{expected} not in {text}"
            );
        }
    }

    #[test]
    fn sends_call_no_empty_hook() {
        let mut file: File = parse_quote! {
            pub mod builder {
                impl<'a> GetUser<'a> {
                    pub async fn send(self) -> Result<ResponseValue<types::User>, Error<()>> {
                        let Self { client, id, call } = self;
                        let mut request = client.client.get(url).build()?;
                        let info = OperationInfo { operation_id: "get_user" };
                        client.pre(&mut request, &info).await?;
                        let result = client.exec_call(request, &info, &call).await;
                        client.post(&result, &info).await?;
                        let response = result?;
                        client.inner.answer(response, &info, &[200u16], &[]).await
                    }
                }
            }
        };
        let applied = skip_empty_hooks(&mut file, &ClientCtx::default()).expect("applies");
        assert_eq!(applied.places, 1, "{applied:?}");
        let expected: File = parse_quote! {
            pub mod builder {
                impl<'a> GetUser<'a> {
                    pub async fn send(self) -> Result<ResponseValue<types::User>, Error<()>> {
                        let Self { client, id, call } = self;
                        let mut request = client.client.get(url).build()?;
                        let info = OperationInfo { operation_id: "get_user" };
                        let response = client.exec_call(request, &info, &call).await?;
                        client.inner.answer(response, &info, &[200u16], &[]).await
                    }
                }
            }
        };
        assert_eq!(
            prettyplease::unparse(&file),
            prettyplease::unparse(&expected)
        );

        // A send of another shape is refused, naming its builder.
        let mut file: File = parse_quote! {
            pub mod builder {
                impl<'a> GetUser<'a> {
                    pub async fn send(self) -> Result<ResponseValue<types::User>, Error<()>> {
                        let result = client.exec(request, &info).await;
                        todo!()
                    }
                }
            }
        };
        let error = skip_empty_hooks(&mut file, &ClientCtx::default()).expect_err("refused");
        assert!(error.contains("GetUser::send"), "{error}");
    }
}
