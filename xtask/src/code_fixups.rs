//! Named transformations of the generated code, applied to progenitor's output before printing.
//!
//! They give the generated types the behaviour the user contract asks for and that progenitor
//! has no setting for. Each returns a line per change, which codegen prints.

use std::collections::BTreeMap;

use quote::{format_ident, quote};
use syn::punctuated::Punctuated;
use syn::visit_mut::VisitMut;
use syn::{Attribute, Expr, Fields, File, Item, ItemEnum, ItemImpl, Token, parse_quote};

use crate::spec_fixups::Split;

pub mod docs;

/// The items of a top-level module of progenitor's output: `types` (every schema type) or
/// `builder` (every request builder).
fn module_items<'a>(file: &'a mut File, name: &str) -> Result<&'a mut Vec<Item>, String> {
    file.items
        .iter_mut()
        .find_map(|item| match item {
            Item::Mod(module) if module.ident == name => {
                module.content.as_mut().map(|(_, items)| items)
            }
            _ => None,
        })
        .ok_or_else(|| format!("progenitor's output has no `{name}` module"))
}

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
pub fn open_string_enums(file: &mut File) -> Result<Vec<String>, String> {
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

    Ok(opened
        .iter()
        .map(|(name, variant)| {
            format!("open_string_enums: {name} keeps unknown values in {name}::{variant}")
        })
        .collect())
}

