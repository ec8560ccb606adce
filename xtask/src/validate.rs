//! Checks a spec against what the generator supports, so problems surface as located messages.
//!
//! progenitor answers many unsupported constructs with a panic deep inside its code. Every such
//! construct we know of is checked here first, and every problem is reported (not just the
//! first), each with the operation or schema it was found in.

use std::collections::{BTreeSet, HashSet};
use std::fmt;

use indexmap::IndexMap;
use openapiv3::{
    Components, OpenAPI, Operation, Parameter, ParameterSchemaOrContent, PathStyle, QueryStyle,
    ReferenceOr, RequestBody, Response, StatusCode,
};
use serde_json::Value;

/// One problem found in a spec, with where it was found.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Problem {
    /// Where: `operation list_users (GET /users)`, `schema User`, or a JSON pointer.
    pub location: String,
    /// What is wrong, in a sentence fragment.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location, self.message)
    }
}

/// Media types a request body may use; progenitor serializes exactly these.
const REQUEST_MEDIA_TYPES: &[&str] = &[
    "application/json",
    "application/x-www-form-urlencoded",
    "application/octet-stream",
    "text/plain",
];

/// Validates `spec` (and its raw form `raw`, for checks that walk every node).
pub fn validate(spec: &OpenAPI, raw: &Value) -> Vec<Problem> {
    let mut problems = Vec::new();
    let mut report = |location: &str, message: String| {
        problems.push(Problem {
            location: location.to_string(),
            message,
        })
    };

    if !spec.openapi.trim().starts_with("3.0.") {
        report(
            "document",
            format!(
                "OpenAPI version {:?} is not supported; write 3.0.x",
                spec.openapi
            ),
        );
    }

    check_references(raw, "", raw, &mut report);
    check_closed_objects(raw, "", &mut report);

    let mut operation_ids = HashSet::new();
    for (path, item) in &spec.paths.paths {
        let item = match item {
            ReferenceOr::Item(item) => item,
            ReferenceOr::Reference { .. } => {
                report(
                    &format!("path {path}"),
                    "a path item may not be a $ref".to_string(),
                );
                continue;
            }
        };
        for (method, operation) in item.iter() {
            let where_ = match &operation.operation_id {
                Some(id) => format!("operation {id} ({} {path})", method.to_uppercase()),
                None => format!("operation {} {path}", method.to_uppercase()),
            };
            match &operation.operation_id {
                None => report(&where_, "has no operationId".to_string()),
                Some(id) => {
                    if !operation_ids.insert(id.clone()) {
                        report(&where_, format!("operationId {id:?} is used twice"));
                    }
                    if !is_snake_case(id) {
                        report(
                            &where_,
                            format!("operationId {id:?} is not snake_case (the Rust method name)"),
                        );
                    }
                }
            }
            let mut parameters: Vec<&ReferenceOr<Parameter>> = item.parameters.iter().collect();
            parameters.extend(operation.parameters.iter());
            check_parameters(path, &parameters, &spec.components, &where_, &mut report);
            check_request_body(operation, &spec.components, &where_, &mut report);
            check_responses(operation, &spec.components, &where_, &mut report);
            check_user_names(operation, &spec.components, &where_, &mut report);
        }
    }

    problems.sort();
    problems.dedup();
    problems
}

fn is_snake_case(id: &str) -> bool {
    let mut chars = id.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// Resolves a `#/components/<kind>/<name>` reference within `components`.
fn resolve<'a, T>(
    item: &'a ReferenceOr<T>,
    pick: impl Fn(&'a Components) -> &'a IndexMap<String, ReferenceOr<T>>,
    components: &'a Option<Components>,
) -> Option<&'a T> {
    match item {
        ReferenceOr::Item(item) => Some(item),
        ReferenceOr::Reference { reference } => {
            let name = reference.rsplit('/').next()?;
            match pick(components.as_ref()?).get(name)? {
                ReferenceOr::Item(item) => Some(item),
                ReferenceOr::Reference { .. } => None,
            }
        }
    }
}

