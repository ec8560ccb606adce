//! The public API of a generated client as data, read from the generated syntax tree, and its
//! text form `crates/<provider>/api.txt`: one line per operation, parameter, type, field and
//! variant, which codegen keeps up to date and [`crate::api_report`] compares.
//!
//! The summary is read from the Rust items codegen writes, not from the spec, because those
//! items are what a user compiles against: the names progenitor gives inline schemas and
//! parameters, the Rust type of each value (`NonZeroU64` for `minimum: 1`, `Password` for
//! `format: password`, `Option` or not), the `<Name>Input` types of the read-only split, the
//! `Unknown` variant of open enums and optional request bodies all exist only there. A spec
//! edit that changes nothing a user sees (a description, a server limit) changes no line.

use std::collections::{BTreeMap, BTreeSet};

use quote::ToTokens;
use syn::visit::Visit;
use syn::{Attribute, Fields, File, GenericArgument, ImplItem, Item, PathArguments, Type};

use crate::syntax::{conversion_target, generic_types, mentions, serde_args};

/// The public API of one generated client.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Api {
    /// Every operation (a `Client` method returning a request builder), by method name.
    pub operations: BTreeMap<String, Operation>,
    /// Every type in the `types` module, by name.
    pub types: BTreeMap<String, TypeDef>,
}

/// One operation: `client.<name>()`, its request builder's setters and what `send()` returns.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Operation {
    /// The HTTP method, `GET`.
    pub method: String,
    /// The path template, `/api/v1/users/{userID}`.
    pub path: String,
    /// The statuses that succeed and the type `send()` returns for them.
    pub ok: Responses,
    /// The statuses whose body is decoded into `Error::ErrorResponse`, and its type.
    pub error: Responses,
    /// The builder's parameters (one setter each), by setter name.
    pub params: BTreeMap<String, Param>,
}

/// A set of response statuses and the Rust type their body decodes to.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Responses {
    /// `200`, or a range such as `200..=299`, in the order the generated `match` lists them.
    pub statuses: Vec<String>,
    /// The Rust type, shortened (see [`type_text`]).
    pub ty: String,
}

/// One parameter of an operation's request builder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Param {
    /// The type its setter converts to, shortened (see [`type_text`]).
    pub ty: String,
    /// Where the value goes in the request.
    pub location: Location,
    /// Whether `send()` fails when it was not set.
    pub required: bool,
}

/// Where a parameter goes in the request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// A segment of the path.
    Path,
    /// A query parameter, with its name on the wire.
    Query(String),
    /// A header, with its name on the wire.
    Header(String),
    /// The request body.
    Body,
}

/// One item of the `types` module.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TypeDef {
    /// A struct with named fields.
    Struct {
        /// Its public fields, by Rust name.
        fields: BTreeMap<String, Field>,
        /// The types it has a `From` conversion from (the read form of an `Input` type).
        from: BTreeSet<String>,
    },
    /// An enum.
    Enum {
        /// The variant that keeps values the spec does not list (`Unknown`), if any.
        open: Option<String>,
        /// The other variants, by name.
        variants: BTreeMap<String, Variant>,
    },
    /// A tuple struct, with the type (or tuple of types) it wraps.
    Newtype(String),
    /// A type alias, with the type it names.
    Alias(String),
}

impl TypeDef {
    /// The word that starts the type's lines: `struct`, `enum`, `newtype` or `alias`.
    pub fn kind(&self) -> &'static str {
        match self {
            TypeDef::Struct { .. } => "struct",
            TypeDef::Enum { .. } => "enum",
            TypeDef::Newtype(_) => "newtype",
            TypeDef::Alias(_) => "alias",
        }
    }
}

/// One public field of a struct.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    /// Its Rust type, shortened (see [`type_text`]).
    pub ty: String,
    /// Its JSON name when it differs from the Rust name (`#[serde(rename)]`).
    pub json: Option<String>,
    /// Whether it holds the object's other properties (`#[serde(flatten)]`).
    pub flatten: bool,
    /// Whether decoding fails without it: neither an `Option` nor `#[serde(default)]`.
    pub required: bool,
}

/// One variant of an enum.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Variant {
    /// Its JSON value when it differs from the Rust name (`#[serde(rename)]`).
    pub json: Option<String>,
    /// What it carries, `(String)` or `{ a: T }`, when it is not a unit variant.
    pub payload: Option<String>,
}

