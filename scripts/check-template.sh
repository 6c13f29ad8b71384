#!/usr/bin/env bash
# The repository as a cargo-generate template (cargo-generate.toml): generates a project from a
# copy of this checkout, offline, and checks that nothing in it names this project, that it
# trusts no key of ours, and that it passes its own checks: fmt, clippy, its server's and its
# desktop app's builds, its server's tests and its desktop app's unit tests, its headless
# server answering the roundtrip, and `make keys`. Then it plants a file that names this
# project in a spelling the template does not rewrite, and checks that the scan finds it, with
# its file and line.
#
# The generated project builds into this checkout's target directory: it has the same
# dependencies, so only its own crates compile.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/readiness.sh
source scripts/target-dir.sh

fail() { echo "check-template: $*" >&2; exit 1; }
say() { echo "check-template: $*"; }

readonly NAME=acme-notes PRODUCT="Acme Notes"
IDENTIFIER=com.acme.notes
# Every spelling of this project's identity, in any case; Datastar, the library, is fine.
readonly OURS='datastar[-_ ]?desktop|datastar[-_]ui|datastar[-_]headless'

# The template's own tool first: formatted, linted, unit-tested.
rename=template/rename/Cargo.toml
cargo fmt --manifest-path "$rename" -- --check
cargo clippy --quiet --locked --manifest-path "$rename" --all-targets -- -D warnings
cargo test --quiet --locked --manifest-path "$rename"

work=$(mktemp -d "${TMPDIR:-/tmp}/check-template.XXXXXX")
pid=
trap '[ -z "$pid" ] || kill "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT

# What a fresh clone holds: the tracked files, and new ones not yet committed.
copy_checkout() {
  mkdir -p "$1"
  git ls-files -z --cached --others --exclude-standard \
    | while IFS= read -r -d '' file; do [ -e "$file" ] && printf '%s\0' "$file"; done \
    | xargs -0 cp --parents -t "$1"
}

# generate TEMPLATE DESTINATION: the command the README gives, offline, with no prompt.
generate() {
  mkdir -p "$2"
  # Built without git, cargo-generate takes the author's name from USER, which a container's
  # shell may not set.
  USER=${USER:-$(id -un)} CARGO_NET_OFFLINE=true CARGO_TARGET_DIR=$TARGET_DIR cargo generate --path "$1" \
    --destination "$2" --name "$NAME" --silent --vcs none --allow-commands \
    -d product_name="$PRODUCT" -d identifier="$IDENTIFIER" >"$work/generate.log" 2>&1
}
generated() { fail "cargo generate failed: $(cat "$work/generate.log")"; }

# Prints each line of the tree under $1 that names this project, as FILE:LINE: TEXT.
names_left() {
  grep -rnIiE "$OURS" "$1" | sed "s|^$1/||" || true
}

say "generating $NAME"
copy_checkout "$work/template"
# An identifier names directories and the .desktop entry: one that is not reverse-DNS is
# refused before anything is written.
if IDENTIFIER=NotDns generate "$work/template" "$work/refused"; then
  fail "the identifier NotDns was accepted"
fi
grep -q '"NotDns" is not a valid value for identifier' "$work/generate.log" \
  || fail "the refusal of NotDns did not say why: $(cat "$work/generate.log")"
generate "$work/template" "$work/out" || generated
app=$work/out/$NAME
[ -d "$app" ] || fail "no $app"

left=$(names_left "$app")
[ -z "$left" ] || fail "the generated project still names this project:"$'\n'"$left"
files_left=$(cd "$app" && find . | grep -iE "$OURS" || true)
[ -z "$files_left" ] || fail "files still named after this project: $files_left"
for gone in template cargo-generate.toml bench BENCHMARKS.md tests/docs-check docs/screenshots \
  docs/template.md docs/testing.md docs/architecture.md; do
  [ ! -e "$app/$gone" ] || fail "the generated project has this project's $gone"
done
cargo run --quiet --locked -p docs-check -- "$app" \
  || fail "the generated project's docs link to what it does not have"
