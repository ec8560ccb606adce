//! Code fixups that document what progenitor leaves undocumented, from the spec's own words.
//!
//! progenitor documents types, fields with a `description`, operations and their builders, but
//! not enum variants, fields whose schema is a `$ref`, the builders typify generates for every
//! type (`types::builder`), or the setters of request builders. Generated code is held to the
//! workspace's `missing_docs` lint like the rest (CI denies warnings), so each of these fixups
//! fills one such gap from the spec: what the spec says is what the documentation says. An item
//! the spec says nothing about is left undocumented and named in the log, and the compiler's
//! `missing_docs` lint then points at it.

use std::collections::BTreeMap;

use serde_json::Value;
use syn::{Attribute, Fields, File, ImplItem, Item, parse_quote};

use super::ClientCtx;
use crate::fixup::Applied;
use crate::spec_fixups::Split;
use crate::syntax::{builder_name, module_items, module_items_mut, self_type_name, serde_args};

/// What a spec says about the items progenitor leaves undocumented, read once per spec.
#[derive(Debug, Default)]
pub struct SpecDocs {
    /// Per operationId, each parameter (path-level ones included) as `(name, description)`.
    parameters: BTreeMap<String, Vec<(String, String)>>,
    /// Per operationId, the request body's description.
    bodies: BTreeMap<String, String>,
    /// Per component schema, the descriptions written beside its `$ref` properties (keyed by
    /// property name) and beside its `additionalProperties` (keyed by [`EXTRA`]).
    properties: BTreeMap<String, BTreeMap<String, String>>,
    /// Every enum of the spec, wherever it is declared.
    enums: Vec<SpecEnum>,
}

/// The key of `additionalProperties` in [`SpecDocs::properties`]; no property can have it.
const EXTRA: &str = "";

/// One `enum` of the spec and the descriptions of its values.
#[derive(Debug)]
struct SpecEnum {
    /// The component schema's name, for an enum declared in `components/schemas`.
    schema: Option<String>,
    /// The values, as sent on the wire.
    values: Vec<String>,
    /// Descriptions of the values, from the schema's `x-enumDescriptions` map.
    descriptions: BTreeMap<String, String>,
}

impl SpecDocs {
    /// Reads the descriptions from the spec as JSON (the typed document drops a description
    /// written beside a `$ref`, and vendor extensions such as `x-enumDescriptions`).
    pub fn from_spec(raw: &Value) -> Self {
        let mut docs = SpecDocs::default();

        if let Some(Value::Object(paths)) = raw.get("paths") {
            for item in paths.values() {
                let shared = item.get("parameters").and_then(Value::as_array);
                let Value::Object(item) = item else { continue };
                for operation in item.values() {
                    let Some(id) = text(operation.get("operationId")) else {
                        continue;
                    };
                    let own = operation.get("parameters").and_then(Value::as_array);
                    let parameters = shared
                        .into_iter()
                        .chain(own)
                        .flatten()
                        .filter_map(|parameter| {
                            let parameter = resolve(raw, parameter)?;
                            Some((
                                text(parameter.get("name"))?,
                                text(parameter.get("description"))?,
                            ))
                        })
                        .collect();
                    docs.parameters.insert(id.clone(), parameters);
                    if let Some(body) = operation
                        .get("requestBody")
                        .and_then(|body| resolve(raw, body))
                        && let Some(description) = text(body.get("description"))
                    {
                        docs.bodies.insert(id, description);
                    }
                }
            }
        }

        if let Some(Value::Object(schemas)) = raw.pointer("/components/schemas") {
            for (name, schema) in schemas {
                let mut described = BTreeMap::new();
                described_properties(raw, schema, &mut described, 0);
                docs.properties.insert(name.clone(), described);
            }
        }

        collect_enums(raw, "", &mut docs.enums);
        docs
    }

