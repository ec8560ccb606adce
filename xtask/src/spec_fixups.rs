//! Named transformations of a spec, applied after validation and before generation.
//!
//! Each fixup changes the document in one documented way and returns a line per change, which
//! codegen prints, so the difference between what a spec says and what is generated is never
//! silent. [`SPEC_FIXUPS`] lists those that work on the document as JSON, in the order codegen
//! runs them, and [`TYPED_SPEC_FIXUPS`] those that work on the typed document after them.

use std::collections::{BTreeMap, BTreeSet};

use openapiv3::{OpenAPI, ReferenceOr, Schema, SchemaKind, Type};
use serde_json::Value;

use crate::fixup::{Applied, Fixup, fixup};

const SCHEMA_PREFIX: &str = "#/components/schemas/";

/// A spec on its way to the generators: the document as JSON (which keeps what the typed
/// document drops, such as a description beside a `$ref`), and what the fixups learned of it.
#[derive(Debug, Clone, Default)]
pub struct Draft {
    /// The document.
    pub raw: Value,
    /// The query parameters named in Rust by `x-rust-name`, whose wire names the client and
    /// mock fixups put back.
    pub wire_names: Vec<WireName>,
}

/// A spec fixup: changes the document as JSON, prepared for one [`Audience`].
pub type SpecFixup = Fixup<Draft, Audience>;

/// Every spec fixup on the JSON document, in the order codegen applies them.
pub const SPEC_FIXUPS: &[SpecFixup] = &[
    fixup!(drop_value_constraints, SomeProvider),
    fixup!(rust_parameter_names, SomeProvider),
    fixup!(audience_descriptions, SomeProvider),
];

/// The document in its typed form, after [`SPEC_FIXUPS`], and the schemas split so far.
#[derive(Debug)]
pub struct Typed {
    /// The document.
    pub spec: OpenAPI,
    /// The schemas split into a read and a write form.
    pub splits: Vec<Split>,
}

/// A spec fixup on the typed document.
pub type TypedSpecFixup = Fixup<Typed, ()>;

/// Every spec fixup on the typed document, in the order codegen applies them.
pub const TYPED_SPEC_FIXUPS: &[TypedSpecFixup] =
    &[fixup!(split_read_only_request_bodies, SomeProvider)];

/// A schema that was split into a read form and a write form by [`split_read_only_request_bodies`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split {
    /// The schema as the server sends it, with every field.
    pub read: String,
    /// The schema as the client sends it: `read` without its `readOnly` properties.
    pub write: String,
}

