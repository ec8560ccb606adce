//! Named transformations of progenitor's generated `httpmock` helpers (the `mock` module of
//! each client crate), so that a typed mock matches exactly the request the client sends.
//!
//! [`MOCK_FIXUPS`] lists them in the order codegen runs them.

use crate::fixup::{Applied, Fixup, fixup};
use crate::syntax::{
    builder_name, fn_mut, init_of, is, mentions, module_items_mut, path_is,
    replace_string_literals, self_type_name,
};
use proc_macro2::TokenStream;
use quote::{ToTokens, format_ident, quote};
use syn::punctuated::Punctuated;
use syn::visit_mut::VisitMut;
use syn::{Expr, File, ImplItem, ImplItemFn, Item, ItemImpl, Token, parse_quote};

use crate::spec::Route;
use crate::spec_fixups::WireName;

/// What the mock fixups read from the spec.
#[derive(Debug, Default)]
pub struct MockCtx {
    /// The operations whose request body may be left out.
    pub optional_bodies: Vec<String>,
    /// The operations whose success response is a binary body.
    pub binary_responses: Vec<String>,
    /// Every operation's route.
    pub routes: Vec<Route>,
    /// The query parameters named in Rust by `x-rust-name`.
    pub wire_names: Vec<WireName>,
    /// The lists numbered by `page` whose paging is in headers (GitLab's `X-Next-Page`).
    pub numbered_lists: Vec<String>,
    /// The lists that page by the `after` cursor of the `Link` header (Okta's).
    pub cursor_lists: Vec<String>,
}

/// A mock fixup: changes progenitor's `httpmock` helpers.
pub type MockFixup = Fixup<File, MockCtx>;

/// Every mock fixup, in the order codegen applies them to progenitor's mocks. Codegen then
/// refuses code that could still panic.
pub const MOCK_FIXUPS: &[MockFixup] = &[
    fixup!(exact_path_patterns, EveryProvider),
    fixup!(wire_parameter_names, SomeProvider),
    fixup!(datetime_parameter_values, SomeProvider),
    fixup!(plain_page_sizes, SomeProvider),
    fixup!(optional_body_matchers, SomeProvider),
    fixup!(json_body_matchers, EveryProvider),
    fixup!(by_value_json_answers, SomeProvider),
    fixup!(paged_answers, SomeProvider),
    fixup!(binary_response_bodies, SomeProvider),
    fixup!(document_mocks, EveryProvider),
    fixup!(provider_scoped_server, EveryProvider),
];

/// The `impl` blocks of the `operations` module, where every `When` and `Then` wrapper lives.
fn operation_impls(file: &mut File) -> Result<impl Iterator<Item = &mut ItemImpl>, String> {
    Ok(module_items_mut(&mut file.items, "operations")?
        .iter_mut()
        .filter_map(|item| match item {
            Item::Impl(block) if block.trait_.is_none() => Some(block),
            _ => None,
        }))
}

/// The `impl` block of an operation's `When` or `Then` wrapper (`suffix`), with its type name.
fn wrapper_impl<'a>(
    file: &'a mut File,
    operation_id: &str,
    suffix: &str,
) -> Result<(String, &'a mut ItemImpl), String> {
    let name = format!("{}{suffix}", builder_name(operation_id));
    let block = operation_impls(file)?
        .find(|block| self_type_name(block).as_deref() == Some(name.as_str()))
        .ok_or_else(|| format!("no mock {name} for {operation_id}"))?;
    Ok((name, block))
}

/// Matches each query parameter that `x-rust-name` renamed under its wire name, as the client
/// sends it ([`code_fixups::wire_parameter_names`](crate::code_fixups::wire_parameter_names)):
/// the matcher keeps the Rust name, and the name it matches becomes the wire name.
///
/// It changes only what some specs have, so it may change nothing in one provider's mock module;
/// codegen fails when it changes nothing in any.
pub fn wire_parameter_names(file: &mut File, ctx: &MockCtx) -> Result<Applied, String> {
    let names = &ctx.wire_names;
    let mut log = Vec::new();
    for name in names {
        let (wrapper, block) = wrapper_impl(file, &name.operation_id, "When")?;
        let matcher = fn_mut(block, &name.rust)
            .ok_or_else(|| format!("{wrapper} has no matcher {}", name.rust))?;
        if replace_string_literals(&mut matcher.block, &name.rust, &name.wire) == 0 {
            return Err(format!(
                "{wrapper}::{} does not match the query parameter {:?}",
                name.rust, name.rust
            ));
        }
        log.push(format!(
            "wire_parameter_names: {wrapper}::{} matches the query parameter {:?}",
            name.rust, name.wire
        ));
    }
    Ok(Applied::each(log))
}

