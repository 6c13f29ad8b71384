#!/usr/bin/env bash
# Windows and macOS, compiled here: type-checks and lints (clippy) the desktop app and the
# server for Windows (MSVC) and macOS (Apple Silicon), builds the headless server for Windows
# with mingw, and runs the server's unit tests and the portable HTTP tests
# (`ui/tests/portable.rs`, against that .exe) under Wine.
#
# rustup cannot fetch those targets' standard libraries here, so this uses Debian 12's own
# Rust (`rustc-web`, `cargo-web`) by path, with the standard library's sources
# (`rust-web-src`) for `-Zbuild-std`; rustup's toolchain stays the default. What it cannot
# check: C code for MSVC and macOS (no Windows SDK, no macOS SDK), which a stand-in
# compiler skips (`scripts/platforms/no-c-compiler`), and the desktop window on Windows
# (Wine has no WebView2).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/target-dir.sh

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

if ! grep -q '^VERSION_CODENAME=bookworm$' /etc/os-release 2>/dev/null; then
  echo "check-platforms: skipped: it needs Debian 12's rustc-web and rust-web-src" >&2
  exit 0
fi
if [ ! -d /usr/lib/rustlib/src/rust/library ] || [ ! -x /usr/bin/cargo-clippy ] \
  || ! command -v x86_64-w64-mingw32-gcc >/dev/null || [ ! -x /usr/lib/wine/wine64 ]; then
  echo "error: the platform checks need rustc-web, cargo-web, rust-web-src, rust-web-clippy," >&2
  echo "gcc-mingw-w64-x86-64 and wine64: \`scripts/setup.sh test\` installs them" >&2
  exit 1
fi

out=$TARGET_DIR/platforms
# Debian's cargo, rustc and clippy (`rust-web-clippy`), never rustup's from $PATH.
export RUSTC=/usr/bin/rustc RUSTC_BOOTSTRAP=1 CARGO=/usr/bin/cargo
std_cargo() { /usr/bin/cargo -Zbuild-std=std,panic_abort "$@" --locked --target-dir "$out"; }
std_clippy() {
  /usr/bin/cargo-clippy clippy -Zbuild-std=std,panic_abort "$@" --locked --target-dir "$out"
}

# Fails on any warning in this project's crates (`-D warnings` would also apply to the
# standard library that -Zbuild-std compiles, which is not ours to fix). Cargo sums each
# crate's warnings up as "warning: `datastar-ui` (lib) generated 1 warning".
no_warnings() {
  if grep -qE '^warning: `(datastar-|ui-scenarios)' "$1"; then
    cat "$1" >&2
    echo "error: the build above has warnings in this project's code" >&2
    return 1
  fi
}

no_c=$PWD/scripts/platforms/no-c-compiler
for triple in x86_64-pc-windows-msvc aarch64-apple-darwin; do
  var=${triple//-/_}
  say "Type-checking and linting for $triple (Rust only: the C of SQLite and others is skipped)"
  log=$(mktemp)
  # The desktop app and the server, with their tests, in one invocation: cargo unifies
  # features over the packages it is given, so checking them one after the other would
  # check a third of the graph twice. The desktop app's integration tests drive an X
  # display, and compile to nothing off Linux.
  if ! (
    export "CC_$var=$no_c" "CXX_$var=$no_c" "AR_$var=$no_c"
    std_clippy --target "$triple" -p datastar-desktop -p datastar-ui --lib --bins --tests
  ) >"$log" 2>&1; then
    cat "$log" >&2
    exit 1
  fi
  no_warnings "$log"
  rm -f "$log"
done

windows_gnu=x86_64-pc-windows-gnu
say "Building the headless server and its tests for Windows with mingw"
export CC_x86_64_pc_windows_gnu=x86_64-w64-mingw32-gcc AR_x86_64_pc_windows_gnu=x86_64-w64-mingw32-ar \
  CARGO_TARGET_X86_64_PC_WINDOWS_GNU_LINKER=x86_64-w64-mingw32-gcc \
  CARGO_TARGET_X86_64_PC_WINDOWS_GNU_RUNNER=/usr/lib/wine/wine64
# The .exe comes from the same build as the unit tests: an integration test target is what
# makes `cargo test` build the binary too. A `cargo build` of it alone would build nearly
# every crate again, with the test harness's standard library and the tests' features.
std_cargo test --target "$windows_gnu" -p datastar-ui --lib --test integration --no-run
exe=$out/$windows_gnu/debug/datastar-headless.exe
# Wine 8.0 lacks the function Rust's std draws random numbers from: a stand-in DLL beside
# the .exe gives it (scripts/platforms/process_prng.c). A test fixture, never shipped.
# The test executables are in deps/, so it goes there too.
for dir in "$(dirname "$exe")" "$(dirname "$exe")/deps"; do
  x86_64-w64-mingw32-gcc -shared -O2 -o "$dir/bcryptprimitives.dll" \
    scripts/platforms/process_prng.c -ladvapi32
done

export WINEPREFIX=$out/wine WINEDEBUG=-all
trap '/usr/lib/wine/wineserver -k 2>/dev/null || true' EXIT

say "Running the server's unit tests for Windows under Wine"
std_cargo test --target "$windows_gnu" -p datastar-ui --lib

say "Running the portable HTTP tests against datastar-headless.exe under Wine"
# The tests themselves are built by rustup's toolchain, as in the rest of `make test`.
# Selected as `make test` selects them, so that they reuse its build.
DATASTAR_HEADLESS_COMMAND="/usr/lib/wine/wine64 $exe" env -u RUSTC -u RUSTC_BOOTSTRAP -u CARGO \
  cargo test --workspace --exclude datastar-desktop --locked --test integration portable:: \
  -- --test-threads 1