/// Gives every object schema that is sent as a request body, and that has `readOnly`
/// properties, a write form without them.
///
/// For a schema `User` used as a request body, a schema `UserInput` is added that has the same
/// properties minus the `readOnly` ones, and the request bodies refer to `UserInput` instead.
/// Schemas nested inside it (by `$ref`, directly or as array items) are split the same way when
/// they, or something inside them, have `readOnly` properties. Responses keep `User`, so a
/// value read from the server keeps every field, and codegen adds `From<User> for UserInput` so
/// a read value can be sent back (a read-modify-write) without the server-assigned fields.
///
/// It changes only what some specs have, so it may change nothing in one provider's spec;
/// codegen fails when it changes nothing in any.
pub fn split_read_only_request_bodies(typed: &mut Typed, _: &()) -> Result<Applied, String> {
    let spec = &mut typed.spec;
    let Some(components) = spec.components.as_mut() else {
        return Ok(Applied::default());
    };

    // The schemas named directly by a request body, and the operations naming them.
    let mut roots: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (_, item) in spec.paths.paths.iter() {
        let ReferenceOr::Item(item) = item else {
            continue;
        };
        for (_, operation) in item.iter() {
            let Some(ReferenceOr::Item(body)) = &operation.request_body else {
                continue;
            };
            for content in body.content.values() {
                if let Some(ReferenceOr::Reference { reference }) = &content.schema
                    && let Some(name) = reference.strip_prefix(SCHEMA_PREFIX)
                {
                    roots
                        .entry(name.to_string())
                        .or_default()
                        .push(operation.operation_id.clone().unwrap_or_default());
                }
            }
        }
    }

    // Everything reachable from the roots, and which of those need a write form.
    let object_of = |name: &str| -> Option<&openapiv3::ObjectType> {
        match components.schemas.get(name)? {
            ReferenceOr::Item(Schema {
                schema_kind: SchemaKind::Type(Type::Object(object)),
                ..
            }) => Some(object),
            _ => None,
        }
    };
    let mut reachable = BTreeSet::new();
    let mut work: Vec<String> = roots.keys().cloned().collect();
    while let Some(name) = work.pop() {
        if !reachable.insert(name.clone()) {
            continue;
        }
        if let Some(object) = object_of(&name) {
            work.extend(object.properties.values().filter_map(referenced_schema));
        }
    }
    let mut needs_split: BTreeSet<String> = reachable
        .iter()
        .filter(|name| object_of(name).is_some_and(|o| o.properties.values().any(is_read_only)))
        .cloned()
        .collect();
    loop {
        let before = needs_split.len();
        for name in &reachable {
            if let Some(object) = object_of(name)
                && object
                    .properties
                    .values()
                    .filter_map(referenced_schema)
                    .any(|child| needs_split.contains(&child))
            {
                needs_split.insert(name.clone());
            }
        }
        if needs_split.len() == before {
            break;
        }
    }

    let write_name = |name: &str| format!("{name}Input");
    let mut splits = Vec::new();
    let mut log = Vec::new();
    for name in &needs_split {
        let write = write_name(name);
        if components.schemas.contains_key(&write) {
            return Err(format!(
                "schema {name} needs a write form, but the name {write} is already taken"
            ));
        }
        let Some(ReferenceOr::Item(schema)) = components.schemas.get(name) else {
            continue;
        };
        let mut schema = schema.clone();
        let SchemaKind::Type(Type::Object(object)) = &mut schema.schema_kind else {
            continue;
        };
        let dropped: Vec<String> = object
            .properties
            .iter()
            .filter(|(_, property)| is_read_only(property))
            .map(|(key, _)| key.clone())
            .collect();
        object.properties.retain(|key, _| !dropped.contains(key));
        object.required.retain(|key| !dropped.contains(key));
        for property in object.properties.values_mut() {
            rename_reference(property, &needs_split, &write_name);
        }
        schema.schema_data.description = Some(format!(
            "The writable fields of [`{name}`], as a request sends them."
        ));
        components
            .schemas
            .insert(write.clone(), ReferenceOr::Item(schema));
        let users = roots.get(name).map(|ops| ops.join(", "));
        log.push(format!(
            "split_read_only_request_bodies: {name} -> {write} without [{}]{}",
            dropped.join(", "),
            users.map(|u| format!(", sent by {u}")).unwrap_or_default()
        ));
        splits.push(Split {
            read: name.clone(),
            write,
        });
    }

    for (_, item) in spec.paths.paths.iter_mut() {
        let ReferenceOr::Item(item) = item else {
            continue;
        };
        let operations = [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.options,
            &mut item.head,
            &mut item.patch,
            &mut item.trace,
        ];
        for operation in operations.into_iter().flatten() {
            let Some(ReferenceOr::Item(body)) = &mut operation.request_body else {
                continue;
            };
            for content in body.content.values_mut() {
                if let Some(ReferenceOr::Reference { reference }) = &mut content.schema {
                    let renamed = reference
                        .strip_prefix(SCHEMA_PREFIX)
                        .filter(|name| needs_split.contains(*name))
                        .map(|name| format!("{SCHEMA_PREFIX}{}", write_name(name)));
                    if let Some(renamed) = renamed {
                        *reference = renamed;
                    }
                }
            }
        }
    }
    let places = splits.len();
    typed.splits = splits;
    Ok(Applied { places, log })
}