// ---------------------------------------------------------------------------------------------
// Reading the generated syntax tree.

/// Reads the public API from a generated client file (after the code fixups).
pub fn summarize(file: &File) -> Result<Api, String> {
    let types = module(&file.items, "types")?;
    let builders = module(&file.items, "builder")?;
    let mut api = Api::default();

    for item in types {
        match item {
            Item::Struct(item) if is_pub(&item.vis) => {
                let def = match &item.fields {
                    Fields::Named(named) => {
                        let mut fields = BTreeMap::new();
                        for field in named.named.iter().filter(|f| is_pub(&f.vis)) {
                            let Some(ident) = &field.ident else { continue };
                            let serde = serde_args(&field.attrs)?;
                            let ty = type_text(&field.ty);
                            let flatten = serde.contains_key("flatten");
                            let required = !flatten
                                && !serde.contains_key("default")
                                && !ty.starts_with("Option<");
                            fields.insert(
                                ident_text(ident),
                                Field {
                                    ty,
                                    json: serde.get("rename").cloned().flatten(),
                                    flatten,
                                    required,
                                },
                            );
                        }
                        TypeDef::Struct {
                            fields,
                            from: BTreeSet::new(),
                        }
                    }
                    Fields::Unnamed(unnamed) => {
                        let types: Vec<String> =
                            unnamed.unnamed.iter().map(|f| type_text(&f.ty)).collect();
                        match types.as_slice() {
                            [one] => TypeDef::Newtype(one.clone()),
                            many => TypeDef::Newtype(format!("({})", many.join(", "))),
                        }
                    }
                    Fields::Unit => TypeDef::Struct {
                        fields: BTreeMap::new(),
                        from: BTreeSet::new(),
                    },
                };
                api.types.insert(item.ident.to_string(), def);
            }
            Item::Enum(item) if is_pub(&item.vis) => {
                let mut open = None;
                let mut variants = BTreeMap::new();
                for variant in &item.variants {
                    let serde = serde_args(&variant.attrs)?;
                    let payload = match &variant.fields {
                        Fields::Unit => None,
                        Fields::Unnamed(fields) => Some(format!(
                            "({})",
                            fields
                                .unnamed
                                .iter()
                                .map(|f| type_text(&f.ty))
                                .collect::<Vec<_>>()
                                .join(", ")
                        )),
                        Fields::Named(fields) => Some(format!(
                            "{{ {} }}",
                            fields
                                .named
                                .iter()
                                .map(|f| format!(
                                    "{}: {}",
                                    f.ident.as_ref().map(ident_text).unwrap_or_default(),
                                    type_text(&f.ty)
                                ))
                                .collect::<Vec<_>>()
                                .join(", ")
                        )),
                    };
                    if serde.contains_key("untagged") && payload.as_deref() == Some("(String)") {
                        open = Some(variant.ident.to_string());
                        continue;
                    }
                    variants.insert(
                        variant.ident.to_string(),
                        Variant {
                            json: serde.get("rename").cloned().flatten(),
                            payload,
                        },
                    );
                }
                api.types
                    .insert(item.ident.to_string(), TypeDef::Enum { open, variants });
            }
            Item::Type(item) if is_pub(&item.vis) => {
                api.types
                    .insert(item.ident.to_string(), TypeDef::Alias(type_text(&item.ty)));
            }
            _ => {}
        }
    }

    // `From<User> for UserInput`: a read value converts to the write form.
    let mut conversions = Vec::new();
    for item in types {
        let Item::Impl(block) = item else { continue };
        let Some((trait_path, _)) = &block.trait_ else {
            continue;
        };
        let Some(last) = trait_path.segments.last() else {
            continue;
        };
        if last.ident != "From" {
            continue;
        }
        let source = match &last.arguments {
            PathArguments::AngleBracketed(args) => match args.args.first() {
                Some(GenericArgument::Type(ty)) => type_text(ty),
                _ => continue,
            },
            _ => continue,
        };
        conversions.push((type_text(&block.self_ty), source));
    }
    for (target, source) in conversions {
        if !api.types.contains_key(&source) {
            continue;
        }
        if let Some(TypeDef::Struct { from, .. }) = api.types.get_mut(&target) {
            from.insert(source);
        }
    }

    // Operations: every `Client` method that returns a request builder.
    for item in &file.items {
        let Item::Impl(block) = item else { continue };
        if block.trait_.is_some() || type_text(&block.self_ty) != "Client" {
            continue;
        }
        for member in &block.items {
            let ImplItem::Fn(function) = member else {
                continue;
            };
            if !is_pub(&function.vis) {
                continue;
            }
            let syn::ReturnType::Type(_, output) = &function.sig.output else {
                continue;
            };
            let Type::Path(output) = output.as_ref() else {
                continue;
            };
            let segments: Vec<String> = output
                .path
                .segments
                .iter()
                .map(|s| s.ident.to_string())
                .collect();
            let [module_name, builder] = segments.as_slice() else {
                continue;
            };
            if module_name != "builder" {
                continue;
            }
            let name = function.sig.ident.to_string();
            let operation = operation(builders, builder)
                .map_err(|e| format!("operation {name} (builder::{builder}): {e}"))?;
            api.operations.insert(name, operation);
        }
    }
    Ok(api)
}

