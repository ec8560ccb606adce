//! `cargo xtask codegen`, one pipeline per provider: load the spec, validate it, apply the spec
//! fixups, generate the client, the CLI module and the mocks with progenitor, apply each one's
//! fixup table ([`CLIENT_FIXUPS`], [`CLI_FIXUPS`], [`MOCK_FIXUPS`]), refuse code that can
//! panic, check that every fixup applied where it must, format, and ensure each file.

use std::fs;
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use openapiv3::OpenAPI;
use progenitor::{GenerationSettings, Generator, HooksMode, InterfaceStyle, TagStyle};
use quote::quote;
use serde_json::Value;

use crate::cli_fixups::{CLI_FIXUPS, CliCtx};
use crate::code_fixups::{CLIENT_FIXUPS, ClientCtx};
use crate::fixup::{self, Ran};
use crate::mock_fixups::{MOCK_FIXUPS, MockCtx};
use crate::providers::{PROVIDERS, Provider, Scheme};
use crate::spec::{
    acknowledgement_schemas, binary_response_operations, operations, optional_body_operations,
    routes, update_sources,
};
use crate::spec_fixups::{Audience, Draft, SPEC_FIXUPS, TYPED_SPEC_FIXUPS, Typed};
use crate::syntax::refuse_panics;
use crate::{api_report, api_summary, code_fixups, validate};

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
    /// How each fixup went, client, CLI and mock fixups in turn.
    pub ran: Vec<Ran>,
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

/// A provider's spec after validation and the spec fixups: what the three generators start
/// from (so that the command-line tool and the mocks name exactly the types the client crate
/// defines), and what each table of fixups reads from it.
#[derive(Debug)]
pub struct Prepared {
    /// The fixed-up document, its operations described for the Rust client
    /// ([`Audience::Rust`]).
    pub spec: OpenAPI,
    /// The same document with its operations described for the command line
    /// ([`Audience::Cli`]).
    pub cli_spec: OpenAPI,
    /// What each spec fixup changed, a line per change.
    pub log: Vec<String>,
    /// How each spec fixup went.
    pub ran: Vec<Ran>,
    /// Number of operations in the spec.
    pub operations: usize,
    /// What the client fixups read.
    pub client: ClientCtx,
    /// What the CLI fixups read.
    pub cli: CliCtx,
    /// What the mock fixups read.
    pub mock: MockCtx,
}

/// The workspace root: the parent of this crate's directory.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

/// The pipeline for one provider: load and validate its spec, apply the spec fixups, generate
/// the client, the CLI module and the mocks with progenitor, apply each one's fixup table,
/// check that every fixup that must apply did, and format.
pub fn generate(provider: &Provider, root: &Path) -> Result<Generated, String> {
    let prepared = prepare(provider, root)?;
    let label = provider.spec;

    let (mut client, mut log, client_ran) = client_file(label, &prepared)?;
    let mut ran = prepared.ran;
    ran.extend(client_ran);
    let api = api_summary::summarize(&client).map_err(|e| format!("{label}: {e}"))?;
    let types = code_fixups::count_types(&mut client);

    let cli_spec = &prepared.cli_spec;
    let mut cli = progenitor_file(label, "CLI", |generator| {
        generator.cli(cli_spec, &format!("user_apis::{}", provider.name))
    })?;
    ran.extend(
        fixup::run("CLI", CLI_FIXUPS, &mut cli, &prepared.cli, &mut log)
            .map_err(|e| format!("{label} (CLI): {e}"))?,
    );
    refuse_panics(&mut cli, "the generated CLI").map_err(|e| format!("{label} (CLI): {e}"))?;

    // The module lives inside the client crate, so the generated code reaches it as `crate`.
    let spec = &prepared.spec;
    let mut mock = progenitor_file(label, "mock", |generator| generator.httpmock(spec, "crate"))?;
    ran.extend(
        fixup::run("mock", MOCK_FIXUPS, &mut mock, &prepared.mock, &mut log)
            .map_err(|e| format!("{label} (mock): {e}"))?,
    );
    refuse_panics(&mut mock, "the generated mock").map_err(|e| format!("{label} (mock): {e}"))?;

    fixup::require_every_provider(label, &ran)?;
    let mut spec_log = prepared.log;
    spec_log.extend(log);
    Ok(Generated {
        code: format!("{}{}", header(provider), prettyplease::unparse(&client)),
        cli: format!("{}{}", cli_header(provider), prettyplease::unparse(&cli)),
        mock: format!("{}{}", mock_header(provider), prettyplease::unparse(&mock)),
        api_text: api_summary::render(&api, &api_header(provider)),
        api,
        log: spec_log,
        ran,
        operations: prepared.operations,
        types,
    })
}