fn is_read_only(property: &ReferenceOr<Box<Schema>>) -> bool {
    matches!(property, ReferenceOr::Item(schema) if schema.schema_data.read_only)
}

/// The component schema a property names, directly or as the items of an array.
fn referenced_schema(property: &ReferenceOr<Box<Schema>>) -> Option<String> {
    match property {
        ReferenceOr::Reference { reference } => {
            reference.strip_prefix(SCHEMA_PREFIX).map(str::to_string)
        }
        ReferenceOr::Item(schema) => match &schema.schema_kind {
            SchemaKind::Type(Type::Array(array)) => match array.items.as_ref()? {
                ReferenceOr::Reference { reference } => {
                    reference.strip_prefix(SCHEMA_PREFIX).map(str::to_string)
                }
                ReferenceOr::Item(_) => None,
            },
            _ => None,
        },
    }
}

fn rename_reference(
    property: &mut ReferenceOr<Box<Schema>>,
    split: &BTreeSet<String>,
    write_name: &impl Fn(&str) -> String,
) {
    let reference = match property {
        ReferenceOr::Reference { reference } => reference,
        ReferenceOr::Item(schema) => match &mut schema.schema_kind {
            SchemaKind::Type(Type::Array(array)) => match array.items.as_mut() {
                Some(ReferenceOr::Reference { reference }) => reference,
                _ => return,
            },
            _ => return,
        },
    };
    let renamed = reference
        .strip_prefix(SCHEMA_PREFIX)
        .filter(|name| split.contains(*name))
        .map(|name| format!("{SCHEMA_PREFIX}{}", write_name(name)));
    if let Some(renamed) = renamed {
        *reference = renamed;
    }
}

/// Value constraints that the server enforces and a client must not.
const VALUE_CONSTRAINTS: &[&str] = &[
    "minLength",
    "maxLength",
    "pattern",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "minItems",
    "maxItems",
];

/// Moves the value constraints of component schemas (`maxLength: 50`, `minimum: 1`, ...) from
/// the type into its description.
///
/// progenitor turns a constrained string into a newtype that refuses other values, and a
/// `minimum: 1` integer into `NonZeroU64`. In a response type that makes decoding fail on data
/// the server already holds (a legacy name of one letter), and in a request type it makes the
/// value awkward to build; the server validates what it receives either way. Parameters keep
/// their constraints: they only shape what this client sends.
///
/// It changes only what some specs have, so it may change nothing in one provider's spec;
/// codegen fails when it changes nothing in any.
pub fn drop_value_constraints(draft: &mut Draft, _: &Audience) -> Result<Applied, String> {
    let mut log = Vec::new();
    let Some(Value::Object(schemas)) = draft.raw.pointer_mut("/components/schemas") else {
        return Ok(Applied::default());
    };
    for (name, schema) in schemas.iter_mut() {
        let mut dropped = Vec::new();
        drop_constraints_in(schema, "", &mut dropped);
        if !dropped.is_empty() {
            log.push(format!(
                "drop_value_constraints: {name} [{}]",
                dropped.join(", ")
            ));
        }
    }
    Ok(Applied::each(log))
}

