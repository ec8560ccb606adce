//! `cargo xtask codegen`: spec → validation → fixups → progenitor → fixups → generated.rs; the
//! same fixed-up spec → progenitor's CLI generator → CLI fixups → the `user-apis` modules; and
//! → progenitor's httpmock generator → mock fixups → each client crate's `mock` module.

use std::fs;
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use openapiv3::OpenAPI;
use progenitor::{GenerationSettings, Generator, HooksMode, InterfaceStyle, TagStyle};
use quote::quote;
use serde_json::Value;

use crate::providers::Provider;
use crate::{api_report, api_summary, cli_fixups, code_fixups, mock_fixups, spec_fixups, validate};

/// The generated code of one provider, with the figures codegen reports.
#[derive(Debug)]
pub struct Generated {
    /// The complete text of the client's `generated.rs`.
    pub code: String,
    /// The complete text of the provider's module of the command-line tool.
    pub cli: String,
    /// The client's public API, read from the generated code.
    pub api: api_summary::Api,
    /// The text of `api.txt`, the public API one line per item.
    pub api_text: String,
    /// The complete text of the client crate's typed `httpmock` helpers.
    pub mock: String,
    /// What each fixup changed, a line per change.
    pub log: Vec<String>,
    /// Number of operations in the spec.
    pub operations: usize,
    /// Number of schema types generated.
    pub types: usize,
}

/// What happened to one output file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The file already held exactly the generated code.
    Fresh,
    /// The file was (re)written.
    Written,
    /// `--check` found the file different from the generated code.
    Stale,
}

/// A provider's spec after validation and the spec fixups: what both generators start from,
/// so that the command-line tool names exactly the types the client crate defines.
#[derive(Debug)]
pub struct Prepared {
    /// The fixed-up document, its operations described for the Rust client
    /// ([`spec_fixups::Audience::Rust`]).
    pub spec: OpenAPI,
    /// The same document with its operations described for the command line
    /// ([`spec_fixups::Audience::Cli`]).
    pub cli_spec: OpenAPI,
    /// The schemas split into a read and a write form.
    pub splits: Vec<spec_fixups::Split>,
    /// What each spec fixup changed, a line per change.
    pub log: Vec<String>,
    /// Number of operations in the spec.
    pub operations: usize,
    /// The spec's descriptions of what progenitor leaves undocumented.
    pub docs: code_fixups::docs::SpecDocs,
    /// The query parameters named in Rust by `x-rust-name`, whose wire names the code fixups
    /// put back.
    pub wire_names: Vec<spec_fixups::WireName>,
}

/// The workspace root: the parent of this crate's directory.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

/// Reads, checks and transforms one provider's spec and generates its client code, its
/// command-line module and its typed mocks.
pub fn generate(provider: &Provider, root: &Path) -> Result<Generated, String> {
    let prepared = prepare(provider, root)?;
    let (code, api, client_log, types) = generate_client(provider, &prepared)?;
    let (cli, cli_log) = generate_cli(provider, &prepared)?;
    let (mock, mock_log) = generate_mock(provider, &prepared)?;
    let mut log = prepared.log;
    log.extend(client_log);
    log.extend(cli_log);
    log.extend(mock_log);
    let api_text = api_summary::render(&api, &api_header(provider));
    Ok(Generated {
        code,
        cli,
        mock,
        api,
        api_text,
        log,
        operations: prepared.operations,
        types,
    })
}

/// Reads and validates one provider's spec, then applies the spec fixups.
pub fn prepare(provider: &Provider, root: &Path) -> Result<Prepared, String> {
    let path = root.join(provider.spec);
    let text =
        fs::read_to_string(&path).map_err(|e| format!("cannot read {}: {e}", provider.spec))?;
    prepare_text(provider.spec, &text)
}