/// A string enum as typify emits it: unit variants only, deriving `Deserialize`.
fn is_string_enum(item: &ItemEnum) -> bool {
    !item.variants.is_empty()
        && item
            .variants
            .iter()
            .all(|v| matches!(v.fields, Fields::Unit))
        && item.attrs.iter().any(|attr| {
            attr.path().is_ident("derive") && quote!(#attr).to_string().contains("Deserialize")
        })
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

fn self_type_name(item: &ItemImpl) -> Option<String> {
    match item.self_ty.as_ref() {
        syn::Type::Path(path) => path.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    }
}

fn trait_name(item: &ItemImpl) -> Option<String> {
    let (path, _) = item.trait_.as_ref()?;
    path.segments.last().map(|s| s.ident.to_string())
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

/// The fields of the struct `name`, each with its type as text.
fn fields_of(items: &[Item], name: &str) -> Option<Vec<(syn::Ident, String)>> {
    items.iter().find_map(|item| match item {
        Item::Struct(s) if s.ident == name => Some(
            s.fields
                .iter()
                .filter_map(|field| {
                    let ty = &field.ty;
                    Some((field.ident.clone()?, quote!(#ty).to_string()))
                })
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
pub fn add_input_conversions(file: &mut File, splits: &[Split]) -> Result<Vec<String>, String> {
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
            let value = if read_ty == write_ty {
                quote!(value.#ident)
            } else if write_ty.starts_with(":: std :: option :: Option <") {
                quote!(value.#ident.map(::std::convert::Into::into))
            } else if write_ty.starts_with(":: std :: vec :: Vec <") {
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
    Ok(log)
}

/// Decodes every JSON response body through `Runtime::decode`, and makes the client's `Error`
/// the runtime's.
///
/// progenitor reads a body whole, however long, and when it cannot be decoded its error keeps
/// neither the operation nor the status (a 404 with an HTML page loses its 404). The runtime's
/// `decode` reads at most the configured maximum, and its `Error::InvalidResponse` names the
/// operation, the status and the content type and keeps the start of the body. The runtime's
/// `Error` keeps progenitor's variant names for everything else.
pub fn decode_through_runtime(file: &mut File) -> Result<Vec<String>, String> {
    struct Decode {
        replaced: usize,
    }
    impl VisitMut for Decode {
        fn visit_expr_mut(&mut self, expr: &mut Expr) {
            syn::visit_mut::visit_expr_mut(self, expr);
            if let Expr::Call(call) = expr {
                let is_from_response = matches!(call.func.as_ref(),
                    Expr::Path(path) if quote!(#path).to_string() == "ResponseValue :: from_response");
                if is_from_response {
                    let args = &call.args;
                    *expr = parse_quote!(client.inner.decode(#args, &info));
                    self.replaced += 1;
                }
            }
        }
    }

    // The re-export of progenitor's support types loses `Error`, which the runtime provides.
    let expected =
        "pub use progenitor_client :: { ByteStream , ClientInfo , Error , ResponseValue , } ;";
    let position = file
        .items
        .iter()
        .position(|item| matches!(item, Item::Use(u) if quote!(#u).to_string().ends_with(expected)))
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

    let mut decode = Decode { replaced: 0 };
    decode.visit_file_mut(file);
    Ok(vec![format!(
        "decode_through_runtime: {} response bodies decode through Runtime::decode; Error is user_apis_runtime::Error",
        decode.replaced
    )])
}

/// Sends every path parameter through `user_apis_runtime::path_segment`.
///
/// progenitor's `encode_path` percent-encodes `/`, `?` and `#`, but leaves an empty value, `.`
/// and `..` as they are; URL parsing then resolves them, and `get_user("..")` would request
/// the parent path. `path_segment` encodes the same way and refuses those values with an
/// `InvalidRequest` error, so no parameter can make a request reach another path.
pub fn guard_path_segments(file: &mut File) -> Vec<String> {
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
    vec![format!(
        "guard_path_segments: {} path parameter(s) go through user_apis_runtime::path_segment",
        guard.replaced
    )]
}

/// Makes the fields of every request builder visible to the rest of its crate (`pub(crate)`).
///
/// progenitor keeps a builder's parameters in private fields, so hand-written code beside the
/// generated file cannot see what a caller set. A stream that pages by `page` and `per_page`
/// needs the page size the caller chose to tell a short (last) page from a full one. Users of
/// the crate see no difference: the fields stay private to it.
pub fn crate_visible_builder_fields(file: &mut File) -> Result<Vec<String>, String> {
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
    Ok(vec![format!(
        "crate_visible_builder_fields: the fields of {builders} request builders are pub(crate)"
    )])
}

/// The Rust name progenitor gives the request builder of a snake_case operationId.
fn builder_name(operation_id: &str) -> String {
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

/// Makes the request body of each listed operation optional: sent only when set.
///
/// progenitor starts every body builder from `Default` and always sends it, so an operation
/// whose body is optional (`requestBody.required: false`) would send `{}` where the API expects
/// no body at all, and for some operations that changes the meaning. This changes the builder's
/// body to `Option`: `body(..)` and `body_map(..)` set it, and `send()` attaches it (with its
/// `Content-Type`) only when it is set.
pub fn optional_request_bodies(
    file: &mut File,
    operation_ids: &[String],
) -> Result<Vec<String>, String> {
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
                    let ty = &field.ty;
                    let text = quote!(#ty).to_string();
                    let inner = text
                        .strip_prefix("Result < types :: builder :: ")
                        .and_then(|rest| rest.strip_suffix(" , String >"))
                        .ok_or_else(|| format!("{name}.body has an unexpected type: {text}"))?;
                    let inner = format_ident!("{}", inner);
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
        let impl_block = items
            .iter_mut()
            .find_map(|item| match item {
                Item::Impl(block)
                    if self_type_name(block).as_deref() == Some(name.as_str())
                        && block.trait_.is_none() =>
                {
                    Some(block)
                }
                _ => None,
            })
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
    Ok(log)
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
                && call
                    .args
                    .iter()
                    .any(|arg| quote!(#arg).to_string() == "& body");
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

#[cfg(test)]
mod tests {
    use super::*;

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
        let log = crate_visible_builder_fields(&mut file).expect("fixup applies");
        assert_eq!(
            log,
            vec!["crate_visible_builder_fields: the fields of 1 request builders are pub(crate)"]
        );
        let text = prettyplease::unparse(&file);
        assert!(
            text.contains("pub(crate) per_page: Result<Option<i32>, String>,"),
            "{text}"
        );
        assert!(
            text.contains("pub(crate) client: &'a super::Client,"),
            "{text}"
        );
        assert!(text.contains("pub kept: u8,"), "{text}");
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
        let log = open_string_enums(&mut file).expect("fixup applies");
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
            text.contains("Self::Unknown(ref value) => f.write_str(value)"),
            "{text}"
        );
        assert!(
            text.contains("_ => Ok(Self::Unknown(value.to_string()))"),
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
        add_input_conversions(&mut file, &splits).expect("fixup applies");
        let text = prettyplease::unparse(&file);
        assert!(
            text.contains("impl ::std::convert::From<User> for UserInput"),
            "{text}"
        );
        assert!(text.contains("name: value.name,"), "{text}");
        assert!(
            text.contains("company: value.company.map(::std::convert::Into::into),"),
            "{text}"
        );
        assert!(!text.contains("value.id"), "{text}");
    }
}