fn drop_constraints_in(node: &mut Value, at: &str, dropped: &mut Vec<String>) {
    match node {
        Value::Object(map) => {
            let mut limits = Vec::new();
            for key in VALUE_CONSTRAINTS {
                // A property *named* like a constraint holds a schema object, not a value.
                if map.get(*key).is_some_and(|v| !v.is_object())
                    && let Some(value) = map.remove(*key)
                {
                    limits.push(format!("{key} {value}"));
                }
            }
            if !limits.is_empty() {
                let place = if at.is_empty() {
                    "/".to_string()
                } else {
                    at.to_string()
                };
                dropped.push(format!("{place}: {}", limits.join(" ")));
                let note = format!("Server limits: {}.", limits.join(", "));
                let description = match map.get("description").and_then(Value::as_str) {
                    Some(text) => format!("{text} {note}"),
                    None => note,
                };
                map.insert("description".to_string(), Value::String(description));
            }
            for (key, value) in map.iter_mut() {
                drop_constraints_in(value, &format!("{at}/{key}"), dropped);
            }
        }
        Value::Array(items) => {
            for (index, item) in items.iter_mut().enumerate() {
                drop_constraints_in(item, &format!("{at}/{index}"), dropped);
            }
        }
        _ => {}
    }
}

/// One operation of the document as JSON: a member of a path item with an `operationId`, as
/// `SpecDocs::from_spec` reads them.
struct RawOperation<'a> {
    /// Its path, as the spec writes it.
    path: &'a str,
    /// Its method, lower case.
    method: &'a str,
    /// Its operationId.
    id: String,
    /// Its fields.
    fields: &'a mut serde_json::Map<String, Value>,
}

impl RawOperation<'_> {
    /// How messages name the operation: `get_x (get /x)`.
    fn at(&self) -> String {
        format!("{} ({} {})", self.id, self.method, self.path)
    }
}

/// Every operation of the raw document, in the spec's order.
fn raw_operations(raw: &mut Value) -> impl Iterator<Item = RawOperation<'_>> {
    raw.get_mut("paths")
        .and_then(Value::as_object_mut)
        .into_iter()
        .flatten()
        .filter_map(|(path, item)| Some((path, item.as_object_mut()?)))
        .flat_map(|(path, item)| {
            item.iter_mut().filter_map(move |(method, operation)| {
                let fields = operation.as_object_mut()?;
                let id = fields.get("operationId")?.as_str()?.to_string();
                Some(RawOperation {
                    path,
                    method,
                    id,
                    fields,
                })
            })
        })
}

/// A query parameter whose Rust name is not its wire name: the spec's `x-rust-name`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WireName {
    /// The operation the parameter belongs to.
    pub operation_id: String,
    /// Its name in Rust: the builder's setter and the mock's matcher (the CLI's flag takes the
    /// wire name when it can, `cli_fixups::flags_named_after_the_wire`).
    pub rust: String,
    /// Its name on the wire, as the spec's `name` writes it.
    pub wire: String,
}