/// Validates the spec `text` (named `label` in messages), then applies the spec fixups.
pub fn prepare_text(label: &str, text: &str) -> Result<Prepared, String> {
    // The typed form is parsed straight from YAML so that its errors carry line and column.
    let spec: OpenAPI = serde_saphyr::from_str(text)
        .map_err(|e| format!("{label} is not a valid OpenAPI document: {e}"))?;
    let mut raw: Value =
        serde_saphyr::from_str(text).map_err(|e| format!("{label} is not valid YAML: {e}"))?;

    let problems = validate::validate(&spec, &raw);
    if !problems.is_empty() {
        let lines: Vec<String> = problems.iter().map(|p| format!("  {p}")).collect();
        return Err(format!(
            "{label} has {} problem(s):\n{}",
            problems.len(),
            lines.join("\n")
        ));
    }
    let operations = operations(&spec).count();

    let mut log = spec_fixups::drop_value_constraints(&mut raw);
    let (wire_names, names_log) =
        spec_fixups::rust_parameter_names(&mut raw).map_err(|e| format!("{label}: {e}"))?;
    log.extend(names_log);
    let mut cli_raw = raw.clone();
    log.extend(
        spec_fixups::audience_descriptions(&mut raw, spec_fixups::Audience::Rust)
            .map_err(|e| format!("{label}: {e}"))?,
    );
    spec_fixups::audience_descriptions(&mut cli_raw, spec_fixups::Audience::Cli)
        .map_err(|e| format!("{label}: {e}"))?;
    let docs = code_fixups::docs::SpecDocs::from_spec(&raw);
    let typed = |raw: Value| -> Result<(OpenAPI, Vec<spec_fixups::Split>, Vec<String>), String> {
        let mut spec: OpenAPI = serde_json::from_value(raw)
            .map_err(|e| format!("{label}: a fixup broke the document: {e}"))?;
        let (splits, log) = spec_fixups::split_read_only_request_bodies(&mut spec)
            .map_err(|e| format!("{label}: {e}"))?;
        Ok((spec, splits, log))
    };
    let (spec, splits, split_log) = typed(raw)?;
    // The descriptions are all that differ, so the CLI's document splits the same schemas.
    let (cli_spec, _, _) = typed(cli_raw)?;
    log.extend(split_log);
    Ok(Prepared {
        spec,
        cli_spec,
        splits,
        log,
        operations,
        docs,
        wire_names,
    })
}

/// Runs one of progenitor's generators and parses its output, naming the spec in any error.
fn progenitor_file(
    label: &str,
    what: &str,
    generate: impl FnOnce(&mut Generator) -> Result<proc_macro2::TokenStream, progenitor::Error>,
) -> Result<syn::File, String> {
    let tokens = run_progenitor(generate).map_err(|e| format!("{label}: {e}"))?;
    syn::parse2(tokens)
        .map_err(|e| format!("{label}: progenitor produced an unparsable {what}: {e}"))
}

/// Generates the client code: progenitor, then the code fixups. Returns the text, the public
/// API, the fixup log and the number of schema types.
fn generate_client(
    provider: &Provider,
    prepared: &Prepared,
) -> Result<(String, api_summary::Api, Vec<String>, usize), String> {
    let (mut file, mut log) = client_file(provider.spec, prepared)?;
    log.extend(
        code_fixups::examples::compile_operation_examples(&mut file, provider.crate_name)
            .map_err(|e| format!("{}: compile_operation_examples: {e}", provider.spec))?,
    );
    let api = api_summary::summarize(&file).map_err(|e| format!("{}: {e}", provider.spec))?;
    let types = code_fixups::count_types(&mut file);
    let code = format!("{}{}", header(provider), prettyplease::unparse(&file));
    Ok((code, api, log, types))
}