    /// The descriptions of a schema's `$ref` properties, for the generated struct `name`; a
    /// write form (`UserInput`) reads those of the schema it was split from (`User`).
    fn properties_of(&self, name: &str, splits: &[Split]) -> Option<&BTreeMap<String, String>> {
        let name = splits
            .iter()
            .find(|split| split.write == name)
            .map_or(name, |split| split.read.as_str());
        self.properties
            .iter()
            .find(|(schema, _)| same_name(schema, name))
            .map(|(_, described)| described)
    }

    /// The spec's enum behind the generated enum `name` with these wire values: the component
    /// schema of that name, else the only enum with exactly these values.
    fn enum_for(&self, name: &str, values: &[String]) -> Option<&SpecEnum> {
        let by_name = self.enums.iter().find(|spec| {
            spec.schema
                .as_deref()
                .is_some_and(|schema| same_name(schema, name))
        });
        by_name.or_else(|| {
            let mut same_values = self.enums.iter().filter(|spec| {
                spec.values.len() == values.len()
                    && values.iter().all(|value| spec.values.contains(value))
            });
            match (same_values.next(), same_values.next()) {
                (Some(only), None) => Some(only),
                _ => None,
            }
        })
    }
}

/// A string value, owned.
fn text(value: Option<&Value>) -> Option<String> {
    value.and_then(Value::as_str).map(str::to_string)
}

/// A parameter, body or schema as written, or the component its `$ref` names.
fn resolve<'a>(raw: &'a Value, value: &'a Value) -> Option<&'a Value> {
    match value.get("$ref").and_then(Value::as_str) {
        Some(reference) => raw.pointer(reference.strip_prefix('#')?),
        None => Some(value),
    }
}

/// Adds to `described` the descriptions written beside `schema`'s `$ref` properties and its
/// `additionalProperties`, and those of the members of its `allOf`, which the generator
/// merges into one struct (a `$ref` member's own, followed to a few levels).
fn described_properties(
    raw: &Value,
    schema: &Value,
    described: &mut BTreeMap<String, String>,
    depth: usize,
) {
    if let Some(Value::Object(properties)) = schema.get("properties") {
        for (property, value) in properties {
            if value.get("$ref").is_some()
                && let Some(description) = text(value.get("description"))
            {
                described.insert(property.clone(), description);
            }
        }
    }
    if let Some(description) = schema
        .get("additionalProperties")
        .and_then(|extra| text(extra.get("description")))
    {
        described.insert(EXTRA.to_string(), description);
    }
    if depth >= 4 {
        return;
    }
    let members = schema.get("allOf").and_then(Value::as_array);
    for member in members.into_iter().flatten() {
        if let Some(member) = resolve(raw, member) {
            described_properties(raw, member, described, depth + 1);
        }
    }
}

/// Every `enum` below `node` (at JSON pointer `at`), with the component schema's name for
/// those declared directly in `components/schemas`.
fn collect_enums(node: &Value, at: &str, found: &mut Vec<SpecEnum>) {
    match node {
        Value::Object(map) => {
            if let Some(Value::Array(values)) = map.get("enum") {
                let descriptions = match map.get("x-enumDescriptions") {
                    Some(Value::Object(described)) => described
                        .iter()
                        .filter_map(|(value, text)| Some((value.clone(), text.as_str()?.into())))
                        .collect(),
                    _ => BTreeMap::new(),
                };
                found.push(SpecEnum {
                    schema: at
                        .strip_prefix("/components/schemas/")
                        .filter(|name| !name.contains('/'))
                        .map(str::to_string),
                    values: values.iter().map(wire_value).collect(),
                    descriptions,
                });
            }
            for (key, value) in map {
                if key != "x-enumDescriptions" {
                    collect_enums(value, &format!("{at}/{key}"), found);
                }
            }
        }
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                collect_enums(item, &format!("{at}/{index}"), found);
            }
        }
        _ => {}
    }
}