our_key=$(node -p 'require("./tauri.conf.json").plugins.updater.pubkey')
! grep -rqF "$our_key" "$app" || fail "the generated project holds this project's updater key"
config=$(node -p '
  const c = require(process.argv[1]);
  JSON.stringify([c.productName, c.mainBinaryName, c.identifier, c.plugins.updater.pubkey])
' "$app/tauri.conf.json")
[ "$config" = "[\"$PRODUCT\",\"$NAME\",\"$IDENTIFIER\",\"\"]" ] \
  || fail "tauri.conf.json's name, binary, identifier and updater key: $config"
grep -q "^# $PRODUCT\$" "$app/README.md" || fail "the README does not start from $PRODUCT"
say "nothing names this project; $PRODUCT, $IDENTIFIER, no updater key"

say "its own checks"
# One `&&` chain: `set -e` does not hold in a subshell whose status `||` tests, so without it
# only the last command's failure would count.
(
  cd "$app" &&
    export CARGO_TARGET_DIR=$TARGET_DIR CARGO_NET_OFFLINE=true &&
    scripts/fetch-datastar.sh &&
    cargo fmt --all -- --check &&
    # Selected as `make test` selects this project's packages, so that cargo resolves the
    # same features and reuses every dependency it built: a `cargo build` of one package
    # alone, without its tests' dependencies, would build half the graph again.
    cargo clippy --quiet --workspace --all-targets --locked -- -D warnings &&
    # Its server's tests, which build its headless server.
    cargo test --quiet --locked --workspace --exclude "$NAME" &&
    # Its desktop app, built beside its tests, and its unit tests, which read its docs (the
    # menu, the log, the limits they state). The tests that drive its window are this
    # project's own, in `make test`: the same code under another name.
    cargo test --quiet --locked -p "$NAME" --lib --bins --test desktop --no-run &&
    cargo test --quiet --locked -p "$NAME" --lib &&
    { [ -x "$CARGO_TARGET_DIR/debug/$NAME" ] || { echo "no desktop app at debug/$NAME" >&2; false; }; }
) || fail "the generated project's own checks failed"

say "its headless server answers the roundtrip"
"$TARGET_DIR/debug/$NAME-headless" --port 0 --in-memory >"$work/out.txt" 2>"$work/err.txt" &
pid=$!
url=$(url_when_ready "$work/out.txt") || fail "no readiness line: $(cat "$work/err.txt")"
base=${url%%\?*}
jar=$work/cookies
page=$(curl -sfL -c "$jar" -b "$jar" "$url") || fail "cannot sign in at $url"
[[ "$page" == *"<title>$PRODUCT</title>"* ]] || fail "the page is not $PRODUCT's"
answer=$(curl -sf -b "$jar" -H 'Datastar-Request: true' -G "${base}get" \
  --data-urlencode 'datastar={"input":"hello"}') || fail "the roundtrip failed"
[[ "$answer" == *"Your input: hello, is 5 long."* ]] || fail "the roundtrip answered: $answer"
kill "$pid"
wait "$pid" 2>/dev/null || true
pid=

say "make keys gives it a key of its own"
# Its node_modules would be this checkout's: the Tauri CLI is taken from here.
tauri_cli=$PWD/node_modules/.bin
(
  cd "$app" &&
    PATH=$tauri_cli:$PATH KEY_FILE=$work/keys/$NAME.key scripts/keys.sh >/dev/null
) || fail "make keys failed"
public=$(cat "$work/keys/$NAME.key.pub")
[ "$(node -p 'require(process.argv[1]).plugins.updater.pubkey' "$app/tauri.conf.json")" = "$public" ] \
  || fail "make keys did not write the new public key"

say "a new file that names this project is found, with its file and line"
copy_checkout "$work/drifted"
printf 'one\nthe DataStar-Desktop way\n' >"$work/drifted/ui/assets/planted.txt"
generate "$work/drifted" "$work/drifted-out" || generated
left=$(names_left "$work/drifted-out/$NAME")
[ "$left" = "ui/assets/planted.txt:2:the DataStar-Desktop way" ] \
  || fail "the scan should find only the planted line, found: $left"
say "ok"
