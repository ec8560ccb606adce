#!/usr/bin/env bash
# Checks the workspace against its minimum supported Rust version (`rust-version` in the root
# Cargo.toml). Run by CI (`.ci/run`); run it by hand the same way: `scripts/msrv.sh`.
#
# With the MSRV toolchain at hand (installed already, or installable with rustup), it runs
# `cargo +MSRV check --workspace --all-targets --locked` in its own target directory
# (`$CARGO_TARGET_DIR/msrv`, else `target/msrv`), so the main build is not invalidated.
#
# A machine may have only its one toolchain and no way to download another. There the
# compile check cannot run, and the script says so in capitals and checks what it can without
# that toolchain: the `msrv` tests of xtask (no locked dependency declares a newer
# `rust-version` than the workspace). Clippy's `incompatible_msrv` lint, which CI runs anyway,
# covers the standard library APIs our code calls. Set MSRV_STRICT=1 to make a missing
# toolchain fail instead.
set -euo pipefail
cd "$(dirname "$0")/.."

msrv=$(sed -n 's/^rust-version = "\(.*\)"$/\1/p' Cargo.toml | head -n 1)
if [[ -z "$msrv" ]]; then
    echo "msrv: no rust-version in Cargo.toml" >&2
    exit 1
fi

# Only asks: with auto-install off, rustup does not start a download for a missing toolchain.
have_toolchain() { RUSTUP_AUTO_INSTALL=0 cargo "+$msrv" --version >/dev/null 2>&1; }

if ! have_toolchain && command -v rustup >/dev/null; then
    echo "msrv: Rust $msrv is not installed; trying: rustup toolchain install $msrv --profile minimal"
    # Bounded: without a network, rustup's retries would otherwise take minutes.
    timeout 300 rustup toolchain install "$msrv" --profile minimal || true
fi

if have_toolchain; then
    started=$(date +%s)
    CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-target}/msrv" \
        cargo "+$msrv" check --workspace --all-targets --locked
    echo "msrv: the workspace, with its tests, examples and benches, builds with $(rustc "+$msrv" --version) ($(($(date +%s) - started)) s)"
    exit 0
fi

cat >&2 <<EOF
msrv: ************************************************************************************
msrv: RUST $msrv IS NOT AVAILABLE ON THIS MACHINE AND COULD NOT BE INSTALLED:
msrv: THE WORKSPACE WAS NOT COMPILED WITH ITS MINIMUM SUPPORTED RUST VERSION.
msrv: Checked instead, with $(rustc --version): every locked dependency declares a
msrv: rust-version no newer than $msrv (xtask's msrv tests); clippy's incompatible_msrv lint
msrv: covers our own use of the standard library.
msrv: ************************************************************************************
EOF
if [[ "${MSRV_STRICT:-0}" == 1 ]]; then
    echo "msrv: MSRV_STRICT=1: failing" >&2
    exit 1
fi
cargo test -p xtask --locked -- msrv::