/// Matches the path exactly as the client writes it.
///
/// progenitor matches paths with regular expressions built at run time and unwrapped: the
/// constant parts are not escaped, a parameter the test leaves open matches any text (`.*`,
/// across `/`, or nothing), and a parameter the test sets is pasted in raw, so a value such
/// as `ada@example.com` or one holding `/`, `?` or `+` either matches the wrong path or makes
/// the pattern invalid. This writes each operation's pattern at generation time, its constant
/// parts escaped and every open parameter one non-empty segment (`[^/]+`); a parameter the test
/// sets goes through the function the client builds its path with
/// (`user_apis_runtime::path_segment`) and is then escaped. A value the client refuses to send
/// (empty, `.` or `..`) becomes an empty segment, which matches no request, since none is sent.
/// No pattern is unwrapped in the generated code any more.
///
/// Every provider's mock module has this shape, so codegen fails when this changes nothing.
pub fn exact_path_patterns(file: &mut File, _: &MockCtx) -> Result<Applied, String> {
    struct Patterns {
        operations: usize,
        parameters: usize,
        error: Option<String>,
    }
    impl Patterns {
        fn fail(&mut self, error: String) {
            self.error.get_or_insert(error);
        }
    }
    impl VisitMut for Patterns {
        // A setter: `let re = regex::Regex::new(&format!("^/api/v1/users/{}$",
        // value.to_string())).unwrap();` becomes the escaped, encoded segment and the pattern.
        fn visit_block_mut(&mut self, block: &mut syn::Block) {
            let mut statements = Vec::with_capacity(block.stmts.len() + 1);
            for mut statement in block.stmts.drain(..) {
                let formatted = init_of(&mut statement, "re").and_then(|init| {
                    let Expr::Reference(reference) = unwrapped_regex(init)? else {
                        return None;
                    };
                    let Expr::Macro(mac) = reference.expr.as_ref() else {
                        return None;
                    };
                    let pattern = mac
                        .mac
                        .path
                        .is_ident("format")
                        .then(|| format_pattern(&mac.mac))?;
                    Some((pattern, init))
                });
                match formatted {
                    Some((Ok((pattern, value)), init)) => {
                        *init = parse_quote!(format!(#pattern));
                        statements.push(parse_quote! {
                            let segment = ::regex_syntax::escape(
                                &::user_apis_runtime::path_segment::<()>(&#value)
                                    .unwrap_or_default(),
                            );
                        });
                        self.parameters += 1;
                    }
                    Some((Err(error), _)) => self.fail(error),
                    None => syn::visit_mut::visit_stmt_mut(self, &mut statement),
                }
                statements.push(statement);
            }
            block.stmts = statements;
        }

        // An operation's own pattern: `regex::Regex::new("^/api/v1/users/[^/]*$").unwrap()`.
        fn visit_expr_mut(&mut self, expr: &mut Expr) {
            syn::visit_mut::visit_expr_mut(self, expr);
            let Some(argument) = unwrapped_regex(expr) else {
                return;
            };
            let replacement = match argument {
                Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(pattern),
                    ..
                }) => path_pattern(&pattern.value(), None),
                _ => Err(format!(
                    "unexpected path pattern: {}",
                    argument.to_token_stream()
                )),
            };
            match replacement {
                Ok(pattern) => {
                    *expr = parse_quote!(#pattern);
                    self.operations += 1;
                }
                Err(error) => self.fail(error),
            }
        }
    }
    let mut patterns = Patterns {
        operations: 0,
        parameters: 0,
        error: None,
    };
    patterns.visit_file_mut(file);
    if let Some(error) = patterns.error {
        return Err(error);
    }
    Ok(Applied::new(
        patterns.operations + patterns.parameters,
        format!(
            "exact_path_patterns: {} operation path(s) and {} path parameter setter(s) match the encoded path exactly, without unwrap",
            patterns.operations, patterns.parameters
        ),
    ))
}

/// The argument of `regex::Regex::new(argument).unwrap()`, if `expr` is that.
fn unwrapped_regex(expr: &Expr) -> Option<&Expr> {
    let Expr::MethodCall(call) = expr else {
        return None;
    };
    if call.method != "unwrap" || !call.args.is_empty() {
        return None;
    }
    let Expr::Call(new) = call.receiver.as_ref() else {
        return None;
    };
    let is_regex_new = matches!(new.func.as_ref(),
        Expr::Path(path) if path_is(&path.path, &["regex", "Regex", "new"]));
    match (is_regex_new, new.args.len()) {
        (true, 1) => new.args.first(),
        _ => None,
    }
}

/// The pattern of a path-parameter setter's `format!`, with the set parameter left as the
/// format's only `{}`, and the format's argument (the value as text).
fn format_pattern(mac: &syn::Macro) -> Result<(String, Expr), String> {
    let args = mac
        .parse_body_with(Punctuated::<Expr, Token![,]>::parse_terminated)
        .map_err(|e| format!("unreadable path pattern: {e}"))?;
    match (args.first(), args.get(1)) {
        (
            Some(Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(pattern),
                ..
            })),
            Some(value),
        ) if args.len() == 2 => Ok((
            path_pattern(&pattern.value(), Some("segment"))?,
            value.clone(),
        )),
        _ => Err(format!(
            "unexpected path pattern: {}",
            mac.to_token_stream()
        )),
    }
}

/// Rewrites one of progenitor's path patterns: `^` and `$` kept, constant parts escaped, every
/// open parameter (`[^/]*` or `.*`) one non-empty segment. With `set`, the pattern is for
/// `format!`: the `{}` of the parameter being set becomes `{set}` and other braces are doubled.
fn path_pattern(pattern: &str, set: Option<&str>) -> Result<String, String> {
    let inner = pattern
        .strip_prefix('^')
        .and_then(|p| p.strip_suffix('$'))
        .ok_or_else(|| format!("path pattern {pattern:?} is not anchored"))?;
    let mut out = String::from("^");
    let mut rest = inner;
    let mut placeholders = 0;
    while !rest.is_empty() {
        let next = ["[^/]*", ".*", "{}"]
            .iter()
            .filter_map(|token| rest.find(token).map(|at| (at, *token)))
            .min();
        let (constant, token) = match next {
            Some((at, token)) => (&rest[..at], Some(token)),
            None => (rest, None),
        };
        let escaped = regex_syntax::escape(constant);
        if set.is_some() {
            out.push_str(&escaped.replace('{', "{{").replace('}', "}}"));
        } else {
            out.push_str(&escaped);
        }
        match (token, set) {
            (Some("{}"), Some(name)) => {
                placeholders += 1;
                out.push_str(&format!("{{{name}}}"));
            }
            (Some("{}"), None) => return Err(format!("path pattern {pattern:?} holds a `{{}}`")),
            (Some(_), _) => out.push_str("[^/]+"),
            (None, _) => {}
        }
        rest = &rest[constant.len() + token.map_or(0, str::len)..];
    }
    if set.is_some() && placeholders != 1 {
        return Err(format!(
            "path pattern {pattern:?} does not set exactly one parameter"
        ));
    }
    out.push('$');
    Ok(out)
}

/// Writes date-time parameters the way the client sends them.
///
/// progenitor's setters turn every parameter into text with `to_string()`, which for a
/// `chrono::DateTime` is `2024-01-02 03:04:05 UTC`; the client serializes it as RFC 3339
/// (`2024-01-02T03:04:05Z`), so the mock would never match. This uses chrono's serde form.
///
/// It changes only what some specs have, so it may change nothing in one provider's mock module;
/// codegen fails when it changes nothing in any.
pub fn datetime_parameter_values(file: &mut File, _: &MockCtx) -> Result<Applied, String> {
    struct Values {
        replaced: usize,
    }
    impl VisitMut for Values {
        fn visit_expr_mut(&mut self, expr: &mut Expr) {
            syn::visit_mut::visit_expr_mut(self, expr);
            if let Expr::MethodCall(call) = expr
                && call.method == "to_string"
                && call.args.is_empty()
                && is(&call.receiver, quote!(value))
            {
                *expr = parse_quote!(value.to_rfc3339_opts(::chrono::SecondsFormat::AutoSi, true));
                self.replaced += 1;
            }
        }
    }
    let mut log = Vec::new();
    for block in operation_impls(file)? {
        let owner = self_type_name(block).unwrap_or_default();
        for item in block.items.iter_mut() {
            let ImplItem::Fn(function) = item else {
                continue;
            };
            if !mentions(&function.sig, quote!(::chrono::DateTime)) {
                continue;
            }
            let mut values = Values { replaced: 0 };
            values.visit_block_mut(&mut function.block);
            if values.replaced > 0 {
                log.push(format!(
                    "datetime_parameter_values: {owner}::{} matches the RFC 3339 text the client sends",
                    function.sig.ident
                ));
            }
        }
    }
    Ok(Applied::each(log))
}