/// Names a query parameter in Rust by its `x-rust-name` rather than its wire name.
///
/// A wire name that is no Rust name comes out of progenitor as whatever its sanitizing
/// makes of it: Mattermost's cache-busting parameter `_` became `x` in the builder (`.x(..)`),
/// the mock and the CLI (`--x`). `x-rust-name: update_time` on an operation's own query
/// parameter renames it in the document the generators read, and returns where the wire name
/// has to go back: the client's and the mock's code fixups put it in place of the Rust name in
/// what goes on the wire, and the CLI's names the flag after it. The name must be snake case and not another parameter's of the
/// operation. `x-rust-name` anywhere else (a path's shared parameters, `components`) is an
/// error, so the extension never has an effect it does not say.
///
/// It changes only what some specs have, so it may change nothing in one provider's spec;
/// codegen fails when it changes nothing in any.
pub fn rust_parameter_names(draft: &mut Draft, _: &Audience) -> Result<Applied, String> {
    let raw = &mut draft.raw;
    let mut names = Vec::new();
    let components = raw
        .pointer("/components/parameters")
        .and_then(Value::as_object);
    if let Some(name) = components
        .into_iter()
        .flatten()
        .find_map(|(name, p)| p.get("x-rust-name").map(|_| name))
    {
        return Err(format!(
            "components/parameters/{name}: x-rust-name is read only on an operation's own parameters"
        ));
    }
    let paths = raw.get("paths").and_then(Value::as_object);
    for (path, item) in paths.into_iter().flatten() {
        let shared = item.get("parameters").and_then(Value::as_array);
        if shared.is_some_and(|all| all.iter().any(|p| p.get("x-rust-name").is_some())) {
            return Err(format!(
                "{path}: x-rust-name is read only on an operation's own parameters"
            ));
        }
    }
    for operation in raw_operations(raw) {
        let at = operation.at();
        let Some(Value::Array(parameters)) = operation.fields.get_mut("parameters") else {
            continue;
        };
        let taken: BTreeSet<String> = parameters
            .iter()
            .filter_map(|p| p.get("name").and_then(Value::as_str).map(str::to_string))
            .collect();
        for parameter in parameters.iter_mut() {
            let Value::Object(parameter) = parameter else {
                continue;
            };
            let Some(rust) = parameter.remove("x-rust-name") else {
                continue;
            };
            let rust = rust
                .as_str()
                .filter(|name| {
                    name.starts_with(|c: char| c.is_ascii_lowercase())
                        && name
                            .chars()
                            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
                })
                .ok_or_else(|| format!("{at}: x-rust-name must be a snake_case name"))?
                .to_string();
            if parameter.get("in").and_then(Value::as_str) != Some("query") {
                return Err(format!(
                    "{at}: x-rust-name is read only on query parameters"
                ));
            }
            if taken.contains(&rust) {
                return Err(format!(
                    "{at}: x-rust-name {rust} is another parameter's name"
                ));
            }
            let wire = parameter
                .insert("name".to_string(), Value::String(rust.clone()))
                .and_then(|name| name.as_str().map(str::to_string))
                .ok_or_else(|| format!("{at}: a parameter with x-rust-name has no name"))?;
            names.push(WireName {
                operation_id: operation.id.clone(),
                rust,
                wire,
            });
        }
    }
    let log = names
        .iter()
        .map(|name| {
            format!(
                "rust_parameter_names: {} query parameter {:?} is {} in Rust",
                name.operation_id, name.wire, name.rust
            )
        })
        .collect();
    draft.wire_names = names;
    Ok(Applied::each(log))
}

/// Who reads an operation's description: the Rust client's docs, or the command line's help.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    /// The generated client, its typed mocks and their docs.
    Rust,
    /// The `user-apis` command-line tool.
    Cli,
}

impl Audience {
    /// The operation's extension that holds the paragraph for this audience.
    const fn key(self) -> &'static str {
        match self {
            Self::Rust => "x-rust-doc",
            Self::Cli => "x-cli-doc",
        }
    }
}

const AUDIENCES: [Audience; 2] = [Audience::Rust, Audience::Cli];

/// Ends each operation's description with the paragraph the spec writes for `audience` alone.
///
/// One description feeds both the Rust docs and the command line's help, and some facts are
/// one audience's: which Rust method reads GitLab's undocumented 304, or that the command exits
/// 0 on it. An operation's `x-rust-doc` is such a paragraph for the Rust docs, `x-cli-doc` one
/// for the command's help. Both extensions leave the document, whichever audience it is
/// prepared for, so neither reader sees the other's. A value that is not text, or either
/// extension anywhere but on an operation, is an error: it would say nothing where it stands.
///
/// It changes only what some specs have, so it may change nothing in one provider's spec;
/// codegen fails when it changes nothing in any.
pub fn audience_descriptions(draft: &mut Draft, audience: &Audience) -> Result<Applied, String> {
    let (raw, audience) = (&mut draft.raw, *audience);
    let mut log = Vec::new();
    for operation in raw_operations(raw) {
        for other in AUDIENCES {
            let Some(paragraph) = operation.fields.remove(other.key()) else {
                continue;
            };
            let Value::String(paragraph) = paragraph else {
                return Err(format!("{}: {} must be text", operation.at(), other.key()));
            };
            if other != audience {
                continue;
            }
            let paragraph = paragraph.trim();
            let description = match operation.fields.get("description").and_then(Value::as_str) {
                Some(text) if !text.trim().is_empty() => {
                    format!("{}\n\n{paragraph}", text.trim_end())
                }
                _ => paragraph.to_string(),
            };
            operation
                .fields
                .insert("description".to_string(), Value::String(description));
            log.push(format!(
                "audience_descriptions: {}'s description ends with its {}",
                operation.id,
                other.key()
            ));
        }
    }
    match misplaced_audience_key(raw, "") {
        Some((at, key)) => Err(format!("{at}: {key} is read only on operations")),
        None => Ok(Applied::each(log)),
    }
}

