//! Named transformations of progenitor's generated CLI, applied before printing.
//!
//! progenitor's CLI generator writes, per operation, a `clap` command and the code that turns
//! its matches into a request. These fixups make that code fit this project: our types, our
//! open enums, bodies from standard input, binary responses, and a hand-written layer that can
//! reuse the request an invocation describes. The hand-written side of the contract lives in
//! `crates/cli/src/support.rs`. [`CLI_FIXUPS`] lists them in the order codegen runs them.

use std::collections::{BTreeMap, BTreeSet};

use crate::fixup::{Applied, Fixup, fixup};
use crate::spec_fixups::WireName;
use crate::syntax::{fn_mut, inherent_impl_mut, is, mentions};
use quote::{ToTokens, format_ident, quote};
use syn::visit_mut::VisitMut;
use syn::{Expr, File, ImplItem, Item, ItemImpl, Stmt, TraitItem, parse_quote};

/// What the CLI fixups read from the spec and the provider table.
#[derive(Debug, Default)]
pub struct CliCtx {
    /// The operations whose success response is a binary body.
    pub binary_responses: Vec<String>,
    /// The query parameters named in Rust by `x-rust-name`, which progenitor names their flags
    /// after.
    pub wire_names: Vec<WireName>,
    /// Groups of wire names that mean the same thing in every operation of the provider (the
    /// provider table's `flag_synonyms`).
    pub synonyms: &'static [&'static [&'static str]],
}

/// A CLI fixup: changes progenitor's command-line code.
pub type CliFixup = Fixup<File, CliCtx>;

/// Every CLI fixup, in the order codegen applies them to progenitor's CLI. Codegen then refuses
/// code that could still panic on user input.
pub const CLI_FIXUPS: &[CliFixup] = &[
    fixup!(drop_schemars_bounds, EveryProvider),
    fixup!(one_line_summaries, EveryProvider),
    fixup!(open_enum_arguments, EveryProvider),
    fixup!(flags_named_after_the_wire, SomeProvider),
    fixup!(flag_synonyms, SomeProvider),
    fixup!(json_body_from_file_or_stdin, EveryProvider),
    fixup!(drop_json_body_template, EveryProvider),
    fixup!(json_body_before_flags, EveryProvider),
    fixup!(split_request_building, EveryProvider),
    fixup!(binary_responses_to_output, SomeProvider),
    fixup!(drop_unused_list_hooks, EveryProvider),
];

/// The `impl<T: CliConfig> Cli<T>` block, which holds every command and execute function.
fn cli_impl(file: &mut File) -> Result<&mut ItemImpl, String> {
    inherent_impl_mut(&mut file.items, "Cli")
        .ok_or_else(|| "progenitor's CLI has no `impl Cli`".to_string())
}

/// The `CliConfig` trait the hand-written layer implements.
fn cli_config(file: &mut File) -> Result<&mut syn::ItemTrait, String> {
    file.items
        .iter_mut()
        .find_map(|item| match item {
            Item::Trait(item) if item.ident == "CliConfig" => Some(item),
            _ => None,
        })
        .ok_or_else(|| "progenitor's CLI has no `CliConfig` trait".to_string())
}

/// Removes `schemars::JsonSchema` from the bounds of the `CliConfig` hooks.
///
/// progenitor asks every value printed by the CLI to implement `JsonSchema`; our clients do not
/// derive it (they would need `schemars` for nothing), and printing needs only `Serialize`.
///
/// Every provider's command-line module has this shape, so codegen fails when this changes nothing.
pub fn drop_schemars_bounds(file: &mut File, _: &CliCtx) -> Result<Applied, String> {
    struct Drop {
        removed: usize,
    }
    impl VisitMut for Drop {
        fn visit_predicate_type_mut(&mut self, predicate: &mut syn::PredicateType) {
            let before = predicate.bounds.len();
            predicate.bounds = std::mem::take(&mut predicate.bounds)
                .into_iter()
                .filter(|bound| {
                    !matches!(bound, syn::TypeParamBound::Trait(t)
                        if t.path.segments.last().is_some_and(|s| s.ident == "JsonSchema"))
                })
                .collect();
            self.removed += before - predicate.bounds.len();
        }
    }
    let mut drop = Drop { removed: 0 };
    drop.visit_file_mut(file);
    Ok(Applied::new(
        drop.removed,
        format!(
            "drop_schemars_bounds: {} JsonSchema bound(s) removed from CliConfig",
            drop.removed
        ),
    ))
}

/// Lists each operation with its summary only, keeping the description for its own `--help`.
///
/// progenitor puts summary and description together in `about`, so a provider's list of 60
/// operations runs to hundreds of lines. `about` becomes the summary (shown in lists and by
/// `-h`) and `long_about` the whole text (shown by `--help`).
///
/// Every provider's command-line module has this shape, so codegen fails when this changes nothing.
pub fn one_line_summaries(file: &mut File, _: &CliCtx) -> Result<Applied, String> {
    struct Split {
        split: usize,
    }
    impl VisitMut for Split {
        fn visit_expr_method_call_mut(&mut self, call: &mut syn::ExprMethodCall) {
            syn::visit_mut::visit_expr_method_call_mut(self, call);
            if call.method != "about" || call.args.len() != 1 {
                return;
            }
            let Some(Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(text),
                ..
            })) = call.args.first()
            else {
                return;
            };
            let whole = text.value();
            let Some((summary, _)) = whole.split_once("\n\n") else {
                return;
            };
            let receiver = &call.receiver;
            *call = parse_quote!(#receiver.about(#summary).long_about(#whole));
            self.split += 1;
        }
    }
    let mut split = Split { split: 0 };
    split.visit_file_mut(file);
    Ok(Applied::new(
        split.split,
        format!(
            "one_line_summaries: {} operation(s) listed by summary, described in full by --help",
            split.split
        ),
    ))
}