/// Gives the mock of each list that pages by headers a `page` answer: the items and the
/// paging headers the server sends with them, in one call, so a test of a stream needs no
/// header names.
///
/// - A list numbered by `page` (GitLab): `then.page(&items, page, per_page, total)` sends
///   `X-Page`, `X-Per-Page`, `X-Total`, `X-Total-Pages`, `X-Next-Page`, `X-Prev-Page` and
///   `Link`, consistent with each other.
/// - A cursor list (Okta): `then.page(&items, Some("next cursor"))` sends the `Link` header's
///   `rel="next"`, and `None` none, on the last page.
///
/// Lists whose paging is in the body (SendAuth's totals) or in the length of the page
/// (Mattermost) answer a page with `ok` alone.
///
/// It changes only what some specs have, so it may change nothing in one provider's mock module;
/// codegen fails when it changes nothing in any.
pub fn paged_answers(file: &mut File, ctx: &MockCtx) -> Result<Applied, String> {
    let mut log = Vec::new();
    let lists = (ctx.numbered_lists.iter().map(|list| (list, true)))
        .chain(ctx.cursor_lists.iter().map(|list| (list, false)));
    for (operation_id, numbered) in lists {
        let (wrapper, block) = wrapper_impl(file, operation_id, "Then")?;
        let ok = fn_mut(block, "ok").ok_or_else(|| format!("{wrapper} has no `ok` answer"))?;
        let items = match ok.sig.inputs.iter().nth(1) {
            Some(syn::FnArg::Typed(argument)) => argument.ty.clone(),
            _ => return Err(format!("{wrapper}::ok takes no value")),
        };
        // What differs between the schemes: the doc, the page's own parameters and the
        // runtime function that makes its headers.
        let (doc, parameters, headers): (&[&str], TokenStream, TokenStream) = if numbered {
            (
                &[
                    " Answers `200` with `items` as page `page` (from 1) of a list of `total` items",
                    " in pages of `per_page`, with the paging headers the server sends (`X-Page`,",
                    " `X-Per-Page`, `X-Total`, `X-Total-Pages`, `X-Next-Page`, `X-Prev-Page`,",
                    " `Link`): a stream walks on to the next page, or ends after the last.",
                ],
                quote!(page: u64, per_page: u64, total: u64),
                quote!(::user_apis_runtime::numbered_page_headers(
                    page, per_page, total
                )),
            )
        } else {
            (
                &[
                    " Answers `200` with `items` as one page, and the `Link` header's `rel=\"next\"`",
                    " naming the `after` cursor of the next page (`None` on the last page): a",
                    " stream walks on to that page, or ends here.",
                ],
                quote!(next: Option<&str>),
                quote!(::user_apis_runtime::cursor_page_headers(next)),
            )
        };
        let answer: ImplItemFn = parse_quote! {
            #(#[doc = #doc])*
            pub fn page(self, items: #items, #parameters) -> Self {
                let headers = #headers;
                let then = self.ok(items).0;
                Self(headers.into_iter().fold(then, |then, (name, value)| then.header(name, value)))
            }
        };
        block.items.push(ImplItem::Fn(answer));
        log.push(format!(
            "paged_answers: {wrapper}::page sends a page with its paging headers"
        ));
    }
    Ok(Applied::each(log))
}

/// Lets a page-size matcher take a plain number, as the client's setter does: `.per_page(100)`.
///
/// progenitor's matcher takes `Into<Option<NonZeroU64>>`, which a literal is not. It now takes
/// the runtime's `IntoArg<Option<NonZeroU64>>`, like the client's setter. A number the client
/// would refuse (zero, or below) makes a mock that matches no request, as no client sends it,
/// rather than a panic in the test.
///
/// It changes only what some specs have, so it may change nothing in one provider's mock module;
/// codegen fails when it changes nothing in any.
pub fn plain_page_sizes(file: &mut File, _: &MockCtx) -> Result<Applied, String> {
    let mut log = Vec::new();
    for block in operation_impls(file)? {
        let owner = self_type_name(block).unwrap_or_default();
        for item in block.items.iter_mut() {
            let ImplItem::Fn(function) = item else {
                continue;
            };
            let Some(clause) = function.sig.generics.where_clause.as_mut() else {
                continue;
            };
            let mut changed = false;
            for predicate in clause.predicates.iter_mut() {
                if let syn::WherePredicate::Type(predicate) = predicate
                    && is(
                        &predicate.bounds,
                        quote!(Into<Option<::std::num::NonZeroU64>>),
                    )
                {
                    predicate.bounds =
                        parse_quote!(::user_apis_runtime::IntoArg<Option<::std::num::NonZeroU64>>);
                    changed = true;
                }
            }
            if !changed {
                continue;
            }
            struct Values;
            impl VisitMut for Values {
                fn visit_expr_mut(&mut self, expr: &mut Expr) {
                    syn::visit_mut::visit_expr_mut(self, expr);
                    if let Expr::MethodCall(call) = expr
                        && call.method == "into"
                        && call.args.is_empty()
                        && is(&call.receiver, quote!(value))
                    {
                        *expr = parse_quote! {
                            match ::user_apis_runtime::IntoArg::into_arg(value) {
                                Ok(value) => value,
                                Err(_) => return Self(self.0.is_true(|_| false)),
                            }
                        };
                    }
                }
            }
            Values.visit_block_mut(&mut function.block);
            log.push(format!(
                "plain_page_sizes: {owner}::{} takes a plain number",
                function.sig.ident
            ));
        }
    }
    Ok(Applied::each(log))
}