/// Where an audience extension is left after [`audience_descriptions`] took the operations':
/// the JSON pointer of the object holding it, and the key.
fn misplaced_audience_key(node: &Value, at: &str) -> Option<(String, &'static str)> {
    match node {
        Value::Object(map) => {
            if let Some(audience) = AUDIENCES.iter().find(|a| map.contains_key(a.key())) {
                return Some((at.to_string(), audience.key()));
            }
            map.iter().find_map(|(key, value)| {
                let escaped = key.replace('~', "~0").replace('/', "~1");
                misplaced_audience_key(value, &format!("{at}/{escaped}"))
            })
        }
        Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(index, item)| misplaced_audience_key(item, &format!("{at}/{index}"))),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs the spec fixup `fixup` for `audience` on the bare document `raw`: its log, and the
    /// Rust names it found.
    fn on_raw(
        raw: &mut Value,
        fixup: fn(&mut Draft, &Audience) -> Result<Applied, String>,
        audience: Audience,
    ) -> Result<(Vec<String>, Vec<WireName>), String> {
        let mut draft = Draft {
            raw: raw.take(),
            wire_names: Vec::new(),
        };
        let applied = fixup(&mut draft, &audience);
        *raw = draft.raw;
        applied.map(|applied| (applied.log, draft.wire_names))
    }

    fn audience_descriptions(raw: &mut Value, audience: Audience) -> Result<Vec<String>, String> {
        on_raw(raw, super::audience_descriptions, audience).map(|(log, _)| log)
    }

    fn rust_parameter_names(raw: &mut Value) -> Result<(Vec<WireName>, Vec<String>), String> {
        on_raw(raw, super::rust_parameter_names, Audience::Rust).map(|(log, names)| (names, log))
    }

    fn split_read_only_request_bodies(
        spec: &mut OpenAPI,
    ) -> Result<(Vec<Split>, Vec<String>), String> {
        let mut typed = Typed {
            spec: std::mem::take(spec),
            splits: Vec::new(),
        };
        let applied = super::split_read_only_request_bodies(&mut typed, &());
        *spec = typed.spec;
        applied.map(|applied| (typed.splits, applied.log))
    }

    fn drop_value_constraints(raw: &mut Value) -> Vec<String> {
        on_raw(raw, super::drop_value_constraints, Audience::Rust)
            .map(|(log, _)| log)
            .expect("never fails")
    }

    #[test]
    fn each_audience_reads_its_own_paragraph_and_neither_extension() {
        let spec = serde_json::json!({
            "paths": {"/x": {"post": {
                "operationId": "follow",
                "description": "Follows.\n",
                "x-rust-doc": "`send_or_unchanged` reads a 304 as nothing changed.",
                "x-cli-doc": "A 304 exits 0.",
            }, "get": {
                "operationId": "get_x",
                "x-cli-doc": "Prints the user.",
            }}}
        });
        let mut rust = spec.clone();
        let log = audience_descriptions(&mut rust, Audience::Rust).unwrap();
        assert_eq!(
            rust["paths"]["/x"]["post"],
            serde_json::json!({
                "operationId": "follow",
                "description": "Follows.\n\n`send_or_unchanged` reads a 304 as nothing changed.",
            })
        );
        assert_eq!(
            rust["paths"]["/x"]["get"],
            serde_json::json!({"operationId": "get_x"})
        );
        assert_eq!(
            log,
            ["audience_descriptions: follow's description ends with its x-rust-doc"]
        );
        let mut cli = spec;
        audience_descriptions(&mut cli, Audience::Cli).unwrap();
        assert_eq!(
            cli["paths"]["/x"]["post"]["description"],
            "Follows.\n\nA 304 exits 0."
        );
        // Without a description of its own, the paragraph is the description.
        assert_eq!(
            cli["paths"]["/x"]["get"],
            serde_json::json!({"operationId": "get_x", "description": "Prints the user."})
        );
    }

    #[test]
    fn audience_paragraphs_are_refused_where_they_would_say_nothing() {
        let refused =
            |spec: Value| audience_descriptions(&mut spec.clone(), Audience::Rust).unwrap_err();
        assert_eq!(
            refused(serde_json::json!({"paths": {"/x": {"get": {
                "operationId": "get_x", "x-cli-doc": ["not", "text"]
            }}}})),
            "get_x (get /x): x-cli-doc must be text"
        );
        assert_eq!(
            refused(serde_json::json!({"paths": {"/x": {
                "x-rust-doc": "on the path",
                "get": {"operationId": "get_x"}
            }}})),
            "/paths/~1x: x-rust-doc is read only on operations"
        );
        assert_eq!(
            refused(serde_json::json!({"components": {"schemas": {"User": {
                "x-cli-doc": "on a schema"
            }}}})),
            "/components/schemas/User: x-cli-doc is read only on operations"
        );
    }

    #[test]
    fn x_rust_name_renames_an_operations_own_query_parameter() {
        let mut raw = serde_json::json!({
            "paths": {
                "/users/{id}/image": {
                    "parameters": [{"name": "id", "in": "path"}],
                    "get": {
                        "operationId": "get_image",
                        "parameters": [
                            {"name": "_", "in": "query", "x-rust-name": "update_time"},
                            {"name": "size", "in": "query"}
                        ]
                    }
                }
            }
        });
        let (names, log) = rust_parameter_names(&mut raw).expect("applies");
        assert_eq!(
            names,
            [WireName {
                operation_id: "get_image".to_string(),
                rust: "update_time".to_string(),
                wire: "_".to_string(),
            }]
        );
        assert_eq!(
            log,
            ["rust_parameter_names: get_image query parameter \"_\" is update_time in Rust"]
        );
        assert_eq!(
            raw.pointer("/paths/~1users~1{id}~1image/get/parameters/0"),
            Some(&serde_json::json!({"name": "update_time", "in": "query"})),
            "renamed, and the extension removed"
        );
    }

    #[test]
    fn x_rust_name_is_refused_where_it_would_not_say_what_it_does() {
        let refused = |raw: Value| rust_parameter_names(&mut { raw }).expect_err("refused");
        let operation = |parameter: Value| {
            serde_json::json!({"paths": {"/x": {"get": {
                "operationId": "get_x",
                "parameters": [parameter, {"name": "size", "in": "query"}]
            }}}})
        };
        assert_eq!(
            refused(operation(
                serde_json::json!({"name": "X-Id", "in": "header", "x-rust-name": "id"})
            )),
            "get_x (get /x): x-rust-name is read only on query parameters"
        );
        for bad in [
            serde_json::json!("Update-Time"),
            serde_json::json!(""),
            serde_json::json!(3),
        ] {
            assert_eq!(
                refused(operation(
                    serde_json::json!({"name": "_", "in": "query", "x-rust-name": bad})
                )),
                "get_x (get /x): x-rust-name must be a snake_case name"
            );
        }
        assert_eq!(
            refused(operation(
                serde_json::json!({"name": "_", "in": "query", "x-rust-name": "size"})
            )),
            "get_x (get /x): x-rust-name size is another parameter's name"
        );
        assert_eq!(
            refused(serde_json::json!({"paths": {"/x": {
                "parameters": [{"name": "_", "in": "query", "x-rust-name": "t"}]
            }}})),
            "/x: x-rust-name is read only on an operation's own parameters"
        );
        assert_eq!(
            refused(serde_json::json!({"components": {"parameters": {
                "Bust": {"name": "_", "in": "query", "x-rust-name": "t"}
            }}})),
            "components/parameters/Bust: x-rust-name is read only on an operation's own parameters"
        );
    }

    #[test]
    fn value_constraints_move_into_descriptions() {
        let mut raw = serde_json::json!({
            "components": {"schemas": {"User": {
                "type": "object",
                "properties": {
                    "name": {"type": "string", "maxLength": 50, "description": "Name."},
                    "pattern": {"type": "string"}
                }
            }}}
        });
        let log = drop_value_constraints(&mut raw);
        assert_eq!(
            log,
            vec!["drop_value_constraints: User [/properties/name: maxLength 50]"]
        );
        let name = &raw["components"]["schemas"]["User"]["properties"]["name"];
        assert_eq!(
            name,
            &serde_json::json!({
                "type": "string", "description": "Name. Server limits: maxLength 50."
            })
        );
        // A property that happens to be called `pattern` is kept.
        assert!(raw["components"]["schemas"]["User"]["properties"]["pattern"].is_object());
    }

    const SPEC: &str = r##"
openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /users:
    post:
      operationId: create_user
      requestBody:
        content: {application/json: {schema: {$ref: "#/components/schemas/User"}}}
      responses:
        "201":
          description: ok
          content: {application/json: {schema: {$ref: "#/components/schemas/User"}}}
components:
  schemas:
    User:
      type: object
      required: [id, name]
      properties:
        id: {type: string, readOnly: true}
        name: {type: string}
        company: {$ref: "#/components/schemas/Company"}
        tags: {type: array, items: {$ref: "#/components/schemas/Tag"}}
    Company:
      type: object
      properties:
        created: {type: string, readOnly: true}
        name: {type: string}
    Tag:
      type: object
      properties:
        label: {type: string}
"##;

    #[test]
    fn read_only_fields_leave_request_bodies_only() {
        let mut spec: OpenAPI = serde_saphyr::from_str(SPEC).expect("test spec parses");
        let (splits, log) = split_read_only_request_bodies(&mut spec).expect("split works");
        assert_eq!(
            splits,
            vec![
                Split {
                    read: "Company".into(),
                    write: "CompanyInput".into()
                },
                Split {
                    read: "User".into(),
                    write: "UserInput".into()
                },
            ]
        );
        assert_eq!(
            log[1],
            "split_read_only_request_bodies: User -> UserInput without [id], sent by create_user"
        );
        let json = serde_json::to_value(&spec).expect("spec serializes");
        let schemas = &json["components"]["schemas"];
        assert_eq!(
            schemas["UserInput"]["required"],
            serde_json::json!(["name"])
        );
        assert!(schemas["UserInput"]["properties"].get("id").is_none());
        assert_eq!(
            schemas["UserInput"]["properties"]["company"]["$ref"],
            "#/components/schemas/CompanyInput"
        );
        // Tag has nothing read-only, so it is shared by both forms.
        assert_eq!(
            schemas["UserInput"]["properties"]["tags"]["items"]["$ref"],
            "#/components/schemas/Tag"
        );
        let operation = &json["paths"]["/users"]["post"];
        assert_eq!(
            operation["requestBody"]["content"]["application/json"]["schema"]["$ref"],
            "#/components/schemas/UserInput"
        );
        assert_eq!(
            operation["responses"]["201"]["content"]["application/json"]["schema"]["$ref"],
            "#/components/schemas/User"
        );
        // The read form is untouched.
        assert!(schemas["User"]["properties"].get("id").is_some());
    }
}