/// Lets enum flags take any value, as the clients' open enums do.
///
/// progenitor parses an enum flag with a `PossibleValuesParser` and `try_from(..).unwrap()`,
/// which refuses a value the spec does not list. The clients keep such values
/// (`Unknown(String)`), so a newer server's value must be usable from the command line too.
/// `support::OpenEnumParser` parses with the type's `FromStr` and still lists the known values
/// in `--help`; a closed enum's `FromStr` refuses unknown values with that list.
///
/// Every provider's command-line module has this shape, so codegen fails when this changes nothing.
pub fn open_enum_arguments(file: &mut File, _: &CliCtx) -> Result<Applied, String> {
    struct Open {
        support: syn::Path,
        opened: Vec<String>,
    }
    impl VisitMut for Open {
        fn visit_expr_mut(&mut self, expr: &mut Expr) {
            syn::visit_mut::visit_expr_mut(self, expr);
            let Expr::Call(call) = expr else { return };
            if !path_ends_with(&call.func, &["TypedValueParser", "map"]) || call.args.len() != 2 {
                return;
            }
            let (Some(Expr::Call(values)), Some(Expr::Closure(closure))) =
                (call.args.first(), call.args.last())
            else {
                return;
            };
            if !path_ends_with(&values.func, &["PossibleValuesParser", "new"]) {
                return;
            }
            // The closure is `|s| Type::try_from(s).unwrap()`; the type is its call's path.
            let Expr::MethodCall(unwrap) = closure.body.as_ref() else {
                return;
            };
            let Expr::Call(try_from) = unwrap.receiver.as_ref() else {
                return;
            };
            let Expr::Path(function) = try_from.func.as_ref() else {
                return;
            };
            let mut ty = function.path.clone();
            if ty.segments.pop().is_none() {
                return;
            }
            let ty = syn::Path {
                leading_colon: ty.leading_colon,
                segments: ty.segments.into_pairs().map(|p| p.into_value()).collect(),
            };
            let known = &values.args;
            let support = &self.support;
            self.opened
                .push(ty.to_token_stream().to_string().replace(' ', ""));
            *expr = parse_quote!(#support::OpenEnumParser::<#ty>::new(#known));
        }
    }
    let mut open = Open {
        support: support_path(),
        opened: Vec::new(),
    };
    open.visit_file_mut(file);
    open.opened.sort();
    open.opened.dedup();
    Ok(Applied::each(
        open.opened
            .iter()
            .map(|ty| {
                format!(
                    "open_enum_arguments: flags of type {ty} accept values the spec does not list"
                )
            })
            .collect(),
    ))
}

/// The flag that sets the wire parameter `wire`: its name in kebab case (`in_team` and
/// `inTeam` give `in-team`), or `None` when that is no flag name (`_`).
pub fn flag_name(wire: &str) -> Option<String> {
    let mut flag = String::with_capacity(wire.len() + 4);
    let mut previous: Option<char> = None;
    for c in wire.chars() {
        if c == '_' || c == '-' {
            flag.push('-');
        } else if c.is_ascii_uppercase() {
            if previous.is_some_and(|p| p.is_ascii_lowercase() || p.is_ascii_digit()) {
                flag.push('-');
            }
            flag.push(c.to_ascii_lowercase());
        } else {
            flag.push(c);
        }
        previous = Some(c);
    }
    let words_only = flag.split('-').all(|word| {
        !word.is_empty()
            && word
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
    });
    (words_only && flag.starts_with(|c: char| c.is_ascii_lowercase())).then_some(flag)
}

/// The id of a `clap::Arg` built as a method chain on `Arg::new("id")`.
fn arg_id(chain: &Expr) -> Option<String> {
    let mut expr = chain;
    loop {
        match expr {
            Expr::MethodCall(call) => expr = &call.receiver,
            Expr::Call(call) if path_ends_with(&call.func, &["Arg", "new"]) => {
                return match call.args.first() {
                    Some(Expr::Lit(syn::ExprLit {
                        lit: syn::Lit::Str(id),
                        ..
                    })) => Some(id.value()),
                    _ => None,
                };
            }
            _ => return None,
        }
    }
}

/// The string arguments of the calls to `method` in an `Arg` chain (`long`, `alias`).
fn chain_strings(chain: &Expr, method: &str) -> Vec<String> {
    let mut strings = Vec::new();
    let mut expr = chain;
    while let Expr::MethodCall(call) = expr {
        if call.method == method
            && let Some(Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(text),
                ..
            })) = call.args.first()
        {
            strings.push(text.value());
        }
        expr = &call.receiver;
    }
    strings
}

/// Replaces the argument of `.long(..)` in an `Arg` chain; whether there was one.
fn set_long(chain: &mut Expr, long: &str) -> bool {
    let mut expr = chain;
    while let Expr::MethodCall(call) = expr {
        if call.method == "long" {
            call.args = parse_quote!(#long);
            return true;
        }
        expr = &mut call.receiver;
    }
    false
}

/// Every name the flags of a command answer to: their long names and aliases.
fn flag_names(block: &mut syn::Block) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    for_each_arg(block, |chain| {
        for method in ["long", "alias", "visible_alias"] {
            names.extend(chain_strings(chain, method));
        }
    });
    names
}