/// The client's syntax tree for a prepared spec (named `label` in messages): progenitor, then
/// the code fixups. Returns the tree and the fixup log.
pub fn client_file(label: &str, prepared: &Prepared) -> Result<(syn::File, Vec<String>), String> {
    let spec = &prepared.spec;
    let mut file = progenitor_file(label, "client", |generator| generator.generate_tokens(spec))?;
    let mut log = code_fixups::open_string_enums(&mut file)?;
    log.extend(code_fixups::null_collections_as_empty(&mut file)?);
    log.extend(code_fixups::add_input_conversions(
        &mut file,
        &prepared.splits,
    )?);
    log.extend(code_fixups::guard_path_segments(&mut file));
    log.extend(code_fixups::lean_request_building(&mut file)?);
    log.extend(code_fixups::lazy_missing_parameter_messages(&mut file)?);
    log.extend(code_fixups::decode_through_runtime(&mut file)?);
    log.extend(code_fixups::merge_alike_status_arms(&mut file));
    log.extend(code_fixups::any_success_without_data(
        &mut file,
        &acknowledgement_schemas(spec),
    )?);
    log.extend(code_fixups::configured_constructors_only(&mut file)?);
    log.extend(code_fixups::optional_request_bodies(
        &mut file,
        &optional_body_operations(spec),
    )?);
    log.extend(code_fixups::scope_hook_borrows(&mut file)?);
    log.extend(code_fixups::crate_visible_builder_fields(&mut file)?);
    log.extend(code_fixups::add_path_templates(&mut file, &routes(spec)));
    log.extend(code_fixups::docs::document_enum_variants(
        &mut file,
        &prepared.docs,
    )?);
    log.extend(code_fixups::docs::document_reference_fields(
        &mut file,
        &prepared.docs,
        &prepared.splits,
    )?);
    log.extend(code_fixups::docs::document_type_builders(&mut file)?);
    log.extend(code_fixups::docs::document_request_builders(
        &mut file,
        &prepared.docs,
    )?);
    log.extend(code_fixups::wire_parameter_names(
        &mut file,
        &prepared.wire_names,
    )?);
    code_fixups::refuse_panics(&mut file, "the generated client")?;
    Ok((file, log))
}

/// Generates the provider's module of the `user-apis` command-line tool: progenitor's CLI
/// generator on the same fixed-up spec, then the CLI fixups.
fn generate_cli(provider: &Provider, prepared: &Prepared) -> Result<(String, Vec<String>), String> {
    let spec = &prepared.cli_spec;
    let mut file = progenitor_file(provider.spec, "CLI", |generator| {
        generator.cli(spec, provider.crate_name)
    })?;
    let log = cli_fixups::apply(&mut file, &binary_response_operations(spec))
        .map_err(|e| format!("{} (CLI): {e}", provider.spec))?;
    let code = format!("{}{}", cli_header(provider), prettyplease::unparse(&file));
    Ok((code, log))
}

/// One operation of the spec: its operationId, HTTP method and path template.
pub struct Route {
    /// The operationId, which names the client's method.
    pub operation_id: String,
    /// `GET`, `POST`, ...
    pub method: String,
    /// The path as the spec writes it, placeholders left in.
    pub path: String,
}

