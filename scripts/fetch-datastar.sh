#!/usr/bin/env bash
# Fetches the official Datastar v1.0.2 client into ui/vendor/datastar.js.
#
# Datastar's client is not on npm past 1.0.0-beta.11; the v1.0.2 bundle ships inside the
# `rama-http` 0.4.0 crate, so cargo itself downloads it from crates.io. The file is
# third-party code: it is git-ignored, verified here and again by ui/build.rs.
set -euo pipefail

readonly SHA256=2837d87acf6ee0ba8e4e63765926c25a98d63883b02f88be194a86b81d3fd24a
readonly CRATE=rama-http-0.4.0
readonly INNER=$CRATE/src/service/web/endpoint/response/datastar.js

cd "$(dirname "$0")/.."
dest=ui/vendor/datastar.js

# GNU coreutils on Linux and in Git Bash on Windows; macOS has Perl's `shasum`.
has_sha256() {
  if command -v sha256sum >/dev/null; then
    echo "$SHA256  $1" | sha256sum --check --status
  else
    echo "$SHA256  $1" | shasum -a 256 --check --status
  fi
}

if [ -f "$dest" ] && has_sha256 "$dest"; then
  exit 0
fi

cargo_home=${CARGO_HOME:-$HOME/.cargo}
find_crate() { compgen -G "$cargo_home/registry/cache/*/$CRATE.crate" | head -n 1; }

archive=$(find_crate || true)
if [ -z "$archive" ]; then
  echo "Fetching the Datastar v1.0.2 client from crates.io ($CRATE)..."
  # `cargo info` downloads the .crate into the registry cache as a side effect.
  (cd "${TMPDIR:-/tmp}" && cargo info --quiet rama-http@0.4.0 >/dev/null)
  archive=$(find_crate || true)
fi
if [ -z "$archive" ]; then
  echo "error: cargo did not download $CRATE.crate into $cargo_home/registry/cache" >&2
  exit 1
fi

mkdir -p "$(dirname "$dest")"
tmp=$(mktemp "$dest.XXXXXX")
trap 'rm -f "$tmp"' EXIT
tar -xzOf "$archive" "$INNER" >"$tmp"
if ! has_sha256 "$tmp"; then
  echo "error: $INNER in $archive does not have the expected SHA-256 $SHA256" >&2
  exit 1
fi
mv "$tmp" "$dest"
echo "Datastar v1.0.2 client ready in $dest"