/// Reads and validates one provider's spec, then applies the spec fixups.
pub fn prepare(provider: &Provider, root: &Path) -> Result<Prepared, String> {
    let path = root.join(provider.spec);
    let text =
        fs::read_to_string(&path).map_err(|e| format!("cannot read {}: {e}", provider.spec))?;
    let mut prepared = prepare_text(provider.spec, &text)?;
    prepared.client.crate_name = provider.crate_name.to_string();
    prepared.cli.synonyms = provider.flag_synonyms;
    let lists = provider
        .paging
        .lists
        .iter()
        .map(|list| list.operation.to_string());
    match provider.paging.scheme {
        Scheme::NextPage { .. } => prepared.mock.numbered_lists = lists.collect(),
        Scheme::LinkCursor => prepared.mock.cursor_lists = lists.collect(),
        Scheme::ShortPage { .. } | Scheme::Total { .. } => {}
    }
    Ok(prepared)
}

/// Validates the spec `text` (named `label` in messages), then applies the spec fixups and
/// reads what the fixup tables need from the result.
pub fn prepare_text(label: &str, text: &str) -> Result<Prepared, String> {
    // The typed form is parsed straight from YAML so that its errors carry line and column.
    let spec: OpenAPI = serde_saphyr::from_str(text)
        .map_err(|e| format!("{label} is not a valid OpenAPI document: {e}"))?;
    let raw: Value =
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

    // The document is prepared twice, once for each audience of its descriptions; the two
    // differ in nothing else, so the Rust one's log and counts stand for both.
    let draft = Draft {
        raw,
        wire_names: Vec::new(),
    };
    let mut log = Vec::new();
    let mut rust = draft.clone();
    let mut ran = fixup::run("spec", SPEC_FIXUPS, &mut rust, &Audience::Rust, &mut log)
        .map_err(|e| format!("{label}: {e}"))?;
    let mut cli = draft;
    fixup::run(
        "spec",
        SPEC_FIXUPS,
        &mut cli,
        &Audience::Cli,
        &mut Vec::new(),
    )
    .map_err(|e| format!("{label}: {e}"))?;
    let Draft { raw, wire_names } = rust;
    let cli_raw = cli.raw;
    let docs = code_fixups::docs::SpecDocs::from_spec(&raw);
    let typed = |raw: Value, log: &mut Vec<String>| -> Result<(Typed, Vec<Ran>), String> {
        let spec: OpenAPI = serde_json::from_value(raw)
            .map_err(|e| format!("{label}: a fixup broke the document: {e}"))?;
        let mut typed = Typed {
            spec,
            splits: Vec::new(),
        };
        let ran = fixup::run("typed spec", TYPED_SPEC_FIXUPS, &mut typed, &(), log)
            .map_err(|e| format!("{label}: {e}"))?;
        Ok((typed, ran))
    };
    let (Typed { spec, splits }, typed_ran) = typed(raw, &mut log)?;
    ran.extend(typed_ran);
    // The descriptions are all that differ, so the CLI's document splits the same schemas.
    let (Typed { spec: cli_spec, .. }, _) = typed(cli_raw, &mut Vec::new())?;
    let client = ClientCtx {
        // A spec outside the provider table (api-diff, tests) names its crate `client`, which
        // only its examples show; `prepare` names a provider's own.
        crate_name: "client".to_string(),
        splits,
        docs,
        wire_names: wire_names.clone(),
        acknowledgements: acknowledgement_schemas(&spec),
        optional_bodies: optional_body_operations(&spec),
        routes: routes(&spec),
        update_sources: update_sources(&spec),
    };
    let cli = CliCtx {
        binary_responses: binary_response_operations(&cli_spec),
        wire_names: wire_names.clone(),
        // A spec outside the provider table has none; `prepare` gives a provider's own.
        synonyms: &[],
    };
    let mock = MockCtx {
        optional_bodies: optional_body_operations(&spec),
        binary_responses: binary_response_operations(&spec),
        routes: routes(&spec),
        wire_names,
        // The provider table says which lists page how; `prepare` fills these in.
        numbered_lists: Vec::new(),
        cursor_lists: Vec::new(),
    };
    Ok(Prepared {
        spec,
        cli_spec,
        log,
        ran,
        operations,
        client,
        cli,
        mock,
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

/// The client's syntax tree for a prepared spec (named `label` in messages): progenitor, then
/// the client fixups, then the check that nothing can panic. Returns the tree, the fixup log
/// and how each fixup went.
pub fn client_file(
    label: &str,
    prepared: &Prepared,
) -> Result<(syn::File, Vec<String>, Vec<Ran>), String> {
    let spec = &prepared.spec;
    let mut file = progenitor_file(label, "client", |generator| generator.generate_tokens(spec))?;
    let mut log = Vec::new();
    let ran = fixup::run(
        "client",
        CLIENT_FIXUPS,
        &mut file,
        &prepared.client,
        &mut log,
    )
    .map_err(|e| format!("{label}: {e}"))?;
    refuse_panics(&mut file, "the generated client").map_err(|e| format!("{label}: {e}"))?;
    Ok((file, log, ran))
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
    let mut ran = Vec::new();
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
        let (manifest_output, manifest) = crate::table::crate_manifest(provider, &generated.code);
        let outputs = [
            (manifest_output.as_str(), &manifest),
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
        ran.extend(generated.ran);
    }
    // What lists every provider follows from the table alone, whichever providers ran.
    let mut states = Vec::new();
    for (output, contents) in crate::table::generate(PROVIDERS, root)? {
        let state = match ensure_file_contents(&root.join(&output), &contents, check)? {
            Outcome::Fresh => format!("{output} up to date"),
            Outcome::Written => format!("wrote {output}"),
            Outcome::Stale => {
                all_fresh = false;
                format!("STALE: {output} differs from the provider table")
            }
        };
        states.push(state);
    }
    report.push(format!("provider table: {}", states.join(", ")));
    // A fixup for a construct only some specs use must still apply somewhere.
    if providers.len() == PROVIDERS.len() {
        fixup::require_some_provider(&ran)?;
    }
    Ok((report, all_fresh))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::mentions;

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
        let (file, log, _) = client_file("t.yaml", &prepared).expect("codegen runs");
        let code = prettyplease::unparse(&file);
        assert!(
            mentions(
                &file,
                quote!(client.inner.answer_empty(response, &info, &[]).await)
            ),
            "{code}"
        );
        assert!(
            mentions(
                &file,
                quote!(client.inner.answer_acknowledged(response, &info, &[]).await)
            ),
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

    /// A progenitor that moved a shape a fixup fixes makes codegen fail, naming the fixup.
    #[test]
    fn a_fixup_that_applies_nowhere_fails_codegen_naming_it() {
        let provider = PROVIDERS
            .iter()
            .find(|provider| provider.name == "sendauth")
            .expect("sendauth is a provider");
        let prepared = prepare(provider, &workspace_root()).expect("the spec prepares");
        let generate = |tokens: &dyn Fn(String) -> String| -> Result<(), String> {
            let file = progenitor_file(provider.spec, "client", |generator| {
                generator.generate_tokens(&prepared.spec)
            })?;
            let text = tokens(quote!(#file).to_string());
            let mut file: syn::File = syn::parse_str(&text).expect("the edited client parses");
            let ran = fixup::run(
                "client",
                CLIENT_FIXUPS,
                &mut file,
                &prepared.client,
                &mut Vec::new(),
            )?;
            fixup::require_every_provider(provider.spec, &ran)
        };
        generate(&|text| text).expect("progenitor's own client fits the table");

        // As if progenitor renamed the function that encodes path parameters.
        let error = generate(&|text| text.replace("encode_path", "encode_path_segment"))
            .expect_err("the path guard no longer applies");
        assert_eq!(
            error,
            "specs/sendauth.yaml: applied nowhere, so the code no longer has the shape they fix: \
             client fixup guard_path_segments"
        );

        // The mock fixups do not fit a client at all: the first one fails, named.
        let mut client = progenitor_file(provider.spec, "client", |generator| {
            generator.generate_tokens(&prepared.spec)
        })
        .expect("progenitor generates");
        let error = fixup::run(
            "mock",
            MOCK_FIXUPS,
            &mut client,
            &prepared.mock,
            &mut Vec::new(),
        )
        .expect_err("a client is no mock");
        assert_eq!(
            error,
            "datetime_parameter_values: progenitor's output has no `operations` module"
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
