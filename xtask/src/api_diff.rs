//! `cargo xtask api-diff OLD.yaml NEW.yaml`: generates the client of each spec in memory and
//! reports how its public API changed ([`crate::api_report`]).

use crate::api_report::{SpecComparison, compare_apis};
use crate::api_summary::{self, Api};
use crate::codegen;

/// `cargo xtask api-diff OLD NEW`: the public API of the client each spec generates, and the
/// report of how it changed, with the count of breaking changes (the command's exit status).
pub fn compare_specs(old_path: &str, new_path: &str) -> Result<SpecComparison, String> {
    let api_of = |path: &str| -> Result<Api, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {path}: {e}"))?;
        spec_api(path, &text)
    };
    Ok(compare_apis(
        &format!("{old_path} -> {new_path}"),
        &api_of(old_path)?,
        &api_of(new_path)?,
    ))
}

/// The public API of the client generated from the spec `text` (named `label` in messages).
pub fn spec_api(label: &str, text: &str) -> Result<Api, String> {
    let prepared = codegen::prepare_text(label, text)?;
    let (file, _, _) = codegen::client_file(label, &prepared)?;
    api_summary::summarize(&file).map_err(|e| format!("{label}: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api_report::{compare, diff, report};

    /// A small spec with every kind of item: operations with query, path and body parameters,
    /// a read-only field (so `UserInput` exists), an open enum, a list field.
    const BASE: &str = r##"
openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /users:
    get:
      operationId: list_users
      parameters:
        - {name: page, in: query, schema: {type: integer}}
        - {name: perPage, in: query, schema: {type: integer}}
      responses:
        "200":
          description: ok
          content: {application/json: {schema: {type: array, items: {$ref: "#/components/schemas/User"}}}}
        "401":
          description: unauthorized
          content: {application/json: {schema: {$ref: "#/components/schemas/ApiError"}}}
    post:
      operationId: create_user
      requestBody:
        required: true
        content: {application/json: {schema: {$ref: "#/components/schemas/User"}}}
      responses:
        "201":
          description: created
          content: {application/json: {schema: {$ref: "#/components/schemas/User"}}}
        "422":
          description: invalid
          content: {application/json: {schema: {$ref: "#/components/schemas/ApiError"}}}
  /users/{id}:
    get:
      operationId: get_user
      description: One user.
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
      responses:
        "200":
          description: ok
          content: {application/json: {schema: {$ref: "#/components/schemas/User"}}}
        "404":
          description: missing
          content: {application/json: {schema: {$ref: "#/components/schemas/ApiError"}}}
components:
  schemas:
    ApiError:
      type: object
      properties:
        message: {type: string}
    Role:
      type: string
      enum: [admin, user]
    User:
      type: object
      required: [name]
      properties:
        id: {type: string, readOnly: true}
        name: {type: string, description: The name.}
        email: {type: string}
        tags: {type: array, items: {type: string}}
        role: {$ref: "#/components/schemas/Role"}
"##;

    fn api(spec: &str) -> Api {
        spec_api("test.yaml", spec).expect("the test spec generates")
    }

    /// `BASE` with each `(from, to)` replaced; each `from` must occur exactly once.
    fn edited(edits: &[(&str, &str)]) -> String {
        let mut spec = BASE.to_string();
        for (from, to) in edits {
            assert_eq!(
                spec.matches(from).count(),
                1,
                "{from:?} occurs once in the spec"
            );
            spec = spec.replacen(from, to, 1);
        }
        spec
    }

    /// The report for `BASE` changed by `edits`, and for the reverse change.
    fn reports(edits: &[(&str, &str)]) -> (Vec<String>, Vec<String>) {
        let base = api(BASE);
        let changed = api(&edited(edits));
        (
            report("test", &diff(&base, &changed)),
            report("test", &diff(&changed, &base)),
        )
    }

    #[test]
    fn a_comparison_counts_its_breaking_changes() {
        let base = api(BASE);
        let no_change = compare_apis("a -> b", &base, &base);
        assert_eq!(
            no_change,
            SpecComparison {
                lines: vec!["a -> b: no change to the public API".to_string()],
                breaking: 0,
            }
        );
        // Adding an optional parameter is compatible; removing it back is breaking.
        let added = api(&edited(&[(
            "        - {name: perPage, in: query, schema: {type: integer}}\n",
            "        - {name: perPage, in: query, schema: {type: integer}}\n        - {name: sort, in: query, schema: {type: string}}\n",
        )]));
        let compatible = compare_apis("a -> b", &base, &added);
        assert_eq!(compatible.breaking, 0, "{:?}", compatible.lines);
        assert_eq!(compatible.lines.len(), 2, "{:?}", compatible.lines);
        let breaking = compare_apis("b -> a", &added, &base);
        assert_eq!(breaking.breaking, 1, "{:?}", breaking.lines);
        assert!(
            breaking.lines[1].starts_with("  breaking    fn list_users(sort): removed"),
            "{:?}",
            breaking.lines
        );
    }

    #[test]
    fn the_base_spec_summarizes_to_these_lines() {
        let text = api_summary::render(&api(BASE), &["header".to_string()]);
        assert_eq!(
            text,
            "\
# header
fn create_user: POST /users -> 201 User; errors 422 ApiError
fn create_user(body): UserInput; body; required
fn get_user: GET /users/{id} -> 200 User; errors 404 ApiError
fn get_user(id): String; path; required
fn list_users: GET /users -> 200 Vec<User>; errors 401 ApiError
fn list_users(page): i64; query page
fn list_users(per_page): i64; query perPage
struct ApiError
struct ApiError.message: Option<String>
enum Role: open Unknown
enum Role::Admin: json admin
enum Role::User: json user
struct User
struct User.email: Option<String>
struct User.id: Option<String>
struct User.name: String; required
struct User.role: Option<Role>
struct User.tags: Vec<String>
struct UserInput: from User
struct UserInput.email: Option<String>
struct UserInput.name: String; required
struct UserInput.role: Option<Role>
struct UserInput.tags: Vec<String>
"
        );
        assert_eq!(api_summary::parse(&text), Ok(api(BASE)));
    }

    #[test]
    fn a_change_nobody_can_see_reports_nothing() {
        let (forward, _) = reports(&[
            ("description: One user.", "description: A user."),
            ("description: The name.", "description: Its name."),
        ]);
        assert_eq!(forward, Vec::<String>::new());
    }

    #[test]
    fn removing_an_operation_breaks_and_adding_one_does_not() {
        let (added, removed) = reports(&[(
            "components:",
            "  /users/{id}/block:
    post:
      operationId: block_user
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
      responses:
        \"201\": {description: blocked}
components:",
        )]);
        assert_eq!(
            added,
            [
                "test: 0 breaking changes, 1 compatible change",
                "  compatible  fn block_user: added: POST /users/{id}/block -> 2xx ()",
            ]
        );
        assert_eq!(
            removed,
            [
                "test: 1 breaking change, 0 compatible changes",
                "  breaking    fn block_user: removed",
            ]
        );
    }

    #[test]
    fn a_new_required_parameter_breaks_and_a_new_optional_one_does_not() {
        let (forward, reversed) = reports(&[(
            "        - {name: page, in: query, schema: {type: integer}}\n",
            "        - {name: q, in: query, schema: {type: string}}
        - {name: since, in: query, required: true, schema: {type: string}}\n",
        )]);
        assert_eq!(
            forward,
            [
                "test: 2 breaking changes, 1 compatible change",
                "  breaking    fn list_users(page): removed",
                "  breaking    fn list_users(since): added: String; query since; required",
                "  compatible  fn list_users(q): added: String; query q",
            ]
        );
        assert_eq!(
            reversed,
            [
                "test: 2 breaking changes, 1 compatible change",
                "  breaking    fn list_users(q): removed",
                "  breaking    fn list_users(since): removed",
                "  compatible  fn list_users(page): added: i64; query page",
            ]
        );
    }

    #[test]
    fn making_a_parameter_required_breaks_and_optional_does_not() {
        let (forward, reversed) = reports(&[(
            "{name: perPage, in: query, schema",
            "{name: perPage, in: query, required: true, schema",
        )]);
        assert_eq!(
            forward,
            [
                "test: 1 breaking change, 0 compatible changes",
                "  breaking    fn list_users(per_page): now required",
            ]
        );
        assert_eq!(
            reversed,
            [
                "test: 0 breaking changes, 1 compatible change",
                "  compatible  fn list_users(per_page): now optional",
            ]
        );

        // A request body the spec makes optional becomes an `Option` that is sent only when set.
        let (forward, reversed) = reports(&[(
            "      requestBody:\n        required: true",
            "      requestBody:\n        required: false",
        )]);
        assert_eq!(
            forward,
            [
                "test: 0 breaking changes, 1 compatible change",
                "  compatible  fn create_user(body): now optional",
            ]
        );
        assert_eq!(
            reversed,
            [
                "test: 1 breaking change, 0 compatible changes",
                "  breaking    fn create_user(body): now required",
            ]
        );
    }

    #[test]
    fn a_parameter_of_another_type_or_wire_name_breaks() {
        let (forward, _) = reports(&[(
            "{name: page, in: query, schema: {type: integer}}",
            "{name: page, in: query, schema: {type: string}}",
        )]);
        assert_eq!(
            forward,
            [
                "test: 1 breaking change, 0 compatible changes",
                "  breaking    fn list_users(page): takes String (was i64)",
            ]
        );
        // The setter keeps its name; the server receives another one.
        let (forward, _) = reports(&[("name: perPage", "name: per_page")]);
        assert_eq!(
            forward,
            [
                "test: 1 breaking change, 0 compatible changes",
                "  breaking    fn list_users(per_page): now sent as query per_page (was query perPage)",
            ]
        );
    }

    #[test]
    fn a_new_route_breaks() {
        let (forward, _) = reports(&[("  /users/{id}:", "  /people/{id}:")]);
        assert_eq!(
            forward,
            [
                "test: 1 breaking change, 0 compatible changes",
                "  breaking    fn get_user: now sends GET /people/{id} (was GET /users/{id})",
            ]
        );
    }

    #[test]
    fn a_new_response_or_error_type_breaks() {
        let (forward, _) = reports(&[(
            "\"201\":
          description: created
          content: {application/json: {schema: {$ref: \"#/components/schemas/User\"}}}",
            "\"201\":
          description: created
          content: {application/json: {schema: {$ref: \"#/components/schemas/ApiError\"}}}",
        )]);
        assert_eq!(
            forward,
            [
                "test: 1 breaking change, 0 compatible changes",
                "  breaking    fn create_user: returns ApiError (was User)",
            ]
        );
        let (forward, _) = reports(&[(
            "\"401\":
          description: unauthorized
          content: {application/json: {schema: {$ref: \"#/components/schemas/ApiError\"}}}",
            "\"401\":
          description: unauthorized
          content: {application/json: {schema: {type: string}}}",
        )]);
        assert_eq!(
            forward,
            [
                "test: 1 breaking change, 0 compatible changes",
                "  breaking    fn list_users: error body is String (was ApiError)",
            ]
        );
    }

    #[test]
    fn a_status_that_stops_succeeding_or_decoding_its_error_breaks() {
        let (forward, _) = reports(&[
            (
                "\"201\":\n          description: created",
                "\"200\":\n          description: created",
            ),
            ("\"422\":", "\"400\":"),
        ]);
        assert_eq!(
            forward,
            [
                "test: 2 breaking changes, 2 compatible changes",
                "  breaking    fn create_user: status 201 no longer succeeds: it is now an unexpected response",
                "  breaking    fn create_user: status 422 no longer has an error body: it is now an unexpected response",
                "  compatible  fn create_user: status 200 now succeeds",
                "  compatible  fn create_user: status 400 now has an error body, ApiError",
            ]
        );
    }

    #[test]
    fn removing_a_type_breaks_and_adding_one_does_not() {
        let (added, removed) = reports(&[(
            "    Role:\n",
            "    Group:
      type: object
      properties:
        name: {type: string}
    Role:\n",
        )]);
        assert_eq!(
            added,
            [
                "test: 0 breaking changes, 1 compatible change",
                "  compatible  struct Group: added",
            ]
        );
        assert_eq!(
            removed,
            [
                "test: 1 breaking change, 0 compatible changes",
                "  breaking    struct Group: removed",
            ]
        );

        let (forward, _) = reports(&[(
            "    Role:\n      type: string\n      enum: [admin, user]",
            "    Role:\n      type: object\n      properties:\n        name: {type: string}",
        )]);
        assert_eq!(
            forward,
            [
                "test: 1 breaking change, 0 compatible changes",
                "  breaking    struct Role: now a struct (was an enum)",
            ]
        );
    }

    #[test]
    fn a_new_required_field_breaks_and_a_new_optional_one_does_not() {
        // `User` is read and sent (as `UserInput`), so both forms change.
        let (added, removed) = reports(&[
            (
                "        tags: {type",
                "        phone: {type: string}\n        nickname: {type: string}\n        tags: {type",
            ),
            ("required: [name]", "required: [name, phone]"),
        ]);
        assert_eq!(
            added,
            [
                "test: 2 breaking changes, 2 compatible changes",
                "  breaking    struct User.phone: added: String; required",
                "  breaking    struct UserInput.phone: added: String; required",
                "  compatible  struct User.nickname: added: Option<String>",
                "  compatible  struct UserInput.nickname: added: Option<String>",
            ]
        );
        assert_eq!(
            removed,
            [
                "test: 4 breaking changes, 0 compatible changes",
                "  breaking    struct User.nickname: removed",
                "  breaking    struct User.phone: removed",
                "  breaking    struct UserInput.nickname: removed",
                "  breaking    struct UserInput.phone: removed",
            ]
        );
    }

    #[test]
    fn a_field_of_another_type_or_json_name_breaks() {
        let (forward, _) = reports(&[("email: {type: string}", "email: {type: integer}")]);
        assert_eq!(
            forward,
            [
                "test: 2 breaking changes, 0 compatible changes",
                "  breaking    struct User.email: type Option<i64> (was Option<String>)",
                "  breaking    struct UserInput.email: type Option<i64> (was Option<String>)",
            ]
        );
        let (forward, _) = reports(&[(
            "        email: {type: string}",
            "        Email: {type: string}",
        )]);
        assert_eq!(
            forward,
            [
                "test: 2 breaking changes, 0 compatible changes",
                "  breaking    struct User.email: now \"Email\" in JSON (was \"email\")",
                "  breaking    struct UserInput.email: now \"Email\" in JSON (was \"email\")",
            ]
        );
    }

    #[test]
    fn a_field_made_required_or_optional_breaks_when_its_type_changes() {
        let (required, optional) = reports(&[("required: [name]", "required: [name, email]")]);
        assert_eq!(
            required,
            [
                "test: 2 breaking changes, 0 compatible changes",
                "  breaking    struct User.email: now required: String (was Option<String>)",
                "  breaking    struct UserInput.email: now required: String (was Option<String>)",
            ]
        );
        assert_eq!(
            optional,
            [
                "test: 2 breaking changes, 0 compatible changes",
                "  breaking    struct User.email: now optional: Option<String> (was String)",
                "  breaking    struct UserInput.email: now optional: Option<String> (was String)",
            ]
        );

        // A list keeps its type either way (a missing one is empty): only decoding changes.
        let (required, optional) = reports(&[("required: [name]", "required: [name, tags]")]);
        assert_eq!(
            required,
            [
                "test: 2 breaking changes, 0 compatible changes",
                "  breaking    struct User.tags: now required: decoding fails without it",
                "  breaking    struct UserInput.tags: now required: decoding fails without it",
            ]
        );
        assert_eq!(
            optional,
            [
                "test: 0 breaking changes, 2 compatible changes",
                "  compatible  struct User.tags: now optional",
                "  compatible  struct UserInput.tags: now optional",
            ]
        );
    }

    #[test]
    fn an_open_enum_keeps_the_values_of_removed_variants_but_code_naming_them_breaks() {
        let (added, removed) = reports(&[("enum: [admin, user]", "enum: [admin, user, owner]")]);
        assert_eq!(
            added,
            [
                "test: 0 breaking changes, 1 compatible change",
                "  compatible  enum Role::Owner: added: \"owner\" decoded as Unknown(\"owner\") before",
            ]
        );
        assert_eq!(
            removed,
            [
                "test: 1 breaking change, 0 compatible changes",
                "  breaking    enum Role::Owner: removed: \"owner\" now decodes as Unknown(\"owner\")",
            ]
        );
    }

    #[test]
    fn the_read_only_split_is_reported_as_its_rust_types_change() {
        // A field that becomes read-only leaves the input type only.
        let (forward, reversed) = reports(&[(
            "email: {type: string}",
            "email: {type: string, readOnly: true}",
        )]);
        assert_eq!(
            forward,
            [
                "test: 1 breaking change, 0 compatible changes",
                "  breaking    struct UserInput.email: removed",
            ]
        );
        assert_eq!(
            reversed,
            [
                "test: 0 breaking changes, 1 compatible change",
                "  compatible  struct UserInput.email: added: Option<String>",
            ]
        );

        // The first read-only field creates `UserInput`; the body still takes a `User`, which
        // converts. The last one going removes it, and the body takes `User` again.
        let (forward, reversed) =
            reports(&[("id: {type: string, readOnly: true}", "id: {type: string}")]);
        assert_eq!(
            forward,
            [
                "test: 2 breaking changes, 0 compatible changes",
                "  breaking    fn create_user(body): takes User (was UserInput)",
                "  breaking    struct UserInput: removed",
            ]
        );
        assert_eq!(
            reversed,
            [
                "test: 0 breaking changes, 2 compatible changes",
                "  compatible  fn create_user(body): takes UserInput (was User); a User still converts into it",
                "  compatible  struct UserInput: added",
            ]
        );
    }

    #[test]
    fn codegen_names_the_file_it_compares_against() {
        let base = api(BASE);
        let committed = api_summary::render(&base, &[]);
        assert_eq!(
            compare("test", "crates/test/api.txt", Some(&committed), &base),
            Vec::<String>::new()
        );
        let changed = api(&edited(&[("enum: [admin, user]", "enum: [admin]")]));
        assert_eq!(
            compare("test", "crates/test/api.txt", Some(&committed), &changed),
            [
                "test public API changes (against crates/test/api.txt): 1 breaking change, 0 compatible changes",
                "  breaking    enum Role::User: removed: \"user\" now decodes as Unknown(\"user\")",
            ]
        );
        assert_eq!(
            compare("test", "crates/test/api.txt", None, &base),
            ["test public API: crates/test/api.txt is new (3 operations, 4 types)"]
        );
        assert_eq!(
            compare(
                "test",
                "crates/test/api.txt",
                Some("fn x(y): String; nowhere\n"),
                &base
            ),
            [
                "test public API: the committed crates/test/api.txt cannot be read (line 1: \
                 unknown location \"nowhere\": fn x(y): String; nowhere), so its changes are not listed"
            ]
        );
    }
}
