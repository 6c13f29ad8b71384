#!/usr/bin/env bash
# Checks that the desktop app's dependency graph resolves for Windows and macOS with no
# Linux-only crate in it: GTK, WebKitGTK and D-Bus belong behind the platform seam
# (`src-tauri/platform/`, and `[target.'cfg(target_os = "linux")'.dependencies]`).
# Resolving the graph needs no target libraries, but it does need the manifests of crates a
# Linux build never downloads, so cargo fetches them here (a new machine has none cached).
set -euo pipefail
cd "$(dirname "$0")/.."

readonly LINUX_ONLY='^(gtk|gtk-sys|gdk|gdk-sys|webkit2gtk|webkit2gtk-sys|javascriptcore-rs|soup3|soup3-sys|zbus|libdbus-sys|dbus)$'
fail() { echo "check-portable: $*" >&2; exit 1; }

for target in x86_64-pc-windows-msvc aarch64-apple-darwin; do
  crates=$(cargo tree --locked --target "$target" -p datastar-desktop \
    -e normal,build --prefix none --format '{p}' | cut -d' ' -f1 | sort -u) \
    || fail "the graph does not resolve for $target"
  found=$(grep -E "$LINUX_ONLY" <<<"$crates" || true)
  [ -z "$found" ] || fail "Linux-only crates in the graph for $target: $(echo $found)"
  echo "check-portable: $target resolves, with no Linux-only crate ($(wc -l <<<"$crates") crates)"
done