/// An enum value as text, the way it appears on the wire.
fn wire_value(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

/// Whether a spec name and a Rust name refer to the same thing: equal once case and
/// punctuation are ignored (`user_id` and `userID`, `PublicUser` and `public-user`).
/// A spec name with no letter or digit (such as `_`, when no `x-rust-name` names it) becomes
/// `x` in Rust, as typify's `sanitize` names it.
fn same_name(spec: &str, rust: &str) -> bool {
    let fold = |name: &str| -> String {
        name.chars()
            .filter(char::is_ascii_alphanumeric)
            .map(|c| c.to_ascii_lowercase())
            .collect()
    };
    let spec = fold(spec);
    let spec = if spec.is_empty() {
        "x".to_string()
    } else {
        spec
    };
    spec == fold(rust)
}

fn has_doc(attrs: &[Attribute]) -> bool {
    attrs.iter().any(|attr| attr.path().is_ident("doc"))
}

fn doc_text(attrs: &[Attribute]) -> Vec<Attribute> {
    attrs
        .iter()
        .filter(|attr| attr.path().is_ident("doc"))
        .cloned()
        .collect()
}

fn push_doc(attrs: &mut Vec<Attribute>, text: &str) {
    attrs.insert(0, parse_quote!(#[doc = #text]));
}

/// The name serde reads and writes an enum variant or a field under: its `rename`, else its
/// own.
fn serde_name(attrs: &[Attribute], ident: &syn::Ident) -> Result<String, String> {
    Ok(serde_args(attrs)?
        .remove("rename")
        .flatten()
        .unwrap_or_else(|| ident.to_string()))
}

/// Documents every variant of the generated enums with the description the spec gives its
/// value in the schema's `x-enumDescriptions` map (`{admin: "Manages the organisation."}`),
/// the form Redoc also renders. OpenAPI 3.0 itself has no place for one.
///
/// Every provider's client has this shape, so codegen fails when this changes nothing.
pub fn document_enum_variants(file: &mut File, ctx: &ClientCtx) -> Result<Applied, String> {
    let docs = &ctx.docs;
    let items = module_items(file, "types")?;
    let mut log = Vec::new();
    let mut places = 0;
    for item in items.iter_mut() {
        let Item::Enum(item) = item else { continue };
        let undocumented = item.variants.iter().any(|v| !has_doc(&v.attrs));
        if !undocumented {
            continue;
        }
        let values: Vec<String> = item
            .variants
            .iter()
            .filter(|v| matches!(v.fields, Fields::Unit))
            .map(|v| serde_name(&v.attrs, &v.ident))
            .collect::<Result<_, _>>()?;
        let spec = docs.enum_for(&item.ident.to_string(), &values);
        let (mut documented, mut missing) = (0, Vec::new());
        for variant in item.variants.iter_mut() {
            if has_doc(&variant.attrs) || !matches!(variant.fields, Fields::Unit) {
                continue;
            }
            let value = serde_name(&variant.attrs, &variant.ident)?;
            match spec.and_then(|spec| spec.descriptions.get(&value)) {
                Some(description) => {
                    push_doc(&mut variant.attrs, &format!("`{value}`: {description}"));
                    documented += 1;
                }
                None => missing.push(value),
            }
        }
        places += documented;
        log.push(format!(
            "document_enum_variants: {} has {documented} variant(s) documented from x-enumDescriptions",
            item.ident
        ));
        if !missing.is_empty() {
            log.push(format!(
                "document_enum_variants: {} has no x-enumDescriptions for {}",
                item.ident,
                missing.join(", ")
            ));
        }
    }
    Ok(Applied { places, log })
}

/// Documents the fields progenitor cannot: a property that is a `$ref` (OpenAPI 3.0 drops a
/// description written beside it, but the raw document keeps it) and the map that keeps the
/// properties a schema does not name (its `additionalProperties` description).
///
/// Every provider's client has this shape, so codegen fails when this changes nothing.
pub fn document_reference_fields(file: &mut File, ctx: &ClientCtx) -> Result<Applied, String> {
    let (docs, splits) = (&ctx.docs, &ctx.splits);
    let items = module_items(file, "types")?;
    let mut log = Vec::new();
    let mut places = 0;
    for item in items.iter_mut() {
        let Item::Struct(item) = item else { continue };
        let described = docs.properties_of(&item.ident.to_string(), splits);
        let mut documented = Vec::new();
        let mut missing = Vec::new();
        for field in item.fields.iter_mut() {
            if has_doc(&field.attrs) {
                continue;
            }
            let Some(ident) = &field.ident else { continue };
            let key = if serde_args(&field.attrs)?.contains_key("flatten") {
                EXTRA.to_string()
            } else {
                serde_name(&field.attrs, ident)?
            };
            match described.and_then(|described| described.get(&key)) {
                Some(description) => {
                    push_doc(&mut field.attrs, description);
                    documented.push(ident.to_string());
                }
                None => missing.push(ident.to_string()),
            }
        }
        places += documented.len();
        if !documented.is_empty() {
            log.push(format!(
                "document_reference_fields: {}: {}",
                item.ident,
                documented.join(", ")
            ));
        }
        if !missing.is_empty() {
            log.push(format!(
                "document_reference_fields: {} has no description in the spec for {}",
                item.ident,
                missing.join(", ")
            ));
        }
    }
    Ok(Applied { places, log })
}

/// Documents the builders typify generates for every type (`types::builder::User`), their
/// setters (each with its field's documentation) and the `builder()` function that starts one.
///
/// Every provider's client has this shape, so codegen fails when this changes nothing.
pub fn document_type_builders(file: &mut File, _: &ClientCtx) -> Result<Applied, String> {
    let items = module_items(file, "types")?;

    // The documentation of every field, per type, to give each setter.
    let mut field_docs: BTreeMap<String, BTreeMap<String, Vec<Attribute>>> = BTreeMap::new();
    for item in items.iter() {
        if let Item::Struct(item) = item {
            let fields = item
                .fields
                .iter()
                .filter_map(|field| {
                    Some((field.ident.as_ref()?.to_string(), doc_text(&field.attrs)))
                })
                .collect();
            field_docs.insert(item.ident.to_string(), fields);
        }
    }

    let mut starts = 0;
    for item in items.iter_mut() {
        let Item::Impl(block) = item else { continue };
        if block.trait_.is_some() {
            continue;
        }
        let Some(name) = self_type_name(block) else {
            continue;
        };
        for member in block.items.iter_mut() {
            if let ImplItem::Fn(function) = member
                && function.sig.ident == "builder"
                && !has_doc(&function.attrs)
            {
                let text = format!(
                    "Starts a [`builder::{name}`]: optional fields start empty (or at their \
                     default), required ones unset."
                );
                push_doc(&mut function.attrs, &text);
                starts += 1;
            }
        }
    }

    let builders = module_items_mut(items, "builder")?;
    let (mut structs, mut setters) = (0, 0);
    for item in builders.iter_mut() {
        match item {
            Item::Struct(item) if !has_doc(&item.attrs) => {
                let name = item.ident.to_string();
                let text = format!(
                    "Builds a [`{name}`](super::{name}) one field at a time. Pass it wherever a \
                     `{name}` is expected (such as an operation's `body`), or convert it with \
                     `try_into()`, which fails while a required field is unset."
                );
                push_doc(&mut item.attrs, &text);
                structs += 1;
            }
            Item::Impl(block) if block.trait_.is_none() => {
                let Some(name) = self_type_name(block) else {
                    continue;
                };
                let fields = field_docs.get(&name);
                for member in block.items.iter_mut() {
                    let ImplItem::Fn(function) = member else {
                        continue;
                    };
                    if has_doc(&function.attrs) {
                        continue;
                    }
                    let setter = function.sig.ident.to_string();
                    let Some(docs) = fields.and_then(|fields| fields.get(&setter)) else {
                        continue;
                    };
                    if docs.is_empty() {
                        continue;
                    }
                    let mut attrs = docs.clone();
                    attrs.append(&mut function.attrs);
                    function.attrs = attrs;
                    setters += 1;
                }
            }
            _ => {}
        }
    }
    Ok(Applied::new(
        structs + setters + starts,
        format!(
            "document_type_builders: {structs} type builders, {setters} setters (from their fields), {starts} builder() functions"
        ),
    ))
}

/// Documents the request builders' `new`, their parameter setters (each with its parameter's
/// description from the spec), `body` (the request body's description) and `body_map`.
///
/// Every provider's client has this shape, so codegen fails when this changes nothing.
pub fn document_request_builders(file: &mut File, ctx: &ClientCtx) -> Result<Applied, String> {
    let docs = &ctx.docs;
    let operations: BTreeMap<String, &String> = docs
        .parameters
        .keys()
        .map(|id| (builder_name(id), id))
        .collect();
    let items = module_items(file, "builder")?;
    let (mut setters, mut others) = (0, 0);
    let mut log = Vec::new();
    for item in items.iter_mut() {
        let Item::Impl(block) = item else { continue };
        if block.trait_.is_some() {
            continue;
        }
        let Some(name) = self_type_name(block) else {
            continue;
        };
        let Some(&operation) = operations.get(&name) else {
            continue;
        };
        let parameters = docs.parameters.get(operation);
        let link = format!("[`Client::{operation}`](super::Client::{operation})");
        let mut missing = Vec::new();
        for member in block.items.iter_mut() {
            let ImplItem::Fn(function) = member else {
                continue;
            };
            if has_doc(&function.attrs) {
                continue;
            }
            let method = function.sig.ident.to_string();
            let text = match method.as_str() {
                "new" => Some(format!(
                    "A request for {link} with nothing set; `client.{operation}()` is the same."
                )),
                "body" => docs.bodies.get(operation).cloned(),
                "body_map" => Some(
                    "Changes the request body with `f`, which gets the body set so far (or the \
                     default one) as a builder."
                        .to_string(),
                ),
                _ => parameters.and_then(|parameters| {
                    parameters
                        .iter()
                        .find(|(parameter, _)| same_name(parameter, &method))
                        .map(|(_, description)| description.clone())
                }),
            };
            match text {
                Some(text) => {
                    push_doc(&mut function.attrs, &text);
                    if matches!(method.as_str(), "new" | "body" | "body_map") {
                        others += 1;
                    } else {
                        setters += 1;
                    }
                }
                None => missing.push(method),
            }
        }
        if !missing.is_empty() {
            log.push(format!(
                "document_request_builders: {name} has no description in the spec for {}",
                missing.join(", ")
            ));
        }
    }
    log.insert(
        0,
        format!(
            "document_request_builders: {setters} parameter setters from the spec, {others} new/body/body_map"
        ),
    );
    Ok(Applied {
        places: setters + others,
        log,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec() -> SpecDocs {
        SpecDocs::from_spec(&serde_json::json!({
            "paths": {
                "/users/{userID}": {
                    "parameters": [{"$ref": "#/components/parameters/UserId"}],
                    "put": {
                        "operationId": "update_user",
                        "parameters": [
                            {"name": "_", "in": "query", "description": "Defeats caches."},
                            {"name": "sortDir", "in": "query"}
                        ],
                        "requestBody": {"description": "The user as it should be."}
                    }
                }
            },
            "components": {
                "parameters": {
                    "UserId": {"name": "userID", "in": "path", "description": "The user's id."}
                },
                "schemas": {
                    "User": {
                        "type": "object",
                        "properties": {
                            "role": {"$ref": "#/components/schemas/Role", "description": "What the user may do."},
                            "company": {"$ref": "#/components/schemas/Company"}
                        },
                        "additionalProperties": {"description": "Custom attributes."}
                    },
                    "Promotion": {
                        "allOf": [
                            {"$ref": "#/components/schemas/User"},
                            {
                                "type": "object",
                                "properties": {
                                    "previous": {"$ref": "#/components/schemas/Role", "description": "The role before."}
                                }
                            }
                        ]
                    },
                    "Role": {
                        "type": "string",
                        "enum": ["admin", "user"],
                        "x-enumDescriptions": {"admin": "Runs the place."}
                    }
                }
            }
        }))
    }

    fn docs_of(attrs: &[Attribute]) -> Vec<String> {
        attrs
            .iter()
            .filter_map(|attr| match &attr.meta {
                syn::Meta::NameValue(meta) if meta.path.is_ident("doc") => match &meta.value {
                    syn::Expr::Lit(syn::ExprLit {
                        lit: syn::Lit::Str(text),
                        ..
                    }) => Some(text.value()),
                    _ => None,
                },
                _ => None,
            })
            .collect()
    }

    /// The doc lines (trimmed) of every function, field and struct named `name` in `file`,
    /// one list each, in the order met.
    fn docs_named(file: &File, name: &str) -> Vec<Vec<String>> {
        struct Named<'a> {
            name: &'a str,
            found: Vec<Vec<String>>,
        }
        impl Named<'_> {
            fn push(&mut self, attrs: &[Attribute]) {
                let lines = docs_of(attrs)
                    .iter()
                    .map(|l| l.trim().to_string())
                    .collect();
                self.found.push(lines);
            }
        }
        impl<'ast> syn::visit::Visit<'ast> for Named<'_> {
            fn visit_field(&mut self, field: &'ast syn::Field) {
                if field.ident.as_ref().is_some_and(|ident| ident == self.name) {
                    self.push(&field.attrs);
                }
                syn::visit::visit_field(self, field);
            }
            fn visit_impl_item_fn(&mut self, function: &'ast syn::ImplItemFn) {
                if function.sig.ident == self.name {
                    self.push(&function.attrs);
                }
                syn::visit::visit_impl_item_fn(self, function);
            }
            fn visit_item_struct(&mut self, item: &'ast syn::ItemStruct) {
                if item.ident == self.name {
                    self.push(&item.attrs);
                }
                syn::visit::visit_item_struct(self, item);
            }
        }
        let mut named = Named {
            name,
            found: Vec::new(),
        };
        syn::visit::Visit::visit_file(&mut named, file);
        named.found
    }

    /// Whether a doc line of something named `name` in `file` starts with `start`.
    fn documented(file: &File, name: &str, start: &str) -> bool {
        docs_named(file, name)
            .iter()
            .flatten()
            .any(|line| line.starts_with(start))
    }

    #[test]
    fn enum_variants_take_their_value_descriptions_and_missing_ones_are_logged() {
        let mut file: File = parse_quote! {
            pub mod types {
                pub enum Role {
                    #[serde(rename = "admin")]
                    Admin,
                    #[serde(rename = "user")]
                    User,
                    /// Kept as received.
                    #[serde(untagged)]
                    Unknown(String),
                }
            }
        };
        let log = document_enum_variants(
            &mut file,
            &ClientCtx {
                docs: spec(),
                ..ClientCtx::default()
            },
        )
        .expect("fixup applies")
        .log;
        assert_eq!(
            log,
            vec![
                "document_enum_variants: Role has 1 variant(s) documented from x-enumDescriptions",
                "document_enum_variants: Role has no x-enumDescriptions for user",
            ]
        );
        let Item::Mod(module) = &file.items[0] else {
            panic!("a module")
        };
        let Some(Item::Enum(role)) = module.content.as_ref().map(|(_, items)| &items[0]) else {
            panic!("an enum")
        };
        let variants: Vec<_> = role.variants.iter().map(|v| docs_of(&v.attrs)).collect();
        assert_eq!(
            variants,
            vec![
                vec!["`admin`: Runs the place.".to_string()],
                vec![],
                vec![" Kept as received.".to_string()],
            ]
        );
    }

    #[test]
    fn reference_fields_take_the_description_beside_the_ref_also_in_the_write_form() {
        let mut file: File = parse_quote! {
            pub mod types {
                pub struct UserInput {
                    pub role: Option<Role>,
                    pub company: Option<Company>,
                    #[serde(flatten)]
                    pub extra: Map<String, Value>,
                }
            }
        };
        let splits = [Split {
            read: "User".into(),
            write: "UserInput".into(),
        }];
        let log = document_reference_fields(
            &mut file,
            &ClientCtx {
                docs: spec(),
                splits: splits.to_vec(),
                ..ClientCtx::default()
            },
        )
        .expect("fixup applies")
        .log;
        assert_eq!(
            log,
            vec![
                "document_reference_fields: UserInput: role, extra",
                "document_reference_fields: UserInput has no description in the spec for company",
            ]
        );
        assert_eq!(docs_named(&file, "role"), [["What the user may do."]]);
        assert_eq!(docs_named(&file, "extra"), [["Custom attributes."]]);
        assert_eq!(docs_named(&file, "company"), [[""; 0]]);
    }

    /// The generator merges an `allOf` into one struct, so its fields take the descriptions of
    /// every member, a `$ref` member's included.
    #[test]
    fn reference_fields_of_a_merged_all_of_take_each_members_descriptions() {
        let mut file: File = parse_quote! {
            pub mod types {
                pub struct Promotion {
                    pub role: Option<Role>,
                    pub previous: Option<Role>,
                }
            }
        };
        let log = document_reference_fields(
            &mut file,
            &ClientCtx {
                docs: spec(),
                ..ClientCtx::default()
            },
        )
        .expect("fixup applies")
        .log;
        assert_eq!(
            log,
            vec!["document_reference_fields: Promotion: role, previous"]
        );
        assert_eq!(docs_named(&file, "role"), [["What the user may do."]]);
        assert_eq!(docs_named(&file, "previous"), [["The role before."]]);
    }

    #[test]
    fn type_builder_setters_take_their_fields_documentation() {
        let mut file: File = parse_quote! {
            pub mod types {
                /// A person.
                pub struct User {
                    /// Given name.
                    pub first_name: String,
                }
                impl User {
                    pub fn builder() -> builder::User {
                        Default::default()
                    }
                }
                pub mod builder {
                    pub struct User {
                        first_name: Result<String, String>,
                    }
                    impl User {
                        pub fn first_name<T>(mut self, value: T) -> Self {
                            self
                        }
                    }
                }
            }
        };
        let log = document_type_builders(&mut file, &ClientCtx::default())
            .expect("fixup applies")
            .log;
        assert_eq!(
            log,
            vec![
                "document_type_builders: 1 type builders, 1 setters (from their fields), 1 builder() functions"
            ]
        );
        // The field, the builder's own (undocumented, private), then the setter.
        assert_eq!(
            docs_named(&file, "first_name"),
            [vec!["Given name."], vec![], vec!["Given name."]]
        );
        assert!(documented(&file, "User", "Builds a [`User`](super::User)"));
        assert!(documented(&file, "builder", "Starts a [`builder::User`]"));
    }

    #[test]
    fn request_builder_setters_take_their_parameters_descriptions() {
        let mut file: File = parse_quote! {
            pub mod builder {
                impl<'a> UpdateUser<'a> {
                    pub fn new(client: &'a super::Client) -> Self { todo!() }
                    pub fn user_id<V>(mut self, value: V) -> Self { self }
                    pub fn x<V>(mut self, value: V) -> Self { self }
                    pub fn sort_dir<V>(mut self, value: V) -> Self { self }
                    pub fn body<V>(mut self, value: V) -> Self { self }
                    /// Sends it.
                    pub async fn send(self) {}
                }
            }
        };
        let log = document_request_builders(
            &mut file,
            &ClientCtx {
                docs: spec(),
                ..ClientCtx::default()
            },
        )
        .expect("fixup applies")
        .log;
        assert_eq!(
            log,
            vec![
                "document_request_builders: 2 parameter setters from the spec, 2 new/body/body_map",
                "document_request_builders: UpdateUser has no description in the spec for sort_dir",
            ]
        );
        assert_eq!(docs_named(&file, "user_id"), [["The user's id."]]);
        assert_eq!(docs_named(&file, "x"), [["Defeats caches."]]);
        assert_eq!(docs_named(&file, "body"), [["The user as it should be."]]);
        assert_eq!(docs_named(&file, "sort_dir"), [[""; 0]]);
        assert_eq!(docs_named(&file, "send"), [["Sends it."]]);
        assert!(documented(
            &file,
            "new",
            "A request for [`Client::update_user`](super::Client::update_user)"
        ));
    }
}