fn check_parameters(
    path: &str,
    parameters: &[&ReferenceOr<Parameter>],
    components: &Option<Components>,
    where_: &str,
    report: &mut impl FnMut(&str, String),
) {
    let template: BTreeSet<&str> = path
        .split('{')
        .skip(1)
        .filter_map(|s| s.split('}').next())
        .collect();
    let mut declared = BTreeSet::new();
    for parameter in parameters {
        let Some(parameter) = resolve(parameter, |c| &c.parameters, components) else {
            report(where_, "a parameter $ref does not resolve".to_string());
            continue;
        };
        let data = parameter.parameter_data_ref();
        if let ParameterSchemaOrContent::Content(_) = data.format {
            report(
                where_,
                format!(
                    "parameter {:?} uses `content`; give it a `schema`",
                    data.name
                ),
            );
        }
        match parameter {
            Parameter::Path { style, .. } => {
                declared.insert(data.name.clone());
                if !data.required {
                    report(
                        where_,
                        format!("path parameter {:?} must be `required: true`", data.name),
                    );
                }
                if !matches!(style, PathStyle::Simple) {
                    report(
                        where_,
                        format!("path parameter {:?} must use style `simple`", data.name),
                    );
                }
                if !template.contains(data.name.as_str()) {
                    report(
                        where_,
                        format!("path parameter {:?} is not in the path", data.name),
                    );
                }
            }
            Parameter::Query { style, .. } => {
                if !matches!(style, QueryStyle::Form) {
                    report(
                        where_,
                        format!("query parameter {:?} must use style `form`", data.name),
                    );
                }
            }
            Parameter::Header { .. } => {}
            Parameter::Cookie { .. } => report(
                where_,
                format!("cookie parameter {:?} is not supported", data.name),
            ),
        }
    }
    for name in template {
        if !declared.contains(name) {
            report(
                where_,
                format!("path segment {{{name}}} has no path parameter"),
            );
        }
    }
}

fn check_request_body(
    operation: &Operation,
    components: &Option<Components>,
    where_: &str,
    report: &mut impl FnMut(&str, String),
) {
    let Some(body) = &operation.request_body else {
        return;
    };
    let Some(body): Option<&RequestBody> = resolve(body, |c| &c.request_bodies, components) else {
        report(where_, "the request body $ref does not resolve".to_string());
        return;
    };
    if body.content.len() != 1 {
        report(
            where_,
            format!(
                "the request body has {} media types; give exactly one",
                body.content.len()
            ),
        );
    }
    for (media_type, content) in &body.content {
        if !REQUEST_MEDIA_TYPES.contains(&media_type.as_str()) {
            report(
                where_,
                format!(
                    "request media type {media_type:?} is not supported (use one of {})",
                    REQUEST_MEDIA_TYPES.join(", ")
                ),
            );
        }
        if content.schema.is_none() {
            report(
                where_,
                format!("request media type {media_type:?} has no schema"),
            );
        }
        if !content.encoding.is_empty() {
            report(
                where_,
                format!(
                    "request media type {media_type:?} uses `encoding`, which is not supported"
                ),
            );
        }
    }
}

/// The names every crate gives a user and its bodies, so that a user guesses them once:
/// `get_user` answers a `User`; `update_user` takes `UserInput` (written as `User`, which
/// the read-only split turns into `UserInput`, or as `UserInput`); `create_user` takes
/// the same or, where creating sends more than updating, `NewUser`.
const USER_NAMES: &[(&str, &str, &[&str])] = &[
    ("get_user", "answer", &["User"]),
    ("update_user", "body", &["User", "UserInput"]),
    ("create_user", "body", &["User", "UserInput", "NewUser"]),
];

fn check_user_names(
    operation: &Operation,
    components: &Option<Components>,
    where_: &str,
    report: &mut impl FnMut(&str, String),
) {
    let Some(id) = operation.operation_id.as_deref() else {
        return;
    };
    let Some((_, part, names)) = USER_NAMES.iter().find(|(op, ..)| *op == id) else {
        return;
    };
    let schema = if *part == "body" {
        operation
            .request_body
            .as_ref()
            .and_then(|body| resolve(body, |c| &c.request_bodies, components))
            .and_then(|body| body.content.values().next())
            .and_then(|content| content.schema.as_ref())
    } else {
        operation
            .responses
            .responses
            .iter()
            .filter(|(status, _)| matches!(status, StatusCode::Code(200..=299)))
            .find_map(|(_, response)| resolve(response, |c| &c.responses, components))
            .and_then(|response| response.content.values().next())
            .and_then(|content| content.schema.as_ref())
    };
    let name = match schema {
        Some(ReferenceOr::Reference { reference }) => {
            reference.rsplit('/').next().unwrap_or_default()
        }
        _ => "an inline schema",
    };
    if !names.contains(&name) {
        report(
            where_,
            format!(
                "its {part} is {name}; name it {} (one naming rule for every crate: `User`, \
                 `UserInput`, `NewUser`)",
                names.join(" or ")
            ),
        );
    }
}

