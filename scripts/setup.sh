#!/usr/bin/env bash
# Installs whatever is missing to run (`setup.sh run`), to test (`setup.sh test`) or to
# mutation-test (`setup.sh mutants`) the app on Debian or Ubuntu, and skips what is already
# there. Safe to run again and again.
set -euo pipefail
cd "$(dirname "$0")/.."

purpose=${1:-run}

# What `tauri dev` and `tauri build` link against, and the X server for headless machines.
run_packages=(
  libwebkit2gtk-4.1-dev libgtk-3-dev librsvg2-dev libayatana-appindicator3-dev libxdo-dev
  libssl-dev libsqlite3-dev build-essential pkg-config curl file python3
)
# The browsers and drivers for the UI tests, the load generator for the benchmark smoke
# test, X utilities for the .deb check, a session bus for the single-instance test, the
# rpm tool to check the .rpm, a window manager to maximise and minimise the window,
# `ss`, which reads the listener's backlog back, desktop-file-validate for the packages'
# desktop entry, and a stand-in notification server (python3-dbusmock) with `gdbus` to click
# its notifications.
test_packages=(
  xvfb xauth x11-utils webkit2gtk-driver chromium chromium-driver wrk dbus rpm openbox iproute2
  desktop-file-utils python3-dbusmock libglib2.0-bin
)

# For `make check-platforms`: Debian 12's own Rust with the standard library's sources (to
# build std for Windows and macOS), mingw to link a Windows .exe, and Wine to run it.
platform_packages=(gcc-mingw-w64-x86-64 binutils-mingw-w64-x86-64 wine64)
platform_rust_packages=(rustc-web cargo-web rust-web-src rust-web-clippy)

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

missing_packages() {
  local package
  for package in "$@"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
      || printf '%s\n' "$package"
  done
}

install_packages() {
  local missing
  mapfile -t missing < <(missing_packages "$@")
  [ "${#missing[@]}" -eq 0 ] && return
  say "Installing Debian packages: ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

command -v cargo >/dev/null || {
  echo "error: cargo is missing: install Rust from https://rustup.rs first" >&2
  exit 1
}

packages=("${run_packages[@]}")
command -v npm >/dev/null || packages+=(nodejs npm)
[ "$purpose" != run ] && packages+=("${test_packages[@]}")
install_packages "${packages[@]}"

# Debian 12 only: rustc-web and rust-web-src come from bookworm-security.
if [ "$purpose" != run ] && grep -q '^VERSION_CODENAME=bookworm$' /etc/os-release 2>/dev/null; then
  install_packages "${platform_packages[@]}"
  mapfile -t missing < <(missing_packages "${platform_rust_packages[@]}")
  if [ "${#missing[@]}" -gt 0 ]; then
    say "Installing Debian's Rust for the platform checks: ${missing[*]}"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      -t bookworm-security "${missing[@]}"
  fi
fi

# The Tauri CLI, as a prebuilt binary from npm (seconds, where `cargo install` takes minutes).
if [ ! -x node_modules/.bin/tauri ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "Installing the Tauri CLI from npm"
  npm ci --no-audit --no-fund --loglevel=error
fi

# The WebDriver bridge to the Tauri window.
if [ "$purpose" != run ] && ! command -v tauri-driver >/dev/null; then
  say "Installing tauri-driver"
  cargo install tauri-driver --version ^2 --locked --quiet
fi

# cargo-generate, for the template check (scripts/check-template.sh): 0.25, the newest that
# builds with Rust 1.96, which Debian 12's rustc-web (installed above) has where rustup's
# toolchain is older. Built for that check alone: without git support (it generates from a
# local path), and unoptimised, which builds in about 4 minutes where a release build takes 13.
if [ "$purpose" != run ] && ! command -v cargo-generate >/dev/null; then
  say "Installing cargo-generate"
  if [ -x /usr/bin/rustc ] && [ -x /usr/bin/cargo ]; then
    RUSTC=/usr/bin/rustc /usr/bin/cargo install cargo-generate --version 0.25.0 --locked --quiet \
      --no-default-features --debug --root "${CARGO_HOME:-$HOME/.cargo}"
  else
    cargo install cargo-generate --version 0.25.0 --locked --quiet --no-default-features --debug
  fi
fi

# Mutation testing, for `make mutants` only (`make test` does not use it).
if [ "$purpose" = mutants ] && ! command -v cargo-mutants >/dev/null; then
  say "Installing cargo-mutants"
  cargo install cargo-mutants --version ^27 --locked --quiet
fi

scripts/fetch-datastar.sh
