//! How a client's public API changed between two summaries ([`crate::api_summary`]), each
//! change classified as breaking or compatible, and the report codegen prints.
//!
//! Breaking: code that compiled against the old client may not compile against the new one, or
//! a call that worked may now fail or reach the server differently. Compatible: everything
//! else, mostly additions. Two rules follow from how the types are used, and are the project's
//! choice rather than Rust's strict semver rules:
//!
//! - Types are built with their builders (`User::builder()`) or `..Default::default()`, not
//!   with exhaustive struct literals, and enums are matched with a catch-all arm. So an added
//!   optional field, or an added enum variant, is compatible.
//! - A value of an open enum that the spec does not list decodes to `Unknown(value)`. Removing
//!   a variant is breaking (code naming it no longer compiles) even though its values still
//!   decode; adding one is compatible, and the report says which `Unknown` value it replaces.

use std::collections::BTreeSet;

use crate::api_summary::{
    self, Api, Field, Operation, Param, Responses, TypeDef, Variant, location_text, responses_text,
};

/// One change to the public API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// Whether code written for the old API may break.
    pub breaking: bool,
    /// The item, named as in `api.txt`: `fn list_users(page)`, `struct User.name`.
    pub subject: String,
    /// What changed.
    pub what: String,
}

impl Change {
    fn breaking(subject: impl Into<String>, what: impl Into<String>) -> Self {
        Change {
            breaking: true,
            subject: subject.into(),
            what: what.into(),
        }
    }

    fn compatible(subject: impl Into<String>, what: impl Into<String>) -> Self {
        Change {
            breaking: false,
            subject: subject.into(),
            what: what.into(),
        }
    }
}

/// Every change from `old` to `new`, operations first, then types, each by name. An item
/// added or removed is one change; its parameters, fields or variants are not listed.
pub fn diff(old: &Api, new: &Api) -> Vec<Change> {
    let mut changes = Vec::new();
    let names: BTreeSet<&String> = old.operations.keys().chain(new.operations.keys()).collect();
    for name in names {
        let subject = format!("fn {name}");
        match (old.operations.get(name), new.operations.get(name)) {
            (Some(_), None) => changes.push(Change::breaking(subject, "removed")),
            (None, Some(added)) => changes.push(Change::compatible(
                subject,
                format!(
                    "added: {} {} -> {}",
                    added.method,
                    added.path,
                    responses_text(&added.ok)
                ),
            )),
            (Some(before), Some(after)) => {
                diff_operation(&subject, name, before, after, new, &mut changes);
            }
            (None, None) => {}
        }
    }
    let names: BTreeSet<&String> = old.types.keys().chain(new.types.keys()).collect();
    for name in names {
        match (old.types.get(name), new.types.get(name)) {
            (Some(before), None) => {
                changes.push(Change::breaking(
                    format!("{} {name}", before.kind()),
                    "removed",
                ));
            }
            (None, Some(after)) => {
                changes.push(Change::compatible(
                    format!("{} {name}", after.kind()),
                    "added",
                ));
            }
            (Some(before), Some(after)) => diff_type(name, before, after, &mut changes),
            (None, None) => {}
        }
    }
    changes
}

