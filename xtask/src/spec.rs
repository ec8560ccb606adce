//! Questions codegen asks of a provider's spec: its operations and their routes, which
//! bodies are optional, which answers are binary or acknowledgements.

use openapiv3::OpenAPI;

/// One operation of the spec: its operationId, HTTP method and path template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    /// The operationId, which names the client's method.
    pub operation_id: String,
    /// `GET`, `POST`, ...
    pub method: String,
    /// The path as the spec writes it, placeholders left in.
    pub path: String,
}

/// Every operation of the spec with its method and path, in the spec's order.
pub fn operations(spec: &OpenAPI) -> impl Iterator<Item = (&str, &String, &openapiv3::Operation)> {
    spec.paths
        .paths
        .iter()
        .filter_map(|(path, item)| Some((path, item.as_item()?)))
        .flat_map(|(path, item)| {
            item.iter()
                .map(move |(method, operation)| (method, path, operation))
        })
}

/// Each operation's operationId, method and path, in the spec's order.
pub fn routes(spec: &OpenAPI) -> Vec<Route> {
    operations(spec)
        .filter_map(|(method, path, operation)| {
            Some(Route {
                operation_id: operation.operation_id.clone()?,
                method: method.to_uppercase(),
                path: path.clone(),
            })
        })
        .collect()
}

/// The schemas the spec marks `x-acknowledgement: true`: an answer that only says the action
/// was performed (Mattermost's `{"status": "OK"}`), which carries no data.
pub fn acknowledgement_schemas(spec: &OpenAPI) -> Vec<String> {
    let Some(components) = &spec.components else {
        return Vec::new();
    };
    components
        .schemas
        .iter()
        .filter(|(_, schema)| {
            schema.as_item().is_some_and(|schema| {
                schema.schema_data.extensions.get("x-acknowledgement")
                    == Some(&serde_json::Value::Bool(true))
            })
        })
        .map(|(name, _)| name.clone())
        .collect()
}

/// The write schemas that a read one turns into, as (write, read): a schema marked
/// `x-user-apis-update-from: <Read>` (GitLab's `UserInput` from `User`).
pub fn update_sources(spec: &OpenAPI) -> Vec<(String, String)> {
    let Some(components) = &spec.components else {
        return Vec::new();
    };
    components
        .schemas
        .iter()
        .filter_map(|(name, schema)| {
            let read = schema
                .as_item()?
                .schema_data
                .extensions
                .get("x-user-apis-update-from")?
                .as_str()?;
            Some((name.clone(), read.to_string()))
        })
        .collect()
}

/// The operations whose request body may be left out (`requestBody.required` is false).
pub fn optional_body_operations(spec: &OpenAPI) -> Vec<String> {
    operations(spec)
        .filter_map(|(_, _, operation)| match &operation.request_body {
            Some(openapiv3::ReferenceOr::Item(body)) if !body.required => {
                operation.operation_id.clone()
            }
            _ => None,
        })
        .collect()
}

/// The operations whose success response is a binary body (`type: string, format: binary`),
/// which the command-line tool writes to the file named by `--output`.
pub fn binary_response_operations(spec: &OpenAPI) -> Vec<String> {
    let resolve = |response: &'_ openapiv3::ReferenceOr<openapiv3::Response>| match response {
        openapiv3::ReferenceOr::Item(response) => Some(response.clone()),
        openapiv3::ReferenceOr::Reference { reference } => reference
            .strip_prefix("#/components/responses/")
            .and_then(|name| spec.components.as_ref()?.responses.get(name))
            .and_then(|response| response.as_item())
            .cloned(),
    };
    let is_binary = |response: &openapiv3::ReferenceOr<openapiv3::Response>| {
        resolve(response).is_some_and(|response| {
            response.content.values().any(|media| {
                matches!(
                    &media.schema,
                    Some(openapiv3::ReferenceOr::Item(openapiv3::Schema {
                        schema_kind: openapiv3::SchemaKind::Type(openapiv3::Type::String(string)),
                        ..
                    })) if string.format
                        == openapiv3::VariantOrUnknownOrEmpty::Item(openapiv3::StringFormat::Binary)
                )
            })
        })
    };
    operations(spec)
        .filter(|(_, _, operation)| {
            operation
                .responses
                .responses
                .iter()
                .any(|(status, response)| status_is_success(status) && is_binary(response))
        })
        .filter_map(|(_, _, operation)| operation.operation_id.clone())
        .collect()
}

/// Whether a response key of the spec (`200`, `2XX`) names a success.
pub fn status_is_success(status: &openapiv3::StatusCode) -> bool {
    match status {
        openapiv3::StatusCode::Code(code) => (200..300).contains(code),
        openapiv3::StatusCode::Range(range) => *range == 2,
    }
}
