//! Named transformations of the generated code, applied to progenitor's output before printing.
//!
//! They give the generated types the behaviour the user contract asks for and that progenitor
//! has no setting for. Each returns a line per change, which codegen prints.

use std::collections::BTreeMap;

use quote::{format_ident, quote};
use syn::punctuated::Punctuated;
use syn::{Attribute, Fields, File, Item, ItemEnum, ItemImpl, Token, parse_quote};

use crate::spec_fixups::Split;

/// The items of the generated `types` module, where every schema type lives.
fn types_module(file: &mut File) -> Result<&mut Vec<Item>, String> {
    file.items
        .iter_mut()
        .find_map(|item| match item {
            Item::Mod(module) if module.ident == "types" => {
                module.content.as_mut().map(|(_, items)| items)
            }
            _ => None,
        })
        .ok_or_else(|| "progenitor's output has no `types` module".to_string())
}

/// Counts the schema types (structs and enums) in the generated `types` module.
pub fn count_types(file: &mut File) -> usize {
    types_module(file).map_or(0, |items| {
        items
            .iter()
            .filter(|item| matches!(item, Item::Struct(_) | Item::Enum(_)))
            .count()
    })
}

/// Makes every string enum keep values the spec does not list.
///
/// progenitor turns `enum: [admin, user]` into a Rust enum whose decoding fails on any other
/// string, so a server that adds a value would break every response carrying it. This adds a
/// last variant, `Unknown(String)`, marked `#[serde(untagged)]`: known values still decode to
/// their own variants, an unknown value decodes to `Unknown` with the string kept, and it is
/// written back unchanged. `Display` prints the kept string and `FromStr` accepts any string.
/// `Copy` is dropped from the derives, since the new variant owns a `String`.
pub fn open_string_enums(file: &mut File) -> Result<Vec<String>, String> {
    let items = types_module(file)?;
    let mut opened = BTreeMap::new();
    for item in items.iter_mut() {
        let Item::Enum(item) = item else { continue };
        if !is_string_enum(item) {
            continue;
        }
        let taken = |name: &str| item.variants.iter().any(|v| v.ident == name);
        let variant = if taken("Unknown") {
            format_ident!("UnknownValue")
        } else {
            format_ident!("Unknown")
        };
        if taken(&variant.to_string()) {
            return Err(format!(
                "enum {} has no free name for its unknown variant",
                item.ident
            ));
        }
        drop_copy(&mut item.attrs)?;
        item.variants.push(parse_quote! {
            /// A value this client does not know yet, kept exactly as received.
            #[serde(untagged)]
            #variant(::std::string::String)
        });
        opened.insert(item.ident.to_string(), variant);
    }

    // Teach the conversions generated for each enum about the new variant.
    for item in items.iter_mut() {
        let Item::Impl(item) = item else { continue };
        let Some(name) = self_type_name(item) else {
            continue;
        };
        let Some(variant) = opened.get(&name) else {
            continue;
        };
        match trait_name(item).as_deref() {
            Some("Display") => add_match_arm(
                item,
                parse_quote! {
                    Self::#variant(ref value) => f.write_str(value)
                },
            )?,
            Some("FromStr") => replace_wildcard_arm(
                item,
                parse_quote! {
                    _ => Ok(Self::#variant(value.to_string()))
                },
            )?,
            _ => {}
        }
    }

    Ok(opened
        .iter()
        .map(|(name, variant)| {
            format!("open_string_enums: {name} keeps unknown values in {name}::{variant}")
        })
        .collect())
}

/// A string enum as typify emits it: unit variants only, deriving `Deserialize`.
fn is_string_enum(item: &ItemEnum) -> bool {
    !item.variants.is_empty()
        && item
            .variants
            .iter()
            .all(|v| matches!(v.fields, Fields::Unit))
        && item.attrs.iter().any(|attr| {
            attr.path().is_ident("derive") && quote!(#attr).to_string().contains("Deserialize")
        })
        && !item.attrs.iter().any(|attr| attr.path().is_ident("serde"))
}

fn drop_copy(attrs: &mut [Attribute]) -> Result<(), String> {
    for attr in attrs.iter_mut().filter(|a| a.path().is_ident("derive")) {
        let paths = attr
            .parse_args_with(Punctuated::<syn::Path, Token![,]>::parse_terminated)
            .map_err(|e| format!("unreadable derive list: {e}"))?;
        let kept = paths
            .into_iter()
            .filter(|path| path.segments.last().is_none_or(|s| s.ident != "Copy"));
        *attr = parse_quote!(#[derive(#(#kept),*)]);
    }
    Ok(())
}

fn self_type_name(item: &ItemImpl) -> Option<String> {
    match item.self_ty.as_ref() {
        syn::Type::Path(path) => path.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    }
}

fn trait_name(item: &ItemImpl) -> Option<String> {
    let (path, _) = item.trait_.as_ref()?;
    path.segments.last().map(|s| s.ident.to_string())
}

/// The first `match` in the first method of an impl.
fn first_match(item: &mut ItemImpl) -> Result<&mut syn::ExprMatch, String> {
    let name = self_type_name(item).unwrap_or_default();
    item.items
        .iter_mut()
        .find_map(|item| match item {
            syn::ImplItem::Fn(function) => {
                function.block.stmts.iter_mut().find_map(|stmt| match stmt {
                    syn::Stmt::Expr(syn::Expr::Match(expr), _) => Some(expr),
                    _ => None,
                })
            }
            _ => None,
        })
        .ok_or_else(|| format!("an impl for {name} has no match to extend"))
}

fn add_match_arm(item: &mut ItemImpl, arm: syn::Arm) -> Result<(), String> {
    let expr = first_match(item)?;
    expr.arms.push(arm);
    Ok(())
}

fn replace_wildcard_arm(item: &mut ItemImpl, arm: syn::Arm) -> Result<(), String> {
    let expr = first_match(item)?;
    let last = expr
        .arms
        .last_mut()
        .filter(|last| matches!(last.pat, syn::Pat::Wild(_)))
        .ok_or_else(|| "a FromStr match does not end in `_ =>`".to_string())?;
    *last = arm;
    Ok(())
}

/// The fields of the struct `name`, each with its type as text.
fn fields_of(items: &[Item], name: &str) -> Option<Vec<(syn::Ident, String)>> {
    items.iter().find_map(|item| match item {
        Item::Struct(s) if s.ident == name => Some(
            s.fields
                .iter()
                .filter_map(|field| {
                    let ty = &field.ty;
                    Some((field.ident.clone()?, quote!(#ty).to_string()))
                })
                .collect(),
        ),
        _ => None,
    })
}

/// Adds `impl From<Read> for Write` for every schema split by
/// [`crate::spec_fixups::split_read_only_request_bodies`].
///
/// Fields of the same type move across; fields whose type is itself split convert with
/// `Into` (through `Option` and `Vec`); the read-only fields are dropped.
pub fn add_input_conversions(file: &mut File, splits: &[Split]) -> Result<Vec<String>, String> {
    let items = types_module(file)?;
    let mut log = Vec::new();
    let mut impls = Vec::new();
    for split in splits {
        let read_fields = fields_of(items, &split.read)
            .ok_or_else(|| format!("no generated struct named {}", split.read))?;
        let write_fields = fields_of(items, &split.write)
            .ok_or_else(|| format!("no generated struct named {}", split.write))?;
        let mut assignments = Vec::new();
        for (ident, write_ty) in &write_fields {
            let read_ty = read_fields
                .iter()
                .find(|(name, _)| name == ident)
                .map(|(_, ty)| ty)
                .ok_or_else(|| {
                    format!(
                        "{} has no field {ident} to fill {}",
                        split.read, split.write
                    )
                })?;
            let value = if read_ty == write_ty {
                quote!(value.#ident)
            } else if write_ty.starts_with(":: std :: option :: Option <") {
                quote!(value.#ident.map(::std::convert::Into::into))
            } else if write_ty.starts_with(":: std :: vec :: Vec <") {
                quote!(value.#ident.into_iter().map(::std::convert::Into::into).collect())
            } else {
                quote!(::std::convert::Into::into(value.#ident))
            };
            assignments.push(quote!(#ident: #value));
        }
        let read = format_ident!("{}", split.read);
        let write = format_ident!("{}", split.write);
        let doc = format!(
            "Keeps the writable fields of a [`{}`], so a value read from the server can be sent back.",
            split.read
        );
        impls.push(parse_quote! {
            #[doc = #doc]
            impl ::std::convert::From<#read> for #write {
                fn from(value: #read) -> Self {
                    Self { #(#assignments),* }
                }
            }
        });
        log.push(format!("add_input_conversions: From<{read}> for {write}"));
    }
    items.extend(impls.into_iter().map(Item::Impl));
    Ok(log)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn string_enums_gain_an_unknown_variant_and_conversions_follow() {
        let mut file: File = parse_quote! {
            pub mod types {
                #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Copy, Debug)]
                pub enum Role {
                    #[serde(rename = "admin")]
                    Admin,
                }
                impl ::std::fmt::Display for Role {
                    fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        match *self {
                            Self::Admin => f.write_str("admin"),
                        }
                    }
                }
                impl ::std::str::FromStr for Role {
                    type Err = &'static str;
                    fn from_str(value: &str) -> ::std::result::Result<Self, &'static str> {
                        match value {
                            "admin" => Ok(Self::Admin),
                            _ => Err("invalid value"),
                        }
                    }
                }
                #[derive(::serde::Deserialize, Clone, Debug)]
                #[serde(untagged)]
                pub enum Mixed { A, B }
            }
        };
        let log = open_string_enums(&mut file).expect("fixup applies");
        assert_eq!(
            log,
            vec!["open_string_enums: Role keeps unknown values in Role::Unknown"]
        );
        let text = prettyplease::unparse(&file);
        assert!(
            text.contains("#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug)]"),
            "{text}"
        );
        assert!(
            text.contains("#[serde(untagged)]\n        Unknown(::std::string::String),"),
            "{text}"
        );
        assert!(
            text.contains("Self::Unknown(ref value) => f.write_str(value)"),
            "{text}"
        );
        assert!(
            text.contains("_ => Ok(Self::Unknown(value.to_string()))"),
            "{text}"
        );
        // An enum with its own serde representation is left alone.
        assert!(
            text.contains("pub enum Mixed {\n        A,\n        B,\n    }"),
            "{text}"
        );
    }

    #[test]
    fn input_conversions_move_shared_fields_and_convert_split_ones() {
        let mut file: File = parse_quote! {
            pub mod types {
                pub struct User {
                    pub id: ::std::option::Option<String>,
                    pub name: String,
                    pub company: ::std::option::Option<Company>,
                }
                pub struct UserInput {
                    pub name: String,
                    pub company: ::std::option::Option<CompanyInput>,
                }
            }
        };
        let splits = [Split {
            read: "User".into(),
            write: "UserInput".into(),
        }];
        add_input_conversions(&mut file, &splits).expect("fixup applies");
        let text = prettyplease::unparse(&file);
        assert!(
            text.contains("impl ::std::convert::From<User> for UserInput"),
            "{text}"
        );
        assert!(text.contains("name: value.name,"), "{text}");
        assert!(
            text.contains("company: value.company.map(::std::convert::Into::into),"),
            "{text}"
        );
        assert!(!text.contains("value.id"), "{text}");
    }
}