/// Every operation of the spec with its method and path, in the spec's order.
fn operations(spec: &OpenAPI) -> impl Iterator<Item = (&str, &String, &openapiv3::Operation)> {
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
fn routes(spec: &OpenAPI) -> Vec<Route> {
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

/// Generates the client crate's `mock` module: progenitor's `httpmock` generator on the same
/// fixed-up spec (so it names exactly the client's types), then the mock fixups.
fn generate_mock(
    provider: &Provider,
    prepared: &Prepared,
) -> Result<(String, Vec<String>), String> {
    let spec = &prepared.spec;
    // The module lives inside the client crate, so the generated code reaches it as `crate`.
    let mut file = progenitor_file(provider.spec, "mock", |generator| {
        generator.httpmock(spec, "crate")
    })?;
    let log = mock_fixups::apply(
        &mut file,
        &optional_body_operations(spec),
        &binary_response_operations(spec),
        &routes(spec),
        &prepared.wire_names,
    )
    .map_err(|e| format!("{} (mock): {e}", provider.spec))?;
    let code = format!("{}{}", mock_header(provider), prettyplease::unparse(&file));
    Ok((code, log))
}

/// The schemas the spec marks `x-acknowledgement: true`: an answer that only says the action
/// was performed (Mattermost's `{"status": "OK"}`), which carries no data.
fn acknowledgement_schemas(spec: &OpenAPI) -> Vec<String> {
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

/// The operations whose request body may be left out (`requestBody.required` is false).
fn optional_body_operations(spec: &OpenAPI) -> Vec<String> {
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
fn binary_response_operations(spec: &OpenAPI) -> Vec<String> {
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

fn status_is_success(status: &openapiv3::StatusCode) -> bool {
    match status {
        openapiv3::StatusCode::Code(code) => (200..300).contains(code),
        openapiv3::StatusCode::Range(range) => *range == 2,
    }
}

/// The settings every client is generated with.
fn settings() -> GenerationSettings {
    let mut settings = GenerationSettings::new();
    settings
        .with_interface(InterfaceStyle::Builder)
        .with_tag(TagStyle::Merged)
        // The hand-written `ClientHooks` impl in each crate runs requests through the runtime
        // (retries, rate limits); `Expected` makes forgetting it a compile error.
        .with_inner_type(quote!(::user_apis_runtime::Runtime))
        .with_hooks(HooksMode::Expected)
        .with_derive("PartialEq")
        // Secrets in bodies (`format: password`) get a type whose `Debug` redacts them.
        .with_conversion(
            password_schema(),
            "::user_apis_runtime::Password",
            std::iter::empty(),
        );
    settings
}

/// The schema codegen maps to `user_apis_runtime::Password`.
fn password_schema() -> schemars::schema::SchemaObject {
    schemars::schema::SchemaObject {
        instance_type: Some(schemars::schema::InstanceType::String.into()),
        format: Some("password".to_string()),
        ..Default::default()
    }
}

/// Runs one of progenitor's generators on a fresh `Generator` with the project's settings,
/// turning a panic inside it into an error instead of a crash.
fn run_progenitor(
    generate: impl FnOnce(&mut Generator) -> Result<proc_macro2::TokenStream, progenitor::Error>,
) -> Result<proc_macro2::TokenStream, String> {
    let previous_hook = panic::take_hook();
    panic::set_hook(Box::new(|_| {}));
    let result = panic::catch_unwind(AssertUnwindSafe(|| {
        generate(&mut Generator::new(&settings()))
    }));
    panic::set_hook(previous_hook);
    match result {
        Ok(Ok(tokens)) => Ok(tokens),
        Ok(Err(e)) => Err(format!("progenitor rejected the spec: {e}")),
        Err(payload) => {
            let message = payload
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_else(|| "no message".to_string());
            Err(format!(
                "progenitor failed on a construct validation does not catch yet: {message}"
            ))
        }
    }
}

fn header(provider: &Provider) -> String {
    format!(
        "//! The {name} client generated from `{spec}`: types, request builders, operations.\n\
         //\n\
         // @generated by `cargo xtask codegen` from `{spec}`. Do not edit: change the spec or\n\
         // xtask and run the command again; `cargo xtask codegen --check` fails on any drift.\n\
         #![allow(clippy::all, clippy::pedantic)]\n\n",
        name = provider.name,
        spec = provider.spec,
    )
}

/// The CLI's header. `unused_variables`: the `CliConfig` hooks progenitor declares have
/// default bodies that ignore their arguments.
fn cli_header(provider: &Provider) -> String {
    format!(
        "//! The `user-apis {name}` commands generated from `{spec}`: arguments, help, dispatch.\n\
         //\n\
         // @generated by `cargo xtask codegen` from `{spec}`. Do not edit: change the spec or\n\
         // xtask and run the command again; `cargo xtask codegen --check` fails on any drift.\n\
         #![allow(unused_variables, clippy::all, clippy::pedantic)]\n\n",
        name = provider.name,
        spec = provider.spec,
    )
}

/// The comment lines at the top of `api.txt`.
fn api_header(provider: &Provider) -> Vec<String> {
    vec![
        format!(
            "Public API of the {} client, {}, generated from {}.",
            provider.name, provider.output, provider.spec
        ),
        "@generated by `cargo xtask codegen`: one line per operation, parameter, type, field and variant."
            .to_string(),
        "codegen reports each change to this file as breaking or compatible; --check fails when it is stale."
            .to_string(),
    ]
}

/// The mock module's header: how every provider's helpers work. Each crate's `lib.rs` puts
/// its own summary, notes and example on the `mod mock` item, which rustdoc shows first.
fn mock_header(provider: &Provider) -> String {
    format!(
        "//! # How the helpers match and answer\n\
         //!\n\
         //! [`MockServerExt`](crate::mock::MockServerExt) gives httpmock's `MockServer` one\n\
         //! method per operation, named like the client's. Its closure receives two typed\n\
         //! wrappers:\n\
         //!\n\
         //! - the operation's `When`, which already matches the method and the path, with a\n\
         //!   method per parameter: a value requires it, `None` requires that it is absent, and a\n\
         //!   parameter left unset matches any value (a path parameter: any one segment). A path\n\
         //!   parameter matches the segment exactly as the client percent-encodes it; a body\n\
         //!   matches the JSON of the typed value, sent as `application/json`.\n\
         //! - the operation's `Then`, with a method per status the spec documents (`ok`,\n\
         //!   `created`, `not_found`, ...) taking the typed body, so the client decodes exactly\n\
         //!   what the mock serves.\n\
         //!\n\
         //! The methods register the mock at once, through httpmock's blocking `mock`, which\n\
         //! async tests can call too. `into_inner()` on either wrapper gives the plain `httpmock`\n\
         //! type, for what the spec does not describe, such as the authentication header or a\n\
         //! paging header.\n\
         //!\n\
         //! The helpers for every {name} operation are generated from `{spec}`.\n\
         //\n\
         // @generated by `cargo xtask codegen` from `{spec}`. Do not edit: change the spec or\n\
         // xtask and run the command again; `cargo xtask codegen --check` fails on any drift.\n\
         #![allow(clippy::all, clippy::pedantic)]\n\n",
        name = provider.name,
        spec = provider.spec,
    )
}

/// Writes `contents` to `path` unless it already holds them; with `check`, only compares.
///
/// Every generator goes through this one function, so `--check` covers all of them.
pub fn ensure_file_contents(path: &Path, contents: &str, check: bool) -> Result<Outcome, String> {
    if fs::read_to_string(path).is_ok_and(|old| old == contents) {
        return Ok(Outcome::Fresh);
    }
    if check {
        return Ok(Outcome::Stale);
    }
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    fs::write(path, contents).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    Ok(Outcome::Written)
}

/// Generates every listed provider; returns the report lines and whether all files are fresh.
pub fn run(
    providers: &[&Provider],
    check: bool,
    root: &Path,
) -> Result<(Vec<String>, bool), String> {
    let mut report = Vec::new();
    let mut all_fresh = true;
    for provider in providers {
        let started = Instant::now();
        let generated = generate(provider, root)?;
        // How the public API changed, from the committed summary to the new one.
        let committed = match fs::read_to_string(root.join(provider.api)) {
            Ok(text) => Some(text),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(format!("cannot read {}: {e}", provider.api)),
        };
        let api_changes = api_report::compare(
            provider.name,
            provider.api,
            committed.as_deref(),
            &generated.api,
        );
        let declared = crate::declare::generate(provider, &generated.code)?;
        let outputs = [
            (provider.output, &generated.code),
            (provider.cli_output, &generated.cli),
            (provider.api, &generated.api_text),
            (provider.mock_output, &generated.mock),
            (&declared.client_output, &declared.client),
            (&declared.cli_output, &declared.cli),
        ];
        let mut states = Vec::new();
        for (output, contents) in outputs {
            let state = match ensure_file_contents(&root.join(output), contents, check)? {
                Outcome::Fresh => format!("{output} up to date"),
                Outcome::Written => format!("wrote {output}"),
                Outcome::Stale => {
                    all_fresh = false;
                    format!("STALE: {output} differs from {}", provider.spec)
                }
            };
            states.push(state);
        }
        let elapsed: Duration = started.elapsed();
        report.extend(generated.log.iter().map(|line| format!("  {line}")));
        report.push(format!(
            "{}: {} operations, {} types, {} + {} + {} lines, {:.2}s, {}",
            provider.name,
            generated.operations,
            generated.types,
            generated.code.lines().count(),
            generated.cli.lines().count(),
            generated.mock.lines().count(),
            elapsed.as_secs_f64(),
            states.join(", "),
        ));
        report.extend(api_changes);
    }
    Ok((report, all_fresh))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::providers::PROVIDERS;

    /// Plain `cargo test` catches a generated file that no longer matches its spec.
    #[test]
    fn codegen_is_fresh() {
        let providers: Vec<&Provider> = PROVIDERS.iter().collect();
        let (report, fresh) = run(&providers, true, &workspace_root()).expect("codegen runs");
        assert!(
            fresh,
            "generated code is stale; run `cargo xtask codegen`:\n{}",
            report.join("\n")
        );
    }

    #[test]
    fn generation_is_deterministic() {
        for provider in PROVIDERS {
            let first = generate(provider, &workspace_root()).expect("codegen runs");
            let second = generate(provider, &workspace_root()).expect("codegen runs");
            assert_eq!(
                first.code, second.code,
                "{} differs between runs",
                provider.name
            );
            assert_eq!(
                first.cli, second.cli,
                "the {} CLI differs between runs",
                provider.name
            );
            assert_eq!(
                first.api_text, second.api_text,
                "the {} API summary differs between runs",
                provider.name
            );
            assert_eq!(
                first.mock, second.mock,
                "the {} mock differs between runs",
                provider.name
            );
        }
    }

    /// Any 2xx is a success of an operation without data and of one answering an
    /// acknowledgement; an acknowledgement no operation answers fails codegen.
    #[test]
    fn any_2xx_succeeds_without_data_and_acknowledgements_must_be_answered() {
        let spec = |ack_status: &str| {
            format!(
                r##"
openapi: 3.0.3
info: {{title: t, version: "1"}}
paths:
  /x:
    delete:
      operationId: delete_x
      description: Deletes.
      responses: {{"204": {{description: none}}}}
    post:
      operationId: post_x
      description: Acts.
      responses:
        "{ack_status}":
          description: done
          content: {{application/json: {{schema: {{$ref: "#/components/schemas/Done"}}}}}}
components:
  schemas:
    Done:
      type: object
      description: Done.
      x-acknowledgement: true
      properties:
        status: {{type: string, description: OK.}}
"##
            )
        };
        let prepared = prepare_text("t.yaml", &spec("200")).expect("the spec is valid");
        let (file, log) = client_file("t.yaml", &prepared).expect("codegen runs");
        let code = prettyplease::unparse(&file);
        assert!(
            code.contains("200u16..=299u16 => Ok(ResponseValue::empty(response))"),
            "{code}"
        );
        assert!(
            code.contains("200u16..=299u16 => Ok(client.inner.acknowledge(response, &info).await)"),
            "{code}"
        );
        assert!(
            log.iter()
                .any(|line| line.contains("1 operations answering an acknowledgement (Done)")),
            "{log:?}"
        );

        // An acknowledgement that is only an error's answer is no operation's answer.
        let unused = spec("409").replace(
            "      responses:\n        \"409\"",
            "      responses:\n        \"204\": {description: none}\n        \"409\"",
        );
        let prepared = prepare_text("t.yaml", &unused).expect("the spec is valid");
        let Err(error) = client_file("t.yaml", &prepared) else {
            panic!("codegen accepted an acknowledgement no operation answers");
        };
        assert!(
            error.contains("the acknowledgement Done is no operation's answer"),
            "{error}"
        );
    }

    #[test]
    fn a_panic_inside_progenitor_becomes_an_error() {
        // Two media types on one request body reach a `todo!` in progenitor.
        let spec: OpenAPI = serde_saphyr::from_str(
            r#"
openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /x:
    post:
      operationId: post_x
      requestBody:
        content:
          application/json: {schema: {type: string}}
          text/plain: {schema: {type: string}}
      responses: {"204": {description: none}}
"#,
        )
        .expect("test spec parses");
        let error = run_progenitor(|generator| generator.generate_tokens(&spec))
            .expect_err("progenitor cannot generate this");
        assert!(error.contains("more media types than expected"), "{error}");
    }

    #[test]
    fn check_reports_a_stale_file_without_writing_it() {
        let dir = std::env::temp_dir().join(format!("xtask-check-{}", std::process::id()));
        let path = dir.join("generated.rs");
        fs::create_dir_all(&dir).expect("temp dir");
        fs::write(&path, "old").expect("write");
        assert_eq!(ensure_file_contents(&path, "new", true), Ok(Outcome::Stale));
        assert_eq!(fs::read_to_string(&path).expect("read"), "old");
        assert_eq!(
            ensure_file_contents(&path, "new", false),
            Ok(Outcome::Written)
        );
        assert_eq!(ensure_file_contents(&path, "new", true), Ok(Outcome::Fresh));
        fs::remove_dir_all(&dir).expect("cleanup");
    }
}
