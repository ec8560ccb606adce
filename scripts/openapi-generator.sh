# Sourced by build-cost.sh and build-floor.sh: openapi-generator's Rust client (the `rust`
# generator, reqwest library, async) for the same specs, the comparison for a provider crate.
# Functions only, so sourcing installs and generates nothing.

OAG_VERSION=7.26.0

# Installs what is missing: the generator from PyPI and the Java runtime it needs, from
# Debian's default-jre-headless.
install_openapi_generator() {
    if ! command -v java > /dev/null; then
        local sudo
        sudo=$([ "$(id -u)" = 0 ] || echo sudo)
        $sudo apt-get update -q > /dev/null
        $sudo apt-get install -y -q default-jre-headless > /dev/null
    fi
    if ! command -v openapi-generator-cli > /dev/null; then
        python3 -m pip install -q --user "openapi-generator-cli==$OAG_VERSION"
        PATH="$(python3 -m site --user-base)/bin:$PATH"
    fi
}

# Generates openapi-generator's client for `specs/$1.yaml` into `$2`, as a workspace of its
# own, with the package name `$1-oag`.
generate_openapi_client() { # PROVIDER DIR
    openapi-generator-cli generate -g rust -i "specs/$1.yaml" -o "$2" \
        --additional-properties=library=reqwest,supportAsync=true,packageName="$1-oag" > /dev/null
    printf '\n[workspace]\n' >> "$2/Cargo.toml"
}