/// Lets the body matcher of an operation whose body is optional also say "no body".
///
/// The client sends such a body only when it is set (see the code fixup
/// `optional_request_bodies`). progenitor's `body(&value)` can only require one; this makes
/// it take `Into<Option<&T>>`, where `None` requires an empty body and no `Content-Type`, in
/// the way the optional query and header setters treat `None`.
///
/// It changes only what some specs have, so it may change nothing in one provider's mock module;
/// codegen fails when it changes nothing in any.
pub fn optional_body_matchers(file: &mut File, ctx: &MockCtx) -> Result<Applied, String> {
    let operation_ids = &ctx.optional_bodies;
    let mut log = Vec::new();
    for operation_id in operation_ids {
        let (name, block) = wrapper_impl(file, operation_id, "When")?;
        let body = fn_mut(block, "body")
            .ok_or_else(|| format!("{name} has no body matcher for {operation_id}"))?;
        let ty = match body.sig.inputs.iter().nth(1) {
            Some(syn::FnArg::Typed(arg)) => match arg.ty.as_ref() {
                syn::Type::Reference(reference) => reference.elem.clone(),
                other => {
                    return Err(format!(
                        "{name}::body takes {}, not a reference",
                        other.to_token_stream()
                    ));
                }
            },
            _ => return Err(format!("{name}::body has no value argument")),
        };
        *body = parse_quote! {
            pub fn body<'a, T>(self, value: T) -> Self
            where
                T: Into<Option<&'a #ty>>,
            {
                if let Some(value) = value.into() {
                    Self(self.0.json_body_obj(value))
                } else {
                    Self(self.0.body("").header_missing("content-type"))
                }
            }
        };
        log.push(format!(
            "optional_body_matchers: {name}::body(None) requires that no body is sent"
        ));
    }
    Ok(Applied::each(log))
}

/// Makes every JSON body matcher also require the `Content-Type` the client sends with it.
///
/// progenitor's `body(&value)` matches the body's JSON alone, so a request carrying the right
/// JSON under another content type (or none) matched too, and a test could not tell. The
/// clients send every JSON body as `application/json`; now `body(&value)` (and
/// `body(Some(..))` of an optional body) requires that header as well, the way `body(None)`
/// requires its absence.
///
/// Every provider's mock module has this shape, so codegen fails when this changes nothing.
pub fn json_body_matchers(file: &mut File, _: &MockCtx) -> Result<Applied, String> {
    struct Require {
        changed: usize,
    }
    impl VisitMut for Require {
        fn visit_expr_method_call_mut(&mut self, call: &mut syn::ExprMethodCall) {
            syn::visit_mut::visit_expr_method_call_mut(self, call);
            if call.method == "json_body_obj" && is(&call.receiver, quote!(self.0)) {
                call.receiver = parse_quote!(self.0.header("content-type", "application/json"));
                self.changed += 1;
            }
        }
    }
    let mut log = Vec::new();
    for block in operation_impls(file)? {
        let Some(name) = self_type_name(block).filter(|name| name.ends_with("When")) else {
            continue;
        };
        let Some(body) = fn_mut(block, "body") else {
            continue;
        };
        let mut require = Require { changed: 0 };
        require.visit_impl_item_fn_mut(body);
        if require.changed > 0 {
            log.push(format!(
                "json_body_matchers: {name}::body also requires Content-Type: application/json"
            ));
        }
    }
    Ok(Applied::each(log))
}

/// Lets an answer whose JSON body is a plain value (such as GitLab's `true` or `false` for an
/// unblock) compile: progenitor takes it by value (`created(self, value: bool)`) and then
/// hands it to `json_body_obj`, which takes a reference.
///
/// It changes only what some specs have, so it may change nothing in one provider's mock module;
/// codegen fails when it changes nothing in any.
pub fn by_value_json_answers(file: &mut File, _: &MockCtx) -> Result<Applied, String> {
    struct Borrow {
        changed: usize,
    }
    impl VisitMut for Borrow {
        fn visit_expr_method_call_mut(&mut self, call: &mut syn::ExprMethodCall) {
            syn::visit_mut::visit_expr_method_call_mut(self, call);
            if call.method == "json_body_obj"
                && let Some(argument) = call.args.first_mut()
                && is(argument, quote!(value))
            {
                *argument = parse_quote!(&value);
                self.changed += 1;
            }
        }
    }
    let mut log = Vec::new();
    for block in operation_impls(file)? {
        let Some(name) = self_type_name(block).filter(|name| name.ends_with("Then")) else {
            continue;
        };
        for item in block.items.iter_mut() {
            let ImplItem::Fn(function) = item else {
                continue;
            };
            let by_value = function.sig.inputs.iter().any(|input| {
                matches!(input, syn::FnArg::Typed(typed)
                    if is(&typed.pat, quote!(value))
                        && !matches!(*typed.ty, syn::Type::Reference(_)))
            });
            if !by_value {
                continue;
            }
            let mut borrow = Borrow { changed: 0 };
            borrow.visit_impl_item_fn_mut(function);
            if borrow.changed > 0 {
                log.push(format!(
                    "by_value_json_answers: {name}::{} borrows its value for json_body_obj",
                    function.sig.ident
                ));
            }
        }
    }
    Ok(Applied::each(log))
}

/// Serves binary responses (`format: binary`) as bytes with their own content type.
///
/// progenitor's responder for them takes a `serde_json::Value` and labels it
/// `application/json`, which no binary download can use. This makes it
/// `ok(&bytes, "image/png")`.
///
/// It changes only what some specs have, so it may change nothing in one provider's mock module;
/// codegen fails when it changes nothing in any.
pub fn binary_response_bodies(file: &mut File, ctx: &MockCtx) -> Result<Applied, String> {
    let operation_ids = &ctx.binary_responses;
    let mut log = Vec::new();
    for operation_id in operation_ids {
        let (name, block) = wrapper_impl(file, operation_id, "Then")?;
        let mut changed = Vec::new();
        for item in block.items.iter_mut() {
            let ImplItem::Fn(function) = item else {
                continue;
            };
            let takes_json_value = function.sig.inputs.iter().any(|input| {
                matches!(input, syn::FnArg::Typed(arg)
                    if is(&arg.ty, quote!(::serde_json::Value)))
            });
            if !takes_json_value {
                continue;
            }
            let status = status_of(function)
                .ok_or_else(|| format!("{name}::{} sets no literal status", function.sig.ident))?;
            let ident = format_ident!("{}", function.sig.ident);
            *function = parse_quote! {
                pub fn #ident(self, value: &[u8], content_type: &str) -> Self {
                    Self(self.0.status(#status).header("content-type", content_type).body(value))
                }
            };
            changed.push(ident.to_string());
        }
        if changed.is_empty() {
            return Err(format!(
                "{name} has no JSON responder to turn into a binary one"
            ));
        }
        log.extend(changed.iter().map(|method| {
            format!("binary_response_bodies: {name}::{method} serves bytes with their content type")
        }));
    }
    Ok(Applied::each(log))
}

/// The literal status a responder sets (`.status(200u16)`).
fn status_of(function: &ImplItemFn) -> Option<syn::LitInt> {
    struct Find(Option<syn::LitInt>);
    impl syn::visit::Visit<'_> for Find {
        fn visit_expr_method_call(&mut self, call: &syn::ExprMethodCall) {
            if call.method == "status"
                && let Some(Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Int(status),
                    ..
                })) = call.args.first()
            {
                self.0 = Some(status.clone());
            }
            syn::visit::visit_expr_method_call(self, call);
        }
    }
    let mut find = Find(None);
    syn::visit::Visit::visit_block(&mut find, &function.block);
    find.0
}