/// How progenitor will treat one response: a typed JSON body, raw bytes, or nothing.
fn response_kind(response: &Response) -> String {
    match response
        .content
        .iter()
        .find(|(media_type, _)| media_type.starts_with("application/json"))
    {
        Some((_, content)) => match &content.schema {
            Some(schema) => format!(
                "JSON {}",
                serde_json::to_string(schema).unwrap_or_else(|_| "?".to_string())
            ),
            None => "JSON without a schema".to_string(),
        },
        None if response.content.is_empty() => "no body".to_string(),
        None => "raw bytes".to_string(),
    }
}

fn check_responses(
    operation: &Operation,
    components: &Option<Components>,
    where_: &str,
    report: &mut impl FnMut(&str, String),
) {
    let mut success = BTreeSet::new();
    let mut failure = BTreeSet::new();
    let mut has_success = false;
    let default = operation
        .responses
        .default
        .as_ref()
        .map(|r| ("default".to_string(), r, true, true));
    let statuses = operation.responses.responses.iter().map(|(status, r)| {
        let (is_success, is_error) = match status {
            StatusCode::Code(code) => ((100..300).contains(code), (400..600).contains(code)),
            StatusCode::Range(range) => (*range == 2, *range == 4 || *range == 5),
        };
        (status.to_string(), r, is_success, is_error)
    });
    for (status, response, is_success, is_error) in statuses.chain(default) {
        let Some(response) = resolve(response, |c| &c.responses, components) else {
            report(
                where_,
                format!("the {status} response $ref does not resolve"),
            );
            continue;
        };
        let kind = response_kind(response);
        if kind == "JSON without a schema" {
            report(
                where_,
                format!("the {status} response has a JSON body without a schema"),
            );
        }
        if is_success {
            has_success |= status != "default";
            success.insert(kind.clone());
        }
        if is_error {
            failure.insert(kind);
        }
    }
    if !has_success {
        report(where_, "documents no success response".to_string());
    }
    if success.len() > 1 {
        report(
            where_,
            format!(
                "success responses have {} different bodies ({}); use one",
                success.len(),
                success.into_iter().collect::<Vec<_>>().join(" | ")
            ),
        );
    }
    if failure.len() > 1 {
        report(
            where_,
            format!(
                "error responses have {} different bodies ({}); use one",
                failure.len(),
                failure.into_iter().collect::<Vec<_>>().join(" | ")
            ),
        );
    }
}

/// Every `$ref` must point inside this document, at something that exists.
fn check_references(
    node: &Value,
    pointer: &str,
    root: &Value,
    report: &mut impl FnMut(&str, String),
) {
    match node {
        Value::Object(map) => {
            if let Some(Value::String(reference)) = map.get("$ref") {
                let ok = reference
                    .strip_prefix('#')
                    .is_some_and(|target| root.pointer(target).is_some());
                if !ok {
                    report(
                        &location_of(pointer),
                        format!("$ref {reference:?} does not resolve inside this document"),
                    );
                }
            }
            for (key, value) in map {
                let child = format!("{pointer}/{}", key.replace('~', "~0").replace('/', "~1"));
                check_references(value, &child, root, report);
            }
        }
        Value::Array(items) => {
            for (index, value) in items.iter().enumerate() {
                check_references(value, &format!("{pointer}/{index}"), root, report);
            }
        }
        _ => {}
    }
}

/// `additionalProperties: false` would make the client reject fields a server adds later.
fn check_closed_objects(node: &Value, pointer: &str, report: &mut impl FnMut(&str, String)) {
    match node {
        Value::Object(map) => {
            if map.get("additionalProperties") == Some(&Value::Bool(false)) {
                report(
                    &location_of(pointer),
                    "`additionalProperties: false` breaks forward compatibility; remove it"
                        .to_string(),
                );
            }
            for (key, value) in map {
                let child = format!("{pointer}/{}", key.replace('~', "~0").replace('/', "~1"));
                check_closed_objects(value, &child, report);
            }
        }
        Value::Array(items) => {
            for (index, value) in items.iter().enumerate() {
                check_closed_objects(value, &format!("{pointer}/{index}"), report);
            }
        }
        _ => {}
    }
}