fn module<'a>(items: &'a [Item], name: &str) -> Result<&'a [Item], String> {
    items
        .iter()
        .find_map(|item| match item {
            Item::Mod(module) if module.ident == name => {
                module.content.as_ref().map(|(_, items)| items.as_slice())
            }
            _ => None,
        })
        .ok_or_else(|| format!("the generated client has no `{name}` module"))
}

fn is_pub(vis: &syn::Visibility) -> bool {
    matches!(vis, syn::Visibility::Public(_))
}

/// An identifier without its `r#` prefix.
fn ident_text(ident: &syn::Ident) -> String {
    let text = ident.to_string();
    text.strip_prefix("r#").map(str::to_string).unwrap_or(text)
}

/// One operation from its request builder `builder::<name>`.
fn operation(builders: &[Item], name: &str) -> Result<Operation, String> {
    let fields = builders
        .iter()
        .find_map(|item| match item {
            Item::Struct(item) if item.ident == name => Some(&item.fields),
            _ => None,
        })
        .ok_or("its builder struct is missing")?;
    let methods: BTreeMap<String, &syn::ImplItemFn> = builders
        .iter()
        .filter_map(|item| match item {
            Item::Impl(block) if block.trait_.is_none() && type_text(&block.self_ty) == name => {
                Some(block)
            }
            _ => None,
        })
        .flat_map(|block| &block.items)
        .filter_map(|member| match member {
            ImplItem::Fn(function) => Some((function.sig.ident.to_string(), function)),
            _ => None,
        })
        .collect();
    let send = methods.get("send").ok_or("its builder has no send()")?;

    let mut operation = Operation::default();
    let doc = doc_text(&send.attrs);
    let (method, path) = route(&doc).ok_or("its send() does not name its method and path")?;
    operation.method = method;
    operation.path = path;
    if let syn::ReturnType::Type(_, output) = &send.sig.output
        && let Some([ok, error]) = generic_types(output, "Result").as_deref()
    {
        if let Some([ok]) = generic_types(ok, "ResponseValue").as_deref() {
            operation.ok.ty = type_text(ok);
        }
        if let Some([error]) = generic_types(error, "Error").as_deref() {
            operation.error.ty = type_text(error);
        }
    }
    let mut wire = SendBody::default();
    wire.visit_block(&send.block);
    operation.ok.statuses = wire.ok_statuses;
    operation.error.statuses = wire.error_statuses;

    for field in fields.iter() {
        let Some(ident) = &field.ident else { continue };
        let param = ident_text(ident);
        // The client, and the per-call options every builder has: no parameters.
        if param == "client" || param == "call" {
            continue;
        }
        // `Result<T, String>` for a required parameter, `Result<Option<T>, String>` otherwise.
        let stored = generic_types(&field.ty, "Result")
            .and_then(|args| args.first().copied())
            .ok_or_else(|| format!("its field {param} is not a Result"))?;
        let (required, stored) = match generic_types(stored, "Option").as_deref() {
            Some([inner]) => (false, *inner),
            _ => (true, stored),
        };
        let ty = methods
            .get(&param)
            .and_then(|setter| setter_type(setter))
            .unwrap_or_else(|| type_text(stored));
        let location = if let Some(name) = wire.query.get(&param) {
            Location::Query(name.clone())
        } else if let Some(name) = wire.headers.get(&param) {
            Location::Header(name.clone())
        } else if param == "body" {
            Location::Body
        } else {
            Location::Path
        };
        operation.params.insert(
            param,
            Param {
                ty,
                location,
                required,
            },
        );
    }
    Ok(operation)
}