fn diff_operation(
    subject: &str,
    name: &str,
    before: &Operation,
    after: &Operation,
    new: &Api,
    changes: &mut Vec<Change>,
) {
    if (&before.method, &before.path) != (&after.method, &after.path) {
        changes.push(Change::breaking(
            subject,
            format!(
                "now sends {} {} (was {} {})",
                after.method, after.path, before.method, before.path
            ),
        ));
    }
    if before.ok.ty != after.ok.ty {
        changes.push(Change::breaking(
            subject,
            format!("returns {} (was {})", after.ok.ty, before.ok.ty),
        ));
    }
    for status in missing(&before.ok, &after.ok) {
        changes.push(Change::breaking(
            subject,
            format!("status {status} no longer succeeds: it is now an unexpected response"),
        ));
    }
    for status in missing(&after.ok, &before.ok) {
        changes.push(Change::compatible(
            subject,
            format!("status {status} now succeeds"),
        ));
    }
    if before.error.ty != after.error.ty {
        changes.push(Change::breaking(
            subject,
            format!("error body is {} (was {})", after.error.ty, before.error.ty),
        ));
    }
    for status in missing(&before.error, &after.error) {
        changes.push(Change::breaking(
            subject,
            format!(
                "status {status} no longer has an error body: it is now an unexpected response"
            ),
        ));
    }
    for status in missing(&after.error, &before.error) {
        changes.push(Change::compatible(
            subject,
            format!("status {status} now has an error body, {}", after.error.ty),
        ));
    }

    let params: BTreeSet<&String> = before.params.keys().chain(after.params.keys()).collect();
    for param in params {
        let subject = format!("fn {name}({param})");
        match (before.params.get(param), after.params.get(param)) {
            (Some(_), None) => changes.push(Change::breaking(subject, "removed")),
            (None, Some(added)) if added.required => changes.push(Change::breaking(
                subject,
                format!("added: {}", api_summary::param_text(added)),
            )),
            (None, Some(added)) => changes.push(Change::compatible(
                subject,
                format!("added: {}", api_summary::param_text(added)),
            )),
            (Some(old), Some(new_param)) => diff_param(&subject, old, new_param, new, changes),
            (None, None) => {}
        }
    }
}

/// The statuses of `from` that `to` does not list; `2xx` in `to` lists every 2xx status.
fn missing<'a>(from: &'a Responses, to: &Responses) -> Vec<&'a String> {
    let any_success = to.statuses.iter().any(|status| status == "2xx");
    from.statuses
        .iter()
        .filter(|status| !to.statuses.contains(status))
        .filter(|status| !(any_success && status.starts_with('2') && status.len() == 3))
        .collect()
}

fn diff_param(subject: &str, before: &Param, after: &Param, new: &Api, changes: &mut Vec<Change>) {
    if before.ty != after.ty {
        // The read-only split: a body that was `User` and is now `UserInput` still takes a
        // `User`, through `From<User> for UserInput`.
        let converts = matches!(
            new.types.get(&after.ty),
            Some(TypeDef::Struct { from, .. }) if from.contains(&before.ty)
        );
        if converts {
            changes.push(Change::compatible(
                subject,
                format!(
                    "takes {} (was {}); a {} still converts into it",
                    after.ty, before.ty, before.ty
                ),
            ));
        } else {
            changes.push(Change::breaking(
                subject,
                format!("takes {} (was {})", after.ty, before.ty),
            ));
        }
    }
    match (before.required, after.required) {
        (false, true) => changes.push(Change::breaking(subject, "now required")),
        (true, false) => changes.push(Change::compatible(subject, "now optional")),
        _ => {}
    }
    if before.location != after.location {
        changes.push(Change::breaking(
            subject,
            format!(
                "now sent as {} (was {})",
                location_text(&after.location),
                location_text(&before.location)
            ),
        ));
    }
}