/// Calls `f` on each `clap::Arg` chain given to `.arg(..)` in `block`.
fn for_each_arg(block: &mut syn::Block, f: impl FnMut(&mut Expr)) {
    struct Args<F>(F);
    impl<F: FnMut(&mut Expr)> VisitMut for Args<F> {
        fn visit_expr_method_call_mut(&mut self, call: &mut syn::ExprMethodCall) {
            syn::visit_mut::visit_expr_method_call_mut(self, call);
            if call.method == "arg"
                && call.args.len() == 1
                && let Some(chain) = call.args.first_mut()
                && arg_id(chain).is_some()
            {
                (self.0)(chain);
            }
        }
    }
    Args(f).visit_block_mut(block);
}

/// Appends `.method(value)` to an `Arg` chain.
fn append_call(chain: &mut Expr, method: &str, value: &str) {
    let method = format_ident!("{method}");
    let inner = std::mem::replace(chain, Expr::Verbatim(proc_macro2::TokenStream::new()));
    *chain = parse_quote!(#inner.#method(#value));
}

/// Names each flag after the wire parameter it sets, where the spec names the parameter
/// otherwise in Rust (`x-rust-name`), and keeps the Rust name as a hidden alias.
///
/// progenitor names a flag after the parameter's name in the document it reads, which for such
/// a parameter is its Rust name: Mattermost's autocomplete sends `in_team`, which every other
/// list of users takes as `--in-team`, but its flag was `--team-id`. A flag is named after what
/// it sends, kebab-cased, so that one parameter has one flag name in every command; the old
/// name still parses, so scripts that use it keep working. A wire name that is no flag name
/// (Mattermost's `_`) keeps the Rust name.
///
/// It changes only what some specs have, so it may change nothing in one provider's command-line module;
/// codegen fails when it changes nothing in any.
pub fn flags_named_after_the_wire(file: &mut File, ctx: &CliCtx) -> Result<Applied, String> {
    let block = cli_impl(file)?;
    let mut applied = Applied::default();
    for name in &ctx.wire_names {
        let operation = &name.operation_id;
        let old = name.rust.replace('_', "-");
        let Some(new) = flag_name(&name.wire) else {
            applied.log.push(format!(
                "flags_named_after_the_wire: {operation} keeps --{old}: {:?} is no flag name",
                name.wire
            ));
            continue;
        };
        let command = format!("cli_{operation}");
        let function = fn_mut(block, &command)
            .ok_or_else(|| format!("no Cli::{command} for the parameter {:?}", name.wire))?;
        if flag_names(&mut function.block).contains(&new) {
            return Err(format!("{operation} has a flag --{new} already"));
        }
        let mut renamed = 0;
        for_each_arg(&mut function.block, |chain| {
            if arg_id(chain).as_deref() == Some(old.as_str()) && set_long(chain, &new) {
                append_call(chain, "value_name", &new);
                append_call(chain, "alias", &old);
                renamed += 1;
            }
        });
        if renamed != 1 {
            return Err(format!(
                "Cli::{command} has {renamed} flags --{old}, expected 1"
            ));
        }
        applied.places += 1;
        applied.log.push(format!(
            "flags_named_after_the_wire: {operation} --{old} is --{new} (--{old} still parses)"
        ));
    }
    Ok(applied)
}

/// Lets a flag also answer to the names of its synonyms, where a provider calls one thing by
/// two wire names in different operations.
///
/// GitLab names the user in a path `id` in some operations and `user_id` in others;
/// Mattermost's list of users filters with `in_team` where its search takes `team_id`. Each
/// flag keeps the name of what it sends, and takes the other names of its group (the provider
/// table's `flag_synonyms`) as visible aliases, unless the command has a flag of that name:
/// `gitlab get-user --user-id 42` and `gitlab list-user-ssh-keys --id 42` both work.
///
/// It changes only what some specs have, so it may change nothing in one provider's command-line module;
/// codegen fails when it changes nothing in any.
pub fn flag_synonyms(file: &mut File, ctx: &CliCtx) -> Result<Applied, String> {
    let groups = ctx
        .synonyms
        .iter()
        .map(|group| {
            group
                .iter()
                .map(|wire| flag_name(wire).ok_or_else(|| format!("{wire:?} is no flag name")))
                .collect::<Result<Vec<_>, _>>()
        })
        .collect::<Result<Vec<_>, _>>()?;
    let block = cli_impl(file)?;
    // (flag, alias) → the commands where the flag took the alias.
    let mut added: BTreeMap<(String, String), usize> = BTreeMap::new();
    for item in block.items.iter_mut() {
        let ImplItem::Fn(function) = item else {
            continue;
        };
        if !function.sig.ident.to_string().starts_with("cli_") {
            continue;
        }
        let mut taken = flag_names(&mut function.block);
        for_each_arg(&mut function.block, |chain| {
            let Some(long) = chain_strings(chain, "long").pop() else {
                return;
            };
            for group in groups.iter().filter(|group| group.contains(&long)) {
                for other in group {
                    if taken.insert(other.clone()) {
                        append_call(chain, "visible_alias", other);
                        *added.entry((long.clone(), other.clone())).or_default() += 1;
                    }
                }
            }
        });
    }
    Ok(Applied {
        places: added.values().sum(),
        log: added
            .iter()
            .map(|((flag, alias), commands)| {
                format!(
                    "flag_synonyms: --{flag} also answers to --{alias} in {commands} command(s)"
                )
            })
            .collect(),
    })
}

/// The hand-written module of `crates/cli` that generated CLI code may call.
fn support_path() -> syn::Path {
    parse_quote!(crate::support)
}

/// Whether `expr` is a path whose last segments are `tail`.
fn path_ends_with(expr: &Expr, tail: &[&str]) -> bool {
    let Expr::Path(path) = expr else { return false };
    let segments: Vec<String> = path
        .path
        .segments
        .iter()
        .map(|s| s.ident.to_string())
        .collect();
    segments.len() >= tail.len() && segments[segments.len() - tail.len()..] == *tail
}

/// `--json-body FILE` also reads standard input (`-`), and says so in its help; a body that
/// does not parse is reported without quoting its values.
///
/// progenitor reads the body with `std::fs::read_to_string`; scripts want to pipe a body in.
/// The read goes through `support::read_json_body`, which takes `-` as standard input. It
/// parses the body with `serde_json::from_str`, whose error for a value of the wrong type
/// quotes the value (a password, say); the parse goes through `support::parse_json_body`.
///
/// Every provider's command-line module has this shape, so codegen fails when this changes nothing.
pub fn json_body_from_file_or_stdin(file: &mut File, _: &CliCtx) -> Result<Applied, String> {
    struct Read {
        support: syn::Path,
        reads: usize,
        parses: usize,
        helps: usize,
    }
    impl VisitMut for Read {
        fn visit_expr_mut(&mut self, expr: &mut Expr) {
            syn::visit_mut::visit_expr_mut(self, expr);
            match expr {
                Expr::Call(call)
                    if path_ends_with(&call.func, &["std", "fs", "read_to_string"]) =>
                {
                    let args = &call.args;
                    let support = &self.support;
                    *expr = parse_quote!(#support::read_json_body(#args));
                    self.reads += 1;
                }
                Expr::Call(call) if path_ends_with(&call.func, &["serde_json", "from_str"]) => {
                    // The same call, to `support::parse_json_body`, keeping the body type.
                    if let Expr::Path(func) = &mut *call.func {
                        let generics = func.path.segments.last().map(|last| last.arguments.clone());
                        let support = &self.support;
                        func.path = parse_quote!(#support::parse_json_body #generics);
                        self.parses += 1;
                    }
                }
                Expr::MethodCall(call)
                    if call.method == "help"
                        && call.args.iter().any(|arg| {
                            is(
                                arg,
                                quote!("Path to a file that contains the full json body."),
                            )
                        }) =>
                {
                    call.args = parse_quote!(
                        "The whole JSON request body: a file, or `-` for standard input. Flags for single fields override its fields."
                    );
                    self.helps += 1;
                }
                Expr::MethodCall(call)
                    if call.method == "value_name"
                        && call.args.iter().any(|arg| is(arg, quote!("JSON-FILE"))) =>
                {
                    call.args = parse_quote!("FILE");
                }
                _ => {}
            }
        }
    }
    let mut read = Read {
        support: support_path(),
        reads: 0,
        parses: 0,
        helps: 0,
    };
    read.visit_file_mut(file);
    if read.reads != read.helps || read.parses != read.helps {
        return Err(format!(
            "{} body reads and {} parses but {} --json-body flags",
            read.reads, read.parses, read.helps
        ));
    }
    Ok(Applied::new(
        read.reads,
        format!(
            "json_body_from_file_or_stdin: {} --json-body flag(s) read a file or standard input",
            read.reads
        ),
    ))
}

/// Removes `--json-body-template`, a flag progenitor declares (with the help text "XXX") but
/// never reads.
///
/// Every provider's command-line module has this shape, so codegen fails when this changes nothing.
pub fn drop_json_body_template(file: &mut File, _: &CliCtx) -> Result<Applied, String> {
    struct Drop {
        removed: usize,
    }
    impl VisitMut for Drop {
        fn visit_expr_mut(&mut self, expr: &mut Expr) {
            if let Expr::MethodCall(call) = expr
                && call.method == "arg"
                && mentions(&call.args, quote!("json-body-template"))
            {
                *expr = (*call.receiver).clone();
                self.removed += 1;
                self.visit_expr_mut(expr);
                return;
            }
            syn::visit_mut::visit_expr_mut(self, expr);
        }
    }
    let mut drop = Drop { removed: 0 };
    drop.visit_file_mut(file);
    Ok(Applied::new(
        drop.removed,
        format!(
            "drop_json_body_template: {} unused --json-body-template flag(s) removed",
            drop.removed
        ),
    ))
}

/// Whether a statement is progenitor's `if let Some(value) = matches.get_one::<PathBuf>("json-body")`.
fn is_json_body_read(stmt: &Stmt) -> bool {
    match stmt {
        Stmt::Expr(Expr::If(expr), _) => {
            mentions(&expr.cond, quote!(get_one)) && mentions(&expr.cond, quote!("json-body"))
        }
        _ => false,
    }
}

/// Reads `--json-body` before the flags for single body fields, so that the flags override
/// the file's fields.
///
/// progenitor applies the field flags first and the file last, and the file replaces the
/// whole body: `--json-body user.json --email x` would silently drop `--email`.
///
/// Every provider's command-line module has this shape, so codegen fails when this changes nothing.
pub fn json_body_before_flags(file: &mut File, _: &CliCtx) -> Result<Applied, String> {
    let block = cli_impl(file)?;
    let mut moved = 0;
    for item in block.items.iter_mut() {
        let ImplItem::Fn(function) = item else {
            continue;
        };
        let stmts = &mut function.block.stmts;
        let Some(index) = stmts.iter().position(is_json_body_read) else {
            continue;
        };
        // Right after `let mut request = self.client.operation();`.
        if index > 1 {
            let read = stmts.remove(index);
            stmts.insert(1, read);
            moved += 1;
        }
    }
    Ok(Applied::new(
        moved,
        format!(
            "json_body_before_flags: {moved} operation(s) read --json-body before their other flags"
        ),
    ))
}

/// Splits each `execute_<op>` into `request_<op>`, which turns the matches into the request
/// builder, and the sending and printing that follow.
///
/// The hand-written layer needs the request an invocation describes without sending it once:
/// `--all` sends it through the client crate's `.stream()`. `request_<op>` runs everything
/// progenitor's `execute_<op>` ran before `send()`, including the `CliConfig` hook.
///
/// Every provider's command-line module has this shape, so codegen fails when this changes nothing.
pub fn split_request_building(file: &mut File, _: &CliCtx) -> Result<Applied, String> {
    // The builder type of each operation, from the hook `CliConfig::execute_<op>`.
    let mut builders = Vec::new();
    for item in &cli_config(file)?.items {
        let TraitItem::Fn(function) = item else {
            continue;
        };
        let name = function.sig.ident.to_string();
        let Some(operation) = name.strip_prefix("execute_") else {
            continue;
        };
        let builder = function.sig.inputs.iter().find_map(|input| match input {
            syn::FnArg::Typed(typed) => match typed.ty.as_ref() {
                syn::Type::Reference(reference) => match reference.elem.as_ref() {
                    syn::Type::Path(path)
                        if path
                            .path
                            .segments
                            .first()
                            .is_some_and(|s| s.ident == "builder") =>
                    {
                        Some(path.path.clone())
                    }
                    _ => None,
                },
                _ => None,
            },
            _ => None,
        });
        let Some(mut builder) = builder else {
            continue;
        };
        if let Some(last) = builder.segments.last_mut() {
            last.arguments = syn::PathArguments::AngleBracketed(parse_quote!(<'_>));
        }
        builders.push((operation.to_string(), builder));
    }

    let block = cli_impl(file)?;
    let mut added = Vec::new();
    for (operation, builder) in &builders {
        let execute = format_ident!("execute_{operation}");
        let request_fn = format_ident!("request_{operation}");
        let function = fn_mut(block, &execute.to_string())
            .ok_or_else(|| format!("no Cli::{execute} for the hook CliConfig::{execute}"))?;
        let hook = quote!(self.config.#execute(matches, &mut request)?);
        let split = function
            .block
            .stmts
            .iter()
            .position(|stmt| match stmt {
                Stmt::Expr(expr, _) => is(expr, hook.clone()),
                _ => false,
            })
            .ok_or_else(|| format!("Cli::{execute} does not call its hook"))?;
        let sending = function.block.stmts.split_off(split + 1);
        let building = std::mem::take(&mut function.block.stmts);
        let doc = format!(
            " The request `{}` describes with these matches, not sent yet.",
            operation.replace('_', "-")
        );
        let request: syn::ImplItemFn = parse_quote! {
            #[doc = #doc]
            pub fn #request_fn(&self, matches: &::clap::ArgMatches) -> anyhow::Result<#builder> {
                #(#building)*
                Ok(request)
            }
        };
        function.block.stmts = vec![parse_quote!(let request = self.#request_fn(matches)?;)];
        function.block.stmts.extend(sending);
        added.push(request);
    }
    let count = added.len();
    block.items.extend(added.into_iter().map(ImplItem::Fn));
    Ok(Applied::new(
        count,
        format!(
            "split_request_building: {count} Cli::request_<op> functions build a request without sending it"
        ),
    ))
}

/// Writes binary responses to the file named by `--output` instead of progenitor's `todo!()`.
///
/// progenitor has no output for a response that is not JSON and leaves a `todo!()`, a panic
/// at run time. Each operation whose success response is binary gets a required
/// `--output FILE` flag (`-` for standard output), and its response goes to
/// `support::write_binary`.
///
/// It changes only what some specs have, so it may change nothing in one provider's command-line module;
/// codegen fails when it changes nothing in any.
pub fn binary_responses_to_output(file: &mut File, ctx: &CliCtx) -> Result<Applied, String> {
    let operations = &ctx.binary_responses;
    struct Replace {
        support: syn::Path,
        replaced: usize,
    }
    impl VisitMut for Replace {
        fn visit_expr_mut(&mut self, expr: &mut Expr) {
            syn::visit_mut::visit_expr_mut(self, expr);
            if let Expr::Match(matched) = expr {
                for arm in matched.arms.iter_mut() {
                    let is_ok = is(&arm.pat, quote!(Ok(r)));
                    let is_todo = is_todo(&arm.body);
                    if is_ok && is_todo {
                        let support = &self.support;
                        *arm.body = parse_quote!(#support::write_binary(r, matches).await);
                        self.replaced += 1;
                    }
                }
            }
        }
    }

    let block = cli_impl(file)?;
    let mut log = Vec::new();
    for operation in operations {
        let command = format!("cli_{operation}");
        let function = fn_mut(block, &command)
            .ok_or_else(|| format!("no Cli::{command} for the binary response of {operation}"))?;
        if mentions(&function.block, quote!("output")) {
            return Err(format!("{operation} already has a flag named output"));
        }
        let [Stmt::Expr(command_expr, None)] = function.block.stmts.as_mut_slice() else {
            return Err(format!("Cli::{command} is not one expression"));
        };
        *command_expr = parse_quote! {
            #command_expr.arg(
                ::clap::Arg::new("output")
                    .long("output")
                    .value_name("FILE")
                    .required(true)
                    .value_parser(::clap::value_parser!(std::path::PathBuf))
                    .help("Where to write the response body, a binary file: a path, or `-` for standard output.")
            )
        };

        let execute = format!("execute_{operation}");
        let function = fn_mut(block, &execute)
            .ok_or_else(|| format!("no Cli::{execute} for the binary response of {operation}"))?;
        let mut replace = Replace {
            support: support_path(),
            replaced: 0,
        };
        replace.visit_block_mut(&mut function.block);
        if replace.replaced != 1 {
            return Err(format!(
                "Cli::{execute} has {} todo!() success arms, expected 1",
                replace.replaced
            ));
        }
        log.push(format!(
            "binary_responses_to_output: {operation} writes its response to --output"
        ));
    }
    Ok(Applied::each(log))
}

/// The `CliConfig` hooks progenitor calls only for operations paged the Dropshot way.
const LIST_HOOKS: &[&str] = &[
    "list_start",
    "list_item",
    "list_end_success",
    "list_end_error",
];

/// Removes the `CliConfig` list hooks when no operation calls them.
///
/// progenitor walks pages itself only for Dropshot's pagination extension, which our specs do
/// not use; `--all` walks them through the client crates' streams instead. Hooks nothing calls
/// would be dead code every implementation has to write.
///
/// Every provider's command-line module has this shape, so codegen fails when this changes nothing.
pub fn drop_unused_list_hooks(file: &mut File, _: &CliCtx) -> Result<Applied, String> {
    /// Whether a method named like a list hook is called anywhere.
    struct Calls(bool);
    impl<'ast> syn::visit::Visit<'ast> for Calls {
        fn visit_expr_method_call(&mut self, call: &'ast syn::ExprMethodCall) {
            self.0 |= LIST_HOOKS.iter().any(|hook| call.method == hook);
            syn::visit::visit_expr_method_call(self, call);
        }
    }
    let mut calls = Calls(false);
    syn::visit::Visit::visit_item_impl(&mut calls, cli_impl(file)?);
    if calls.0 {
        return Ok(Applied::new(
            0,
            "drop_unused_list_hooks: kept, an operation pages the Dropshot way".to_string(),
        ));
    }
    let config = cli_config(file)?;
    let before = config.items.len();
    config.items.retain(|item| {
        !matches!(item, TraitItem::Fn(function)
            if LIST_HOOKS.iter().any(|hook| function.sig.ident == hook))
    });
    let removed = before - config.items.len();
    Ok(Applied::new(
        removed,
        format!(
            "drop_unused_list_hooks: {removed} CliConfig list hooks removed, nothing calls them"
        ),
    ))
}

/// Whether `expr` is `todo!()`, alone or as the only statement of a block.
fn is_todo(expr: &Expr) -> bool {
    match expr {
        Expr::Macro(m) => m.mac.path.is_ident("todo"),
        Expr::Block(block) => match block.block.stmts.as_slice() {
            [Stmt::Expr(expr, None)] => is_todo(expr),
            [Stmt::Macro(m)] => m.mac.path.is_ident("todo"),
            _ => false,
        },
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::{mentions, refuse_panics};

    fn text(file: &File) -> String {
        prettyplease::unparse(file)
    }

    /// Whether a string literal in `file` contains `part`.
    fn has_literal_containing(file: &File, part: &str) -> bool {
        struct Find<'a>(&'a str, bool);
        impl<'ast> syn::visit::Visit<'ast> for Find<'_> {
            fn visit_lit_str(&mut self, lit: &'ast syn::LitStr) {
                self.1 |= lit.value().contains(self.0);
            }
        }
        let mut find = Find(part, false);
        syn::visit::Visit::visit_file(&mut find, file);
        find.1
    }

    /// The statements of the method `name` in `file`, in order.
    fn method_statements(file: &File, name: &str) -> Vec<syn::Stmt> {
        struct Find<'a>(&'a str, Option<Vec<syn::Stmt>>);
        impl<'ast> syn::visit::Visit<'ast> for Find<'_> {
            fn visit_impl_item_fn(&mut self, function: &'ast syn::ImplItemFn) {
                if function.sig.ident == self.0 {
                    self.1 = Some(function.block.stmts.clone());
                }
            }
        }
        let mut find = Find(name, None);
        syn::visit::Visit::visit_file(&mut find, file);
        find.1.unwrap_or_else(|| panic!("no method {name}"))
    }

    #[test]
    fn enum_flags_parse_through_the_open_parser() {
        let mut file: File = parse_quote! {
            fn f() {
                ::clap::Arg::new("role").value_parser(
                    ::clap::builder::TypedValueParser::map(
                        ::clap::builder::PossibleValuesParser::new([
                            types::Role::Admin.to_string(),
                            types::Role::User.to_string(),
                        ]),
                        |s| types::Role::try_from(s).unwrap(),
                    ),
                );
            }
        };
        let log = open_enum_arguments(&mut file, &CliCtx::default())
            .expect("applies")
            .log;
        assert_eq!(
            log,
            vec![
                "open_enum_arguments: flags of type types::Role accept values the spec does not list"
            ]
        );
        let text = text(&file);
        assert!(
            mentions(&file, quote!(crate::support::OpenEnumParser::<types::Role))
                && mentions(
                    &file,
                    quote! {
                        new([types::Role::Admin.to_string(), types::Role::User.to_string(),])
                    }
                ),
            "{text}"
        );
        assert!(!mentions(&file, quote!(unwrap)), "{text}");
    }

    #[test]
    fn json_body_reads_stdin_and_comes_before_flags() {
        let mut file: File = parse_quote! {
            impl<T: CliConfig> Cli<T> {
                pub fn cli_create_user() -> ::clap::Command {
                    ::clap::Command::new("")
                        .arg(::clap::Arg::new("email").long("email"))
                        .arg(
                            ::clap::Arg::new("json-body")
                                .long("json-body")
                                .value_name("JSON-FILE")
                                .help("Path to a file that contains the full json body."),
                        )
                        .arg(
                            ::clap::Arg::new("json-body-template")
                                .long("json-body-template")
                                .help("XXX"),
                        )
                }
                pub async fn execute_create_user(&self, matches: &::clap::ArgMatches) -> anyhow::Result<()> {
                    let mut request = self.client.create_user();
                    if let Some(value) = matches.get_one::<::std::string::String>("email") {
                        request = request.body_map(|body| body.email(value.clone()))
                    }
                    if let Some(value) = matches.get_one::<std::path::PathBuf>("json-body") {
                        let body_txt = std::fs::read_to_string(value)?;
                        let body_value = serde_json::from_str::<types::NewUser>(&body_txt)?;
                        request = request.body(body_value);
                    }
                    self.config.execute_create_user(matches, &mut request)?;
                    let result = request.send().await;
                    Ok(())
                }
            }
            pub trait CliConfig {
                fn execute_create_user(
                    &self,
                    matches: &::clap::ArgMatches,
                    request: &mut builder::CreateUser,
                ) -> anyhow::Result<()> {
                    Ok(())
                }
            }
        };
        json_body_from_file_or_stdin(&mut file, &CliCtx::default()).expect("fixup applies");
        drop_json_body_template(&mut file, &CliCtx::default()).expect("applies");
        json_body_before_flags(&mut file, &CliCtx::default()).expect("fixup applies");
        split_request_building(&mut file, &CliCtx::default()).expect("fixup applies");
        let text = text(&file);
        assert!(
            mentions(&file, quote!(crate::support::read_json_body(value))),
            "{text}"
        );
        assert!(
            mentions(
                &file,
                quote!(crate::support::parse_json_body::<types::NewUser>(&body_txt))
            ),
            "{text}"
        );
        assert!(!mentions(&file, quote!(serde_json)), "{text}");
        assert!(mentions(&file, quote!(.value_name("FILE"))), "{text}");
        assert!(
            has_literal_containing(&file, "`-` for standard input"),
            "{text}"
        );
        assert!(!mentions(&file, quote!("json-body-template")), "{text}");
        // The request is built in `request_create_user`: the body file first, then the flags.
        let building = method_statements(&file, "request_create_user");
        let first = |literal: &str| {
            building
                .iter()
                .position(|stmt| mentions(stmt, quote!(#literal)))
                .unwrap_or_else(|| panic!("{literal} not read: {text}"))
        };
        assert!(first("json-body") < first("email"), "{text}");
        assert!(
            mentions(&file, quote!(-> anyhow::Result<builder::CreateUser<'_>>)),
            "{text}"
        );
        assert!(
            mentions(
                &file,
                quote!(let request = self.request_create_user(matches)?;)
            ),
            "{text}"
        );
    }

    #[test]
    fn flag_names_are_wire_names_in_kebab_case() {
        assert_eq!(flag_name("in_team").as_deref(), Some("in-team"));
        assert_eq!(flag_name("userId").as_deref(), Some("user-id"));
        assert_eq!(flag_name("userID").as_deref(), Some("user-id"));
        assert_eq!(flag_name("Sudo").as_deref(), Some("sudo"));
        assert_eq!(flag_name("resource-set").as_deref(), Some("resource-set"));
        assert_eq!(flag_name("oauth2Token").as_deref(), Some("oauth2-token"));
        for not_a_flag in ["_", "", "_links", "a__b", "x.y", "1st"] {
            assert_eq!(flag_name(not_a_flag), None, "{not_a_flag}");
        }
    }

    /// A command whose flag `id` has the given other calls in its chain.
    fn command_with(flags: &[&str]) -> File {
        let args = flags.iter().map(|flag| {
            quote! {
                .arg(
                    ::clap::Arg::new(#flag)
                        .long(#flag)
                        .value_parser(::clap::value_parser!(::std::string::String))
                        .help("A filter.")
                )
            }
        });
        parse_quote! {
            impl<T: CliConfig> Cli<T> {
                pub fn cli_autocomplete_users() -> ::clap::Command {
                    ::clap::Command::new("") #(#args)*
                }
                pub fn execute_autocomplete_users(&self, matches: &::clap::ArgMatches) {
                    if let Some(value) = matches.get_one::<::std::string::String>("team-id") {
                        request = request.team_id(value.clone())
                    }
                }
            }
        }
    }

    #[test]
    fn a_flag_takes_its_wire_name_and_keeps_the_rust_one_hidden() {
        let wire = |rust: &str, wire: &str| WireName {
            operation_id: "autocomplete_users".to_string(),
            rust: rust.to_string(),
            wire: wire.to_string(),
        };
        let mut file = command_with(&["team-id", "update-time"]);
        let ctx = CliCtx {
            wire_names: vec![wire("team_id", "in_team"), wire("update_time", "_")],
            ..CliCtx::default()
        };
        let applied = flags_named_after_the_wire(&mut file, &ctx).expect("applies");
        assert_eq!(applied.places, 1);
        assert_eq!(
            applied.log,
            [
                "flags_named_after_the_wire: autocomplete_users --team-id is --in-team (--team-id still parses)",
                "flags_named_after_the_wire: autocomplete_users keeps --update-time: \"_\" is no flag name",
            ]
        );
        let text = text(&file);
        // The id, which the matches are read by, stays; the flag and its value are renamed.
        assert!(
            mentions(&file, quote!(::clap::Arg::new("team-id").long("in-team")))
                && mentions(&file, quote!(.value_name("in-team").alias("team-id"))),
            "{text}"
        );
        assert!(
            mentions(&file, quote!(get_one::<::std::string::String>("team-id"))),
            "{text}"
        );
        assert!(mentions(&file, quote!(.long("update-time"))), "{text}");

        // A wire name that another flag of the command has already is an error.
        let mut file = command_with(&["team-id", "in-team"]);
        let error = flags_named_after_the_wire(&mut file, &ctx).expect_err("refused");
        assert_eq!(error, "autocomplete_users has a flag --in-team already");
    }

    #[test]
    fn a_flag_answers_to_its_synonyms_unless_the_command_has_them() {
        let ctx = CliCtx {
            synonyms: &[&["in_team", "team_id"], &["id", "user_id"]],
            ..CliCtx::default()
        };
        let mut file = command_with(&["in-team", "id", "user-id"]);
        let applied = flag_synonyms(&mut file, &ctx).expect("applies");
        assert_eq!(
            applied.log,
            ["flag_synonyms: --in-team also answers to --team-id in 1 command(s)"]
        );
        let text = text(&file);
        assert!(
            mentions(
                &file,
                quote!(.long("in-team")
                .value_parser(::clap::value_parser!(::std::string::String))
                .help("A filter.")
                .visible_alias("team-id"))
            ),
            "{text}"
        );
        // `--id` and `--user-id` are two flags of this command, so neither is the other's alias.
        assert!(!mentions(&file, quote!(visible_alias("id"))), "{text}");
        assert!(!mentions(&file, quote!(visible_alias("user-id"))), "{text}");
    }

    /// The rule users can rely on, checked on the generated commands: every parameter of every
    /// operation (path, query, header) is set by the flag named after its wire name.
    #[test]
    fn every_parameter_has_the_flag_of_its_wire_name() {
        use serde_json::Value;

        let root = crate::codegen::workspace_root();
        for provider in crate::providers::PROVIDERS {
            let read = |path: &str| {
                std::fs::read_to_string(root.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
            };
            let spec: Value = serde_saphyr::from_str(&read(provider.spec)).expect("YAML");
            let mut cli: File = syn::parse_str(&read(provider.cli_output)).expect("Rust");
            let block = cli_impl(&mut cli).expect("impl Cli");
            let resolve = |parameter: &Value| -> Value {
                match parameter.get("$ref").and_then(Value::as_str) {
                    Some(at) => spec
                        .pointer(at.trim_start_matches('#'))
                        .cloned()
                        .expect("the $ref resolves"),
                    None => parameter.clone(),
                }
            };
            let mut checked = 0;
            let paths = spec["paths"].as_object().expect("paths");
            for item in paths.values() {
                let shared = item["parameters"].as_array().cloned().unwrap_or_default();
                for operation in item.as_object().expect("path item").values() {
                    let Some(id) = operation.get("operationId").and_then(Value::as_str) else {
                        continue;
                    };
                    let function = fn_mut(block, &format!("cli_{id}")).expect("a command");
                    let flags = flag_names(&mut function.block);
                    let own = operation["parameters"]
                        .as_array()
                        .cloned()
                        .unwrap_or_default();
                    for parameter in shared.iter().chain(&own).map(resolve) {
                        let wire = parameter["name"].as_str().expect("a name");
                        match flag_name(wire) {
                            Some(flag) => assert!(
                                flags.contains(&flag),
                                "{} {id}: no --{flag} for {wire:?}: {flags:?}",
                                provider.name
                            ),
                            None => assert!(parameter.get("x-rust-name").is_some(), "{wire}"),
                        }
                        checked += 1;
                    }
                }
            }
            assert!(checked > 20, "{}: {checked}", provider.name);
        }
    }

    #[test]
    fn binary_responses_get_an_output_flag_and_panics_are_refused() {
        let mut file: File = parse_quote! {
            impl<T: CliConfig> Cli<T> {
                pub fn cli_get_image() -> ::clap::Command {
                    ::clap::Command::new("").about("An image")
                }
                pub async fn execute_get_image(&self, matches: &::clap::ArgMatches) -> anyhow::Result<()> {
                    let request = self.request_get_image(matches)?;
                    let result = request.send().await;
                    match result {
                        Ok(r) => todo!(),
                        Err(r) => Err(anyhow::Error::new(r)),
                    }
                }
            }
        };
        let error = refuse_panics(&mut file, "the generated CLI").expect_err("todo! is refused");
        assert!(error.contains("todo! in execute_get_image"), "{error}");
        binary_responses_to_output(
            &mut file,
            &CliCtx {
                binary_responses: vec!["get_image".to_string()],
                ..CliCtx::default()
            },
        )
        .expect("fixup applies");
        refuse_panics(&mut file, "the generated CLI").expect("no panic left");
        let text = text(&file);
        assert!(
            mentions(
                &file,
                quote!(Ok(r) => crate::support::write_binary(r, matches).await)
            ),
            "{text}"
        );
        assert!(
            mentions(&file, quote!(::clap::Arg::new("output"))),
            "{text}"
        );
    }
}
