#!/usr/bin/env bash
# Checks that release builds carry no live-reload code: the headless server answers 404 on
# the reload route and serves the embedded page, and neither binary contains the route; and
# that the desktop app does not read the debug builds' update endpoint override.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/readiness.sh
source scripts/target-dir.sh

# The route, read from its one definition.
readonly SOURCE=ui/src/page/live_reload.rs
RELOAD_PATH=$(sed -n 's/^pub const LIVE_RELOAD_PATH: &str = "\(.*\)";$/\1/p' "$SOURCE")
readonly RELOAD_PATH
# The debug builds' update endpoint override, likewise.
ENDPOINT_VARIABLE=$(sed -n 's/^pub const ENDPOINT_VARIABLE: &str = "\(.*\)";$/\1/p' src-tauri/updates.rs)
readonly ENDPOINT_VARIABLE
fail() { echo "check-release: $*" >&2; exit 1; }
[ -n "$RELOAD_PATH" ] || fail "no LIVE_RELOAD_PATH in $SOURCE"
[ -n "$ENDPOINT_VARIABLE" ] || fail "no ENDPOINT_VARIABLE in src-tauri/updates.rs"

cargo build --release --locked --quiet -p datastar-ui --bin datastar-headless
headless=$TARGET_DIR/release/datastar-headless
desktop=$TARGET_DIR/release/datastar-desktop
[ -x "$desktop" ] || fail "no $desktop: run \`make bundle\` first"

for binary in "$headless" "$desktop"; do
  if grep -aq "$RELOAD_PATH" "$binary"; then fail "$binary contains $RELOAD_PATH"; fi
done
if grep -aq "$ENDPOINT_VARIABLE" "$desktop"; then fail "$desktop reads $ENDPOINT_VARIABLE"; fi

workdir=$(mktemp -d)
"$headless" --port 0 --in-memory >"$workdir/out" 2>"$workdir/err" &
pid=$!
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$workdir"' EXIT
url=$(url_when_ready "$workdir/out") || fail "no readiness line: $(cat "$workdir/out" "$workdir/err")"
origin=${url%%/\?*}

jar="$workdir/cookies"
page=$(curl -sfL -c "$jar" -b "$jar" "$url") || fail "cannot sign in at $url"
[[ "$page" == *"Send State Roundtrip"* ]] || fail "unexpected page"
[[ "$page" != *"${RELOAD_PATH#/}"* ]] || fail "the release page has the live-reload hook"
status=$(curl -s -o /dev/null -w '%{http_code}' -b "$jar" -H 'Datastar-Request: true' "$origin$RELOAD_PATH")
[ "$status" = 404 ] || fail "$RELOAD_PATH answered $status in a release build"
echo "check-release: no live reload in release builds ($RELOAD_PATH answers 404)"