fn diff_type(name: &str, before: &TypeDef, after: &TypeDef, changes: &mut Vec<Change>) {
    let subject = format!("{} {name}", after.kind());
    match (before, after) {
        (
            TypeDef::Struct {
                fields: old_fields,
                from: old_from,
            },
            TypeDef::Struct {
                fields: new_fields,
                from: new_from,
            },
        ) => {
            for source in old_from.difference(new_from) {
                changes.push(Change::breaking(
                    &subject,
                    format!("no longer converts from {source}"),
                ));
            }
            for source in new_from.difference(old_from) {
                changes.push(Change::compatible(
                    &subject,
                    format!("converts from {source}"),
                ));
            }
            let fields: BTreeSet<&String> = old_fields.keys().chain(new_fields.keys()).collect();
            for field in fields {
                let subject = format!("struct {name}.{field}");
                match (old_fields.get(field), new_fields.get(field)) {
                    (Some(_), None) => changes.push(Change::breaking(subject, "removed")),
                    (None, Some(added)) if added.required => changes.push(Change::breaking(
                        subject,
                        format!("added: {}", api_summary::field_text(added)),
                    )),
                    (None, Some(added)) => changes.push(Change::compatible(
                        subject,
                        format!("added: {}", api_summary::field_text(added)),
                    )),
                    (Some(old), Some(new)) => diff_field(&subject, field, old, new, changes),
                    (None, None) => {}
                }
            }
        }
        (
            TypeDef::Enum {
                open: old_open,
                variants: old_variants,
            },
            TypeDef::Enum {
                open: new_open,
                variants: new_variants,
            },
        ) => {
            match (old_open, new_open) {
                (Some(old), None) => changes.push(Change::breaking(
                    &subject,
                    format!("no longer keeps unknown values ({old} removed): they fail to decode"),
                )),
                (None, Some(new)) => changes.push(Change::compatible(
                    &subject,
                    format!("keeps unknown values in {new}"),
                )),
                (Some(old), Some(new)) if old != new => changes.push(Change::breaking(
                    &subject,
                    format!("keeps unknown values in {new} (was {old})"),
                )),
                _ => {}
            }
            let variants: BTreeSet<&String> =
                old_variants.keys().chain(new_variants.keys()).collect();
            for variant in variants {
                let subject = format!("enum {name}::{variant}");
                match (old_variants.get(variant), new_variants.get(variant)) {
                    (Some(removed), None) => {
                        let what = match (new_open, &removed.payload) {
                            (Some(unknown), None) => format!(
                                "removed: {value:?} now decodes as {unknown}({value:?})",
                                value = wire(variant, removed)
                            ),
                            (None, None) => {
                                format!("removed: {:?} no longer decodes", wire(variant, removed))
                            }
                            _ => "removed".to_string(),
                        };
                        changes.push(Change::breaking(subject, what));
                    }
                    (None, Some(added)) => {
                        let what = match (old_open, &added.payload) {
                            (Some(unknown), None) => format!(
                                "added: {value:?} decoded as {unknown}({value:?}) before",
                                value = wire(variant, added)
                            ),
                            _ => "added".to_string(),
                        };
                        changes.push(Change::compatible(subject, what));
                    }
                    (Some(old), Some(new)) => {
                        if wire(variant, old) != wire(variant, new) {
                            changes.push(Change::breaking(
                                &subject,
                                format!(
                                    "now {:?} in JSON (was {:?})",
                                    wire(variant, new),
                                    wire(variant, old)
                                ),
                            ));
                        }
                        if old.payload != new.payload {
                            changes.push(Change::breaking(
                                &subject,
                                format!(
                                    "carries {} (was {})",
                                    new.payload.as_deref().unwrap_or("nothing"),
                                    old.payload.as_deref().unwrap_or("nothing")
                                ),
                            ));
                        }
                    }
                    (None, None) => {}
                }
            }
        }
        (TypeDef::Newtype(old), TypeDef::Newtype(new)) if old != new => {
            changes.push(Change::breaking(
                subject,
                format!("wraps {new} (was {old})"),
            ));
        }
        (TypeDef::Alias(old), TypeDef::Alias(new)) if old != new => {
            changes.push(Change::breaking(
                subject,
                format!("names {new} (was {old})"),
            ));
        }
        (TypeDef::Newtype(_), TypeDef::Newtype(_)) | (TypeDef::Alias(_), TypeDef::Alias(_)) => {}
        _ => changes.push(Change::breaking(
            subject,
            format!(
                "now {} (was {})",
                with_article(after.kind()),
                with_article(before.kind())
            ),
        )),
    }
}

fn with_article(kind: &str) -> String {
    if kind.starts_with(['a', 'e', 'i', 'o', 'u']) {
        format!("an {kind}")
    } else {
        format!("a {kind}")
    }
}

/// The JSON value of a variant: its `rename`, else its Rust name.
fn wire<'a>(name: &'a str, variant: &'a Variant) -> &'a str {
    variant.json.as_deref().unwrap_or(name)
}