/// Names a JSON pointer the way a reader looks for it: `schema User` when it is in a schema.
fn location_of(pointer: &str) -> String {
    match pointer.strip_prefix("/components/schemas/") {
        Some(rest) => {
            let (name, inner) = rest.split_once('/').unwrap_or((rest, ""));
            if inner.is_empty() {
                format!("schema {name}")
            } else {
                format!("schema {name} (at /{inner})")
            }
        }
        None => format!("#{pointer}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problems_of(yaml: &str) -> Vec<String> {
        let raw: Value = serde_saphyr::from_str(yaml).expect("test YAML parses");
        let spec: OpenAPI = serde_saphyr::from_str(yaml).expect("test spec is OpenAPI");
        validate(&spec, &raw)
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    const GOOD: &str = r##"
openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /things/{id}:
    get:
      operationId: get_thing
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
      responses:
        "200":
          description: ok
          content: {application/json: {schema: {$ref: "#/components/schemas/Thing"}}}
        "404":
          description: missing
          content: {application/json: {schema: {$ref: "#/components/schemas/Oops"}}}
components:
  schemas:
    Thing: {type: object, properties: {id: {type: string}}}
    Oops: {type: object, properties: {message: {type: string}}}
"##;

    #[test]
    fn a_sound_spec_has_no_problems() {
        assert_eq!(problems_of(GOOD), Vec::<String>::new());
    }

    #[test]
    fn every_problem_is_reported_with_its_location() {
        let bad = GOOD
            .replace("3.0.3", "3.1.0")
            .replace("required: true", "required: false")
            .replace("operationId: get_thing", "operationId: getThing")
            .replace("#/components/schemas/Oops", "#/components/schemas/Missing")
            .replace(
                "Thing: {type: object,",
                "Thing: {type: object, additionalProperties: false,",
            );
        let problems = problems_of(&bad);
        let expected = [
            "document: OpenAPI version \"3.1.0\" is not supported; write 3.0.x",
            "operation getThing (GET /things/{id}): operationId \"getThing\" is not snake_case (the Rust method name)",
            "operation getThing (GET /things/{id}): path parameter \"id\" must be `required: true`",
            "schema Thing: `additionalProperties: false` breaks forward compatibility; remove it",
            "#/paths/~1things~1{id}/get/responses/404/content/application~1json/schema: $ref \"#/components/schemas/Missing\" does not resolve inside this document",
        ];
        for expected in expected {
            assert!(
                problems.iter().any(|p| p == expected),
                "missing {expected:?} in {problems:#?}"
            );
        }
    }

    #[test]
    fn user_types_follow_one_naming_rule() {
        let spec = GOOD
            .replace("get_thing", "get_user")
            .replace("/things/{id}", "/users/{id}");
        assert_eq!(
            problems_of(&spec),
            [
                "operation get_user (GET /users/{id}): its answer is Thing; name it User (one \
              naming rule for every crate: `User`, `UserInput`, `NewUser`)"
            ]
        );
        let renamed = spec.replace("Thing", "User");
        assert_eq!(problems_of(&renamed), Vec::<String>::new());
    }

    #[test]
    fn missing_and_duplicate_operation_ids_are_problems() {
        let spec = GOOD.replace(
            "  /things/{id}:\n    get:\n      operationId: get_thing\n",
            "  /things/{id}:\n    get:\n",
        ) + "";
        let problems = problems_of(&spec);
        assert!(problems.contains(&"operation GET /things/{id}: has no operationId".to_string()));

        let twice = GOOD.replace(
            "components:",
            "  /others:\n    get:\n      operationId: get_thing\n      responses: {\"204\": {description: none}}\ncomponents:",
        );
        let problems = problems_of(&twice);
        assert!(
            problems.contains(
                &"operation get_thing (GET /others): operationId \"get_thing\" is used twice"
                    .to_string()
            ),
            "{problems:#?}"
        );
    }

    #[test]
    fn mixed_bodies_and_unsupported_media_types_are_problems() {
        let spec = GOOD.replace(
            "        \"404\":",
            "        \"204\": {description: nothing}\n        \"404\":",
        );
        let problems = problems_of(&spec);
        assert!(
            problems.iter().any(|p| p.starts_with(
                "operation get_thing (GET /things/{id}): success responses have 2 different bodies"
            )),
            "{problems:#?}"
        );

        let spec = GOOD.replace(
            "      responses:",
            "      requestBody:\n        content: {multipart/form-data: {schema: {type: object}}}\n      responses:",
        );
        let problems = problems_of(&spec);
        assert!(
            problems
                .iter()
                .any(|p| p.contains("request media type \"multipart/form-data\" is not supported")),
            "{problems:#?}"
        );
    }
}