/// The `T` of a setter's `V: TryInto<T>` (or `IntoArg<T>`) bound: the type its value must
/// convert to.
fn setter_type(setter: &syn::ImplItemFn) -> Option<String> {
    let generics = &setter.sig.generics;
    let inline = generics.params.iter().filter_map(|param| match param {
        syn::GenericParam::Type(param) => Some(&param.bounds),
        _ => None,
    });
    let clauses = generics
        .where_clause
        .iter()
        .flat_map(|clause| &clause.predicates)
        .filter_map(|predicate| match predicate {
            syn::WherePredicate::Type(predicate) => Some(&predicate.bounds),
            _ => None,
        });
    inline
        .chain(clauses)
        .flatten()
        .find_map(|bound| conversion_target(bound).map(|(_, ty)| type_text(ty)))
}

/// The text of the `///` lines of an item.
fn doc_text(attrs: &[Attribute]) -> String {
    attrs
        .iter()
        .filter(|attr| attr.path().is_ident("doc"))
        .filter_map(|attr| match &attr.meta {
            syn::Meta::NameValue(syn::MetaNameValue {
                value:
                    syn::Expr::Lit(syn::ExprLit {
                        lit: syn::Lit::Str(text),
                        ..
                    }),
                ..
            }) => Some(text.value()),
            _ => None,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The method and path from progenitor's "Sends a `GET` request to `/users`".
fn route(doc: &str) -> Option<(String, String)> {
    let rest = &doc[doc.find("Sends a `")? + "Sends a `".len()..];
    let (method, rest) = rest.split_once('`')?;
    let rest = rest.strip_prefix(" request to `")?;
    let (path, _) = rest.split_once('`')?;
    Some((method.to_string(), path.to_string()))
}

/// What a builder's `send()` puts on the wire and how it reads the response.
#[derive(Default)]
struct SendBody {
    /// Query parameter names by the variable holding the value.
    query: BTreeMap<String, String>,
    /// Header names by the variable holding the value.
    headers: BTreeMap<String, String>,
    ok_statuses: Vec<String>,
    error_statuses: Vec<String>,
    /// `if let Some(value) = sudo`: which parameter each bound name stands for, innermost last.
    bindings: Vec<(String, String)>,
}

impl SendBody {
    fn parameter_of(&self, name: String) -> String {
        self.bindings
            .iter()
            .rev()
            .find(|(bound, _)| *bound == name)
            .map(|(_, param)| param.clone())
            .unwrap_or(name)
    }
}

/// The first plain variable an expression starts from: `value.to_string().try_into()?` →
/// `value`.
fn root_variable(expr: &syn::Expr) -> Option<String> {
    match expr {
        syn::Expr::Path(path) => path.path.get_ident().map(ToString::to_string),
        syn::Expr::Reference(expr) => root_variable(&expr.expr),
        syn::Expr::MethodCall(expr) => root_variable(&expr.receiver),
        syn::Expr::Try(expr) => root_variable(&expr.expr),
        syn::Expr::Paren(expr) => root_variable(&expr.expr),
        _ => None,
    }
}

fn string_literal(expr: &syn::Expr) -> Option<String> {
    match expr {
        syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(text),
            ..
        }) => Some(text.value()),
        _ => None,
    }
}

/// A status pattern of the response `match`: `200u16` → `200`, and the range of every
/// success, `200u16..=299u16`, → `2xx`.
fn status_text(pat: &syn::Pat) -> String {
    let text = pat
        .to_token_stream()
        .to_string()
        .replace("u16", "")
        .replace(' ', "");
    if text == "200..=299" {
        "2xx".to_string()
    } else {
        text
    }
}

/// Whether an expression builds `Error::ErrorResponse`.
fn is_error_response(expr: &syn::Expr) -> bool {
    struct Find(bool);
    impl<'ast> Visit<'ast> for Find {
        fn visit_path(&mut self, path: &'ast syn::Path) {
            if path
                .segments
                .last()
                .is_some_and(|s| s.ident == "ErrorResponse")
            {
                self.0 = true;
            }
            syn::visit::visit_path(self, path);
        }
    }
    let mut find = Find(false);
    find.visit_expr(expr);
    find.0
}

impl<'ast> Visit<'ast> for SendBody {
    fn visit_expr_if(&mut self, expr: &'ast syn::ExprIf) {
        let binding = match expr.cond.as_ref() {
            syn::Expr::Let(condition) => {
                match (condition.pat.as_ref(), root_variable(&condition.expr)) {
                    (syn::Pat::TupleStruct(pattern), Some(source)) => match pattern.elems.first() {
                        Some(syn::Pat::Ident(bound)) => Some((bound.ident.to_string(), source)),
                        _ => None,
                    },
                    _ => None,
                }
            }
            _ => None,
        };
        let bound = binding.is_some();
        if let Some(binding) = binding {
            self.bindings.push(binding);
        }
        syn::visit::visit_expr_if(self, expr);
        if bound {
            self.bindings.pop();
        }
    }

    fn visit_expr_call(&mut self, call: &'ast syn::ExprCall) {
        if let syn::Expr::Path(function) = call.func.as_ref() {
            let names: Vec<String> = function
                .path
                .segments
                .iter()
                .map(|s| s.ident.to_string())
                .collect();
            if names.ends_with(&["QueryParam".to_string(), "new".to_string()])
                && let (Some(name), Some(variable)) = (
                    call.args.first().and_then(string_literal),
                    call.args.iter().nth(1).and_then(root_variable),
                )
            {
                let param = self.parameter_of(variable);
                self.query.insert(param, name);
            }
        }
        syn::visit::visit_expr_call(self, call);
    }

    fn visit_expr_method_call(&mut self, call: &'ast syn::ExprMethodCall) {
        // `client.inner.answer(response, &info, &[200u16], &[404u16])`, written by
        // `answer_through_runtime`: the statuses that succeed, then those whose body is the
        // error type; `answer_empty` and `answer_acknowledged` succeed on any 2xx.
        if let syn::Expr::Field(receiver) = call.receiver.as_ref()
            && matches!(&receiver.member, syn::Member::Named(name) if name == "inner")
        {
            let statuses = |arg: Option<&syn::Expr>| -> Vec<String> {
                match arg {
                    Some(syn::Expr::Reference(list)) => match list.expr.as_ref() {
                        syn::Expr::Array(list) => list
                            .elems
                            .iter()
                            .map(|status| status.to_token_stream().to_string().replace("u16", ""))
                            .collect(),
                        _ => Vec::new(),
                    },
                    _ => Vec::new(),
                }
            };
            match call.method.to_string().as_str() {
                "answer" => {
                    self.ok_statuses.extend(statuses(call.args.iter().nth(2)));
                    self.error_statuses
                        .extend(statuses(call.args.iter().nth(3)));
                }
                "answer_empty" | "answer_acknowledged" => {
                    self.ok_statuses.push("2xx".to_string());
                    self.error_statuses
                        .extend(statuses(call.args.iter().nth(2)));
                }
                _ => {}
            }
        }
        if call.method == "append"
            && root_variable(&call.receiver).as_deref() == Some("header_map")
            && let (Some(name), Some(variable)) = (
                call.args.first().and_then(string_literal),
                call.args.iter().nth(1).and_then(root_variable),
            )
        {
            let param = self.parameter_of(variable);
            self.headers.insert(param, name);
        }
        syn::visit::visit_expr_method_call(self, call);
    }

    fn visit_expr_match(&mut self, expr: &'ast syn::ExprMatch) {
        if mentions(&expr.expr, quote::quote!(status())) {
            for arm in &expr.arms {
                if matches!(arm.pat, syn::Pat::Wild(_)) {
                    continue;
                }
                // Statuses handled alike share an arm: `401u16 | 404u16`.
                let statuses = match &arm.pat {
                    syn::Pat::Or(or) => or.cases.iter().map(status_text).collect(),
                    single => vec![status_text(single)],
                };
                if is_error_response(&arm.body) {
                    self.error_statuses.extend(statuses);
                } else {
                    self.ok_statuses.extend(statuses);
                }
            }
        }
        syn::visit::visit_expr_match(self, expr);
    }
}

/// A Rust type as the summary writes it: standard-library and generated paths by their last
/// segment (`Option<Vec<User>>`), other crates' paths as `crate::Name` (`chrono::DateTime<
/// chrono::Utc>`), lifetimes left out.
pub fn type_text(ty: &Type) -> String {
    match ty {
        Type::Path(path) if path.qself.is_none() => {
            let segments: Vec<&syn::PathSegment> = path.path.segments.iter().collect();
            let Some(last) = segments.last() else {
                return String::new();
            };
            let mut text = match segments.first() {
                Some(first)
                    if segments.len() > 1
                        && !matches!(
                            first.ident.to_string().as_str(),
                            "std"
                                | "core"
                                | "alloc"
                                | "types"
                                | "builder"
                                | "super"
                                | "self"
                                | "crate"
                        ) =>
                {
                    format!("{}::{}", first.ident, last.ident)
                }
                _ => last.ident.to_string(),
            };
            if let PathArguments::AngleBracketed(args) = &last.arguments {
                let args: Vec<String> = args
                    .args
                    .iter()
                    .filter_map(|arg| match arg {
                        GenericArgument::Type(ty) => Some(type_text(ty)),
                        GenericArgument::Lifetime(_) => None,
                        other => Some(compact(&other.to_token_stream().to_string())),
                    })
                    .collect();
                if !args.is_empty() {
                    text.push_str(&format!("<{}>", args.join(", ")));
                }
            }
            text
        }
        Type::Reference(reference) => format!(
            "&{}{}",
            if reference.mutability.is_some() {
                "mut "
            } else {
                ""
            },
            type_text(&reference.elem)
        ),
        Type::Tuple(tuple) => format!(
            "({})",
            tuple
                .elems
                .iter()
                .map(type_text)
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Type::Slice(slice) => format!("[{}]", type_text(&slice.elem)),
        // No space after `;`: the text form separates attributes with `; `.
        Type::Array(array) => format!(
            "[{};{}]",
            type_text(&array.elem),
            compact(&array.len.to_token_stream().to_string())
        ),
        Type::Paren(inner) => type_text(&inner.elem),
        Type::Group(inner) => type_text(&inner.elem),
        other => compact(&other.to_token_stream().to_string()),
    }
}

/// Token text without the spaces `quote` puts between every token.
fn compact(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join("")
}

// ---------------------------------------------------------------------------------------------
// The text form.

/// Writes the summary, one line per item in a fixed order, after `header` (lines that start
/// with `#`).
pub fn render(api: &Api, header: &[String]) -> String {
    let mut lines: Vec<String> = header.iter().map(|line| format!("# {line}")).collect();
    for (name, operation) in &api.operations {
        lines.push(format!(
            "fn {name}: {} {} -> {}; errors {}",
            operation.method,
            operation.path,
            responses_text(&operation.ok),
            responses_text(&operation.error)
        ));
        for (param, details) in &operation.params {
            lines.push(format!("fn {name}({param}): {}", param_text(details)));
        }
    }
    for (name, def) in &api.types {
        match def {
            TypeDef::Struct { fields, from } => {
                let attrs: Vec<String> = from.iter().map(|f| format!("from {f}")).collect();
                lines.push(with_attrs(format!("struct {name}"), &attrs));
                for (field, details) in fields {
                    lines.push(format!("struct {name}.{field}: {}", field_text(details)));
                }
            }
            TypeDef::Enum { open, variants } => {
                let attrs: Vec<String> = open.iter().map(|v| format!("open {v}")).collect();
                lines.push(with_attrs(format!("enum {name}"), &attrs));
                for (variant, details) in variants {
                    lines.push(with_attrs(
                        format!("enum {name}::{variant}"),
                        &variant_attrs(details),
                    ));
                }
            }
            TypeDef::Newtype(inner) => lines.push(format!("newtype {name}: {inner}")),
            TypeDef::Alias(inner) => lines.push(format!("alias {name}: {inner}")),
        }
    }
    let mut text = lines.join("\n");
    text.push('\n');
    text
}

fn with_attrs(head: String, attrs: &[String]) -> String {
    if attrs.is_empty() {
        head
    } else {
        format!("{head}: {}", attrs.join("; "))
    }
}

/// `200 User`, or `401 404 ApiError`.
pub fn responses_text(responses: &Responses) -> String {
    let mut words = responses.statuses.clone();
    words.push(responses.ty.clone());
    words.join(" ")
}

/// `Uuid; path; required`.
pub fn param_text(param: &Param) -> String {
    let mut attrs = vec![param.ty.clone(), location_text(&param.location)];
    if param.required {
        attrs.push("required".to_string());
    }
    attrs.join("; ")
}

/// `path`, `query perPage`, `header Sudo` or `body`.
pub fn location_text(location: &Location) -> String {
    match location {
        Location::Path => "path".to_string(),
        Location::Query(name) => format!("query {name}"),
        Location::Header(name) => format!("header {name}"),
        Location::Body => "body".to_string(),
    }
}

/// `String; json firstName; required`.
pub fn field_text(field: &Field) -> String {
    let mut attrs = vec![field.ty.clone()];
    if let Some(json) = &field.json {
        attrs.push(format!("json {json}"));
    }
    if field.flatten {
        attrs.push("flatten".to_string());
    }
    if field.required {
        attrs.push("required".to_string());
    }
    attrs.join("; ")
}

fn variant_attrs(variant: &Variant) -> Vec<String> {
    let mut attrs = Vec::new();
    if let Some(json) = &variant.json {
        attrs.push(format!("json {json}"));
    }
    if let Some(payload) = &variant.payload {
        attrs.push(format!("carries {payload}"));
    }
    attrs
}

/// Reads a summary written by [`render`]; lines starting with `#` are comments.
pub fn parse(text: &str) -> Result<Api, String> {
    let mut api = Api::default();
    for (index, line) in text.lines().enumerate() {
        let line = line.trim_end();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        parse_line(&mut api, line).map_err(|e| format!("line {}: {e}: {line}", index + 1))?;
    }
    Ok(api)
}

fn parse_line(api: &mut Api, line: &str) -> Result<(), String> {
    let (kind, rest) = line.split_once(' ').ok_or("no item name")?;
    let (name, attrs) = match rest.split_once(": ") {
        Some((name, attrs)) => (name, attrs.split("; ").collect::<Vec<_>>()),
        None => (rest, Vec::new()),
    };
    match kind {
        "fn" => match name.split_once('(') {
            Some((operation, param)) => {
                let param = param
                    .strip_suffix(')')
                    .ok_or("no `)` after the parameter")?;
                let [ty, location, flags @ ..] = attrs.as_slice() else {
                    return Err("a parameter needs a type and a location".to_string());
                };
                let location = match location.split_once(' ') {
                    None if *location == "path" => Location::Path,
                    None if *location == "body" => Location::Body,
                    Some(("query", wire)) => Location::Query(wire.to_string()),
                    Some(("header", wire)) => Location::Header(wire.to_string()),
                    _ => return Err(format!("unknown location {location:?}")),
                };
                let required = match flags {
                    [] => false,
                    ["required"] => true,
                    _ => return Err("unknown parameter attributes".to_string()),
                };
                api.operations
                    .get_mut(operation)
                    .ok_or("a parameter before its operation")?
                    .params
                    .insert(
                        param.to_string(),
                        Param {
                            ty: ty.to_string(),
                            location,
                            required,
                        },
                    );
            }
            None => {
                let [route, errors] = attrs.as_slice() else {
                    return Err("an operation needs a route and its errors".to_string());
                };
                let (route, ok) = route.split_once(" -> ").ok_or("no ` -> ` in the route")?;
                let (method, path) = route.split_once(' ').ok_or("no path after the method")?;
                let errors = errors
                    .strip_prefix("errors ")
                    .ok_or("no `errors` after the route")?;
                api.operations.insert(
                    name.to_string(),
                    Operation {
                        method: method.to_string(),
                        path: path.to_string(),
                        ok: parse_responses(ok),
                        error: parse_responses(errors),
                        params: BTreeMap::new(),
                    },
                );
            }
        },
        "struct" => match name.split_once('.') {
            Some((owner, field)) => {
                let [ty, flags @ ..] = attrs.as_slice() else {
                    return Err("a field needs a type".to_string());
                };
                let mut details = Field {
                    ty: ty.to_string(),
                    json: None,
                    flatten: false,
                    required: false,
                };
                for flag in flags {
                    match flag.split_once(' ') {
                        Some(("json", json)) => details.json = Some(json.to_string()),
                        None if *flag == "flatten" => details.flatten = true,
                        None if *flag == "required" => details.required = true,
                        _ => return Err(format!("unknown field attribute {flag:?}")),
                    }
                }
                match api.types.get_mut(owner) {
                    Some(TypeDef::Struct { fields, .. }) => {
                        fields.insert(field.to_string(), details);
                    }
                    _ => return Err("a field before its struct".to_string()),
                }
            }
            None => {
                let mut from = BTreeSet::new();
                for attr in attrs {
                    let source = attr
                        .strip_prefix("from ")
                        .ok_or_else(|| format!("unknown struct attribute {attr:?}"))?;
                    from.insert(source.to_string());
                }
                api.types.insert(
                    name.to_string(),
                    TypeDef::Struct {
                        fields: BTreeMap::new(),
                        from,
                    },
                );
            }
        },
        "enum" => match name.split_once("::") {
            Some((owner, variant)) => {
                let mut details = Variant::default();
                for attr in attrs {
                    match attr.split_once(' ') {
                        Some(("json", json)) => details.json = Some(json.to_string()),
                        Some(("carries", payload)) => details.payload = Some(payload.to_string()),
                        _ => return Err(format!("unknown variant attribute {attr:?}")),
                    }
                }
                match api.types.get_mut(owner) {
                    Some(TypeDef::Enum { variants, .. }) => {
                        variants.insert(variant.to_string(), details);
                    }
                    _ => return Err("a variant before its enum".to_string()),
                }
            }
            None => {
                let open = match attrs.as_slice() {
                    [] => None,
                    [attr] => Some(
                        attr.strip_prefix("open ")
                            .ok_or_else(|| format!("unknown enum attribute {attr:?}"))?
                            .to_string(),
                    ),
                    _ => return Err("unknown enum attributes".to_string()),
                };
                api.types.insert(
                    name.to_string(),
                    TypeDef::Enum {
                        open,
                        variants: BTreeMap::new(),
                    },
                );
            }
        },
        "newtype" | "alias" => {
            let inner = rest
                .split_once(": ")
                .map(|(_, inner)| inner.to_string())
                .ok_or("no type after the name")?;
            let def = if kind == "newtype" {
                TypeDef::Newtype(inner)
            } else {
                TypeDef::Alias(inner)
            };
            api.types.insert(name.to_string(), def);
        }
        other => return Err(format!("unknown kind {other:?}")),
    }
    Ok(())
}

/// `401 404 ApiError` → statuses `[401, 404]`, type `ApiError`.
fn parse_responses(text: &str) -> Responses {
    let mut statuses = Vec::new();
    let mut rest = text;
    while let Some((word, after)) = rest.split_once(' ')
        && word.starts_with(|c: char| c.is_ascii_digit())
    {
        statuses.push(word.to_string());
        rest = after;
    }
    Responses {
        statuses,
        ty: rest.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_are_written_short_but_keep_their_crate() {
        let cases = [
            (
                "::std::option::Option<::chrono::DateTime<::chrono::offset::Utc>>",
                "Option<chrono::DateTime<chrono::Utc>>",
            ),
            (
                "::std::collections::HashMap<::std::string::String, ::std::vec::Vec<types::User>>",
                "HashMap<String, Vec<User>>",
            ),
            ("ResponseValue<()>", "ResponseValue<()>"),
            ("&'a super::Client", "&Client"),
            ("[u8; 4]", "[u8;4]"),
            (
                "::user_apis_runtime::Password",
                "user_apis_runtime::Password",
            ),
        ];
        for (rust, text) in cases {
            let ty: Type = syn::parse_str(rust).expect("a type");
            assert_eq!(type_text(&ty), text, "{rust}");
        }
    }

    #[test]
    fn a_malformed_summary_is_an_error_naming_its_line() {
        assert_eq!(
            parse("# comment\nfn get_user(id): String; path; required\n"),
            Err(
                "line 2: a parameter before its operation: fn get_user(id): String; path; required"
                    .to_string()
            )
        );
        assert_eq!(
            parse("trait Foo\n"),
            Err("line 1: unknown kind \"trait\": trait Foo".to_string())
        );
        assert_eq!(
            parse("struct User\nstruct User.name: String; maybe\n"),
            Err(
                "line 2: unknown field attribute \"maybe\": struct User.name: String; maybe"
                    .to_string()
            )
        );
    }
}