/// Documents every public item of the mock module, which progenitor leaves undocumented.
///
/// Each `When` and `Then` wrapper names its operation (a link to the client's method) and its
/// route; a `When` setter says which part of the request it matches (the query parameter or
/// header it names, the body, or the path parameter), a `Then` method the status it answers
/// and with what, and each `MockServerExt` method the operation it mocks.
///
/// Every provider's mock module has this shape, so codegen fails when this changes nothing.
pub fn document_mocks(file: &mut File, ctx: &MockCtx) -> Result<Applied, String> {
    let routes = &ctx.routes;
    let by_type: std::collections::BTreeMap<String, &Route> = routes
        .iter()
        .map(|route| (builder_name(&route.operation_id), route))
        .collect();
    let route_of = |name: &str| -> Result<(&Route, bool), String> {
        let (base, is_when) = match (name.strip_suffix("When"), name.strip_suffix("Then")) {
            (Some(base), _) => (base, true),
            (_, Some(base)) => (base, false),
            _ => return Err(format!("the mock type {name} is neither a When nor a Then")),
        };
        by_type
            .get(base)
            .map(|route| (*route, is_when))
            .ok_or_else(|| format!("the mock type {name} names no operation of the spec"))
    };
    let mut documented = 0;
    for item in module_items_mut(&mut file.items, "operations")?.iter_mut() {
        match item {
            Item::Struct(wrapper) => {
                let (route, is_when) = route_of(&wrapper.ident.to_string())?;
                let Route {
                    operation_id: op,
                    method,
                    path,
                } = route;
                let doc = if is_when {
                    format!(
                        "What a request to [`{op}`](crate::Client::{op}) (`{method} {path}`) must \
                         match; [`MockServerExt::{op}`](super::MockServerExt::{op}) hands it to \
                         the test, with a setter per parameter."
                    )
                } else {
                    format!(
                        "What the mock of [`{op}`](crate::Client::{op}) answers: a method per \
                         status the spec documents."
                    )
                };
                wrapper.attrs.push(parse_quote!(#[doc = #doc]));
                documented += 1;
            }
            Item::Impl(block) if block.trait_.is_none() => {
                let (route, is_when) = route_of(&self_type_name(block).unwrap_or_default())?;
                for member in &mut block.items {
                    let ImplItem::Fn(function) = member else {
                        continue;
                    };
                    let doc = mock_method_doc(function, route, is_when);
                    function.attrs.push(parse_quote!(#[doc = #doc]));
                    documented += 1;
                }
            }
            _ => {}
        }
    }
    for item in &mut file.items {
        let Item::Trait(extension) = item else {
            continue;
        };
        for member in &mut extension.items {
            let syn::TraitItem::Fn(function) = member else {
                continue;
            };
            let op = function.sig.ident.to_string();
            let route = routes
                .iter()
                .find(|route| route.operation_id == op)
                .ok_or_else(|| format!("MockServerExt::{op} names no operation of the spec"))?;
            let doc = format!(
                "Mocks [`{op}`](crate::Client::{op}) (`{} {}`): `config_fn` gets what the \
                 request must match and what the mock answers.",
                route.method, route.path
            );
            function.attrs.push(parse_quote!(#[doc = #doc]));
            documented += 1;
        }
    }
    Ok(Applied::new(
        documented,
        format!(
            "document_mocks: {documented} wrappers, setters, answers and MockServerExt methods documented"
        ),
    ))
}

/// The documentation of one method of a `When` (`is_when`) or `Then` wrapper, read off its
/// name, its arguments and what its body calls.
fn mock_method_doc(function: &ImplItemFn, route: &Route, is_when: bool) -> String {
    let name = function.sig.ident.to_string();
    let inner = if is_when { "When" } else { "Then" };
    match name.as_str() {
        "new" if is_when => {
            return format!(
                "Matches `{} {}`, any value in each path parameter until its setter is called.",
                route.method, route.path
            );
        }
        "new" => return "Wraps httpmock's `Then`; a method below chooses the answer.".to_string(),
        "into_inner" => {
            return format!(
                "httpmock's own `{inner}`, to go beyond the typed methods (for example, to \
                 send what the spec does not allow)."
            );
        }
        _ => {}
    }
    /// What a method's body calls, in the order it reads: each method's name, with its first
    /// argument when that is a string literal; and whether an identifier speaks of an absent
    /// value (`Option`, `query_param_missing`).
    #[derive(Default)]
    struct Calls {
        calls: Vec<(String, Option<String>)>,
        optional: bool,
    }
    impl<'ast> syn::visit::Visit<'ast> for Calls {
        fn visit_expr_method_call(&mut self, call: &'ast syn::ExprMethodCall) {
            self.visit_expr(&call.receiver);
            let first = match call.args.first() {
                Some(Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(text),
                    ..
                })) => Some(text.value()),
                _ => None,
            };
            self.calls.push((call.method.to_string(), first));
            self.visit_ident(&call.method);
            for arg in &call.args {
                self.visit_expr(arg);
            }
        }
        fn visit_ident(&mut self, ident: &'ast syn::Ident) {
            let ident = ident.to_string();
            self.optional |= ident.contains("_missing") || ident.contains("Option");
        }
    }
    let mut calls = Calls::default();
    syn::visit::Visit::visit_block(&mut calls, &function.block);
    let named = |method: &str| {
        calls
            .calls
            .iter()
            .find_map(|(name, first)| first.clone().filter(|_| name == method))
    };
    if is_when {
        let optional = calls.optional;
        let absent = if optional {
            " `None` requires it to be absent."
        } else {
            ""
        };
        if let Some(query) = named("query_param") {
            format!("Matches the `{query}` query parameter as the client sends it.{absent}")
        } else if let Some(header) = named("header") {
            format!("Matches the `{header}` header.{absent}")
        } else if name == "body" || calls.calls.iter().any(|(call, _)| call.ends_with("body")) {
            format!("Matches the request body: what the client sends for this value.{absent}")
        } else {
            format!(
                "Matches the `{name}` path parameter, encoded as the client encodes it \
                 (`user_apis_runtime::path_segment`)."
            )
        }
    } else {
        let status = status_of(function)
            .map(|status| status.base10_digits().to_string())
            .unwrap_or_else(|| "the given status".to_string());
        let arguments = function.sig.inputs.len() - 1;
        match arguments {
            0 => format!("Answers `{status}` with no body."),
            1 => format!("Answers `{status}` with `value` as its JSON body."),
            _ => {
                format!("Answers `{status}` with these bytes as the body, of this `Content-Type`.")
            }
        }
    }
}

/// Adds `Server`, httpmock's `MockServer` seen as this provider's only, with the methods of
/// `MockServerExt` as its own.
///
/// A test module that imports the mocks of two providers has two `MockServerExt` traits on
/// one `MockServer`, and a method both have (`get_user`) is ambiguous there (E0034). Called
/// on `Server(&server)`, an inherent method of this provider's alone, it is not. The trait's
/// methods call `Server`'s, which register the mock.
///
/// Every provider's mock module has this shape, so codegen fails when this changes nothing.
pub fn provider_scoped_server(file: &mut File, _: &MockCtx) -> Result<Applied, String> {
    struct Inner;
    impl VisitMut for Inner {
        fn visit_expr_method_call_mut(&mut self, call: &mut syn::ExprMethodCall) {
            syn::visit_mut::visit_expr_method_call_mut(self, call);
            if call.method == "mock" && is(&*call.receiver, quote!(self)) {
                *call.receiver = parse_quote!(self.0);
            }
        }
    }
    let Some(extension) = file.items.iter_mut().find_map(|item| match item {
        Item::Impl(block)
            if crate::syntax::trait_name(block).as_deref() == Some("MockServerExt")
                && is(&*block.self_ty, quote!(::httpmock::MockServer)) =>
        {
            Some(block)
        }
        _ => None,
    }) else {
        return Ok(Applied::new(
            0,
            "provider_scoped_server: no MockServerExt impl".to_string(),
        ));
    };
    let mut scoped = extension.clone();
    // The trait's methods call `Server`'s, so each mock is written once.
    for item in &mut extension.items {
        let ImplItem::Fn(function) = item else {
            continue;
        };
        let name = &function.sig.ident;
        function.block = parse_quote!({ Server(self).#name(config_fn) });
    }
    // Inherent methods, which win over any trait's, and whose mock borrows the server rather
    // than the `Server` (often a temporary).
    scoped.trait_ = None;
    scoped.generics = parse_quote!(<'a>);
    scoped.self_ty = parse_quote!(Server<'a>);
    Inner.visit_item_impl_mut(&mut scoped);
    for item in &mut scoped.items {
        let ImplItem::Fn(function) = item else {
            continue;
        };
        let name = function.sig.ident.to_string();
        let doc = format!("As [`MockServerExt::{name}`], on this provider's server.");
        function.attrs.push(parse_quote!(#[doc = #doc]));
        function.vis = parse_quote!(pub);
        if let Some(syn::FnArg::Receiver(receiver)) = function.sig.inputs.first_mut() {
            *receiver = parse_quote!(self);
        }
        function.sig.output = parse_quote!(-> ::httpmock::Mock<'a>);
    }
    let methods = scoped.items.len();
    file.items.push(parse_quote! {
        /// httpmock's `MockServer` seen as this provider's only: `Server(&server).get_user(..)`
        /// mocks this provider's operation where a test module imports the mocks of several
        /// providers, whose [`MockServerExt`] methods of the same name are ambiguous on the
        /// `MockServer` itself.
        #[derive(Clone, Copy)]
        pub struct Server<'a>(pub &'a ::httpmock::MockServer);
    });
    file.items.push(Item::Impl(scoped));
    Ok(Applied::new(
        methods,
        format!(
            "provider_scoped_server: Server has the {methods} MockServerExt methods as its own"
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_mock_item_is_documented_from_its_route() {
        let mut file: File = parse_quote! {
            pub mod operations {
                pub struct GetUserWhen(::httpmock::When);
                impl GetUserWhen {
                    pub fn new(inner: ::httpmock::When) -> Self { Self(inner) }
                    pub fn into_inner(self) -> ::httpmock::When { self.0 }
                    pub fn user_id(self, value: &str) -> Self { Self(self.0.path_matches(value)) }
                    pub fn expand<'a, T>(self, value: T) -> Self
                    where
                        T: Into<Option<&'a str>>,
                    {
                        if let Some(value) = value.into() {
                            Self(self.0.query_param("expand", value.to_string()))
                        } else {
                            Self(self.0.query_param_missing("expand"))
                        }
                    }
                }
                pub struct GetUserThen(::httpmock::Then);
                impl GetUserThen {
                    pub fn ok(self, value: &types::User) -> Self {
                        Self(self.0.status(200u16).json_body_obj(value))
                    }
                    pub fn no_content(self) -> Self { Self(self.0.status(204u16)) }
                }
            }
            pub trait MockServerExt {
                fn get_user<F>(&self, config_fn: F) -> ::httpmock::Mock<'_>;
            }
        };
        let routes = [Route {
            operation_id: "get_user".to_string(),
            method: "GET".to_string(),
            path: "/api/v1/users/{userId}".to_string(),
        }];
        let log = document_mocks(
            &mut file,
            &MockCtx {
                routes: routes.to_vec(),
                ..MockCtx::default()
            },
        )
        .expect("documents")
        .log;
        assert_eq!(
            log,
            ["document_mocks: 9 wrappers, setters, answers and MockServerExt methods documented"]
        );
        let docs = all_docs(&file);
        for doc in [
            "What a request to [`get_user`](crate::Client::get_user) (`GET /api/v1/users/{userId}`) must match",
            "Matches `GET /api/v1/users/{userId}`",
            "Matches the `user_id` path parameter",
            "Matches the `expand` query parameter as the client sends it. `None` requires it to be absent.",
            "What the mock of [`get_user`](crate::Client::get_user) answers",
            "Answers `200` with `value` as its JSON body.",
            "Answers `204` with no body.",
            "Mocks [`get_user`](crate::Client::get_user) (`GET /api/v1/users/{userId}`)",
        ] {
            assert!(
                docs.iter().any(|line| line.trim().starts_with(doc)),
                "{doc:?} missing from {docs:#?}"
            );
        }
        let mut unknown: File = parse_quote! {
            pub mod operations { pub struct DeleteUserWhen(::httpmock::When); }
        };
        assert!(
            document_mocks(
                &mut unknown,
                &MockCtx {
                    routes: routes.to_vec(),
                    ..MockCtx::default()
                }
            )
            .is_err(),
            "an operation the spec lacks"
        );
    }

    /// Every doc line in `file`, in order.
    fn all_docs(file: &File) -> Vec<String> {
        struct Docs(Vec<String>);
        impl<'ast> syn::visit::Visit<'ast> for Docs {
            fn visit_attribute(&mut self, attr: &'ast syn::Attribute) {
                if let syn::Meta::NameValue(meta) = &attr.meta
                    && meta.path.is_ident("doc")
                    && let Expr::Lit(syn::ExprLit {
                        lit: syn::Lit::Str(text),
                        ..
                    }) = &meta.value
                {
                    self.0.push(text.value());
                }
            }
        }
        let mut docs = Docs(Vec::new());
        syn::visit::Visit::visit_file(&mut docs, file);
        docs.0
    }

    /// The file as text, for failure messages.
    fn text(file: &File) -> String {
        prettyplease::unparse(file).split_whitespace().collect()
    }

    #[test]
    fn path_patterns_are_escaped_and_segments_are_non_empty() {
        assert_eq!(
            path_pattern("^/api/v4/users/[^/]*/keys/[^/]*$", None),
            Ok(r"^/api/v4/users/[^/]+/keys/[^/]+$".to_string())
        );
        assert_eq!(
            path_pattern("^/api/v1/users/{}/lifecycle/.*$", Some("segment")),
            Ok(r"^/api/v1/users/{segment}/lifecycle/[^/]+$".to_string())
        );
        assert_eq!(
            path_pattern("^/a.b+c/{}/x$", Some("segment")),
            Ok(r"^/a\.b\+c/{segment}/x$".to_string())
        );
        assert!(path_pattern("/unanchored", None).is_err());
        assert!(path_pattern("^/x/{}/{}$", Some("segment")).is_err());
    }

    #[test]
    fn header_paged_lists_answer_a_page_in_one_call() {
        let mut file: File = parse_quote! {
            pub mod operations {
                impl ListUsersThen {
                    pub fn ok(self, value: &Vec<types::User>) -> Self {
                        Self(self.0.status(200u16).json_body_obj(value))
                    }
                }
                impl ListGroupsThen {
                    pub fn ok(self, value: &Vec<types::Group>) -> Self {
                        Self(self.0.status(200u16).json_body_obj(value))
                    }
                }
            }
        };
        let ctx = MockCtx {
            numbered_lists: vec!["list_users".into()],
            cursor_lists: vec!["list_groups".into()],
            ..MockCtx::default()
        };
        let log = paged_answers(&mut file, &ctx).expect("fixup applies").log;
        assert_eq!(
            log,
            [
                "paged_answers: ListUsersThen::page sends a page with its paging headers",
                "paged_answers: ListGroupsThen::page sends a page with its paging headers",
            ]
        );
        let signatures: Vec<String> = operation_impls(&mut file)
            .expect("operations")
            .filter_map(|block| {
                fn_mut(block, "page").map(|page| page.sig.to_token_stream().to_string())
            })
            .collect();
        assert_eq!(
            signatures,
            [
                "fn page (self , items : & Vec < types :: User > , page : u64 , per_page : u64 , total : u64) -> Self",
                "fn page (self , items : & Vec < types :: Group > , next : Option < & str >) -> Self",
            ]
        );
        assert!(mentions(
            &file,
            quote!(::user_apis_runtime::numbered_page_headers(
                page, per_page, total
            ))
        ));
        assert!(mentions(
            &file,
            quote!(::user_apis_runtime::cursor_page_headers(next))
        ));
    }

    #[test]
    fn page_size_matchers_take_plain_numbers() {
        let mut file: File = parse_quote! {
            pub mod operations {
                impl ListUsersWhen {
                    pub fn per_page<T>(self, value: T) -> Self
                    where
                        T: Into<Option<::std::num::NonZeroU64>>,
                    {
                        if let Some(value) = value.into() {
                            Self(self.0.query_param("per_page", value.to_string()))
                        } else {
                            Self(self.0.query_param_missing("per_page"))
                        }
                    }
                }
            }
        };
        let log = plain_page_sizes(&mut file, &MockCtx::default())
            .expect("fixup applies")
            .log;
        assert_eq!(
            log,
            ["plain_page_sizes: ListUsersWhen::per_page takes a plain number"]
        );
        let expected: File = parse_quote! {
            pub mod operations {
                impl ListUsersWhen {
                    pub fn per_page<T>(self, value: T) -> Self
                    where
                        T: ::user_apis_runtime::IntoArg<Option<::std::num::NonZeroU64>>,
                    {
                        if let Some(value) = match ::user_apis_runtime::IntoArg::into_arg(value) {
                            Ok(value) => value,
                            Err(_) => return Self(self.0.is_true(|_| false)),
                        } {
                            Self(self.0.query_param("per_page", value.to_string()))
                        } else {
                            Self(self.0.query_param_missing("per_page"))
                        }
                    }
                }
            }
        };
        assert_eq!(text(&file), text(&expected));
    }

    #[test]
    fn path_matchers_lose_their_unwraps() {
        let mut file: File = parse_quote! {
            pub mod operations {
                impl GetUserWhen {
                    pub fn new(inner: ::httpmock::When) -> Self {
                        Self(inner.path_matches(regex::Regex::new("^/api/v1/users/[^/]*$").unwrap()))
                    }
                    pub fn user_id(self, value: &str) -> Self {
                        let re = regex::Regex::new(&format!("^/api/v1/users/{}$", value.to_string())).unwrap();
                        Self(self.0.path_matches(re))
                    }
                }
            }
        };
        let log = exact_path_patterns(&mut file, &MockCtx::default())
            .expect("fixup applies")
            .log;
        assert_eq!(
            log,
            vec![
                "exact_path_patterns: 1 operation path(s) and 1 path parameter setter(s) match the encoded path exactly, without unwrap"
            ]
        );
        let text = text(&file);
        assert!(
            mentions(&file, quote!(inner.path_matches("^/api/v1/users/[^/]+$"))),
            "{text}"
        );
        assert!(
            mentions(
                &file,
                quote! {
                    let segment = ::regex_syntax::escape(
                        &::user_apis_runtime::path_segment::<()>(&value.to_string())
                            .unwrap_or_default(),
                    );
                    let re = format!("^/api/v1/users/{segment}$");
                }
            ),
            "{text}"
        );
        assert!(!mentions(&file, quote!(.unwrap())), "{text}");
    }

    #[test]
    fn date_time_values_use_rfc_3339() {
        let mut file: File = parse_quote! {
            pub mod operations {
                impl ListUsersWhen {
                    pub fn created_after<'a, T>(self, value: T) -> Self
                    where
                        T: Into<Option<&'a ::chrono::DateTime<::chrono::offset::Utc>>>,
                    {
                        if let Some(value) = value.into() {
                            Self(self.0.query_param("created_after", value.to_string()))
                        } else {
                            Self(self.0.query_param_missing("created_after"))
                        }
                    }
                    pub fn search<'a, T>(self, value: T) -> Self
                    where
                        T: Into<Option<&'a str>>,
                    {
                        if let Some(value) = value.into() {
                            Self(self.0.query_param("search", value.to_string()))
                        } else {
                            Self(self.0.query_param_missing("search"))
                        }
                    }
                }
            }
        };
        let log = datetime_parameter_values(&mut file, &MockCtx::default())
            .expect("applies")
            .log;
        assert_eq!(
            log,
            vec![
                "datetime_parameter_values: ListUsersWhen::created_after matches the RFC 3339 text the client sends"
            ]
        );
        let text = text(&file);
        assert!(
            mentions(
                &file,
                quote!(query_param(
                    "created_after",
                    value.to_rfc3339_opts(::chrono::SecondsFormat::AutoSi, true)
                ))
            ),
            "{text}"
        );
        assert!(
            mentions(&file, quote!(query_param("search", value.to_string()))),
            "{text}"
        );
    }

    #[test]
    fn optional_bodies_can_be_required_absent() {
        let mut file: File = parse_quote! {
            pub mod operations {
                impl SetUserTagsWhen {
                    pub fn body(self, value: &types::TagsRequest) -> Self {
                        Self(self.0.json_body_obj(value))
                    }
                }
            }
        };
        let log = optional_body_matchers(
            &mut file,
            &MockCtx {
                optional_bodies: vec!["set_user_tags".to_string()],
                ..MockCtx::default()
            },
        )
        .expect("fixup applies")
        .log;
        assert_eq!(
            log,
            vec![
                "optional_body_matchers: SetUserTagsWhen::body(None) requires that no body is sent"
            ]
        );
        let text = text(&file);
        assert!(
            mentions(&file, quote!(T: Into<Option<&'a types::TagsRequest>>)),
            "{text}"
        );
        assert!(
            mentions(
                &file,
                quote!(Self(self.0.body("").header_missing("content-type")))
            ),
            "{text}"
        );
    }

    #[test]
    fn json_body_matchers_require_the_content_type() {
        let mut file: File = parse_quote! {
            pub mod operations {
                impl SetUserTagsWhen {
                    pub fn body<'a, T>(self, value: T) -> Self
                    where
                        T: Into<Option<&'a types::TagsRequest>>,
                    {
                        if let Some(value) = value.into() {
                            Self(self.0.json_body_obj(value))
                        } else {
                            Self(self.0.body("").header_missing("content-type"))
                        }
                    }
                }
                impl SetUserTagsThen {
                    pub fn not_found(self, value: &types::AppError) -> Self {
                        Self(self.0.status(404u16).header("content-type", "application/json").json_body_obj(value))
                    }
                }
            }
        };
        let log = json_body_matchers(&mut file, &MockCtx::default())
            .expect("fixup applies")
            .log;
        assert_eq!(
            log,
            vec![
                "json_body_matchers: SetUserTagsWhen::body also requires Content-Type: application/json"
            ]
        );
        let text = text(&file);
        assert!(
            mentions(&file, quote!(Some(value) = value.into())),
            "{text}"
        );
        assert!(
            mentions(
                &file,
                quote!(Self(
                    self.0
                        .header("content-type", "application/json")
                        .json_body_obj(value)
                ))
            ),
            "{text}"
        );
        // `None` and the responders are left as they are.
        assert!(
            mentions(
                &file,
                quote!(Self(self.0.body("").header_missing("content-type")))
            ),
            "{text}"
        );
        assert!(
            mentions(
                &file,
                quote!(
                    self.0
                        .status(404u16)
                        .header("content-type", "application/json")
                        .json_body_obj(value)
                )
            ),
            "{text}"
        );
    }

    #[test]
    fn plain_value_answers_borrow_their_value() {
        let mut file: File = parse_quote! {
            pub mod operations {
                impl UnblockUserThen {
                    pub fn created(self, value: bool) -> Self {
                        Self(self.0.status(201u16).json_body_obj(value))
                    }
                    pub fn not_found(self, value: &types::ApiError) -> Self {
                        Self(self.0.status(404u16).json_body_obj(value))
                    }
                }
            }
        };
        let log = by_value_json_answers(&mut file, &MockCtx::default())
            .expect("fixup applies")
            .log;
        assert_eq!(
            log,
            vec![
                "by_value_json_answers: UnblockUserThen::created borrows its value for json_body_obj"
            ]
        );
        let text = text(&file);
        assert!(mentions(&file, quote!(json_body_obj(&value))), "{text}");
        assert!(mentions(&file, quote!(json_body_obj(value))), "{text}");
    }

    #[test]
    fn binary_responders_take_bytes_and_a_content_type() {
        let mut file: File = parse_quote! {
            pub mod operations {
                impl GetProfileImageThen {
                    pub fn ok(self, value: ::serde_json::Value) -> Self {
                        Self(self.0.status(200u16).header("content-type", "application/json").json_body(value))
                    }
                    pub fn not_found(self, value: &types::AppError) -> Self {
                        Self(self.0.status(404u16).header("content-type", "application/json").json_body_obj(value))
                    }
                }
            }
        };
        let log = binary_response_bodies(
            &mut file,
            &MockCtx {
                binary_responses: vec!["get_profile_image".to_string()],
                ..MockCtx::default()
            },
        )
        .expect("fixup applies")
        .log;
        assert_eq!(
            log,
            vec![
                "binary_response_bodies: GetProfileImageThen::ok serves bytes with their content type"
            ]
        );
        let text = text(&file);
        assert!(
            mentions(
                &file,
                quote! {
                    pub fn ok(self, value: &[u8], content_type: &str) -> Self {
                        Self(self.0.status(200u16).header("content-type", content_type).body(value))
                    }
                }
            ),
            "{text}"
        );
        assert!(mentions(&file, quote!(json_body_obj(value))), "{text}");
    }
}