fn diff_field(subject: &str, name: &str, before: &Field, after: &Field, changes: &mut Vec<Change>) {
    if before.ty != after.ty {
        // `Option<T>` ↔ `T` is the field becoming required or optional; either way its type
        // changes, which breaks code that reads or sets it.
        let what = if before.ty == format!("Option<{}>", after.ty) {
            format!("now required: {} (was {})", after.ty, before.ty)
        } else if after.ty == format!("Option<{}>", before.ty) {
            format!("now optional: {} (was {})", after.ty, before.ty)
        } else {
            format!("type {} (was {})", after.ty, before.ty)
        };
        changes.push(Change::breaking(subject, what));
    } else {
        // Same type (a list or a map, which default to empty): only decoding changes.
        match (before.required, after.required) {
            (false, true) => changes.push(Change::breaking(
                subject,
                "now required: decoding fails without it",
            )),
            (true, false) => changes.push(Change::compatible(subject, "now optional")),
            _ => {}
        }
    }
    let json = |field: &Field| field.json.clone().unwrap_or_else(|| name.to_string());
    if json(before) != json(after) {
        changes.push(Change::breaking(
            subject,
            format!("now {:?} in JSON (was {:?})", json(after), json(before)),
        ));
    }
    if before.flatten != after.flatten {
        let what = if after.flatten {
            "now holds the object's other properties (flatten)"
        } else {
            "no longer holds the object's other properties (flatten)"
        };
        changes.push(Change::breaking(subject, what));
    }
}

/// The report of `changes`: a heading with the counts, then one line per change, breaking
/// ones first. Nothing when there is no change.
pub fn report(heading: &str, changes: &[Change]) -> Vec<String> {
    if changes.is_empty() {
        return Vec::new();
    }
    let breaking = changes.iter().filter(|c| c.breaking).count();
    let compatible = changes.len() - breaking;
    let mut lines = vec![format!(
        "{heading}: {}, {}",
        count(breaking, "breaking change"),
        count(compatible, "compatible change")
    )];
    for change in changes.iter().filter(|c| c.breaking) {
        lines.push(format!("  breaking    {}: {}", change.subject, change.what));
    }
    for change in changes.iter().filter(|c| !c.breaking) {
        lines.push(format!("  compatible  {}: {}", change.subject, change.what));
    }
    lines
}

fn count(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}

/// What codegen prints about one provider's API: how `new` differs from the committed
/// summary `committed` (the text of `file`, absent before the first run). Nothing when it
/// does not.
pub fn compare(provider: &str, file: &str, committed: Option<&str>, new: &Api) -> Vec<String> {
    let Some(committed) = committed else {
        return vec![format!(
            "{provider} public API: {file} is new ({}, {})",
            count(new.operations.len(), "operation"),
            count(new.types.len(), "type")
        )];
    };
    match api_summary::parse(committed) {
        Ok(old) => report(
            &format!("{provider} public API changes (against {file})"),
            &diff(&old, new),
        ),
        Err(e) => vec![format!(
            "{provider} public API: the committed {file} cannot be read ({e}), so its changes are not listed"
        )],
    }
}

/// What `api-diff` prints, and how many of the changes break.
#[derive(Debug, PartialEq, Eq)]
pub struct SpecComparison {
    /// The report, a line per change, breaking changes first.
    pub lines: Vec<String>,
    /// How many changes are breaking.
    pub breaking: usize,
}

/// The report of the changes from `old` to `new` under `heading`.
pub fn compare_apis(heading: &str, old: &Api, new: &Api) -> SpecComparison {
    let changes = diff(old, new);
    let lines = if changes.is_empty() {
        vec![format!("{heading}: no change to the public API")]
    } else {
        report(heading, &changes)
    };
    SpecComparison {
        lines,
        breaking: changes.iter().filter(|change| change.breaking).count(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The text form reads back to the same summary for every provider's real client.
    #[test]
    fn every_provider_summary_reads_back_unchanged() {
        for provider in crate::providers::PROVIDERS {
            let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
            let text = std::fs::read_to_string(root.join(provider.output))
                .expect("the generated client is there");
            let file = syn::parse_file(&text).expect("the generated client parses");
            let api = api_summary::summarize(&file).expect("the client summarizes");
            assert!(!api.operations.is_empty() && !api.types.is_empty());
            let text = api_summary::render(&api, &[]);
            assert_eq!(api_summary::parse(&text), Ok(api), "{}", provider.name);
        }
    }
}
